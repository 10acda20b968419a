import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// SDOWN, ODOWN, TILT, and answering is-master-down-by-addr.
final class CoreDownTests: XCTestCase {
    let s1 = "ffffffffffffffffffffffffffffffffffffff01"
    let s2 = "ffffffffffffffffffffffffffffffffffffff02"

    /// Connected to the master, INFO answered, two other sentinels known and connected.
    func setUpDeployment() throws -> CoreHarness {
        let h = try CoreHarness()
        let e = h.advance(100)
        h.connectAll(e)
        h.answer(e, info: { _ in CoreHarness.masterInfo(replicas: []) })
        for (i, id) in [s1, s2].enumerated() {
            h.receiveHello("127.0.0.1,\(26400 + i),\(id),0,mymaster,127.0.0.1,6379,0")
        }
        h.drain()
        let t = h.advance(100)
        h.connectAll(t)
        h.answer(t)
        return h
    }

    /// Runs `ms` with the master answering nothing and sentinels answering PINGs
    /// and is-master-down with `down`.
    func run(_ h: CoreHarness, _ ms: Int64, masterAnswers: Bool, othersSayDown: Bool) -> [SentinelEffect] {
        var all: [SentinelEffect] = []
        var left = ms
        while left > 0 {
            left -= 100
            let e = h.advance(100)
            all += e
            for s in h.sends(in: e) {
                let isMaster = s.conn == h.master.link.cc || s.conn == h.master.link.pc
                if isMaster && !masterAnswers { continue }
                switch s.tag {
                case .isMasterDown:
                    h.reply(conn: s.conn, tag: s.tag, value: .array([.integer(othersSayDown ? 1 : 0), .bulk("*"), .integer(0)]))
                case .ping: h.reply(conn: s.conn, tag: s.tag, value: .simple("PONG"))
                case .info: h.reply(conn: s.conn, tag: s.tag, value: .bulk(CoreHarness.masterInfo(replicas: [])))
                default: h.reply(conn: s.conn, tag: s.tag, value: .integer(1))
                }
            }
            all += h.drain()
        }
        return all
    }

    func testSubjectiveDownAfterDownAfterMilliseconds() throws {
        let h = try setUpDeployment()
        var e = run(h, 4000, masterAnswers: false, othersSayDown: false)
        XCTAssertFalse(h.events(in: e).contains { $0.hasPrefix("+sdown master") })
        e = run(h, 3000, masterAnswers: false, othersSayDown: false)
        XCTAssertTrue(h.events(in: e).contains("+sdown master mymaster 127.0.0.1 6379"))
        XCTAssertTrue(h.master.flags.contains(.sDown))
        // Only one sentinel (us) of quorum 2: no ODOWN.
        XCTAssertFalse(h.master.flags.contains(.oDown))
        e = run(h, 1000, masterAnswers: true, othersSayDown: false)
        XCTAssertTrue(h.events(in: e).contains("-sdown master mymaster 127.0.0.1 6379"))
        XCTAssertNotEqual(h.master.sDownSinceTime, 0, "kept after -sdown")
    }

    func testAsksOtherSentinelsWhileDownOncePerAskPeriod() throws {
        let h = try setUpDeployment()
        let e = run(h, 8000, masterAnswers: false, othersSayDown: false)
        let asks = h.sends(in: e).filter { $0.args.count > 1 && $0.args[1] == "is-master-down-by-addr" }
        XCTAssertFalse(asks.isEmpty)
        XCTAssertEqual(asks[0].args, ["SENTINEL", "is-master-down-by-addr", "127.0.0.1", "6379", "0", "*"])
        // Down from ~5.1 s to 8 s: about 3 rounds to each of 2 sentinels.
        XCTAssertTrue((4...8).contains(asks.count), "\(asks.count) asks")
    }

    func testObjectiveDownWithQuorumAndBackUp() throws {
        let h = try setUpDeployment()
        var e = run(h, 7000, masterAnswers: false, othersSayDown: true)
        let ev = h.events(in: e)
        XCTAssertTrue(ev.contains("+sdown master mymaster 127.0.0.1 6379"))
        XCTAssertTrue(ev.contains { $0.hasPrefix("+odown master mymaster 127.0.0.1 6379 #quorum ") && $0.hasSuffix("/2") })
        XCTAssertTrue(h.master.flags.contains(.oDown))
        let flags = CoreHarness.pairs(CoreHarness.value(h.command("MASTER", "mymaster"))).first { $0.0 == "flags" }?.1
        // ODOWN starts a failover attempt (nobody votes here, so it waits in wait_start).
        XCTAssertEqual(flags, "s_down,o_down,master,failover_in_progress")
        e = run(h, 2000, masterAnswers: true, othersSayDown: false)
        XCTAssertTrue(h.events(in: e).contains("-sdown master mymaster 127.0.0.1 6379"))
        XCTAssertTrue(h.events(in: e).contains("-odown master mymaster 127.0.0.1 6379"))
    }

    func testMasterDownAnswersExpire() throws {
        let h = try setUpDeployment()
        _ = run(h, 7000, masterAnswers: false, othersSayDown: true)
        XCTAssertTrue(h.master.sentinels.all.allSatisfy { $0.flags.contains(.masterDown) })
        // Sentinels stop answering: their "down" answer expires after 5 ask periods.
        for s in h.master.sentinels { h.closed(conn: s.link.cc!, reason: "gone") }
        h.advance(5200)
        XCTAssertTrue(h.master.sentinels.all.allSatisfy { !$0.flags.contains(.masterDown) })
        XCTAssertFalse(h.master.flags.contains(.oDown))
    }

