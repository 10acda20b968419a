import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// Links: what the core sends on connect, and the periodic PING/INFO/hello.
final class CoreLinkTests: XCTestCase {
    func testStartWithoutIdPicksOneFlushesAndAnnouncesMasters() throws {
        let h = try CoreHarness(myid: nil)
        XCTAssertEqual(h.core.myid.count, 40)
        XCTAssertTrue(h.core.myid.allSatisfy { "0123456789abcdef".contains($0) })
        XCTAssertEqual(h.flushes(in: h.effects), 1)
        XCTAssertEqual(h.events(), ["+monitor master mymaster 127.0.0.1 6379 quorum 2"])
        XCTAssertTrue(h.effects.contains(.log(level: .warning, text: "Sentinel ID is \(h.core.myid)")))
    }

    func testSameSeedSameId() throws {
        let a = try CoreHarness(myid: nil, seed: 7), b = try CoreHarness(myid: nil, seed: 7)
        XCTAssertEqual(a.core.myid, b.core.myid)
    }

    func testConfiguredIdIsNotFlushed() throws {
        let h = try CoreHarness()
        XCTAssertEqual(h.core.myid, CoreHarness.myid)
        XCTAssertEqual(h.flushes(in: h.effects), 0)
    }

    func testFirstTickOpensCommandAndPubsubLinksWithNamesAuthAndSubscribe() throws {
        let h = try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel auth-pass mymaster s3cret\nsentinel auth-user mymaster bob\n")
        let e = h.advance(100)
        let conns = h.connects(in: e)
        XCTAssertEqual(conns.count, 2)
        XCTAssertTrue(conns.allSatisfy { $0.host == "127.0.0.1" && $0.port == 6379 })
        let cc = conns[0].conn, pc = conns[1].conn
        XCTAssertEqual(h.sends(in: e, conn: cc).map(\.args), [
            ["AUTH", "bob", "s3cret"], ["CLIENT", "SETNAME", "sentinel-01234567-cmd"], ["PING"], ["INFO"],
        ])
        XCTAssertEqual(h.sends(in: e, conn: pc).map(\.args), [
            ["AUTH", "bob", "s3cret"], ["CLIENT", "SETNAME", "sentinel-01234567-pubsub"], ["SUBSCRIBE", "__sentinel__:hello"],
        ])
        XCTAssertFalse(h.master.link.disconnected)
        XCTAssertEqual(h.master.link.pendingCommands, 6, "SUBSCRIBE is not counted")
    }

    func testRenameCommandAppliesToLinkCommands() throws {
        let h = try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel rename-command mymaster PING PONG2\nsentinel rename-command mymaster client cl\n")
        let e = h.advance(100)
        let cmds = h.sends(in: e).map { $0.args[0] }
        XCTAssertTrue(cmds.contains("PONG2"))
        XCTAssertTrue(cmds.contains("cl"))
        XCTAssertFalse(cmds.contains("PING"))
    }

    func testHelloEveryPublishPeriodWithFieldsInOrder() throws {
        let h = try CoreHarness()
        h.core.port = 26390
        let e = h.advance(100)
        h.connectAll(e)
        h.answer(e, info: { _ in CoreHarness.masterInfo(replicas: []) })
        var hellos: [[String]] = []
        for _ in 0..<50 {
            let step = h.advance(100)
            h.answer(step, info: { _ in CoreHarness.masterInfo(replicas: []) })
            hellos += h.sends(in: step).filter { $0.args.first == "PUBLISH" }.map(\.args)
        }
        // 5 s: created at t0, first hello after 2 s, then every 2 s (plus one tick).
        XCTAssertEqual(hellos.count, 2)
        XCTAssertEqual(hellos[0], ["PUBLISH", "__sentinel__:hello",
                                   "127.0.0.1,26390,\(CoreHarness.myid),0,mymaster,127.0.0.1,6379,0"])
    }

