/// The hash part of a table: open addressing with linear probing over one
/// slot array. Keys are never removed between rehashes (a cleared field keeps
/// its key with a nil value), so a `next` traversal by slot index survives
/// assignments and clears, as Lua's own does. Cheaper than Dictionary, whose
/// seeded SipHash dominated field and global lookups.
struct LuaHash {
    struct Slot {
        var key: LuaValue
        var value: LuaValue
    }

    private(set) var slots: [Slot] = []
    /// Keys present, live or cleared.
    private(set) var used = 0
    private(set) var mask = -1

    var isEmpty: Bool { used == 0 }
    var capacity: Int { slots.count }

    init(capacity: Int = 0) {
        if capacity > 0 { resize(to: capacity) }
    }

    @inline(__always) static func hash(_ k: LuaValue) -> Int {
        switch k {
        case .string(let s): return s.hash
        case .number(let d):
            var x = d.bitPattern
            x = (x ^ (x >> 33)) &* 0xff51_afd7_ed55_8ccd
            x ^= x >> 29
            return Int(truncatingIfNeeded: x)
        case .bool(let b): return b ? 1 : 2
        case .table(let t): return mix(ObjectIdentifier(t).hashValue)
        case .function(let f): return mix(ObjectIdentifier(f).hashValue)
        case .userdata(let u): return mix(ObjectIdentifier(u).hashValue)
        case .cell(let c): return mix(ObjectIdentifier(c).hashValue)
        case .nil_: return 0
        }
    }

    @inline(__always) static func mix(_ v: Int) -> Int {
        var x = UInt64(bitPattern: Int64(v))
        x = (x ^ (x >> 31)) &* 0x9e37_79b9_7f4a_7c15
        return Int(truncatingIfNeeded: x ^ (x >> 29))
    }

    /// The slot holding `key`, if present.
    @inline(__always) func find(_ key: LuaValue) -> Int? {
        if used == 0 { return nil }
        var i = LuaHash.hash(key) & mask
        while true {
            let k = slots[i].key
            if k.isNil { return nil }
            if k == key { return i }
            i = (i + 1) & mask
        }
    }

    @inline(__always) func get(_ key: LuaValue) -> LuaValue {
        if case .string(let s) = key { return get(string: s) }
        guard let i = find(key) else { return .nil_ }
        return slots[i].value
    }

    /// Field lookup (`t.x`, methods, globals): probes without copying the
    /// keys it passes, and compares string identity before bytes.
    @inline(__always) func get(string s: LuaString) -> LuaValue {
        if used == 0 { return .nil_ }
        let m = mask
        return slots.withUnsafeBufferPointer { buf -> LuaValue in
            var i = s.hash & m
            while true {
                switch buf[i].key {
                case .nil_: return .nil_
                case .string(let ks):
                    if ks === s || (ks.hash == s.hash && ks.bytes == s.bytes) { return buf[i].value }
                default: break
                }
                i = (i + 1) & m
            }
        }
    }

    @inline(__always) func key(at i: Int) -> LuaValue { slots[i].key }
    @inline(__always) func value(at i: Int) -> LuaValue { slots[i].value }
    @inline(__always) mutating func setValue(at i: Int, _ v: LuaValue) { slots[i].value = v }

    /// Adds a key that is not present.
    mutating func insert(_ key: LuaValue, _ value: LuaValue, live: Int) {
        if (used + 1) * 4 > slots.count * 3 { resize(to: max(4, (live + 1) * 2)) }
        var i = LuaHash.hash(key) & mask
        while !slots[i].key.isNil { i = (i + 1) & mask }
        slots[i] = Slot(key: key, value: value)
        used += 1
    }

    /// Rebuilds with room for `n` keys, dropping cleared ones.
    mutating func resize(to n: Int) {
        var cap = 4
        while cap < n * 4 / 3 + 1 { cap *= 2 }
        let old = slots
        slots = Array(repeating: Slot(key: .nil_, value: .nil_), count: cap)
        mask = cap - 1
        used = 0
        for s in old where !s.key.isNil && !s.value.isNil {
            var i = LuaHash.hash(s.key) & mask
            while !slots[i].key.isNil { i = (i + 1) & mask }
            slots[i] = s
            used += 1
        }
    }

    /// The first slot at or after `from` with a live value.
    func nextLive(from: Int) -> Int? {
        var i = from
        while i < slots.count {
            if !slots[i].key.isNil && !slots[i].value.isNil { return i }
            i += 1
        }
        return nil
    }
}
