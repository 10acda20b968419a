/// maxmemory-policy, as Redis's MAXMEMORY_* flags: which keys are candidates
/// (all, or only those with a TTL) and how a candidate is scored.
public enum EvictionPolicy: String, Sendable, CaseIterable {
    case volatileLRU = "volatile-lru", volatileLFU = "volatile-lfu", volatileRandom = "volatile-random",
         volatileTTL = "volatile-ttl", allkeysLRU = "allkeys-lru", allkeysLFU = "allkeys-lfu",
         allkeysRandom = "allkeys-random", noeviction

    public enum Ranking: Sendable { case lru, lfu, ttl, random, none }

    public var ranking: Ranking {
        switch self {
        case .volatileLRU, .allkeysLRU: return .lru
        case .volatileLFU, .allkeysLFU: return .lfu
        case .volatileTTL: return .ttl
        case .volatileRandom, .allkeysRandom: return .random
        case .noeviction: return .none
        }
    }

    /// volatile-* only ever evict keys that have an expire set.
    public var volatileOnly: Bool {
        switch self {
        case .volatileLRU, .volatileLFU, .volatileRandom, .volatileTTL: return true
        default: return false
        }
    }
}

/// Eviction's time budget from maxmemory-eviction-tenacity (evictionTimeLimitUs):
/// up to 10 it grows linearly (50 µs a step), above that by 15% a step;
/// 100 means no limit (nil).
public func evictionTimeLimitUs(tenacity: Int) -> Int64? {
    if tenacity <= 10 { return 50 * Int64(max(tenacity, 0)) }
    if tenacity < 100 {
        var t = 500.0
        for _ in 0..<(tenacity - 10) { t *= 1.15 }
        return Int64(t)
    }
    return nil
}
