import TestSupport
import XCTest
@testable import DataNode

/// FLUSHALL / SWAPDB against a WATCH whose key is expired but not yet deleted
/// (Redis 7.0 touchAllWatchedKeysInDb; each outcome checked against
/// redis-server 7.0.15 with active expiry off).
final class WatchFlushExpiryTests: XCTestCase {
    /// A harness with active expiry off and `other`, a second client that
    /// flushes or swaps while the harness client watches "k" in db 0.
    private func setUp() throws -> (Harness, other: Client) {
        let h = try Harness()
        h.server.activeExpireEnabled = false
        return (h, h.newClient())
    }

    /// Leaves "k" in `db` logically expired but still stored.
    private func storeExpiredKey(_ h: Harness, db: Int, via c: Client) {
        h.call("SELECT", String(db), on: c)
        XCTAssertEqual(h.call("SET", "k", "old", "PX", "100", on: c), .ok)
        h.call("SELECT", "0", on: c)
    }

    private func execReply(_ h: Harness) -> String {
        h.call("MULTI")
        h.call("PING")
        return h.rawString("EXEC")
    }

    func testFlushingKeyExpiredAtWatchTimeIsNoChange() throws {
        let (h, other) = try setUp()
        storeExpiredKey(h, db: 0, via: other)
        h.advanceClock(ms: 200)
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        h.call("FLUSHALL", on: other)
        XCTAssertEqual(execReply(h), "*1\r\n+PONG\r\n")
    }

    func testSwappingMissingKeyForExpiredOneIsNoChange() throws {
        let (h, other) = try setUp()
        storeExpiredKey(h, db: 1, via: other)
        h.advanceClock(ms: 200)
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        h.call("SWAPDB", "0", "1", on: other)
        XCTAssertEqual(execReply(h), "*1\r\n+PONG\r\n")
    }

    func testOverwritingExpiredKeySwappedInAborts() throws {
        let (h, other) = try setUp()
        storeExpiredKey(h, db: 1, via: other)
        h.advanceClock(ms: 200)
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        h.call("SWAPDB", "0", "1", on: other)
        h.call("SET", "k", "new", on: other)
        XCTAssertEqual(execReply(h), "*-1\r\n")
    }

    func testSwappingExpiredKeyForExpiredOneIsNoChange() throws {
        let (h, other) = try setUp()
        storeExpiredKey(h, db: 0, via: other)
        storeExpiredKey(h, db: 1, via: other)
        h.advanceClock(ms: 200)
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        h.call("SWAPDB", "0", "1", on: other)
        XCTAssertEqual(execReply(h), "*1\r\n+PONG\r\n")
    }

    func testSwappingExpiredKeyForMissingOneIsNoChange() throws {
        let (h, other) = try setUp()
        storeExpiredKey(h, db: 0, via: other)
        h.advanceClock(ms: 200)
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        h.call("SWAPDB", "0", "1", on: other)
        XCTAssertEqual(execReply(h), "*1\r\n+PONG\r\n")
    }

    func testSwappingExpiredKeyForLiveOneAborts() throws {
        let (h, other) = try setUp()
        storeExpiredKey(h, db: 0, via: other)
        h.advanceClock(ms: 200)
        h.call("SELECT", "1", on: other)
        h.call("SET", "k", "live", on: other)
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        h.call("SWAPDB", "0", "1", on: other)
        XCTAssertEqual(execReply(h), "*-1\r\n")
    }

    func testSwappingLiveKeyForExpiredOneAborts() throws {
        let (h, other) = try setUp()
        h.call("SET", "k", "live")
        storeExpiredKey(h, db: 1, via: other)
        h.advanceClock(ms: 200)
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        h.call("SWAPDB", "0", "1", on: other)
        XCTAssertEqual(execReply(h), "*-1\r\n")
    }

    /// The swap that carries the expired key away clears its mark, and the
    /// flush then finds "k" in no database.
    func testFlushingAfterSwappingExpiredKeyAwayIsNoChange() throws {
        let (h, other) = try setUp()
        storeExpiredKey(h, db: 0, via: other)
        h.advanceClock(ms: 200)
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        h.call("SWAPDB", "0", "1", on: other)
        h.call("FLUSHALL", on: other)
        XCTAssertEqual(execReply(h), "*1\r\n+PONG\r\n")
    }
}
