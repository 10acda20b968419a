/// Redis's dict.c: chained buckets in power-of-two tables, incremental
/// rehashing into a second table (one bucket per operation, also driven by
/// random picks), the resize policy while a fork child runs, and SCAN's
/// reverse-binary cursor over both tables. Kept faithful because clients see
/// its behaviour: DEBUG HTSTATS-KEY reports it and SSCAN's guarantees rely on
/// its bucket layout.
///
/// Entries live in dense parallel arrays addressed by Int32 indices (no object
/// per entry): a bucket holds the index of its first entry and `links` the
/// next one in the chain (-1 ends both). A delete moves the last entry into
/// the hole and repoints the one link that named it, so iteration (SMEMBERS,
/// persistence) is a walk of the arrays. Each entry keeps 32 bits of its hash:
/// a rehash needs no rehashing of the key, and a chain walk compares keys only
/// on a hash match.
public struct ChainedDict<K: PrehashedKey, V> {
    public private(set) var keys: [K] = []
    public private(set) var values: [V] = []
    @usableFromInline var links: [Int32] = []
    @usableFromInline var hashes: [UInt32] = []
    /// ht_table[0] and ht_table[1]: the first entry of each bucket, or -1.
    @usableFromInline var table0: [Int32] = []
    @usableFromInline var table1: [Int32] = []
    /// ht_size_exp (-1: no table) and ht_used.
    public private(set) var exp0 = -1
    public private(set) var exp1 = -1
    public private(set) var used0 = 0
    public private(set) var used1 = 0
    /// The next bucket of table 0 to move, or -1 when not rehashing.
    public private(set) var rehashIndex = -1

    /// DICT_HT_INITIAL_EXP.
    public static var initialExp: Int { 2 }

    public init() {}

    /// A table sized for `n` entries up front (dictExpand on a new dict).
    public init(minimumCapacity n: Int) { expand(to: n) }

    @inlinable public var count: Int { keys.count }
    @inlinable public var isEmpty: Bool { keys.isEmpty }
    @inlinable public var isRehashing: Bool { rehashIndex != -1 }
    public var size0: Int { exp0 < 0 ? 0 : 1 << exp0 }
    public var size1: Int { exp1 < 0 ? 0 : 1 << exp1 }
    /// dictSlots: the buckets of both tables.
    public var slots: Int { size0 + size1 }

    @inlinable public func key(at entry: Int) -> K { keys[entry] }
    @inlinable public func value(at entry: Int) -> V { values[entry] }

    @inline(__always) static func hash(_ key: K) -> UInt32 { UInt32(truncatingIfNeeded: key.prehash) }

    @inline(__always) func head(_ table: Int, _ bucket: Int) -> Int32 {
        table == 0 ? table0[bucket] : table1[bucket]
    }

    @inline(__always) mutating func setHead(_ table: Int, _ bucket: Int, _ e: Int32) {
        if table == 0 { table0[bucket] = e } else { table1[bucket] = e }
    }

    @inline(__always) func mask(_ table: Int) -> Int { (table == 0 ? size0 : size1) - 1 }

    // MARK: lookups

    /// The entry holding `key` in either table, without a rehash step.
    @inline(__always)
    func locate(_ key: K, _ h: UInt32) -> Int? {
        if exp0 < 0 { return nil }
        var e = table0[Int(h) & (size0 - 1)]
        while e != -1 {
            let i = Int(e)
            if hashes[i] == h && keys[i] == key { return i }
            e = links[i]
        }
        guard isRehashing else { return nil }
        e = table1[Int(h) & (size1 - 1)]
        while e != -1 {
            let i = Int(e)
            if hashes[i] == h && keys[i] == key { return i }
            e = links[i]
        }
        return nil
    }

    /// dictFind: the entry of `key`, after one rehash step as Redis takes on every lookup.
    @inline(__always)
    public mutating func find(_ key: K) -> Int? {
        if keys.isEmpty { return nil }
        if isRehashing { rehash(1) }
        return locate(key, Self.hash(key))
    }

    public mutating func contains(_ key: K) -> Bool { find(key) != nil }

    public mutating func get(_ key: K) -> V? { find(key).map { values[$0] } }

    // MARK: inserts

    /// dictAdd: inserts when absent (true), else leaves the entry alone (false).
    /// A new entry heads its bucket's chain, in the new table while rehashing.
    @discardableResult
    public mutating func insert(_ key: K, _ value: V) -> Bool {
        if isRehashing { rehash(1) }
        let h = Self.hash(key)
        expandIfNeeded()
        if locate(key, h) != nil { return false }
        link(key, value, h)
        return true
    }

    /// dictReplace: inserts or overwrites the value; true when the key is new.
    @discardableResult
    public mutating func set(_ key: K, _ value: V) -> Bool {
        if isRehashing { rehash(1) }
        let h = Self.hash(key)
        expandIfNeeded()
        if let i = locate(key, h) {
            values[i] = value
            return false
        }
        link(key, value, h)
        return true
    }

