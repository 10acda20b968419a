import CoreKit

/// Chooses the next key to evict, as performEvictions's selection step: for
/// LRU/LFU/TTL it samples `samples` keys of every database into the pool and
/// takes the best entry that still exists; for the random policies it takes a
/// random key of the next non-empty database in turn. Deleting is the
/// caller's job (it measures the memory freed and propagates the DEL).
public struct EvictionSelector {
    public var pool = EvictionPool()
    /// Where the random policies resume their round-robin over databases.
    public var nextDB = 0
    /// Not the system generator: that is a getrandom(2) call per sample,
    /// which made eviction syscall-bound.
    public var rng = FastRandom()

    public init() {}

    /// The chosen key, and its position in the database's main dict when
    /// selection saw it there (the deletion then needs no hash lookup).
    public struct Victim {
        public var db: Database
        public var key: Key
        public var position: Int?
    }

    public mutating func select(_ databases: [Database], policy: EvictionPolicy, samples: Int) -> Victim? {
        switch policy.ranking {
        case .none:
            return nil
        case .random:
            for _ in 0..<databases.count {
                nextDB = (nextDB + 1) % databases.count
                let db = databases[nextDB]
                if policy.volatileOnly {
                    if let i = db.expires.randomPosition(using: &rng) { return Victim(db: db, key: db.expires.key(at: i)) }
                } else if let i = db.dict.randomPosition(using: &rng) {
                    return Victim(db: db, key: db.dict.key(at: i), position: i)
                }
            }
            return nil
        case .lru, .lfu, .ttl:
            while true {
                var total = 0
                for db in databases {
                    let n = policy.volatileOnly ? db.expires.count : db.count
                    if n == 0 { continue }
                    populate(db, policy: policy, samples: samples)
                    total += n
                }
                if total == 0 { return nil }
                // Entries whose key was deleted since they were sampled are ghosts: skip them.
                while let best = pool.popBest() {
                    let db = databases[best.db]
                    if policy.volatileOnly {
                        if db.expires.contains(best.key) { return Victim(db: db, key: best.key) }
                    } else {
                        // The deletion's cache misses start here, all at once.
                        db.dict.prefetchRemoval(of: best.key, at: best.position)
                        if let i = db.dict.position(of: best.key, hint: best.position) {
                            return Victim(db: db, key: best.key, position: i)
                        }
                    }
                }
            }
        }
    }

    /// evictionPoolPopulate: scores `samples` random keys of one database.
    mutating func populate(_ db: Database, policy: EvictionPolicy, samples: Int) {
        if !policy.volatileOnly && db.dict.tracksAccess && policy.ranking != .ttl {
            return populateFromMainDict(db, lfu: policy.ranking == .lfu, samples: samples)
        }
        let ctx = db.context
        let count = policy.volatileOnly ? db.expires.count : db.dict.count
        // dictGetSomeKeys hands back every key of a dict no larger than the
        // sample: a small dict is ranked whole, never by draws that may miss a key.
        let whole = count <= samples
        for draw in 0..<(whole ? count : samples) {
            let key: Key
            var expireAt: Int64 = 0
            // Sampled from the main dict, the stamp is at hand; from the
            // expires dict it takes a lookup (only LRU/LFU read it).
            var stamp: UInt32? = nil
            if policy.volatileOnly {
                guard let i = whole ? draw : db.expires.randomPosition(using: &rng) else { return }
                key = db.expires.key(at: i)
                expireAt = db.expires.value(at: i)
            } else {
                guard let i = whole ? draw : db.dict.randomPosition(using: &rng) else { return }
                key = db.dict.key(at: i)
                if db.dict.tracksAccess { stamp = db.dict.stamps[i] }
            }
            let score: UInt64
            switch policy.ranking {
            case .lru:
                score = ctx.idleMilliseconds(stamp ?? db.dict.stamp(of: key) ?? 0)
            case .lfu:
                score = 255 - UInt64(ctx.lfuDecayed(stamp ?? db.dict.stamp(of: key) ?? 0))
            default:
                score = UInt64.max - UInt64(bitPattern: expireAt)
            }
            pool.insert(score: score, key: key, db: db.id)
        }
    }

    /// populate for allkeys-lru/lfu. The draws are made and their entries
    /// asked for first, so that the cache misses of the samples overlap
    /// instead of following one another; a key is read only when its
    /// candidate goes into the pool (most fall below a full pool's lowest
    /// score). The scores and the pool's order are evictionPoolPopulate's.
    mutating func populateFromMainDict(_ db: Database, lfu: Bool, samples: Int) {
        let ctx = db.context
        let count = db.dict.count
        let whole = count <= samples
        let n = whole ? count : samples
        if n == 0 { return }
        withUnsafeTemporaryAllocation(of: Int.self, capacity: n) { draws in
            for j in 0..<n {
                let i = whole ? j : Int.random(in: 0..<count, using: &rng)
                draws[j] = i
                db.dict.prefetchEntry(at: i)
            }
            for i in draws {
                let stamp = db.dict.stamps[i]
                let score = lfu ? 255 - UInt64(ctx.lfuDecayed(stamp)) : ctx.idleMilliseconds(stamp)
                if pool.accepts(score) { pool.insert(score: score, key: db.dict.key(at: i), db: db.id, position: i) }
            }
        }
    }
}
