import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// EXPIRE family with NX/XX/GT/LT, TTL/PTTL/EXPIRETIME/PEXPIRETIME, PERSIST,
/// and lazy expiry seen through them. Time moves with `advanceClock`, never sleeps.
final class ExpireTests: XCTestCase {
    func put(_ h: Harness, _ key: String, _ value: String = "v", db: Int = 0) {
        h.server.databases[db].setKey(Key(key), .string(StringValue(Array(value.utf8))))
    }

    func expireTime(_ h: Harness, _ key: String) -> Int64? { h.server.databases[0].expireTime(Key(key)) }

    /// The command clock of the last command.
    func lastNow(_ h: Harness) -> Int64 { h.server.keyspace.nowMs }

    /// A server on a clock that stands still: relative expires count from a
    /// fresh reading (mstime()), which then equals the command's frozen time.
    func harness() throws -> Harness { try Harness(clock: NodeClock(manualWallUs: 1_700_000_000_000_000)) }

    func testExpireSetsRelativeTimes() throws {
        let h = try harness()
        put(h, "k")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "100"), ":1\r\n")
        XCTAssertEqual(expireTime(h, "k"), lastNow(h) + 100_000)
        XCTAssertEqual(h.rawString("PEXPIRE", "k", "1500"), ":1\r\n")
        XCTAssertEqual(expireTime(h, "k"), lastNow(h) + 1500)
        XCTAssertEqual(h.rawString("EXPIREAT", "k", "99999999999"), ":1\r\n")
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_000)
        XCTAssertEqual(h.rawString("PEXPIREAT", "k", "99999999999123"), ":1\r\n")
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_123)
        XCTAssertEqual(h.rawString("EXPIRETIME", "k"), ":99999999999\r\n")
        XCTAssertEqual(h.rawString("PEXPIRETIME", "k"), ":99999999999123\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "nokey", "100"), ":0\r\n")
    }

    func testExpireBumpsDirtyOnlyOnChange() throws {
        let h = try harness()
        put(h, "k")
        var dirty = h.server.dirty
        h.call("EXPIRE", "k", "100")
        XCTAssertEqual(h.server.dirty, dirty + 1)
        dirty = h.server.dirty
        h.call("EXPIRE", "k", "100", "NX")
        h.call("EXPIRE", "nokey", "100")
        h.call("PERSIST", "nokey")
        XCTAssertEqual(h.server.dirty, dirty)
        h.call("PERSIST", "k")
        XCTAssertEqual(h.server.dirty, dirty + 1)
        h.call("PERSIST", "k")
        XCTAssertEqual(h.server.dirty, dirty + 1)
        h.call("EXPIRE", "k", "-1")
        XCTAssertEqual(h.server.dirty, dirty + 2)
    }

    func testExpireInThePastDeletes() throws {
        let h = try harness()
        for k in ["a", "b", "c", "d", "e"] { put(h, k) }
        XCTAssertEqual(h.rawString("EXPIRE", "a", "-1"), ":1\r\n")
        XCTAssertEqual(h.rawString("PEXPIRE", "b", "0"), ":1\r\n")
        XCTAssertEqual(h.rawString("EXPIREAT", "c", "1"), ":1\r\n")
        XCTAssertEqual(h.rawString("PEXPIREAT", "d", "-9223372036854775808"), ":1\r\n")
        XCTAssertEqual(h.rawString("PEXPIRE", "e", "-9223372036854775808"), ":1\r\n")
        XCTAssertEqual(h.server.databases[0].count, 0)
        XCTAssertEqual(h.server.keyspace.expiredKeys, 0, "an explicit expire in the past is a delete, not an expiry")
    }

    /// keyIsExpired is `now > when`, while an expire time given as now is
    /// already expired (checkAlreadyExpired, `when <= now`).
    func testAKeyLivesThroughTheMillisecondOfItsExpireTime() throws {
        let clock = NodeClock(manualWallUs: 1_700_000_000_000_000)
        let h = try Harness(clock: clock)
        XCTAssertEqual(h.rawString("SET", "k", "v", "PX", "10"), "+OK\r\n")
        clock.advance(us: 10_000)
        XCTAssertEqual(h.rawString("EXISTS", "k"), ":1\r\n")
        clock.advance(us: 1_000)
        XCTAssertEqual(h.rawString("EXISTS", "k"), ":0\r\n")
        put(h, "now")
        XCTAssertEqual(h.rawString("PEXPIREAT", "now", String(clock.wallMs())), ":1\r\n")
        XCTAssertEqual(h.rawString("EXISTS", "now"), ":0\r\n")
        XCTAssertEqual(h.server.keyspace.expiredKeys, 1, "the PEXPIREAT was a delete, not an expiry")
    }

    func testReplicaKeepsPastExpiresUntilMasterDeletes() throws {
        let h = try harness()
        put(h, "k")
        h.server.keyspace.isMaster = false
        XCTAssertEqual(h.rawString("EXPIRE", "k", "-1"), ":1\r\n")
        XCTAssertNotNil(h.server.databases[0].dict[Key("k")])
        XCTAssertEqual(h.rawString("EXISTS", "k"), ":0\r\n", "logically expired on a replica too")
        XCTAssertEqual(h.rawString("TTL", "k"), ":-2\r\n")
        XCTAssertNotNil(h.server.databases[0].dict[Key("k")])
    }

    func testOptionsErrorsInRedisOrder() throws {
        let h = try harness()
        put(h, "k")
        let nxErr = "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n"
        XCTAssertEqual(h.rawString("EXPIRE", "k", "1", "nx", "xx"), nxErr)
        XCTAssertEqual(h.rawString("EXPIRE", "k", "1", "NX", "GT"), nxErr)
        XCTAssertEqual(h.rawString("EXPIRE", "k", "1", "LT", "nx"), nxErr)
        XCTAssertEqual(h.rawString("EXPIRE", "k", "1", "gt", "lt"), "-ERR GT and LT options at the same time are not compatible\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "1", "foo"), "-ERR Unsupported option foo\r\n")
        // Options are checked before the time argument, all of them before compatibility.
        XCTAssertEqual(h.rawString("EXPIRE", "k", "abc", "nx", "xx"), nxErr)
        XCTAssertEqual(h.rawString("EXPIRE", "k", "abc", "nx", "xx", "foo"), "-ERR Unsupported option foo\r\n")
        XCTAssertEqual(h.rawString("PEXPIRE", "k", "abc"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "1.5"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k"), "-ERR wrong number of arguments for 'expire' command\r\n")
        // XX with GT is allowed.
        XCTAssertEqual(h.rawString("EXPIRE", "k", "100", "xx", "gt"), ":0\r\n")
        XCTAssertNil(expireTime(h, "k"))
    }

    func testOverflowErrors() throws {
        let h = try harness()
        put(h, "k")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "9223372036854775807"), "-ERR invalid expire time in 'expire' command\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "-9223372036854775808"), "-ERR invalid expire time in 'expire' command\r\n")
        // Fits after *1000 but not after adding the current time.
        XCTAssertEqual(h.rawString("EXPIRE", "k", "9223372036854774"), "-ERR invalid expire time in 'expire' command\r\n")
        XCTAssertEqual(h.rawString("PEXPIRE", "k", "9223372036854775807"), "-ERR invalid expire time in 'pexpire' command\r\n")
        XCTAssertEqual(h.rawString("EXPIREAT", "k", "9223372036854775807"), "-ERR invalid expire time in 'expireat' command\r\n")
        // The name is the command's, whatever the client's spelling.
        XCTAssertEqual(h.rawString("ExpireAt", "k", "9223372036854776"), "-ERR invalid expire time in 'expireat' command\r\n")
        XCTAssertNil(expireTime(h, "k"))
        XCTAssertEqual(h.rawString("PEXPIREAT", "k", "9223372036854775807"), ":1\r\n")
        XCTAssertEqual(h.rawString("PEXPIRETIME", "k"), ":9223372036854775807\r\n")
        // Rounded without overflowing.
        XCTAssertEqual(h.rawString("EXPIRETIME", "k"), ":9223372036854776\r\n")
        let ttl = h.call("PTTL", "k").int ?? 0
        XCTAssertEqual(ttl, Int64.max - lastNow(h))
    }

    func testNXXXGTLT() throws {
        let h = try harness()
        put(h, "k")
        // No TTL: XX and GT fail, NX and LT succeed.
        XCTAssertEqual(h.rawString("EXPIRE", "k", "100", "XX"), ":0\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "100", "GT"), ":0\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "100", "LT"), ":1\r\n")
        XCTAssertEqual(h.rawString("PERSIST", "k"), ":1\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "100", "NX"), ":1\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "200", "NX"), ":0\r\n")
        let at = expireTime(h, "k")!
        XCTAssertEqual(h.rawString("PEXPIREAT", "k", String(at), "GT"), ":0\r\n", "GT needs strictly greater")
        XCTAssertEqual(h.rawString("PEXPIREAT", "k", String(at), "LT"), ":0\r\n", "LT needs strictly less")
        XCTAssertEqual(h.rawString("PEXPIREAT", "k", String(at + 1), "GT"), ":1\r\n")
        XCTAssertEqual(h.rawString("PEXPIREAT", "k", String(at - 1), "LT"), ":1\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "300", "XX", "GT"), ":1\r\n")
        XCTAssertEqual(expireTime(h, "k"), lastNow(h) + 300_000)
        // LT with a time in the past deletes.
        XCTAssertEqual(h.rawString("EXPIRE", "k", "-10", "LT"), ":1\r\n")
        XCTAssertEqual(h.rawString("EXISTS", "k"), ":0\r\n")
        XCTAssertEqual(h.rawString("EXPIRE", "k", "10", "NX"), ":0\r\n")
    }

    func testTTLFamily() throws {
        let h = try harness()
        put(h, "k"); put(h, "plain")
        XCTAssertEqual(h.rawString("TTL", "nokey"), ":-2\r\n")
        XCTAssertEqual(h.rawString("PTTL", "nokey"), ":-2\r\n")
        XCTAssertEqual(h.rawString("EXPIRETIME", "nokey"), ":-2\r\n")
        XCTAssertEqual(h.rawString("PEXPIRETIME", "nokey"), ":-2\r\n")
        XCTAssertEqual(h.rawString("TTL", "plain"), ":-1\r\n")
        XCTAssertEqual(h.rawString("PTTL", "plain"), ":-1\r\n")
        XCTAssertEqual(h.rawString("EXPIRETIME", "plain"), ":-1\r\n")
        XCTAssertEqual(h.rawString("PEXPIRETIME", "plain"), ":-1\r\n")

        XCTAssertEqual(h.rawString("PEXPIRE", "k", "10000"), ":1\r\n")
        XCTAssertEqual(h.rawString("TTL", "k"), ":10\r\n")
        h.advanceClock(ms: 1_400)   // 8600 ms left: rounds to 9
        let pttl = h.call("PTTL", "k").int ?? 0
        let ttl = h.call("TTL", "k").int ?? 0
        XCTAssertTrue(pttl <= 8_600 && pttl > 8_000, "\(pttl)")
        XCTAssertEqual(ttl, (pttl + 500) / 1000)
        h.advanceClock(ms: 8_550)   // about 50 ms left: TTL rounds to 0
        XCTAssertEqual(h.rawString("TTL", "k"), ":0\r\n")
        h.advanceClock(ms: 100)
        XCTAssertEqual(h.rawString("TTL", "k"), ":-2\r\n")
        XCTAssertEqual(h.rawString("PTTL", "k"), ":-2\r\n")
        XCTAssertNil(h.server.databases[0].dict[Key("k")], "lazily reaped")
    }

    func testEXPIRETIMERounding() throws {
        let h = try harness()
        put(h, "k")
        h.call("PEXPIREAT", "k", "99999999999499")
        XCTAssertEqual(h.rawString("EXPIRETIME", "k"), ":99999999999\r\n")
        h.call("PEXPIREAT", "k", "99999999999500")
        XCTAssertEqual(h.rawString("EXPIRETIME", "k"), ":100000000000\r\n")
    }

    func testPersist() throws {
        let h = try harness()
        put(h, "k")
        XCTAssertEqual(h.rawString("PERSIST", "k"), ":0\r\n")
        XCTAssertEqual(h.rawString("PERSIST", "nokey"), ":0\r\n")
        h.call("EXPIRE", "k", "10")
        XCTAssertEqual(h.rawString("PERSIST", "k"), ":1\r\n")
        XCTAssertEqual(h.rawString("TTL", "k"), ":-1\r\n")
        h.advanceClock(ms: 20_000)
        XCTAssertEqual(h.rawString("EXISTS", "k"), ":1\r\n")
        // Too late: the key expired before PERSIST came.
        h.call("PEXPIRE", "k", "5")
        h.advanceClock(ms: 6)
        XCTAssertEqual(h.rawString("PERSIST", "k"), ":0\r\n")
        XCTAssertEqual(h.server.databases[0].count, 0)
    }

    func testExpireOnExpiredKeyIsMissing() throws {
        let h = try harness()
        put(h, "k")
        h.call("PEXPIRE", "k", "10")
        h.advanceClock(ms: 11)
        XCTAssertEqual(h.rawString("EXPIRE", "k", "100"), ":0\r\n")
        XCTAssertEqual(h.server.keyspace.expiredKeys, 1)
    }

    func testTTLCountsStatsWithoutTouching() throws {
        let h = try harness()
        put(h, "k")
        let hits = h.server.keyspace.keyspaceHits, misses = h.server.keyspace.keyspaceMisses
        h.call("TTL", "k"); h.call("PTTL", "nokey"); h.call("EXPIRETIME", "k")
        XCTAssertEqual(h.server.keyspace.keyspaceHits, hits + 2)
        XCTAssertEqual(h.server.keyspace.keyspaceMisses, misses + 1)
        // EXPIRE and PERSIST are write lookups: no stats.
        h.call("EXPIRE", "k", "100"); h.call("PERSIST", "k"); h.call("EXPIRE", "nokey", "1")
        XCTAssertEqual(h.server.keyspace.keyspaceHits, hits + 2)
        XCTAssertEqual(h.server.keyspace.keyspaceMisses, misses + 1)
    }
}

extension ExpireTests {
    func testWritableReplicaRenameOverStaleKeyDropsItsTTL() throws {
        let h = try harness()
        put(h, "src", "new"); put(h, "dst", "old")
        h.call("PEXPIRE", "dst", "5")
        h.server.keyspace.isMaster = false
        h.advanceClock(ms: 10)
        XCTAssertNotNil(h.server.databases[0].dict[Key("dst")], "a replica keeps it")
        XCTAssertEqual(h.rawString("RENAME", "src", "dst"), "+OK\r\n")
        XCTAssertNil(expireTime(h, "dst"))
        XCTAssertEqual(h.rawString("TYPE", "dst"), "+string\r\n")
        put(h, "c"); put(h, "stale"); h.server.databases[0].setExpire(Key("stale"), at: 1)
        XCTAssertEqual(h.rawString("COPY", "c", "stale"), ":1\r\n")
        XCTAssertNil(expireTime(h, "stale"))
        put(h, "m", "v", db: 0); put(h, "m", "x", db: 1); h.server.databases[1].setExpire(Key("m"), at: 1)
        XCTAssertEqual(h.rawString("MOVE", "m", "1"), ":1\r\n")
        XCTAssertNil(h.server.databases[1].expireTime(Key("m")))
    }
}
