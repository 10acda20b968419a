import CVigilPrefetch

/// A hash map whose entries live in dense arrays, so that a random entry is
/// O(1) (RANDOMKEY, expire sampling, SPOP, SRANDMEMBER) and a cursor over the
/// array survives inserts and deletes (SCAN). Deletion moves the last entry
/// into the hole.
///
/// SCAN guarantee: the cursor walks indices from high to low. A delete only
/// moves the last entry (an already visited one, or an unvisited one to an
/// unvisited slot) downwards, so an entry present for the whole scan is
/// returned at least once; new entries may or may not be, as Redis allows.
public struct DenseDict<K: PrehashedKey, V> {
    public private(set) var keys: [K] = []
    public private(set) var values: [V] = []
    private var index: ChainedIndex
    /// Per-entry access stamps (Redis's robj.lru field: an LRU clock or an LFU
    /// counter), parallel to `keys`. Only a database's main dict keeps them
    /// (`tracksAccess`), so the member dicts of sets and hashes pay nothing.
    public private(set) var stamps: [UInt32] = []
    public let tracksAccess: Bool

    /// `guardsMemory`: a database's keys or expires, whose index growth is
    /// held back near maxmemory (ChainedIndex).
    public init(tracksAccess: Bool = false, guardsMemory: Bool = false) {
        self.tracksAccess = tracksAccess
        index = ChainedIndex(guardsMemory: guardsMemory)
    }

    public init(minimumCapacity: Int, tracksAccess: Bool = false) {
        self.tracksAccess = tracksAccess
        index = ChainedIndex()
        keys.reserveCapacity(minimumCapacity)
        values.reserveCapacity(minimumCapacity)
        index.reserve(minimumCapacity)
        if tracksAccess { stamps.reserveCapacity(minimumCapacity) }
    }

    public var count: Int { keys.count }

    /// Room for `n` entries without regrowing (a load that knows its size up front).
    public mutating func reserveCapacity(_ n: Int) {
        keys.reserveCapacity(n)
        values.reserveCapacity(n)
        index.reserve(n)
        if tracksAccess { stamps.reserveCapacity(n) }
    }

    /// Bytes of array capacity not holding an entry: arrays keep their
    /// capacity when entries go, so this is memory held but not used, like
    /// free space inside an allocator (used_memory leaves it out). Each
    /// array by its own capacity: they grow at different counts (the
    /// allocator rounds each block up differently), and one array's spare
    /// room taken for all of them made a growth step count up to ~100 KB
    /// too much or too little at 4096 keys.
    public var slackBytes: Int {
        let n = keys.count
        var bytes = (keys.capacity - n) * MemoryLayout<K>.stride + (values.capacity - n) * MemoryLayout<V>.stride
        if tracksAccess { bytes += (stamps.capacity - n) * MemoryLayout<UInt32>.stride }
        return bytes + index.slackBytes
    }

    /// The index's chain statistics (DEBUG HTSTATS).
    public var indexStats: HashTableStats { index.stats }

    /// serverCron's tryResizeHashTables: an index under 10% full shrinks.
    public mutating func shrinkIndexIfSparse() {
        if index.isSparse { index.shrinkToFit() }
    }
    public var isEmpty: Bool { keys.isEmpty }

    @inlinable public func position(of key: K) -> Int? { _index(key) }
    @usableFromInline func _index(_ key: K) -> Int? { index.find(key, in: keys) }

    public subscript(key: K) -> V? {
        get {
            guard let i = index.find(key, in: keys) else { return nil }
            return values[i]
        }
        set {
            if let v = newValue { set(key, v) } else { _ = remove(key) }
        }
    }

    public func contains(_ key: K) -> Bool { index.find(key, in: keys) != nil }

    /// Inserts or replaces; returns true if the key is new. A replaced entry
    /// keeps its access stamp; a new one gets 0 (unknown).
    @discardableResult
    public mutating func set(_ key: K, _ value: V) -> Bool {
        set(key, value) { $0 ?? 0 }
    }

    /// Inserts or replaces, setting the access stamp from the old one (nil when new).
    @discardableResult
    public mutating func set(_ key: K, _ value: V, stamp: (_ old: UInt32?) -> UInt32) -> Bool {
        // One probe for both cases (two lookups cost ~20% of MSET).
        let n = keys.count
        let i = index.findOrInsert(key, in: keys, newPosition: n)
        if i != n {
            values[i] = value
            if tracksAccess { stamps[i] = stamp(stamps[i]) }
            return false
        }
        keys.append(key)
        values.append(value)
        if tracksAccess { stamps.append(stamp(nil)) }
        return true
    }

    /// Inserts only when the key is absent, in one probe; false (and nothing
    /// changed) when it is already there.
    public mutating func insertIfAbsent(_ key: K, _ value: V, stamp: UInt32) -> Bool {
        let n = keys.count
        guard index.findOrInsert(key, in: keys, newPosition: n) == n else { return false }
        keys.append(key)
        values.append(value)
        if tracksAccess { stamps.append(stamp) }
        return true
    }

