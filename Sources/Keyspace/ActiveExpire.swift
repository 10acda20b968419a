
/// Redis 7.0's activeExpireCycle, sized the same way: each pass looks at 20
/// keys with a TTL per database and repeats while more than 10% of them were
/// expired; a slow cycle may use 25% of a second's CPU split over `hz` calls,
/// a fast cycle (from before-sleep) at most 1 ms.
public struct ActiveExpire {
    public enum Kind { case slow, fast }

    public static let keysPerLoop = 20
    public static let acceptableStalePercent = 10
    public static let slowTimePercent = 25
    public static let fastDurationUs: Int64 = 1000

    private var currentDb = 0
    public private(set) var timedOut = false
    private var lastFastCycleUs: Int64 = 0

    public init() {}

    /// Runs one cycle over `dbs`; returns the number of keys expired.
    @discardableResult
    public mutating func run(_ kind: Kind, dbs: [Database], hz: Int, nowUs: () -> Int64) -> Int {
        guard let context = dbs.first?.context, context.isMaster else { return 0 }
        let start = nowUs()
        if kind == .fast {
            // Only when the last slow cycle ran out of time, and not too often.
            if !timedOut { return 0 }
            if start < lastFastCycleUs + Self.fastDurationUs * 2 { return 0 }
            lastFastCycleUs = start
        }
        let limitUs = kind == .fast ? Self.fastDurationUs : Int64(1_000_000 * Self.slowTimePercent / max(hz, 1) / 100)
        timedOut = false
        var expiredTotal = 0, sampledTotal = 0
        var iteration = 0
        let dbsPerCall = min(dbs.count, 16)
        for _ in 0..<dbsPerCall {
            let db = dbs[currentDb % dbs.count]
            currentDb += 1
            while true {
                let n = db.expires.count
                if n == 0 { break }
                iteration += 1
                var expired = 0, sampled = 0
                var ttlSum: Int64 = 0, ttlSamples: Int64 = 0
                let toSample = min(n, Self.keysPerLoop)
                var checked = 0
                while checked < toSample && db.expires.count > 0 {
                    if db.expireCursor >= db.expires.count { db.expireCursor = 0 }
                    let key = db.expires.key(at: db.expireCursor)
                    let when = db.expires.value(at: db.expireCursor)
                    checked += 1
                    sampled += 1
                    if when < context.nowMs {   // activeExpireCycleTryExpire: now > t
                        db.deleteExpired(key)   // swaps the last entry into this slot: don't advance
                        expired += 1
                    } else {
                        // Wraps as Redis's long long sum does: TTLs near INT64_MAX must not trap.
                        ttlSum &+= when &- context.nowMs
                        ttlSamples += 1
                        db.expireCursor += 1
                    }
                }
                expiredTotal += expired
                sampledTotal += sampled
                if ttlSamples > 0 {
                    let avg = ttlSum / ttlSamples
                    // Redis seeds an empty average with the sample, then still blends.
                    if db.avgTTL == 0 { db.avgTTL = avg }
                    db.avgTTL = (db.avgTTL / 50) * 49 + avg / 50
                }
                if iteration % 16 == 0 && nowUs() - start > limitUs {
                    timedOut = true
                    context.expiredTimeCapReachedCount += 1
                    break
                }
                if sampled == 0 || expired * 100 / sampled <= Self.acceptableStalePercent { break }
            }
            if timedOut { break }
        }
        let current = sampledTotal > 0 ? Double(expiredTotal) / Double(sampledTotal) : 0
        context.expiredStalePercent = current * 0.05 + context.expiredStalePercent * 0.95
        return expiredTotal
    }
}