    func testMasterReportingReplicaRoleGoesDown() throws {
        let h = try setUpDeployment()
        let info = CoreHarness.replicaInfo(masterHost: "127.0.0.1", masterPort: 9999)
        var sdown = false
        for _ in 0..<400 {
            let e = h.advance(100)
            h.answer(e, info: { _ in info })
            if h.events(in: e).contains("+sdown master mymaster 127.0.0.1 6379") { sdown = true; break }
        }
        XCTAssertTrue(sdown)
        // down-after (5 s) + 2 info periods (20 s) after the role was first reported (at the 10 s INFO).
        XCTAssertGreaterThan(h.now - 1_000_000, 35_000)
    }

    func testLoadingAndMasterdownAreValidPingRepliesOthersAreNot() throws {
        for (reply, valid) in [(RESPValue.err("LOADING Redis is loading the dataset in memory"), true),
                               (.err("MASTERDOWN Link with MASTER is down"), true),
                               (.err("NOAUTH Authentication required."), false),
                               (.err("MISCONF bad"), false), (.integer(1), false)] {
            let h = try CoreHarness()
            let e = h.advance(100)
            h.connectAll(e)
            var sawDown = false
            for _ in 0..<70 {
                let s = h.advance(100)
                h.answer(s, ping: reply)
                if h.master.flags.contains(.sDown) { sawDown = true }
            }
            XCTAssertEqual(sawDown, !valid, "\(reply)")
        }
    }

    func testBusyReplySendsScriptKillOnceWhileDown() throws {
        let h = try CoreHarness()
        let e = h.advance(100)
        h.connectAll(e)
        for _ in 0..<100 {
            let s = h.advance(100)
            h.answer(s, ping: .err("BUSY Redis is busy running a script."))
        }
        let kills = h.sends(in: h.effects).filter { $0.args == ["SCRIPT", "KILL"] }.count
        XCTAssertEqual(kills, 1)
        XCTAssertTrue(h.master.flags.contains(.scriptKillSent))
    }

    func testTiltOnClockJumpSuspendsDownChecks() throws {
        let h = try setUpDeployment()
        h.advance(to: h.now + 5000)
        XCTAssertTrue(h.events(in: h.drain()).contains("+tilt #tilt mode entered"))
        XCTAssertTrue(h.core.tilt)
        // The master stops answering: no SDOWN while in TILT.
        var e = run(h, 20_000, masterAnswers: false, othersSayDown: false)
        XCTAssertFalse(h.events(in: e).contains { $0.hasPrefix("+sdown") })
        // is-master-down answers 0 in TILT.
        XCTAssertEqual(CoreHarness.value(h.command("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "6379", "0", "*")),
                       .array([.integer(0), .bulk("*"), .integer(0)]))
        e = run(h, 11_000, masterAnswers: false, othersSayDown: false)
        let ev = h.events(in: e)
        XCTAssertTrue(ev.contains("-tilt #tilt mode exited"))
        XCTAssertTrue(ev.contains("+sdown master mymaster 127.0.0.1 6379"))
    }

    func testBackwardsClockEntersTilt() throws {
        let h = try CoreHarness()
        h.advance(to: h.now - 10)
        XCTAssertTrue(h.core.tilt)
    }

    func testIsMasterDownByAddrAnswersAndVotes() throws {
        let h = try setUpDeployment()
        XCTAssertEqual(CoreHarness.value(h.command("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "6379", "0", "*")),
                       .array([.integer(0), .bulk("*"), .integer(0)]))
        XCTAssertEqual(CoreHarness.value(h.command("IS-MASTER-DOWN-BY-ADDR", "10.0.0.1", "6379", "0", "*")),
                       .array([.integer(0), .bulk("*"), .integer(0)]))
        XCTAssertEqual(h.command("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "x", "0", "*"),
                       .value(.err("ERR value is not an integer or out of range")))
        _ = run(h, 7000, masterAnswers: false, othersSayDown: false)
        XCTAssertEqual(CoreHarness.value(h.command("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "6379", "0", "*")),
                       .array([.integer(1), .bulk("*"), .integer(0)]))
        // A vote request for epoch 1: adopted epoch, one vote, flushed.
        let before = h.effects.count
        XCTAssertEqual(CoreHarness.value(h.command("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "6379", "1", s1)),
                       .array([.integer(1), .bulk(s1), .integer(1)]))
        let e = Array(h.effects[before...])
        XCTAssertEqual(h.events(in: e), ["+new-epoch 1", "+vote-for-leader \(s1) 1"])
        XCTAssertEqual(h.flushes(in: e), 2)
        XCTAssertEqual(h.master.leaderEpoch, 1)
        // Another candidate in the same epoch gets our earlier vote back.
        XCTAssertEqual(CoreHarness.value(h.command("IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "6379", "1", s2)),
                       .array([.integer(1), .bulk(s1), .integer(1)]))
        XCTAssertGreaterThan(h.master.failoverStartTime, 0, "voting for another delays our own attempt")
    }

    func testWellFormedAnswersOnlyAreUsed() throws {
        let h = try setUpDeployment()
        let s = h.master.sentinels.all[0]
        for bad: RESPValue in [.array([.integer(1), .bulk("*")]), .array([.bulk("1"), .bulk("*"), .integer(0)]),
                               .err("ERR unknown"), .array([.integer(1), .simple("*"), .integer(0)])] {
            h.reply(conn: s.link.cc!, tag: .isMasterDown(uid: s.uid), value: bad)
        }
        XCTAssertFalse(s.flags.contains(.masterDown))
        h.reply(conn: s.link.cc!, tag: .isMasterDown(uid: s.uid), value: .array([.integer(1), .bulk(s2), .integer(4)]))
        XCTAssertTrue(s.flags.contains(.masterDown))
        XCTAssertEqual(s.leader, s2)
        XCTAssertEqual(s.leaderEpoch, 4)
    }
}