    @inline(__always)
    private mutating func link(_ key: K, _ value: V, _ h: UInt32) {
        let e = Int32(keys.count)
        keys.append(key)
        values.append(value)
        hashes.append(h)
        if isRehashing {
            let b = Int(h) & (size1 - 1)
            links.append(table1[b])
            table1[b] = e
            used1 += 1
        } else {
            let b = Int(h) & (size0 - 1)
            links.append(table0[b])
            table0[b] = e
            used0 += 1
        }
    }

    // MARK: deletes

    /// dictDelete: removes `key` (one rehash step first); its value, or nil when absent.
    @discardableResult
    public mutating func remove(_ key: K) -> V? {
        if keys.isEmpty { return nil }
        if isRehashing { rehash(1) }
        let h = Self.hash(key)
        for t in 0..<(isRehashing ? 2 : 1) {
            let b = Int(h) & mask(t)
            var prev: Int32 = -1
            var e = head(t, b)
            while e != -1 {
                let i = Int(e)
                if hashes[i] == h && keys[i] == key {
                    if prev == -1 { setHead(t, b, links[i]) } else { links[Int(prev)] = links[i] }
                    if t == 0 { used0 -= 1 } else { used1 -= 1 }
                    return discard(i)
                }
                prev = e
                e = links[i]
            }
        }
        return nil
    }

    /// Drops an unlinked entry from the arrays: the last entry moves into its place.
    private mutating func discard(_ i: Int) -> V {
        let last = keys.count - 1
        if i != last {
            repoint(Int32(last), to: Int32(i))
            keys.swapAt(i, last)
            values.swapAt(i, last)
            hashes.swapAt(i, last)
            links.swapAt(i, last)
        }
        keys.removeLast()
        hashes.removeLast()
        links.removeLast()
        return values.removeLast()
    }

    /// Makes whatever names entry `from` (a bucket head or a chain link) name `to`.
    private mutating func repoint(_ from: Int32, to: Int32) {
        let h = Int(hashes[Int(from)])
        for t in 0..<(isRehashing ? 2 : 1) {
            let b = h & mask(t)
            var e = head(t, b)
            if e == from {
                setHead(t, b, to)
                return
            }
            while e != -1 {
                let next = links[Int(e)]
                if next == from {
                    links[Int(e)] = to
                    return
                }
                e = next
            }
        }
        preconditionFailure("ChainedDict: entry \(from) is in no chain")
    }

    public mutating func removeAll() { self = ChainedDict() }

    // MARK: sizing

    /// _dictNextExp: the exponent of the smallest power of two >= size (at least 4).
    static func nextExp(_ size: Int) -> Int {
        if size <= 1 << initialExp { return initialExp }
        return min(Int.bitWidth - (size - 1).leadingZeroBitCount, 31)
    }

    /// dictExpand: a table of the next power of two >= size, the first one
    /// directly, a later one as the target of an incremental rehash. False when
    /// rehashing already, too small for the entries, or the same size.
    @discardableResult
    public mutating func expand(to size: Int) -> Bool {
        if isRehashing || used0 > size { return false }
        let e = Self.nextExp(size)
        if e == exp0 { return false }
        let fresh = [Int32](repeating: -1, count: 1 << e)
        if exp0 < 0 {
            table0 = fresh
            exp0 = e
            return true
        }
        table1 = fresh
        exp1 = e
        used1 = 0
        rehashIndex = 0
        return true
    }

    /// _dictExpandIfNeeded: double at a fill of 1, or past the force ratio while a child runs.
    @inline(__always)
    private mutating func expandIfNeeded() {
        if isRehashing { return }
        if exp0 < 0 {
            expand(to: 1 << Self.initialExp)
            return
        }
        let s0 = size0, policy = DictResizing.policy
        if (policy == .enable && used0 >= s0) || (policy != .forbid && used0 / s0 > DictResizing.forceRatio) {
            expand(to: used0 + 1)
        }
    }

    /// htNeedsResize then dictResize, as setTypeRemove does after each delete:
    /// below 10% fill (HASHTABLE_MIN_FILL) a table bigger than the initial one
    /// shrinks to the smallest that holds its entries, unless a child runs.
    public mutating func shrinkIfSparse() {
        let size = slots
        guard size > 1 << Self.initialExp, count * 100 / size < 10 else { return }
        guard DictResizing.policy == .enable, !isRehashing else { return }
        expand(to: max(used0, 1 << Self.initialExp))
    }

