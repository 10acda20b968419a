/// The hash part of a table, laid out as Lua 5.1's ltable.c lays it out:
/// 2^k nodes, each key at its main position or chained from it, collisions
/// placed in the free node found by a pointer scanning down from the end,
/// and a colliding key that is not in its own main position moved away
/// (Brent's variation). With the same hashes for strings, numbers and
/// booleans, keys land in the same nodes as in redis-server's Lua, so `next`
/// (and everything built on it: pairs, cjson, cmsgpack) walks them in the
/// same order. A cleared field keeps its key with a nil value until the next
/// rehash, so a traversal may clear fields as it goes. (Lua's collector also
/// retires cleared string keys, after which re-adding one takes a free node
/// rather than its old one; ours does not, so only that case can differ.)
struct LuaHash {
    struct Node {
        var key: LuaValue
        var value: LuaValue
        /// The next node of the collision chain, or -1.
        var next: Int32
    }

    /// No nodes stands for Lua's shared dummy node: lookups miss, and any
    /// insertion needs a rehash.
    private(set) var nodes: [Node] = []
    /// Nodes at or above this index have been handed out as free positions.
    private var lastFree = 0
    private var mask = 0

    var isEmpty: Bool { nodes.isEmpty }
    var count: Int { nodes.count }

    /// Room for `n` keys, rounded up to a power of two (setnodevector).
    init(size n: Int = 0) {
        guard n > 0 else { return }
        var size = 1
        while size < n { size *= 2 }
        nodes = Array(repeating: Node(key: .nil_, value: .nil_, next: -1), count: size)
        lastFree = size
        mask = size - 1
    }

    /// 5.1's hashnum: the two 32-bit words of the double summed, modulo an
    /// odd divisor; both zeros hash to node 0.
    @inline(__always) private func numberPosition(_ d: Double) -> Int {
        if d == 0 { return 0 }
        let bits = d.bitPattern
        let sum = UInt32(truncatingIfNeeded: bits) &+ UInt32(truncatingIfNeeded: bits >> 32)
        return Int(sum % UInt32(mask | 1))
    }

    /// Objects hash by address, as Lua's hashpointer does: not reproducible
    /// across processes, but stable for the object's life.
    @inline(__always) private func objectPosition(_ o: AnyObject) -> Int {
        let address = UInt(bitPattern: ObjectIdentifier(o))
        return Int(UInt32(truncatingIfNeeded: address) % UInt32(mask | 1))
    }

    @inline(__always) private func mainPosition(_ k: LuaValue) -> Int {
        switch k {
        case .string(let s): return s.hash & mask
        case .number(let d): return numberPosition(d)
        case .bool(let b): return (b ? 1 : 0) & mask
        case .table(let t): return objectPosition(t)
        case .function(let f): return objectPosition(f)
        case .userdata(let u): return objectPosition(u)
        case .cell(let c): return objectPosition(c)
        case .nil_: return 0
        }
    }

    /// The node holding `key` (its value may be nil), if any.
    @inline(__always) func find(_ key: LuaValue) -> Int? {
        if nodes.isEmpty { return nil }
        switch key {
        case .string(let s): return find(string: s)
        case .number(let d): return find(number: d)
        default: break
        }
        return nodes.withUnsafeBufferPointer { buf -> Int? in
            var i = mainPosition(key)
            while true {
                if buf[i].key == key { return i }
                let n = Int(buf[i].next)
                if n < 0 { return nil }
                i = n
            }
        }
    }

    @inline(__always) func find(number d: Double) -> Int? {
        if nodes.isEmpty { return nil }
        return nodes.withUnsafeBufferPointer { buf -> Int? in
            var i = numberPosition(d)
            while true {
                if case .number(let kd) = buf[i].key, kd == d { return i }
                let n = Int(buf[i].next)
                if n < 0 { return nil }
                i = n
            }
        }
    }

    /// Compares string identity, then the hash, before the bytes: our
    /// strings are not interned as Lua's are.
    @inline(__always) func find(string s: LuaString) -> Int? {
        if nodes.isEmpty { return nil }
        return nodes.withUnsafeBufferPointer { buf -> Int? in
            var i = s.hash & mask
            while true {
                if case .string(let ks) = buf[i].key,
                   ks === s || (ks.hash == s.hash && ks.bytes == s.bytes) { return i }
                let n = Int(buf[i].next)
                if n < 0 { return nil }
                i = n
            }
        }
    }

    @inline(__always) func get(string s: LuaString) -> LuaValue {
        guard let i = find(string: s) else { return .nil_ }
        return nodes[i].value
    }

    @inline(__always) func get(number d: Double) -> LuaValue {
        guard let i = find(number: d) else { return .nil_ }
        return nodes[i].value
    }

    @inline(__always) func get(_ key: LuaValue) -> LuaValue {
        guard let i = find(key) else { return .nil_ }
        return nodes[i].value
    }

    @inline(__always) func key(at i: Int) -> LuaValue { nodes[i].key }
    @inline(__always) func value(at i: Int) -> LuaValue { nodes[i].value }
    @inline(__always) mutating func setValue(at i: Int, _ v: LuaValue) { nodes[i].value = v }

    /// A node for a key that is not present (ltable.c's newkey), with a nil
    /// value for the caller to fill; nil when no node is free and the table
    /// must be rehashed first.
    mutating func newKey(_ key: LuaValue) -> Int? {
        if nodes.isEmpty { return nil }
        var mp = mainPosition(key)
        if !nodes[mp].value.isNil {
            guard let free = freePosition() else { return nil }
            var other = mainPosition(nodes[mp].key)
            if other != mp {
                // the occupant is a guest from another chain: move it to the
                // free node and give the new key its main position
                while Int(nodes[other].next) != mp { other = Int(nodes[other].next) }
                nodes[other].next = Int32(free)
                nodes[free] = nodes[mp]
                nodes[mp].next = -1
                nodes[mp].value = .nil_
            } else {
                // the occupant is at home: chain the new key after it
                nodes[free].next = nodes[mp].next
                nodes[mp].next = Int32(free)
                mp = free
            }
        }
        // a node holding a cleared key is reused in place, chain link kept
        nodes[mp].key = key
        return mp
    }

    private mutating func freePosition() -> Int? {
        while lastFree > 0 {
            lastFree -= 1
            if nodes[lastFree].key.isNil { return lastFree }
        }
        return nil
    }

    /// The first node at or after `from` with a live value.
    func nextLive(from: Int) -> Int? {
        var i = from
        while i < nodes.count {
            if !nodes[i].value.isNil { return i }
            i += 1
        }
        return nil
    }
}
