import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// Starting a failover and electing its leader: votes, majority and quorum,
/// epochs, the election timeout and the retry delay.
final class CoreElectionTests: XCTestCase {
    let myid = CoreHarness.myid
    let m = "master mymaster 127.0.0.1 6379"

    func testFailoverStartsOnODownWithNewEpochAndAsksForVotesAtOnce() throws {
        let w = try FailoverWorld()
        w.killMaster()
        w.run(until: "+try-failover")
        let all = w.h.events()
        let odown = try XCTUnwrap(all.firstIndex { $0.hasPrefix("+odown") })
        XCTAssertEqual(Array(all[(odown + 1)...].prefix(3)), ["+new-epoch 1", "+try-failover \(m)", "+vote-for-leader \(myid) 1"])
        XCTAssertEqual(w.core.currentEpoch, 1)
        XCTAssertEqual(w.master.failoverEpoch, 1)
        // Both sentinels were asked for their vote in epoch 1.
        let asks = w.sent.filter { $0.args.count == 6 && $0.args[1] == "is-master-down-by-addr" && $0.args[5] != "*" }
        XCTAssertEqual(asks.map(\.port).sorted(), [26400, 26401])
        XCTAssertTrue(asks.allSatisfy { Array($0.args[2...]) == ["127.0.0.1", "6379", "1", myid] })
    }

    func testMajorityOfAllKnownSentinelsElects() throws {
        // Five voters: a majority is three. Two others vote for us, two never answer with a vote.
        let w = try FailoverWorld(quorum: 2, sentinels: 4)
        w.peers[26402]!.votes = false
        w.peers[26403]!.votes = false
        w.killMaster()
        let seen = w.run(until: "+elected-leader")
        XCTAssertTrue(seen.contains("+elected-leader \(m)"))
        XCTAssertFalse(seen.contains { $0.hasPrefix("-failover-abort") })
    }

    func testWithoutMajorityNobodyIsElectedAndTheAttemptTimesOut() throws {
        // Five voters, only one other votes for us: two votes of the three needed.
        let w = try FailoverWorld(quorum: 2, sentinels: 4)
        for p in [26401, 26402, 26403] { w.peers[p]!.votes = false }
        w.killMaster()
        w.run(until: "+try-failover")
        let start = w.master.failoverStartTime
        let seen = w.run(until: "-failover-abort-not-elected")
        XCTAssertFalse(seen.contains { $0.hasPrefix("+elected-leader") })
        XCTAssertEqual(seen.last, "-failover-abort-not-elected \(m)")
        // min(election-timeout 10 s, failover-timeout 20 s) after the start (jitter included).
        XCTAssertGreaterThan(w.h.now - start, 10000)
        XCTAssertFalse(w.master.flags.contains(.failoverInProgress))
        XCTAssertEqual(w.master.failoverState, .none)
        XCTAssertEqual(w.master.failoverStartTime, start, "kept: the next attempt waits")
    }

    func testQuorumAboveMajorityNeedsQuorumVotes() throws {
        // Three voters (majority 2) but quorum 3: two votes are not enough.
        let w = try FailoverWorld(quorum: 3, sentinels: 2)
        w.peers[26401]!.votesFor = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee"
        w.killMaster()
        let seen = w.run(until: "-failover-abort-not-elected")
        XCTAssertFalse(seen.contains { $0.hasPrefix("+elected-leader") })
    }

    func testQuorumAboveMajorityElectsWithQuorumVotes() throws {
        let w = try FailoverWorld(quorum: 3, sentinels: 2)
        w.killMaster()
        let seen = w.run(until: "+elected-leader")
        XCTAssertFalse(seen.contains { $0.hasPrefix("-failover-abort") })
    }

