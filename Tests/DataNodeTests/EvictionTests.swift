import CoreKit
import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// maxmemory enforcement with an exact memory model: every key costs 100
/// bytes, so which keys go and when a write is refused are deterministic.
final class EvictionTests: XCTestCase {
    static let bytesPerKey = 100

    func harness(policy: String, maxKeys: Int) throws -> Harness {
        let h = try Harness()
        let dbs = h.server.databases
        h.server.eviction.usedMemoryModel = { dbs.reduce(0) { $0 + $1.count } * Self.bytesPerKey }
        h.call("CONFIG", "SET", "maxmemory-policy", policy)
        h.call("CONFIG", "SET", "maxmemory", String(maxKeys * Self.bytesPerKey))
        return h
    }

    func testNoevictionRefusesDenyoomWritesAndServesReads() throws {
        let h = try harness(policy: "noeviction", maxKeys: 3)
        for i in 0..<4 { h.server.databases[0].setKey(Key("k\(i)"), .string(StringValue(Array("v".utf8)))) }
        XCTAssertEqual(h.rawString("SET", "x", "1"), "-OOM command not allowed when used memory > 'maxmemory'.\r\n")
        XCTAssertEqual(h.rawString("GET", "k1"), "$1\r\nv\r\n")
        XCTAssertEqual(h.rawString("DEL", "k1"), ":1\r\n")
        XCTAssertEqual(h.server.stats.evictedKeys, 0)
    }

    func testAllkeysPoliciesEvictDownToTheLimit() throws {
        for policy in ["allkeys-lru", "allkeys-lfu", "allkeys-random"] {
            let h = try harness(policy: policy, maxKeys: 10)
            for i in 0..<10 { h.call("SET", "k\(i)", "v") }
            h.call("SET", "k10", "v")
            // The 11th key went over: the next command evicts one.
            XCTAssertEqual(h.rawString("SET", "k11", "v"), "+OK\r\n", policy)
            XCTAssertEqual(h.server.databases[0].count, 11, policy)
            XCTAssertEqual(h.server.stats.evictedKeys, 1, policy)
        }
    }

    func testVolatilePoliciesNeverEvictKeysWithoutTTL() throws {
        for policy in ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"] {
            let h = try harness(policy: policy, maxKeys: 5)
            for i in 0..<3 { h.call("SET", "persistent\(i)", "v") }
            for i in 0..<3 { h.call("SET", "volatile\(i)", "v", "EX", "1000") }
            for i in 3..<6 { h.call("SET", "x\(i)", "v") }
            let db = h.server.databases[0]
            for i in 0..<3 { XCTAssertTrue(db.exists(Key("persistent\(i)")), policy) }
            // Once the volatile keys are gone nothing may be evicted: OOM.
            XCTAssertEqual(h.rawString("SET", "more", "v"), "-OOM command not allowed when used memory > 'maxmemory'.\r\n", policy)
            for i in 0..<3 { XCTAssertFalse(db.exists(Key("volatile\(i)")), policy) }
        }
    }

    func testVolatileTTLEvictsTheNearestExpiryFirst() throws {
        let h = try harness(policy: "volatile-ttl", maxKeys: 4)
        h.call("SET", "late", "v", "EX", "5000")
        h.call("SET", "soon", "v", "EX", "10")
        h.call("SET", "middle", "v", "EX", "500")
        h.call("SET", "a", "v")
        h.call("SET", "b", "v")
        h.call("GET", "a")
        let db = h.server.databases[0]
        XCTAssertFalse(db.exists(Key("soon")))
        XCTAssertTrue(db.exists(Key("middle")))
        XCTAssertTrue(db.exists(Key("late")))
    }

    func testAllkeysLRUEvictsTheIdlestKeyWhenSamplingEverything() throws {
        let h = try harness(policy: "allkeys-lru", maxKeys: 4)
        h.call("CONFIG", "SET", "maxmemory-samples", "64")
        for i in 0..<4 { h.call("SET", "k\(i)", "v") }
        h.advanceClock(ms: 10_000)
        for i in [0, 2, 3] { h.call("GET", "k\(i)") }
        h.call("SET", "new", "v")
        h.call("PING")
        XCTAssertFalse(h.server.databases[0].exists(Key("k1")))
        XCTAssertEqual(h.server.databases[0].count, 4)
    }

    func testOOMInsideMultiFlagsTheTransaction() throws {
        let h = try harness(policy: "noeviction", maxKeys: 1)
        h.call("SET", "a", "v")
        h.call("SET", "b", "v")
        h.call("MULTI")
        XCTAssertEqual(h.rawString("GET", "a"), "-OOM command not allowed when used memory > 'maxmemory'.\r\n")
        XCTAssertEqual(h.rawString("EXEC"), "-EXECABORT Transaction discarded because of previous errors.\r\n")
    }

    func testExecOfADenyoomQueueIsRefusedOnceOverTheLimit() throws {
        let h = try harness(policy: "noeviction", maxKeys: 2)
        h.call("SET", "a", "v")
        h.call("MULTI")
        h.call("SET", "b", "v")
        for k in ["c", "d"] { h.server.databases[0].setKey(Key(k), .string(StringValue(Array("v".utf8)))) }
        XCTAssertEqual(h.rawString("EXEC"), "-EXECABORT Transaction discarded because of: OOM command not allowed when used memory > 'maxmemory'.\r\n")
    }

    func testEvictionPropagatesDelOrUnlink() throws {
        let h = try harness(policy: "allkeys-random", maxKeys: 1)
        h.call("SET", "a", "v")
        h.server.databases[0].setKey(Key("b"), .string(StringValue(Array("v".utf8))))
        XCTAssertEqual(h.server.evictKeyCommandName, "DEL")
        h.call("CONFIG", "SET", "lazyfree-lazy-eviction", "yes")
        XCTAssertEqual(h.server.evictKeyCommandName, "UNLINK")
    }
}

