import CVigilPrefetch

/// A key that supplies its own hash, cheaply (an inline Key mixes its words).
public protocol PrehashedKey: Hashable {
    var prehash: Int { get }
}

extension Key: PrehashedKey {
    @inlinable @inline(__always) public var prehash: Int { hashCode }
}

/// The index of a DenseDict: Redis's dict layout (a power-of-two array of
/// buckets, each the head of a chain of entries, grown to double when the
/// entries reach the bucket count) over the positions of the dict's arrays.
///
/// Why chains and not open addressing: the table's size follows Redis's
/// rules exactly (DEBUG HTSTATS reports the same sizes), its load can pass
/// 1 when growing is unwelcome (a fork child alive, maxmemory about to be
/// crossed) instead of having to grow or fail, and at load <= 1 it holds
/// fewer slots than a probing table needs to stay fast.
///
/// A reference to an entry packs 32 bits of its hash beside its position,
/// (hash low 32 bits) << 32 | (position + 1), 0 for none: a chain walk rejects
/// other keys without reading them, and a hit costs the bucket and the key,
/// as a probe of an open-addressing table does.
public struct ChainedIndex {
    /// Per bucket: the reference to the chain's first entry.
    private var heads: [UInt64] = []
    /// Per position: the reference to the next entry of its chain.
    private var links: [UInt64] = []
    private var mask = -1
    /// A database's keys or expires: growth asks DictResizing's maxmemory check.
    public let guardsMemory: Bool

    public init(guardsMemory: Bool = false) { self.guardsMemory = guardsMemory }

    /// DICT_HT_INITIAL_SIZE.
    static let initialSize = 4

    public var count: Int { links.count }
    /// The number of buckets (Redis's table size).
    public var size: Int { heads.count }

    @inline(__always) private static func tag(_ hash: Int) -> UInt64 { UInt64(UInt32(truncatingIfNeeded: hash)) }
    @inline(__always) private static func position(_ ref: UInt64) -> Int { Int(ref & 0xFFFF_FFFF) - 1 }
    @inline(__always) private static func ref(_ tag: UInt64, _ position: Int) -> UInt64 { tag << 32 | UInt64(position + 1) }

    /// The position of `key`, or nil.
    @inline(__always)
    public func find<K: PrehashedKey>(_ key: K, in keys: [K]) -> Int? {
        if mask < 0 { return nil }
        let t = Self.tag(key.prehash)
        var r = heads[Int(truncatingIfNeeded: t) & mask]
        while r != 0 {
            let p = Self.position(r)
            if r >> 32 == t && keys[p] == key { return p }
            r = links[p]
        }
        return nil
    }

    /// The position of `key`; when missing, records it at `newPosition` (the
    /// dict's count: positions are dense) and returns that.
    @inline(__always)
    public mutating func findOrInsert<K: PrehashedKey>(_ key: K, in keys: [K], newPosition: Int) -> Int {
        if let p = find(key, in: keys) { return p }
        expandIfNeeded()
        let t = Self.tag(key.prehash)
        let b = Int(truncatingIfNeeded: t) & mask
        links.append(heads[b])
        heads[b] = Self.ref(t, newPosition)
        return newPosition
    }

    /// Asks for the cache line of the bucket an insert of `hash` starts at: a
    /// caller with other work before its insert (a loader decoding the value)
    /// hides the miss, which is otherwise most of an insert into a large table.
    @inline(__always)
    public func prefetch(hash: Int) {
        guard mask >= 0 else { return }
        heads.withUnsafeBufferPointer { vigil_prefetch_for_write($0.baseAddress! + (Int(truncatingIfNeeded: Self.tag(hash)) & mask)) }
    }

    /// Asks for the line of the link at `position` (a removal by position reads it).
    @inline(__always)
    public func prefetchLink(_ position: Int) {
        links.withUnsafeBufferPointer { vigil_prefetch_for_write($0.baseAddress! + position) }
    }

    /// Unlinks the entry at `position`, whose key hashes to `hash`: its
    /// chain is walked by reference (tag and position), no key is read.
    public mutating func unlink(position p: Int, hash: Int) {
        let t = Self.tag(hash)
        let b = Int(truncatingIfNeeded: t) & mask
        let want = Self.ref(t, p)
        if heads[b] == want {
            heads[b] = links[p]
        } else {
            var q = Self.position(heads[b])
            while links[q] != want { q = Self.position(links[q]) }
            links[q] = links[p]
        }
    }

