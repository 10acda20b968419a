import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// The same eviction workload on redis-server and on the built vigil-server,
/// under each policy. Eviction samples, so which keys survive is compared as
/// proportions per key group. maxmemory is set to each server's own
/// used_memory once the resident set is written, so both are asked to free
/// the same number of keys whatever their per-key overhead.
final class EvictionRealRedisTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    static let value = String(repeating: "x", count: 100)

    /// What survived, per group, and how the pressure writes fared.
    struct Outcome {
        var surviving: [String: Int] = [:]
        var refused = 0
        var readServed = false
        var evictedTTLIndexes: [Int] = []

        func fraction(_ group: String, of total: Int) -> Double { Double(surviving[group] ?? 0) / Double(total) }
    }

    /// Runs `workload` on both servers; returns (redis, vigil).
    func onBoth(policy: String, _ workload: (RedisConnection) throws -> Outcome) throws -> (Outcome, Outcome) {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        let real = try Interop.talking(to: "redis-server") { () throws -> Outcome in
            let c = try ProcessFixture.connect(redis.port)
            _ = try c.call("CONFIG", "SET", "maxmemory-policy", policy)
            return try workload(c)
        }
        let c = try ProcessFixture.connect(vigil.port)
        _ = try c.call("CONFIG", "SET", "maxmemory-policy", policy)
        return (real, try workload(c))
    }

    // MARK: workload pieces

    @discardableResult
    func write(_ c: RedisConnection, _ prefix: String, _ n: Int, ttlFrom: Int? = nil) throws -> Int {
        let cmds = (0..<n).map { i -> [String] in
            if let t = ttlFrom { return ["SET", "\(prefix)\(i)", Self.value, "EX", String(t + i)] }
            return ["SET", "\(prefix)\(i)", Self.value]
        }
        return try c.pipeline(cmds).filter { $0.string?.hasPrefix("OOM ") == true }.count
    }

    func read(_ c: RedisConnection, _ prefix: String, _ n: Int, times: Int = 1) throws {
        _ = try c.pipeline(Array(repeating: (0..<n).map { ["GET", "\(prefix)\($0)"] }, count: times).flatMap { $0 })
    }

    func surviving(_ c: RedisConnection, _ prefix: String, _ n: Int) throws -> [Int] {
        let replies = try c.pipeline((0..<n).map { ["EXISTS", "\(prefix)\($0)"] })
        return replies.enumerated().filter { $0.element == .integer(1) }.map(\.offset)
    }

    /// maxmemory at what the server holds now (plus `slack` bytes): the
    /// next writes must evict.
    func capAtCurrentUsage(_ c: RedisConnection, slack: Int = 0) throws {
        let info = try c.call("INFO", "memory").string ?? ""
        let used = info.split(separator: "\r\n").first { $0.hasPrefix("used_memory:") }.flatMap { Int($0.dropFirst(12)) }
        XCTAssertNotNil(used, "no used_memory in INFO memory")
        _ = try c.call("CONFIG", "SET", "maxmemory", String((used ?? 0) + slack))
    }

    func evictedKeys(_ c: RedisConnection) throws -> Int {
        let info = try c.call("INFO", "stats").string ?? ""
        return info.split(separator: "\r\n").first { $0.hasPrefix("evicted_keys:") }.flatMap { Int($0.dropFirst(13)) } ?? 0
    }

    // MARK: scenarios

    func testAllkeysLRUKeepsTheHotSetOnBoth() throws {
        let (real, ours) = try onBoth(policy: "allkeys-lru") { c in
            try write(c, "cold:", 1200)
            // The LRU clock counts seconds: the hot set must be a tick younger.
            Thread.sleep(forTimeInterval: 1.3)
            try write(c, "hot:", 200)
            try read(c, "hot:", 200)
            try capAtCurrentUsage(c)
            var o = Outcome()
            o.refused = try write(c, "new:", 600)
            for (g, n) in [("cold", 1200), ("hot", 200), ("new", 600)] { o.surviving[g] = try surviving(c, "\(g):", n).count }
            return o
        }
        for (name, o) in [("redis-server", real), ("vigil-server", ours)] {
            XCTAssertEqual(o.refused, 0, name)
            XCTAssertGreaterThanOrEqual(o.fraction("hot", of: 200), 0.95, "\(name): \(o.surviving)")
            XCTAssertGreaterThanOrEqual(o.fraction("new", of: 600), 0.95, "\(name): \(o.surviving)")
            XCTAssertLessThan(o.fraction("cold", of: 1200), 0.8, "\(name) evicted too few cold keys: \(o.surviving)")
        }
        XCTAssertEqual(real.fraction("hot", of: 200), ours.fraction("hot", of: 200), accuracy: 0.05)
    }

    func testAllkeysLFUKeepsFrequentlyReadKeysOnBoth() throws {
        let (real, ours) = try onBoth(policy: "allkeys-lfu") { c in
            try write(c, "cold:", 1200)
            try write(c, "hot:", 200)
            try read(c, "hot:", 200, times: 20)
            try capAtCurrentUsage(c)
            var o = Outcome()
            o.refused = try write(c, "new:", 600)
            for (g, n) in [("cold", 1200), ("hot", 200), ("new", 600)] { o.surviving[g] = try surviving(c, "\(g):", n).count }
            return o
        }
        for (name, o) in [("redis-server", real), ("vigil-server", ours)] {
            XCTAssertEqual(o.refused, 0, name)
            XCTAssertGreaterThanOrEqual(o.fraction("hot", of: 200), 0.95, "\(name): \(o.surviving)")
            let coldAndNew = (o.surviving["cold"] ?? 0) + (o.surviving["new"] ?? 0)
            XCTAssertLessThan(coldAndNew, 1800 - 300, "\(name) evicted too few rarely read keys: \(o.surviving)")
        }
        XCTAssertEqual(real.fraction("hot", of: 200), ours.fraction("hot", of: 200), accuracy: 0.05)
    }

    /// volatile-lru/lfu/random: every key with a TTL goes, none without, and
    /// then writes are refused with OOM while reads are served.
    func assertVolatilePolicyKeepsPersistentKeys(_ policy: String) throws {
        let (real, ours) = try onBoth(policy: policy) { c in
            try write(c, "keep:", 1000)
            try write(c, "vol:", 300, ttlFrom: 1000)
            try capAtCurrentUsage(c)
            var o = Outcome()
            o.refused = try write(c, "new:", 600)
            o.surviving["keep"] = try surviving(c, "keep:", 1000).count
            o.surviving["vol"] = try surviving(c, "vol:", 300).count
            o.readServed = try c.call("GET", "keep:7").string == Self.value
            return o
        }
        for (name, o) in [("redis-server", real), ("vigil-server", ours)] {
            XCTAssertEqual(o.surviving["keep"], 1000, "\(name) \(policy) evicted a key without TTL")
            XCTAssertEqual(o.surviving["vol"], 0, "\(name) \(policy) left keys with a TTL")
            XCTAssertGreaterThan(o.refused, 0, "\(name) \(policy) never refused a write")
            XCTAssertTrue(o.readServed, "\(name) \(policy) stopped serving reads")
        }
    }

    func testVolatileLRUNeverEvictsKeysWithoutTTLThenRefuses() throws { try assertVolatilePolicyKeepsPersistentKeys("volatile-lru") }
    func testVolatileLFUNeverEvictsKeysWithoutTTLThenRefuses() throws { try assertVolatilePolicyKeepsPersistentKeys("volatile-lfu") }
    func testVolatileRandomNeverEvictsKeysWithoutTTLThenRefuses() throws { try assertVolatilePolicyKeepsPersistentKeys("volatile-random") }
    func testVolatileTTLNeverEvictsKeysWithoutTTLThenRefuses() throws { try assertVolatilePolicyKeepsPersistentKeys("volatile-ttl") }

    func testVolatileTTLEvictsNearestExpiryFirstOnBoth() throws {
        let (real, ours) = try onBoth(policy: "volatile-ttl") { c in
            try write(c, "keep:", 1000)
            // vol:i expires in 1000+i seconds: low indexes expire first.
            try write(c, "vol:", 300, ttlFrom: 1000)
            // Client buffers move used_memory by tens of KiB between two
            // commands, as much as hundreds of these keys: start below the
            // limit and write one key at a time until some keys went.
            try capAtCurrentUsage(c, slack: 64 << 10)
            var o = Outcome()
            var n = 0
            while try evictedKeys(c) < 60 && n < 3000 {
                for _ in 0..<10 {
                    if try c.call("SET", "new:\(n)", Self.value).string?.hasPrefix("OOM ") == true { o.refused += 1 }
                    n += 1
                }
            }
            let left = Set(try surviving(c, "vol:", 300))
            o.evictedTTLIndexes = (0..<300).filter { !left.contains($0) }
            return o
        }
        for (name, o) in [("redis-server", real), ("vigil-server", ours)] {
            XCTAssertEqual(o.refused, 0, name)
            XCTAssertGreaterThan(o.evictedTTLIndexes.count, 20, "\(name) evicted almost nothing")
            print("\(name) volatile-ttl: \(o.evictedTTLIndexes.count) evicted, \(Int(nearestShare(o) * 100))% of them among as many nearest expiries")
            XCTAssertGreaterThanOrEqual(nearestShare(o), 0.8, "\(name) evicted far expiries: \(o.evictedTTLIndexes)")
        }
        XCTAssertEqual(nearestShare(real), nearestShare(ours), accuracy: 0.15)
    }

    /// Of the k keys evicted, the share that are among the k nearest
    /// expiries (1 = exactly the nearest ones, as an exact policy would pick).
    func nearestShare(_ o: Outcome) -> Double {
        let k = o.evictedTTLIndexes.count
        return Double(o.evictedTTLIndexes.filter { $0 < k }.count) / Double(max(1, k))
    }

    func testNoevictionRefusesWritesAndServesReadsOnBoth() throws {
        let (real, ours) = try onBoth(policy: "noeviction") { c in
            try write(c, "keep:", 500)
            try capAtCurrentUsage(c)
            var o = Outcome()
            o.refused = try write(c, "new:", 10)
            o.surviving["keep"] = try surviving(c, "keep:", 500).count
            o.readServed = try c.call("GET", "keep:7").string == Self.value
            return o
        }
        for (name, o) in [("redis-server", real), ("vigil-server", ours)] {
            XCTAssertEqual(o.surviving["keep"], 500, name)
            XCTAssertTrue(o.readServed, name)
            // At the limit the first write may still fit; every one after is refused.
            XCTAssertGreaterThanOrEqual(o.refused, 9, name)
        }
    }
}