    /// dictRehash: moves up to `n` buckets of table 0 into table 1, visiting at
    /// most n*10 empty buckets. True while more remain to move.
    @discardableResult
    public mutating func rehash(_ n: Int) -> Bool {
        let policy = DictResizing.policy
        if policy == .forbid || !isRehashing { return false }
        let s0 = size0, s1 = size1
        if policy == .avoid {
            let ratio = DictResizing.forceRatio
            if (s1 > s0 && s1 / s0 < ratio) || (s1 < s0 && s0 / s1 < ratio) { return false }
        }
        var emptyVisits = n * 10
        var steps = n
        let mask1 = s1 - 1
        while steps > 0 && used0 != 0 {
            steps -= 1
            while table0[rehashIndex] == -1 {
                rehashIndex += 1
                emptyVisits -= 1
                if emptyVisits == 0 { return true }
            }
            var e = table0[rehashIndex]
            while e != -1 {
                let i = Int(e)
                let next = links[i]
                let b = Int(hashes[i]) & mask1
                links[i] = table1[b]
                table1[b] = e
                used0 -= 1
                used1 += 1
                e = next
            }
            table0[rehashIndex] = -1
            rehashIndex += 1
        }
        if used0 == 0 {
            table0 = table1
            used0 = used1
            exp0 = exp1
            table1 = []
            exp1 = -1
            used1 = 0
            rehashIndex = -1
            return false
        }
        return true
    }

    // MARK: random picks

    /// GETFAIR_NUM_ENTRIES: dictGetFairRandomKey samples this many entries,
    /// taking as many rehash steps first (dictGetSomeKeys).
    public static var fairSampleSize: Int { 15 }

    /// A random entry for SRANDMEMBER and SPOP (dictGetFairRandomKey's place),
    /// after the same rehash work: up to 15 steps, so that reads alone finish a
    /// rehash. Redis samples a run of buckets to approximate a uniform pick
    /// whatever the chain lengths; entries here are dense, so the pick is
    /// exactly uniform and O(1), a long chain included.
    public mutating func randomEntry<G: RandomNumberGenerator>(using g: inout G) -> Int? {
        if keys.isEmpty { return nil }
        for _ in 0..<min(Self.fairSampleSize, keys.count) {
            if isRehashing { rehash(1) } else { break }
        }
        return Int(g.next() % UInt64(keys.count))
    }

    // MARK: scan

    /// The bits of `v` in reverse order.
    @inline(__always) static func reversed(_ v: UInt64) -> UInt64 {
        var v = v
        var s = UInt64(64)
        var mask = ~UInt64(0)
        while true {
            s >>= 1
            if s == 0 { return v }
            mask ^= mask << s
            v = ((v >> s) & mask) | ((v << s) & ~mask)
        }
    }

    /// dictScan: visits the entries of the bucket at `cursor` (and, while
    /// rehashing, of its expansions in the larger table) and returns the next
    /// cursor (0: done). Entries present from start to end are visited at least
    /// once across resizes; no rehash happens during the visit.
    /// Every entry of one bucket; the next link is read first, so `visit` may delete the entry.
    private func visitChain(table t: Int, bucket: Int, _ visit: (Int) -> Void) {
        var e = head(t, bucket)
        while e != -1 {
            let next = links[Int(e)]
            visit(Int(e))
            e = next
        }
    }

    public func scan(cursor: UInt64, _ visit: (Int) -> Void) -> UInt64 {
        if keys.isEmpty { return 0 }
        var v = cursor
        if !isRehashing {
            let m0 = UInt64(size0 - 1)
            visitChain(table: 0, bucket: Int(v & m0), visit)
            v |= ~m0
            v = Self.reversed(Self.reversed(v) &+ 1)
            return v
        }
        // t0 the smaller table, t1 the larger.
        let (small, large) = size0 <= size1 ? (0, 1) : (1, 0)
        let m0 = UInt64(mask(small)), m1 = UInt64(mask(large))
        visitChain(table: small, bucket: Int(v & m0), visit)
        repeat {
            visitChain(table: large, bucket: Int(v & m1), visit)
            v |= ~m1
            v = Self.reversed(Self.reversed(v) &+ 1)
        } while v & (m0 ^ m1) != 0
        return v
    }

    // MARK: stats

    /// What _dictGetStatsHt counts for one table (`table` 0 or 1).
    public func stats(table t: Int) -> HashTableStats {
        let size = t == 0 ? size0 : size1
        var s = HashTableStats(table: t, size: size, used: t == 0 ? used0 : used1)
        guard s.used > 0 else { return s }
        for b in 0..<size {
            var e = head(t, b)
            var length = 0
            while e != -1 {
                length += 1
                e = links[Int(e)]
            }
            s.addChain(length: length)
        }
        return s
    }

    /// dictGetStats' tables: the main one, and the rehashing target while there is one.
    public var stats: [HashTableStats] {
        isRehashing ? [stats(table: 0), stats(table: 1)] : [stats(table: 0)]
    }
}
