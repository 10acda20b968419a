import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// A node on a manual clock reads no other time: what the clock says is what
/// commands, expiry and the statistics see.
final class NodeClockTests: XCTestCase {
    /// 2023-11-14 22:13:20.123456 UTC.
    let start: Int64 = 1_700_000_000_123_456

    func testTimeReportsTheInjectedClock() throws {
        let h = try Harness(clock: NodeClock(manualWallUs: start))
        XCTAssertEqual(h.call("TIME"), .array([.bulkString(Array("1700000000".utf8)), .bulkString(Array("123456".utf8))]))
    }

    func testKeyExpiresOnlyWhenTheManualClockPassesItsDeadline() throws {
        let clock = NodeClock(manualWallUs: start)
        let h = try Harness(clock: clock)
        XCTAssertEqual(h.call("SET", "k", "v", "PX", "100"), .ok)
        clock.advance(us: 99_000)
        XCTAssertEqual(h.call("GET", "k"), .bulkString(Array("v".utf8)))
        XCTAssertEqual(h.call("PTTL", "k"), .integer(1))
        clock.advance(us: 2_000)
        XCTAssertEqual(h.call("GET", "k"), .nilBulk)
    }

    func testCommandDurationsComeFromTheClock() throws {
        // A standing clock: every command takes zero microseconds.
        let h = try Harness(clock: NodeClock(manualWallUs: start))
        h.call("SET", "a", "1")
        h.call("GET", "a")
        XCTAssertEqual(h.server.commands.lookup(Array("get".utf8))?.microseconds, 0)
        XCTAssertEqual(h.server.commands.lookup(Array("set".utf8))?.calls, 1)
    }

    func testUptimeFollowsTheMonotonicReading() throws {
        let clock = NodeClock(manualWallUs: start, monotonicUs: 5_000_000)
        let h = try Harness(clock: clock)
        clock.advance(us: 7_000_000)
        guard case .bulkString(let b?) = h.call("INFO", "server") else { return XCTFail("no INFO reply") }
        let info = String(decoding: b, as: UTF8.self)
        XCTAssertTrue(info.contains("uptime_in_seconds:7\r\n"), info)
        XCTAssertTrue(info.contains("server_time_usec:1700000007123456\r\n"), info)
    }
}
