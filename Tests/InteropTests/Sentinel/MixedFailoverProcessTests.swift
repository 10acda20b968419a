import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Two vigil-sentinels and one real redis-sentinel fail over one real
/// deployment together: whichever kind leads, all three agree, and each kind
/// can be voted into leadership by the other.
final class MixedFailoverProcessTests: XCTestCase {
    func testMixedQuorumAgreesAfterKillAndFollowsARedisSentinelLeader() throws {
        let (d, sentinels) = try deployMixed()
        defer { d.tearDown() }
        let (best, other) = (d.replicaPorts[0], d.replicaPorts[1])
        let real = sentinels[2]

        // 1. SIGKILL: the election may go either way; the outcome may not.
        let (watcher, killed) = try d.killMasterExpectingSwitch(sentinels, from: d.masterPort, to: best)
        defer {
            watcher.printTraceIfAsked(since: killed)
            watcher.close()
        }
        XCTAssertEqual(LocalDeployment.leaders(watcher).count, 1, "one leader")
        try d.waitForReplica(other, following: best, pumping: watcher)
        d.expectNewMasterStaysUp(watcher, sentinels, port: best, since: killed)

        // 2. The real sentinel leads a forced failover; the vigil-sentinels follow its hello.
        try LocalDeployment.waitUntil(10, "redis-sentinel sees \(other) as a promotable replica of \(best)") {
            (try real.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).contains {
                let p = LocalDeployment.pairs($0)
                return p.contains { $0 == ("name", "127.0.0.1:\(other)") } && p.contains { $0 == ("master-port", String(best)) }
                    && p.contains { $0 == ("master-link-status", "ok") }
            }
        }
        let start = Date()
        XCTAssertEqual(try real.call("SENTINEL", "FAILOVER", d.masterName), .simple("OK"))
        try d.expectSwitch(watcher, sentinels, from: best, to: other, since: start)
        XCTAssertEqual(watcher.events.filter { $0.type == "+elected-leader" && $0.at >= start }.map(\.node), [real.label])
        for n in sentinels.prefix(2) {
            XCTAssertNotNil(watcher.first(n.label, "+config-update-from", after: start), "\(n.label) switched on the leader's hello")
        }
        XCTAssertEqual(try LocalDeployment.replication(port: other)["role"], "master")
    }

    func testVigilSentinelsVoteARedisSentinelIntoLeadership() throws {
        try electionWithUnreachableQuorum(on: [0, 1], leaderAmong: [2])
    }

    func testRedisSentinelVotesAVigilSentinelIntoLeadership() throws {
        try electionWithUnreachableQuorum(on: [2], leaderAmong: [0, 1])
    }

    /// Sentinels 0 and 1 are vigil, 2 is redis-sentinel. Quorum 4 on the
    /// `muted` ones (three sentinels can never reach it): only the others see
    /// ODOWN and start an election, which they win only with the muted ones' votes.
    func electionWithUnreachableQuorum(on muted: [Int], leaderAmong leading: [Int]) throws {
        let (d, sentinels) = try deployMixed()
        defer { d.tearDown() }
        let (best, other) = (d.replicaPorts[0], d.replicaPorts[1])
        for i in muted {
            XCTAssertEqual(try sentinels[i].call("SENTINEL", "SET", d.masterName, "quorum", "4"), .simple("OK"))
        }
        let (watcher, killed) = try d.killMasterExpectingSwitch(sentinels, from: d.masterPort, to: best)
        defer {
            watcher.printTraceIfAsked(since: killed)
            watcher.close()
        }
        let leaders = LocalDeployment.leaders(watcher)
        XCTAssertEqual(leaders.count, 1, "one leader")
        let leader = try XCTUnwrap(sentinels.first(where: { $0.label == leaders.first }), "leader \(leaders) is one of ours")
        XCTAssertTrue(leading.map { sentinels[$0].label }.contains(leader.label), "\(leader.label) led")
        for i in muted {
            let n = sentinels[i]
            XCTAssertNotNil(watcher.events.first { $0.node == n.label && $0.type == "+vote-for-leader" && $0.message.hasPrefix(leader.myid + " ") },
                            "\(n.label) voted for \(leader.label)")
            XCTAssertNil(watcher.first(n.label, "+odown", after: killed), "\(n.label) cannot reach quorum 4")
        }
        try d.waitForReplica(other, following: best, pumping: watcher)
        d.expectNewMasterStaysUp(watcher, sentinels, port: best, since: killed)
    }

    /// Vigil, vigil, redis-sentinel over a master and replicas of priority 10 and 20.
    func deployMixed() throws -> (LocalDeployment, [LocalDeployment.Node]) {
        try FailoverProcessTests.deploy(priorities: [10, 20], try LocalDeployment.requireBinaries(), kinds: [.vigil, .vigil, .real])
    }
}
