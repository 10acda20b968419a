import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// The active expire cycle, run directly on databases with a controlled
/// command clock (`nowMs`) and a controlled microsecond clock for its time limit.
final class ActiveExpireTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000

    func makeDbs(_ n: Int = 16) -> (KeyspaceContext, [Database]) {
        let ctx = KeyspaceContext()
        ctx.nowMs = t0
        return (ctx, (0..<n).map { Database(id: $0, context: ctx) })
    }

    func fill(_ db: Database, prefix: String, count: Int, ttlMs: Int64?) {
        for i in 0..<count {
            let k = Key("\(prefix):\(i)")
            db.setKey(k, .string(StringValue(Array("v".utf8))))
            if let t = ttlMs { db.setExpire(k, at: db.context.nowMs + t) }
        }
    }

    func liveCount(_ db: Database, prefix: String) -> Int {
        db.dict.keys.filter { $0.string.hasPrefix(prefix + ":") }.count
    }

    /// Runs slow cycles with a frozen microsecond clock until nothing more expires.
    @discardableResult
    func runUntilQuiet(_ ae: inout ActiveExpire, _ dbs: [Database], maxCycles: Int = 10_000) -> Int {
        var total = 0
        for _ in 0..<maxCycles {
            let n = ae.run(.slow, dbs: dbs, hz: 10) { 0 }
            total += n
            if n == 0 { break }
        }
        return total
    }

    func testShortTTLKeysAreReapedWithoutAccess() {
        let (ctx, dbs) = makeDbs()
        let db = dbs[0]
        fill(db, prefix: "short", count: 5_000, ttlMs: 100)
        fill(db, prefix: "long", count: 1_000, ttlMs: 3_600_000)
        fill(db, prefix: "plain", count: 1_000, ttlMs: nil)
        var ae = ActiveExpire()
        XCTAssertEqual(ae.run(.slow, dbs: dbs, hz: 10) { 0 }, 0, "nothing is due yet")
        ctx.nowMs = t0 + 101
        var expired: [Key] = []
        ctx.onExpired = { _, k in expired.append(k) }
        let reaped = runUntilQuiet(&ae, dbs)
        // A cycle stops once no more than 10% of a sample is stale, so the last
        // few short keys may need the cursor to come round again: keep cycling.
        var cycles = 0
        while liveCount(db, prefix: "short") > 0 && cycles < 10_000 {
            ae.run(.slow, dbs: dbs, hz: 10) { 0 }
            cycles += 1
        }
        XCTAssertEqual(liveCount(db, prefix: "short"), 0)
        XCTAssertEqual(liveCount(db, prefix: "long"), 1_000)
        XCTAssertEqual(liveCount(db, prefix: "plain"), 1_000)
        XCTAssertEqual(db.expires.count, 1_000)
        XCTAssertEqual(ctx.expiredKeys, 5_000)
        XCTAssertEqual(expired.count, 5_000)
        XCTAssertEqual(Set(expired).count, 5_000)
        XCTAssertGreaterThan(reaped, 4_000, "most go in the first burst of cycles")
        XCTAssertGreaterThan(ctx.expiredStalePercent, 0)
        XCTAssertEqual(ctx.keyspaceHits + ctx.keyspaceMisses, 0, "reaping is not an access")
    }

    /// activeExpireCycleTryExpire is `now > when`: a key lives through the
    /// millisecond of its expire time.
    func testAKeyIsNotReapedInTheMillisecondOfItsExpireTime() {
        let (ctx, dbs) = makeDbs(1)
        fill(dbs[0], prefix: "k", count: 100, ttlMs: 10)
        ctx.nowMs = t0 + 10
        var ae = ActiveExpire()
        XCTAssertEqual(runUntilQuiet(&ae, dbs), 0)
        ctx.nowMs = t0 + 11
        XCTAssertEqual(runUntilQuiet(&ae, dbs), 100)
    }

    func testOneCycleKeepsGoingWhileTheSampleIsMostlyStale() {
        let (ctx, dbs) = makeDbs(1)
        fill(dbs[0], prefix: "k", count: 2_000, ttlMs: 10)
        ctx.nowMs = t0 + 11   // one ms past their expire time
        var ae = ActiveExpire()
        XCTAssertEqual(ae.run(.slow, dbs: dbs, hz: 10) { 0 }, 2_000, "all stale: one cycle reaps them all")
        XCTAssertEqual(dbs[0].count, 0)
        XCTAssertFalse(ae.timedOut)
    }

    func testKeysInEveryDatabaseAreReaped() {
        let (ctx, dbs) = makeDbs()
        for (i, db) in dbs.enumerated() { fill(db, prefix: "db\(i)", count: 50, ttlMs: 5) }
        fill(dbs[3], prefix: "keep", count: 10, ttlMs: 60_000)
        ctx.nowMs = t0 + 6
        var ae = ActiveExpire()
        runUntilQuiet(&ae, dbs)
        for (i, db) in dbs.enumerated() {
            XCTAssertEqual(liveCount(db, prefix: "db\(i)"), 0, "db \(i)")
        }
        XCTAssertEqual(dbs[3].count, 10)
    }

    func testTimeLimitStopsTheSlowCycleAndEnablesTheFastOne() {
        let (ctx, dbs) = makeDbs(1)
        fill(dbs[0], prefix: "k", count: 10_000, ttlMs: 1)
        ctx.nowMs = t0 + 2
        var ae = ActiveExpire()
        // Every clock read is 100 ms later: the first check (after 16 loops) is over the limit.
        var us: Int64 = 0
        let clock = { () -> Int64 in us += 100_000; return us }
        let n = ae.run(.slow, dbs: dbs, hz: 10, nowUs: clock)
        XCTAssertEqual(n, 16 * ActiveExpire.keysPerLoop)
        XCTAssertTrue(ae.timedOut)
        XCTAssertEqual(ctx.expiredTimeCapReachedCount, 1)
        XCTAssertEqual(dbs[0].count, 10_000 - n)

        // The fast cycle now runs (once per 2 ms at most)...
        let before = dbs[0].count
        let fast = ae.run(.fast, dbs: dbs, hz: 10) { 10_000_000 }
        XCTAssertGreaterThan(fast, 0)
        XCTAssertEqual(dbs[0].count, before - fast)
        // ...and, having finished in time, is off again.
        XCTAssertFalse(ae.timedOut)
        XCTAssertEqual(ae.run(.fast, dbs: dbs, hz: 10) { 20_000_000 }, 0)
    }

    func testFastCycleIsRateLimited() {
        let (ctx, dbs) = makeDbs(1)
        fill(dbs[0], prefix: "k", count: 10_000, ttlMs: 1)
        ctx.nowMs = t0 + 2
        var ae = ActiveExpire()
        var us: Int64 = 0
        ae.run(.slow, dbs: dbs, hz: 10) { us += 100_000; return us }
        XCTAssertTrue(ae.timedOut)
        // Fast cycles that time out keep the fast path enabled...
        var fastClock: Int64 = 50_000_000
        let first = ae.run(.fast, dbs: dbs, hz: 10) { fastClock += 5_000; return fastClock }
        XCTAssertGreaterThan(first, 0)
        XCTAssertTrue(ae.timedOut)
        // ...but one starting within 2 ms of the last does nothing.
        XCTAssertEqual(ae.run(.fast, dbs: dbs, hz: 10) { 50_000_100 }, 0)
    }

    func testFastCycleDoesNothingAfterAnUnhurriedSlowCycle() {
        let (ctx, dbs) = makeDbs(1)
        fill(dbs[0], prefix: "k", count: 100, ttlMs: 1)
        var ae = ActiveExpire()
        ctx.nowMs = t0 + 1
        XCTAssertEqual(ae.run(.fast, dbs: dbs, hz: 10) { 0 }, 0)
        XCTAssertEqual(dbs[0].count, 100)
    }

    func testReplicaDoesNotReap() {
        let (ctx, dbs) = makeDbs(1)
        fill(dbs[0], prefix: "k", count: 100, ttlMs: 1)
        ctx.isMaster = false
        ctx.nowMs = t0 + 10
        var ae = ActiveExpire()
        XCTAssertEqual(ae.run(.slow, dbs: dbs, hz: 10) { 0 }, 0)
        XCTAssertEqual(dbs[0].count, 100)
        XCTAssertTrue(dbs[0].isLogicallyExpired(Key("k:0")))
    }

    func testAverageTTLFollowsTheSample() {
        let (ctx, dbs) = makeDbs(1)
        fill(dbs[0], prefix: "k", count: 200, ttlMs: 50_000)
        var ae = ActiveExpire()
        for _ in 0..<200 { ae.run(.slow, dbs: dbs, hz: 10) { 0 } }
        XCTAssertEqual(dbs[0].count, 200)
        XCTAssertGreaterThan(dbs[0].avgTTL, 40_000)
        XCTAssertLessThanOrEqual(dbs[0].avgTTL, 50_000)
        _ = ctx
    }

    func testMixedDeletesDuringSamplingVisitEveryKey() {
        // Expired and live keys interleaved: deleting swaps the last entry into
        // the sampled slot, which must still be examined.
        let (ctx, dbs) = makeDbs(1)
        let db = dbs[0]
        for i in 0..<3_000 {
            let k = Key("k:\(i)")
            db.setKey(k, .string(StringValue(Array("v".utf8))))
            db.setExpire(k, at: t0 + (i % 3 == 0 ? 10 : 10_000_000))
        }
        ctx.nowMs = t0 + 11
        var ae = ActiveExpire()
        for _ in 0..<5_000 where db.count > 2_000 { ae.run(.slow, dbs: dbs, hz: 10) { 0 } }
        XCTAssertEqual(db.count, 2_000)
        XCTAssertTrue(db.dict.keys.allSatisfy { Int($0.string.dropFirst(2))! % 3 != 0 })
    }

    func testServerCronReapsThroughTheHarness() throws {
        let h = try Harness()
        let db = h.server.databases[0]
        for i in 0..<500 {
            db.setKey(Key("t:\(i)"), .string(StringValue(Array("v".utf8))))
            db.setExpire(Key("t:\(i)"), at: h.server.keyspace.nowMs + 1_000)
        }
        h.advanceClock(ms: 60_000)
        for _ in 0..<1_000 where db.count > 0 { h.server.cron() }
        XCTAssertEqual(db.count, 0)
        XCTAssertEqual(h.server.keyspace.expiredKeys, 500)
    }
}
