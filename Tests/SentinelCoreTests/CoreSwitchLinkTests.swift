import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// The links of a master whose address just switched: the new address is
/// reached at once, not when the reconnect throttle of the old (dead) one
/// allows, which would make the new master look down a second later.
final class CoreSwitchLinkTests: XCTestCase {
    func testSwitchedMasterIsConnectedAtTheNextTickAndNeverLooksDown() throws {
        let h = try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 1000\n")
        h.connectAll(h.advance(100))
        // The old master dies; the core keeps retrying it once per ping period.
        for conn in [h.master.link.cc, h.master.link.pc].compactMap({ $0 }) {
            h.closed(conn: conn, reason: "connection refused")
        }
        h.drain()
        var retried = false
        for _ in 0..<30 where !retried {
            let e = h.advance(100)
            for c in h.connects(in: e) where c.port == 6379 {
                h.closed(conn: c.conn, reason: "connection refused")
                retried = true
            }
            h.drain()
        }
        XCTAssertTrue(retried)
        // The switch comes in the same millisecond as that retry (a fast failover often does).
        h.core.resetMasterAndChangeAddress(h.master, host: "127.0.0.1", port: 6380)
        h.drain()
        // Ticks 70 ms apart: the one that may reconnect comes after the throttle's 1000 ms.
        let next = h.advance(70, step: 70)
        XCTAssertFalse(h.connects(in: next).filter { $0.port == 6380 }.isEmpty, "no connection to the new master at the next tick")
        h.connectAll(next)
        h.answer(next)
        var later: [SentinelEffect] = []
        for _ in 0..<30 {
            let e = h.advance(70, step: 70)
            h.connectAll(e)
            h.answer(e)
            later += e
        }
        XCTAssertFalse(h.events(in: later).contains { $0.hasPrefix("+sdown master mymaster 127.0.0.1 6380") }, h.events(in: later).joined(separator: "\n"))
    }
}