/// The pool and the counters, without a server.
final class EvictionPoolTests: XCTestCase {
    func testPoolKeepsTheSixteenHighestScoresInAscendingOrder() {
        var pool = EvictionPool()
        for s in (0..<40).shuffled() { pool.insert(score: UInt64(s), key: Key("k\(s)"), db: 0) }
        XCTAssertEqual(pool.entries.map(\.score), (24..<40).map { UInt64($0) })
        XCTAssertEqual(pool.popBest()?.key, Key("k39"))
    }

    func testACandidateWorseThanAFullPoolIsDropped() {
        var pool = EvictionPool()
        for s in 10..<26 { pool.insert(score: UInt64(s), key: Key("k\(s)"), db: 0) }
        pool.insert(score: 1, key: Key("low"), db: 0)
        XCTAssertFalse(pool.entries.contains { $0.key == Key("low") })
        XCTAssertEqual(pool.entries.count, EvictionPool.capacity)
    }

    func testAcceptsExactlyTheCandidatesInsertTakes() {
        var rng = FastRandom(seed: 3)
        var pool = EvictionPool()
        for n in 0..<400 {
            let score = UInt64.random(in: 0..<64, using: &rng)
            let before = pool.entries
            let accepted = pool.accepts(score)
            pool.insert(score: score, key: Key("c\(n)"), db: 0, position: n)
            XCTAssertEqual(accepted, pool.entries != before, "score \(score) into \(before.map(\.score))")
            if n % 3 == 0 { _ = pool.popBest() }
        }
    }

    func testTenacityTimeLimits() {
        XCTAssertEqual(evictionTimeLimitUs(tenacity: 10), 500)
        XCTAssertEqual(evictionTimeLimitUs(tenacity: 0), 0)
        XCTAssertEqual(evictionTimeLimitUs(tenacity: 11), 575)
        XCTAssertNil(evictionTimeLimitUs(tenacity: 100))
    }

    func testLFUCounterAlwaysIncrementsUpToTheInitialValueAndSaturates() {
        let ctx = KeyspaceContext()
        XCTAssertEqual(ctx.lfuLogIncrement(3), 4)
        XCTAssertEqual(ctx.lfuLogIncrement(5), 6)
        XCTAssertEqual(ctx.lfuLogIncrement(255), 255)
    }

    func testLFUCounterGrowsLogarithmically() {
        let ctx = KeyspaceContext()
        var c: UInt32 = 5
        for _ in 0..<1000 { c = ctx.lfuLogIncrement(c) }
        // Redis's table for lfu-log-factor 10: ~18 after 100 hits, ~23 after 1000.
        XCTAssertGreaterThan(c, 15)
        XCTAssertLessThan(c, 35)
    }

    func testLFUDecaysOneStepPerDecayPeriod() {
        let ctx = KeyspaceContext()
        ctx.nowMs = 600_000_000
        let stamp = (ctx.lfuMinutes - 3) << 8 | 10
        XCTAssertEqual(ctx.lfuDecayed(stamp), 7)
        ctx.accessPolicy.lfuDecayTime = 0
        XCTAssertEqual(ctx.lfuDecayed(stamp), 10)
    }

    func testLRUIdleTimeWrapsTheTwentyFourBitClock() {
        let ctx = KeyspaceContext()
        ctx.nowMs = 5_000
        // Redis's estimateObjectIdleTime: LRU_CLOCK_MAX - lru + clock (one short of the true distance).
        XCTAssertEqual(ctx.idleSeconds(KeyspaceContext.lruClockMax - 2), 7)
    }
}
