import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// The millisecond a key expires in, asked of redis-server 7.0 and of
/// vigil-server alike. Redis's keyIsExpired is `now > when` against the time
/// its call() froze for the command (for the whole of EXEC), while EX/PX and
/// EXPIRE count from a fresh mstime(): a key lives through the millisecond
/// of its expire time, and SET PX n gives it at least n ms.
final class ExpiryBoundaryRealRedisTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// Each check on a real redis-server, then on vigil-server.
    private func onBoth(_ check: (RedisConnection, String) throws -> Void) throws {
        let redis = try fixture.startRedis(["--enable-debug-command", "yes"])
        try Interop.talking(to: "redis-server") { try check(try ProcessFixture.connect(redis.port), "redis-server") }
        let vigil = try fixture.startVigil(["--enable-debug-command", "yes"])
        try check(try ProcessFixture.connect(vigil.port), "vigil-server")
    }

    private let ok = RESPValue.simpleString(Array("OK".utf8))
    private let queued = RESPValue.simpleString(Array("QUEUED".utf8))

    private func transaction(_ c: RedisConnection, _ commands: [[String]]) throws -> RESPValue {
        XCTAssertEqual(try c.call("MULTI"), ok)
        for cmd in commands { XCTAssertEqual(try c.call(cmd), queued, "\(cmd)") }
        return try c.call("EXEC")
    }

    private func milliseconds(_ time: RESPValue?) -> Int64? {
        guard let parts = time?.elements, parts.count == 2,
              let s = parts[0].string.flatMap({ Int64($0) }), let us = parts[1].string.flatMap({ Int64($0) }) else { return nil }
        return s * 1000 + us / 1000
    }

    /// EXISTS then TIME in one EXEC: the expiry check's time is at most TIME's
    /// reading, so a key TIME shows at or before its expire millisecond must
    /// still be there. Samples until past it; true once one sample fell in
    /// that very millisecond (the one `>=` would get wrong).
    private func sampleAroundExpiry(_ c: RedisConnection, _ name: String) throws -> Bool {
        guard let now = milliseconds(try c.call("TIME")) else {
            XCTFail("\(name): TIME")
            return false
        }
        let when = now + 20
        XCTAssertEqual(try c.call("SET", "k", "v", "PXAT", String(when)), ok, name)
        var sawTheMillisecond = false
        while true {
            // One round trip per sample: a sample must be able to land inside one millisecond.
            let r = try c.pipeline([["MULTI"], ["EXISTS", "k"], ["TIME"], ["EXEC"]]).last?.elements
            guard let t = milliseconds(r?[1]), case .integer(let exists)? = r?[0] else {
                XCTFail("\(name): EXEC gave \(String(describing: r))")
                return false
            }
            if t <= when {
                XCTAssertEqual(exists, 1, "\(name): gone at \(t) ms, its expire time being \(when)")
                if t == when && exists == 1 { sawTheMillisecond = true }
            }
            if t > when + 1 { break }
        }
        usleep(5_000)
        XCTAssertEqual(try c.call("EXISTS", "k"), .integer(0), "\(name): still there after its expire time")
        return sawTheMillisecond
    }

    func testAKeyStillExistsInTheMillisecondOfItsExpireTime() throws {
        try onBoth { c, name in
            // A starved run may step over the millisecond itself: several tries.
            var seen = false
            for _ in 0..<20 where !seen { seen = try sampleAroundExpiry(c, name) }
            XCTAssertTrue(seen, "\(name): no sample fell in the expire millisecond in 20 tries")
        }
    }

    func testCommandsOfATransactionSeeKeysExpireAgainstTheTransactionsStart() throws {
        try onBoth { c, name in
            let r = try transaction(c, [["SET", "k", "v", "PX", "1"], ["DEBUG", "SLEEP", "0.02"], ["EXISTS", "k"]])
            XCTAssertEqual(r, .array([ok, ok, .integer(1)]), name)
            XCTAssertEqual(try c.call("EXISTS", "k"), .integer(0), name)
        }
    }

    func testRelativeExpiresCountFromAFreshClockReadingNotTheTransactionsStart() throws {
        try onBoth { c, name in
            XCTAssertEqual(try c.call("SET", "e", "v"), ok, name)
            let r = try transaction(c, [["DEBUG", "SLEEP", "0.5"], ["SET", "k", "v", "PX", "300"], ["PEXPIRE", "e", "300"]])
            XCTAssertEqual(r, .array([ok, ok, .integer(1)]), name)
            // Counted from the transaction's start, both would have expired during the sleep.
            for key in ["k", "e"] {
                guard case .integer(let ttl) = try c.call("PTTL", key) else { return XCTFail("\(name): PTTL \(key)") }
                XCTAssertTrue(ttl > 0 && ttl <= 300, "\(name): PTTL \(key) = \(ttl)")
            }
        }
    }
}
