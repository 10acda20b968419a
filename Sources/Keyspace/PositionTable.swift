import CVigilPrefetch

/// A key that supplies its own hash, cheaply (an inline Key mixes its words).
public protocol PrehashedKey: Hashable {
    var prehash: Int { get }
}

extension Key: PrehashedKey {
    @inlinable @inline(__always) public var prehash: Int { hashCode }
}

/// The index of a DenseDict: open addressing with linear probing from a key's
/// precomputed hash to its position in the dict's key array.
///
/// Why not `[Key: Int]`: Swift's Dictionary hashes every key again through a
/// seeded Hasher, and rejects a colliding probe only by comparing the keys
/// themselves (a pointer chase per probe). Here each slot packs 32 bits of the
/// key's hash beside its position, so a probe rejects other keys inside the
/// slot array and the key bytes are compared only on a hash match.
public struct PositionTable {
    /// 0 = empty; otherwise (hash low 32 bits) << 32 | (position + 1).
    private var slots: [UInt64] = []
    private var mask = -1
    public private(set) var count = 0

    @inline(__always) private static func tag(_ hash: Int) -> UInt64 { UInt64(UInt32(truncatingIfNeeded: hash)) }
    @inline(__always) private static func position(_ slot: UInt64) -> Int { Int(slot & 0xFFFF_FFFF) - 1 }

    /// The position of `key`, or nil.
    @inline(__always)
    public func find<K: PrehashedKey>(_ key: K, in keys: [K]) -> Int? {
        if count == 0 { return nil }
        let t = Self.tag(key.prehash)
        var i = Int(truncatingIfNeeded: t) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if s >> 32 == t {
                let p = Self.position(s)
                if keys[p] == key { return p }
            }
            i = (i + 1) & mask
        }
    }

    /// The position of `key`; when missing, records it at `newPosition` and returns that.
    @inline(__always)
    public mutating func findOrInsert<K: PrehashedKey>(_ key: K, in keys: [K], newPosition: Int) -> Int {
        if (count + 1) * 4 > slots.count * 3 { grow() }
        let t = Self.tag(key.prehash)
        var i = Int(truncatingIfNeeded: t) & mask
        while true {
            let s = slots[i]
            if s == 0 {
                slots[i] = t << 32 | UInt64(newPosition + 1)
                count += 1
                return newPosition
            }
            if s >> 32 == t {
                let p = Self.position(s)
                if keys[p] == key { return p }
            }
            i = (i + 1) & mask
        }
    }

    /// Asks for the cache line where a probe for `hash` starts: a caller
    /// with other work before its insert (a loader decoding the value) hides
    /// the miss, which is otherwise most of an insert into a large table.
    @inline(__always)
    public func prefetch(hash: Int) {
        guard mask >= 0 else { return }
        slots.withUnsafeBufferPointer { vigil_prefetch_for_write($0.baseAddress! + (Int(truncatingIfNeeded: Self.tag(hash)) & mask)) }
    }

    /// Forgets `key`; returns the position it had.
    public mutating func remove<K: PrehashedKey>(_ key: K, in keys: [K]) -> Int? {
        if count == 0 { return nil }
        let t = Self.tag(key.prehash)
        var i = Int(truncatingIfNeeded: t) & mask
        while true {
            let s = slots[i]
            if s == 0 { return nil }
            if s >> 32 == t {
                let p = Self.position(s)
                if keys[p] == key {
                    deleteSlot(i)
                    return p
                }
            }
            i = (i + 1) & mask
        }
    }

    /// Backward-shift deletion: later entries of the probe run move up, so no
    /// tombstones accumulate.
    private mutating func deleteSlot(_ start: Int) {
        var hole = start
        slots[hole] = 0
        count -= 1
        var j = hole
        while true {
            j = (j + 1) & mask
            let s = slots[j]
            if s == 0 { return }
            let ideal = Int(truncatingIfNeeded: s >> 32) & mask
            if (hole - ideal) & mask < (j - ideal) & mask {
                slots[hole] = s
                slots[j] = 0
                hole = j
            }
        }
    }

    /// The entry of a key with hash `hash` moved from position `old` to `new`.
    public mutating func reposition(hash: Int, from old: Int, to new: Int) {
        let t = Self.tag(hash)
        var i = Int(truncatingIfNeeded: t) & mask
        let want = UInt64(old + 1)
        while true {
            let s = slots[i]
            if s == 0 { return }
            if s & 0xFFFF_FFFF == want {
                slots[i] = t << 32 | UInt64(new + 1)
                return
            }
            i = (i + 1) & mask
        }
    }

    public mutating func reserve(_ n: Int) {
        var cap = 8
        while n * 4 > cap * 3 { cap *= 2 }
        if cap > slots.count { rehash(to: cap) }
    }

    public mutating func removeAll() {
        slots = []
        mask = -1
        count = 0
    }

    private mutating func grow() { rehash(to: max(8, slots.count * 2)) }

    private mutating func rehash(to capacity: Int) {
        let old = slots
        slots = [UInt64](repeating: 0, count: capacity)
        mask = capacity - 1
        for s in old where s != 0 {
            var i = Int(truncatingIfNeeded: s >> 32) & mask
            while slots[i] != 0 { i = (i + 1) & mask }
            slots[i] = s
        }
    }
}
