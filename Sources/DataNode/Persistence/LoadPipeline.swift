import Keyspace
import Persistence

/// Keys read from an RDB wait here a few keys before they are inserted: each
/// one's slot in its database's index is prefetched when it arrives, so that
/// by its insert the cache line (and the page-table walk to it) is there.
/// On a million-key table that miss was a quarter of the start-up load
/// (perf); prefetching only while the key's own value is decoded came too
/// late to hide it. Keys are inserted in file order.
struct LoadPipeline {
    /// Keys in flight: enough decoding between a prefetch and its insert
    /// for the line to arrive, few enough that the lines stay in cache.
    static let depth = 16

    private var ring: [RDBLoadedKey] = []
    private var head = 0

    init() { ring.reserveCapacity(Self.depth) }

    /// Takes `k` and returns the key now due for its insert, if any.
    @inline(__always)
    mutating func push(_ k: RDBLoadedKey, into databases: [Database]) -> RDBLoadedKey? {
        databases[k.db].prefetchSlot(for: k.key)
        if ring.count < Self.depth {
            ring.append(k)
            return nil
        }
        let due = ring[head]
        ring[head] = k
        head = head + 1 == Self.depth ? 0 : head + 1
        return due
    }

    /// The keys still waiting, oldest first; the pipeline is empty after.
    mutating func drain() -> [RDBLoadedKey] {
        let rest = Array(ring[head...] + ring[..<head])
        discard()
        return rest
    }

    /// Forgets the keys still waiting.
    mutating func discard() {
        ring.removeAll()
        head = 0
    }
}