    func testAnnounceIpAndPortInHello() throws {
        let h = try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel announce-ip 10.0.0.9\nsentinel announce-port 5555\n")
        let e = h.advance(100)
        h.connectAll(e)
        let later = h.advance(2100)
        let hello = h.sends(in: later).first { $0.args.first == "PUBLISH" }
        XCTAssertEqual(hello?.args[2], "10.0.0.9,5555,\(CoreHarness.myid),0,mymaster,127.0.0.1,6379,0")
    }

    func testInfoEveryTenSecondsOncAnswered() throws {
        let h = try CoreHarness()
        var infos = 0
        let first = h.advance(100)
        h.connectAll(first)
        h.answer(first, info: { _ in CoreHarness.masterInfo(replicas: []) })
        infos += h.sends(in: first).filter { $0.args == ["INFO"] }.count
        for _ in 0..<250 {
            let e = h.advance(100)
            h.answer(e, info: { _ in CoreHarness.masterInfo(replicas: []) })
            infos += h.sends(in: e).filter { $0.args == ["INFO"] }.count
        }
        // t=0.1 s, then every 10 s (plus one tick): 10.2 and 20.3.
        XCTAssertEqual(infos, 3)
    }

    func testPingOncePerSecondWhenAnswered() throws {
        let h = try CoreHarness()
        let first = h.advance(100)
        h.connectAll(first)
        h.answer(first)
        var pings = 0
        for _ in 0..<100 {
            let e = h.advance(100)
            h.answer(e)
            pings += h.sends(in: e).filter { $0.args == ["PING"] }.count
        }
        XCTAssertTrue((9...10).contains(pings), "\(pings) PINGs in 10 s")
    }

    func testReconnectAfterCloseAtMostOncePerPingPeriod() throws {
        let h = try CoreHarness()
        let first = h.advance(100)
        let cc = h.connects(in: first)[0].conn
        h.closed(conn: cc, reason: "connection refused")
        h.drain()
        XCTAssertTrue(h.master.link.disconnected)
        XCTAssertNil(h.master.link.cc)
        XCTAssertTrue(h.connects(in: h.advance(500)).isEmpty)
        let again = h.advance(600)
        XCTAssertEqual(h.connects(in: again).count, 1, "only the command link is missing")
    }

    func testRepliesOnClosedConnectionAreIgnored() throws {
        let h = try CoreHarness()
        let first = h.advance(100)
        let cc = h.connects(in: first)[0].conn
        h.closed(conn: cc, reason: "reset")
        h.reply(conn: cc, tag: .info(uid: h.master.uid), value: .bulk(CoreHarness.masterInfo(replicas: [("127.0.0.1", 7000)])))
        XCTAssertEqual(h.master.replicas.count, 0)
    }

    func testSubscribeErrorDropsPubsubLink() throws {
        let h = try CoreHarness()
        let first = h.advance(100)
        let pc = h.connects(in: first)[1].conn
        h.reply(conn: pc, tag: .subscribe(uid: h.master.uid), value: .err("NOAUTH Authentication required."))
        let e = h.drain()
        XCTAssertTrue(e.contains(.close(conn: pc)))
        XCTAssertTrue(h.master.link.disconnected)
    }

    func testIdleCommandLinkIsKilledAfterHalfDownAfter() throws {
        let h = try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 60000\n")
        let first = h.advance(100)
        h.connectAll(first)
        let cc = h.connects(in: first)[0].conn
        // No reply at all: killed once the link is 15 s old and the ping pending > 30 s.
        let e = h.advance(31_000)
        XCTAssertTrue(e.contains(.close(conn: cc)))
    }

    func testPendingCommandLimitStopsPeriodicCommands() throws {
        let h = try CoreHarness()
        let first = h.advance(100)
        h.connectAll(first)
        // INFO is resent each tick until answered; the pile stops at 100.
        h.advance(20_000)
        XCTAssertLessThanOrEqual(h.master.link.pendingCommands, 101)
    }
}