    /// Starts loading the part of the index an insert of `key` will probe
    /// (ChainedIndex.prefetch). Mutating only so that a dict held in a class
    /// property is reached in place: called as non-mutating, the whole struct
    /// was copied per call (a retain and release of each of its arrays).
    @inline(__always)
    public mutating func prefetch(_ key: K) { index.prefetch(hash: key.prehash) }

    /// A lookup that also updates the entry's access stamp, in one hash probe.
    public mutating func valueRecordingAccess(_ key: K, _ stamp: (_ old: UInt32) -> UInt32) -> V? {
        guard let i = index.find(key, in: keys) else { return nil }
        if tracksAccess { stamps[i] = stamp(stamps[i]) }
        return values[i]
    }

    /// The access stamp of an entry (nil when missing or not tracked).
    public func stamp(of key: K) -> UInt32? {
        guard tracksAccess, let i = index.find(key, in: keys) else { return nil }
        return stamps[i]
    }

    /// Mutates a value in place (no copy of a uniquely held value).
    @discardableResult
    public mutating func modify<R>(_ key: K, _ body: (inout V) -> R) -> R? {
        guard let i = index.find(key, in: keys) else { return nil }
        return body(&values[i])
    }

    public mutating func modify<R>(at i: Int, _ body: (inout V) -> R) -> R { body(&values[i]) }

    @discardableResult
    public mutating func remove(_ key: K) -> V? {
        guard let i = index.remove(key, in: keys) else { return nil }
        return fillHole(i)
    }

    /// Removes the entry at `i` (a position just found for its key: no hash
    /// lookup, its chain is walked by position alone).
    public mutating func remove(at i: Int) -> V {
        index.unlink(position: i, hash: keys[i].prehash)
        return fillHole(i)
    }

    /// The last entry moves into the unlinked position `i`. Swapped through
    /// buffer pointers: Array's own swapAt copies, a retain and release of
    /// each value, and the removed one is mostly out of the cache.
    private mutating func fillHole(_ i: Int) -> V {
        let last = keys.count - 1
        if i != last {
            keys.withUnsafeMutableBufferPointer { $0.swapAt(i, last) }
            values.withUnsafeMutableBufferPointer { $0.swapAt(i, last) }
            if tracksAccess { stamps.swapAt(i, last) }
            index.moveLast(hash: keys[i].prehash, to: i)
        } else {
            index.dropLast()
        }
        keys.removeLast()
        if tracksAccess { stamps.removeLast() }
        return values.removeLast()
    }

    /// The position of `key`, trying `hint` (where it was once seen) before
    /// a hash lookup.
    @inline(__always)
    public func position(of key: K, hint: Int) -> Int? {
        if hint >= 0 && hint < keys.count && keys[hint] == key { return hint }
        return index.find(key, in: keys)
    }

    /// Asks for the lines of the entry at `i` that sampling reads (its stamp,
    /// its key). Mutating for the reason `prefetch` is.
    @inline(__always)
    public mutating func prefetchEntry(at i: Int) {
        if tracksAccess { stamps.withUnsafeBufferPointer { vigil_prefetch_for_read($0.baseAddress! + i) } }
        keys.withUnsafeBufferPointer { vigil_prefetch_for_read($0.baseAddress! + i) }
    }

    /// Asks for every line `remove(at:)` of `key`, thought to be at `hint`,
    /// will touch: the entry, its bucket and link, and the bucket of the
    /// last entry that moves into its place. Issued together, their misses
    /// overlap instead of each waiting for the one before.
    @inline(__always)
    public mutating func prefetchRemoval(of key: K, at hint: Int) {
        guard hint >= 0 && hint < keys.count else { return }
        keys.withUnsafeBufferPointer { vigil_prefetch_for_read($0.baseAddress! + hint) }
        values.withUnsafeBufferPointer { vigil_prefetch_for_write($0.baseAddress! + hint) }
        if tracksAccess { stamps.withUnsafeBufferPointer { vigil_prefetch_for_write($0.baseAddress! + hint) } }
        index.prefetch(hash: key.prehash)
        index.prefetchLink(hint)
        index.prefetch(hash: keys[keys.count - 1].prehash)
    }

    public mutating func removeAll() {
        keys = []
        values = []
        index.removeAll()
        stamps = []
    }

    public func key(at i: Int) -> K { keys[i] }
    public func value(at i: Int) -> V { values[i] }

    /// A uniformly random index, or nil when empty.
    public func randomPosition<G: RandomNumberGenerator>(using g: inout G) -> Int? {
        keys.isEmpty ? nil : Int.random(in: 0..<keys.count, using: &g)
    }

    /// Visits up to `count` positions from `cursor` (0 = start) and returns the
    /// next cursor (0 = done). The cursor is 1 + the next index to visit.
    public func scan(cursor: Int, count: Int, _ visit: (K, V) -> Void) -> Int {
        var i = cursor == 0 ? keys.count - 1 : min(cursor - 1, keys.count - 1)
        var n = 0
        while i >= 0 && n < count {
            visit(keys[i], values[i])
            i -= 1
            n += 1
        }
        return i < 0 ? 0 : i + 1
    }
}