    /// Unlinks `key`; returns the position it had. The caller then fills the
    /// hole: `moveLast(hash:to:)` when the last entry moves into it, or
    /// `dropLast()` when the hole was the last position.
    public mutating func remove<K: PrehashedKey>(_ key: K, in keys: [K]) -> Int? {
        if mask < 0 { return nil }
        let t = Self.tag(key.prehash)
        let b = Int(truncatingIfNeeded: t) & mask
        var r = heads[b]
        var previous = -1
        while r != 0 {
            let p = Self.position(r)
            if r >> 32 == t && keys[p] == key {
                if previous < 0 { heads[b] = links[p] } else { links[previous] = links[p] }
                return p
            }
            previous = p
            r = links[p]
        }
        return nil
    }

    /// The last entry, whose hash is `hash`, moved into the removed entry's
    /// position `hole`.
    public mutating func moveLast(hash: Int, to hole: Int) {
        let last = links.count - 1
        let t = Self.tag(hash)
        let b = Int(truncatingIfNeeded: t) & mask
        let want = Self.ref(t, last)
        if heads[b] == want {
            heads[b] = Self.ref(t, hole)
        } else {
            var p = Self.position(heads[b])
            while links[p] != want { p = Self.position(links[p]) }
            links[p] = Self.ref(t, hole)
        }
        links[hole] = links[last]
        links.removeLast()
    }

    /// The removed entry was the last position.
    public mutating func dropLast() { links.removeLast() }

    /// Redis's _dictExpandIfNeeded, before an insert.
    @inline(__always)
    private mutating func expandIfNeeded() {
        let size = heads.count
        if size == 0 { return rehash(to: Self.initialSize) }
        let used = links.count
        switch DictResizing.policy {
        case .enable: if used < size { return }
        case .avoid: if used / size <= DictResizing.forceRatio { return }
        case .forbid: return
        }
        let next = Self.sizeFor(used + 1)
        if guardsMemory, let over = DictResizing.keyspaceOverMaxmemoryAfterAlloc,
           Double(used) / Double(size) <= DictResizing.maxLoadFactor,
           over(next * MemoryLayout<UInt64>.stride) {
            return
        }
        rehash(to: next)
    }

    /// _dictNextExp: the smallest power of two >= n, at least the initial size.
    static func sizeFor(_ n: Int) -> Int {
        var size = initialSize
        while size < n { size *= 2 }
        return size
    }

    /// dictExpand(n): room for `n` entries in as many buckets (a load that
    /// knows its size up front).
    public mutating func reserve(_ n: Int) {
        links.reserveCapacity(n)
        let size = Self.sizeFor(n)
        if size > heads.count { rehash(to: size) }
    }

    /// Redis's htNeedsResize: more than the initial size and under 10% full.
    public var isSparse: Bool { heads.count > Self.initialSize && links.count * 100 / heads.count < 10 }

    /// dictResize: down to the smallest size that holds the entries, when
    /// resizing is enabled (never with a fork child alive).
    public mutating func shrinkToFit() {
        guard DictResizing.policy == .enable else { return }
        let size = Self.sizeFor(links.count)
        if size < heads.count { rehash(to: size) }
    }

    public mutating func removeAll() {
        heads = []
        links = []
        mask = -1
    }

    /// Bytes of the links array's capacity holding no entry (freed keys'
    /// room, as DenseDict.slackBytes).
    public var slackBytes: Int { (links.capacity - links.count) * MemoryLayout<UInt64>.stride }

    /// Chain lengths for DEBUG HTSTATS.
    public var stats: HashTableStats {
        var s = HashTableStats(size: heads.count, used: links.count)
        for head in heads {
            var n = 0
            var r = head
            while r != 0 {
                n += 1
                r = links[Self.position(r)]
            }
            s.addChain(length: n)
        }
        return s
    }

    private mutating func rehash(to size: Int) {
        let old = heads
        heads = [UInt64](repeating: 0, count: size)
        mask = size - 1
        for head in old {
            var r = head
            while r != 0 {
                let p = Self.position(r)
                let next = links[p]
                let b = Int(truncatingIfNeeded: r >> 32) & mask
                links[p] = heads[b]
                heads[b] = r
                r = next
            }
        }
    }
}