    func testVotesOfAnotherEpochDoNotCount() throws {
        let w = try FailoverWorld(quorum: 2, sentinels: 4)
        w.core.startFailover(w.master)
        XCTAssertEqual(w.master.failoverEpoch, 1)
        let s = w.master.sentinels.all
        func vote(_ i: Int, epoch: Int64) {
            w.h.reply(conn: s[i].link.cc!, tag: .isMasterDown(uid: s[i].uid),
                      value: .array([.integer(1), .bulk(myid), .integer(epoch)]))
        }
        vote(0, epoch: 1)
        vote(1, epoch: 0)
        XCTAssertNil(w.core.getLeader(w.master, epoch: 1), "two votes of epoch 1 (ours included) out of five voters")
        vote(1, epoch: 1)
        XCTAssertEqual(w.core.getLeader(w.master, epoch: 1), myid)
    }

    func testOurVoteGoesToTheSentinelOthersVotedFor() throws {
        let w = try FailoverWorld(quorum: 2, sentinels: 2)
        let other = w.peers[26400]!.runid
        w.core.startFailover(w.master)
        for s in w.master.sentinels {
            w.h.reply(conn: s.link.cc!, tag: .isMasterDown(uid: s.uid),
                      value: .array([.integer(1), .bulk(other), .integer(1)]))
        }
        w.h.drain()
        XCTAssertEqual(w.core.getLeader(w.master, epoch: 1), other)
        XCTAssertEqual(w.h.events(in: w.h.drain()), ["+vote-for-leader \(other) 1"])
        XCTAssertEqual(w.master.leader, other)
        // Not us: the attempt ends at the election timeout.
        let seen = w.run(until: "-failover-abort-not-elected")
        XCTAssertFalse(seen.contains { $0.hasPrefix("+elected-leader") })
    }

    func testOneVotePerEpochAndStaleRequestsGetTheRecordedVote() throws {
        let w = try FailoverWorld()
        let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40)
        func ask(_ epoch: Int, _ runid: String) -> RESPValue {
            CoreHarness.value(w.h.command("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "6379", String(epoch), runid))
        }
        XCTAssertEqual(ask(3, a), .array([.integer(0), .bulk(a), .integer(3)]))
        XCTAssertEqual(ask(3, b), .array([.integer(0), .bulk(a), .integer(3)]), "one vote per epoch")
        XCTAssertEqual(ask(2, b), .array([.integer(0), .bulk(a), .integer(3)]), "an older epoch changes nothing")
        XCTAssertEqual(w.core.currentEpoch, 3)
        XCTAssertEqual(ask(4, b), .array([.integer(0), .bulk(b), .integer(4)]))
        XCTAssertEqual(w.master.leaderEpoch, 4)
    }

    func testNextAttemptWaitsTwiceTheFailoverTimeout() throws {
        let w = try FailoverWorld(quorum: 2, sentinels: 2)
        for p in w.peers.values { p.votes = false }
        w.killMaster()
        w.run(until: "-failover-abort-not-elected")
        let start = w.master.failoverStartTime
        w.run(1000)
        let delayLogs = w.h.effects.compactMap { e -> String? in
            if case .log(_, let t) = e, t.hasPrefix("Next failover delay: I will not start a failover before ") { return t }
            return nil
        }
        XCTAssertEqual(delayLogs.count, 1, "logged once per attempt")
        w.run(until: "+try-failover", limit: 40000)
        XCTAssertGreaterThanOrEqual(w.h.now - start, 2 * 20000)
        XCTAssertEqual(w.master.failoverEpoch, 2)
    }

    func testCrashAfterElection() throws {
        let w = try FailoverWorld()
        XCTAssertEqual(w.h.command("SIMULATE-FAILURE", "crash-after-election"), .value(.simple("OK")))
        w.killMaster()
        w.run(until: "+elected-leader")
        let tail = w.h.effects.drop { e in
            if case .event(_, "+elected-leader", _) = e { return false }
            return true
        }
        XCTAssertEqual(Array(tail.prefix(3)), [
            .event(level: .warning, type: "+elected-leader", message: "\(describeMaster(w))"),
            .log(level: .warning, text: "Sentinel CRASH because of SENTINEL simulate-failure"),
            .exit(code: 99),
        ])
        XCTAssertFalse(w.h.events().contains { $0.hasPrefix("+failover-state-select-slave") })
    }

    private func describeMaster(_ w: FailoverWorld) -> String { m }
}
