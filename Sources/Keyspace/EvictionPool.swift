/// Redis's eviction pool (evict.c): the best candidates seen so far across
/// samples, sorted by score ascending, so the highest score (most idle, least
/// frequently used, soonest expiring) is evicted first. Keeping it across
/// calls makes the sampled approximation converge on the true order.
public struct EvictionPool {
    /// EVPOOL_SIZE.
    public static let capacity = 16

    public struct Entry: Equatable {
        public var score: UInt64
        public var key: Key
        public var db: Int
        /// Where the key was in the dict it was sampled from: a hint (a
        /// deletion moves the dict's last entry), which spares the victim's
        /// hash lookup when it still holds the key.
        public var position: Int
    }

    /// Non-nil entries are packed at the front, in ascending score order.
    public private(set) var entries: [Entry] = []

    public init() {}

    public var isEmpty: Bool { entries.isEmpty }

    /// evictionPoolPopulate's insertion: find the first entry with a score
    /// not below the candidate's; a candidate worse than all of a full pool is
    /// dropped, otherwise it goes in, pushing out the best-kept (lowest score)
    /// entry when the pool is full.
    public mutating func insert(score: UInt64, key: Key, db: Int, position: Int = -1) {
        var k = 0
        while k < entries.count && entries[k].score < score { k += 1 }
        let entry = Entry(score: score, key: key, db: db, position: position)
        if entries.count < Self.capacity {
            entries.insert(entry, at: k)
            return
        }
        if k == 0 { return }
        entries.remove(at: 0)
        entries.insert(entry, at: k - 1)
    }

    /// Whether `insert` would take a candidate of this score (a full pool
    /// drops one not above its lowest): sampling reads a candidate's key
    /// only when it goes in.
    @inline(__always)
    public func accepts(_ score: UInt64) -> Bool {
        entries.count < Self.capacity || entries[0].score < score
    }

    /// Takes the highest-scoring entry out of the pool.
    public mutating func popBest() -> Entry? { entries.popLast() }

    public mutating func removeAll() { entries.removeAll() }
}

extension KeyspaceContext {
    /// estimateObjectIdleTime: milliseconds since the stamp (one wrap of the
    /// 24-bit clock allowed), at the clock's one-second resolution.
    public func idleMilliseconds(_ stamp: UInt32) -> UInt64 {
        UInt64(idleSeconds(stamp)) * 1000
    }
}
