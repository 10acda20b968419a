/// A Lua table: an array part for the keys 1...n and a hash part for the rest.
/// Removing a hash key leaves a tombstone (the key with a nil value) so that a
/// `next` traversal may clear fields as it goes, as Lua allows.
public final class LuaTable {
    /// More entries than this in one table is an error ("table overflow"),
    /// never an unbounded allocation. The host sets it once at start-up
    /// (the interpreter runs on one thread).
    nonisolated(unsafe) public static var maxEntries = 1 << 24

    var arr: [LuaValue] = []
    var hash = LuaHash()
    /// Live (non-nil) entries of the hash part.
    var hashLive = 0
    public var metatable: LuaTable?
    /// Writes raise `readonlyError` (Redis 7.0's Lua protects its globals and
    /// library tables so); the host's own `set(_:String,_:)` still writes.
    public var readonly = false
    public static let readonlyError = "Attempt to modify a readonly table"
    unowned(unsafe) var heap: LuaHeap? = nil
    var heapIndex = 0
    var mark: UInt32 = 0

    deinit { heap?.remove(self) }

    /// Empties the table (the collector breaking a cycle).
    func clear() {
        arr = []
        hash = LuaHash()
        hashLive = 0
        metatable = nil
    }

    public init(narr: Int = 0, nhash: Int = 0) {
        if narr > 0 { arr.reserveCapacity(min(narr, 1 << 16)) }
        if nhash > 0 { hash.resize(to: min(nhash, 1 << 16)) }
    }

    @inline(__always) public subscript(key: LuaValue) -> LuaValue {
        get { get(key) }
    }

    @inline(__always) public func get(_ key: LuaValue) -> LuaValue {
        if case .number(let d) = key {
            let i = Int(exactly: d) ?? 0
            if i >= 1 && i <= arr.count { return arr[i - 1] }
            if hash.isEmpty { return .nil_ }
            return hash.get(.number(d == 0 ? 0 : d))
        }
        if hash.isEmpty { return .nil_ }
        return hash.get(key)
    }

    @inline(__always) public func get(int i: Int) -> LuaValue {
        if i >= 1 && i <= arr.count { return arr[i - 1] }
        if hash.isEmpty { return .nil_ }
        return hash.get(.number(Double(i)))
    }

    @inline(__always) public func get(string s: LuaString) -> LuaValue {
        hash.get(string: s)
    }

    public func get(_ s: String) -> LuaValue { get(.str(s)) }

    /// Raw assignment; the key must not be nil or NaN (callers check and raise).
    public func set(_ key: LuaValue, _ value: LuaValue) throws {
        if readonly { throw LuaError.message(LuaTable.readonlyError) }
        if case .number(let d) = key, let i = Int(exactly: d) {
            try set(int: i, value)
            return
        }
        try setHash(key, value)
    }

    public func set(_ s: String, _ value: LuaValue) { try? setHash(.str(s), value) }

    public func set(int i: Int, _ value: LuaValue) throws {
        if readonly { throw LuaError.message(LuaTable.readonlyError) }
        let n = arr.count
        if i >= 1 && i <= n {
            arr[i - 1] = value
            if i == n && value.isNil {
                // keep the array part free of trailing holes
                var k = n - 1
                while k > 0 && arr[k - 1].isNil { k -= 1 }
                arr.removeSubrange(k..<n)
            }
            return
        }
        if i == n + 1 {
            if value.isNil { if !hash.isEmpty { try setHash(.number(Double(i)), value) }; return }
            if n >= LuaTable.maxEntries { throw LuaError.message("table overflow") }
            arr.append(value)
            if !hash.isEmpty { migrate() }
            return
        }
        try setHash(.number(Double(i)), value)
    }

    private func migrate() {
        // keys n+1, n+2... that sit in the hash part move to the array part
        while true {
            let k = LuaValue.number(Double(arr.count + 1))
            guard let idx = hash.find(k) else { return }
            let v = hash.value(at: idx)
            if v.isNil { return }
            hash.setValue(at: idx, .nil_)
            hashLive -= 1
            arr.append(v)
        }
    }

    private func setHash(_ key: LuaValue, _ value: LuaValue) throws {
        var key = key
        if case .number(let d) = key, d == 0 { key = .number(0) }
        if let idx = hash.find(key) {
            let wasNil = hash.value(at: idx).isNil
            hash.setValue(at: idx, value)
            if wasNil && !value.isNil { hashLive += 1 } else if !wasNil && value.isNil { hashLive -= 1 }
            return
        }
        if value.isNil { return }
        if hashLive + arr.count >= LuaTable.maxEntries { throw LuaError.message("table overflow") }
        hash.insert(key, value, live: hashLive)
        hashLive += 1
    }

    /// The border `#t` reports (the length of the array part, extended into the hash part).
    public var length: Int {
        let n = arr.count
        if hashLive == 0 { return n }
        var j = n + 1
        if get(int: j).isNil { return n }
        // unbounded search, as Lua does beyond the array part
        var i = j
        j *= 2
        while !get(int: j).isNil {
            i = j
            if j > Int.max / 2 { var k = 1; while !get(int: k).isNil { k += 1 }; return k - 1 }
            j *= 2
        }
        while j - i > 1 {
            let m = (i + j) / 2
            if get(int: m).isNil { j = m } else { i = m }
        }
        return i
    }

    /// Lua's `next`: nil key starts; returns nil when the traversal is over;
    /// throws when the key is not in the table.
    public func next(_ key: LuaValue) throws -> (LuaValue, LuaValue)? {
        var start = 0
        switch key {
        case .nil_: start = 0
        case .number(let d):
            if let i = Int(exactly: d), i >= 1, i <= arr.count { start = i; break }
            return try nextInHash(after: key)
        default:
            return try nextInHash(after: key)
        }
        var i = start
        while i < arr.count {
            if !arr[i].isNil { return (.number(Double(i + 1)), arr[i]) }
            i += 1
        }
        return nextFrom(0)
    }

    private func nextInHash(after key: LuaValue) throws -> (LuaValue, LuaValue)? {
        var k = key
        if case .number(let d) = k, d == 0 { k = .number(0) }
        guard let idx = hash.find(k) else { throw LuaError.message("invalid key to 'next'") }
        return nextFrom(idx + 1)
    }

    private func nextFrom(_ start: Int) -> (LuaValue, LuaValue)? {
        guard let i = hash.nextLive(from: start) else { return nil }
        return (hash.key(at: i), hash.value(at: i))
    }

    /// Largest positive numeric key (table.maxn).
    public var maxn: Double {
        var m: Double = 0
        if !arr.isEmpty { m = Double(arr.count) }
        var i = 0
        while let j = hash.nextLive(from: i) {
            if case .number(let d) = hash.key(at: j), d > m { m = d }
            i = j + 1
        }
        return m
    }

    /// Array-part append used by table constructors and table.insert.
    @inline(__always) func append(_ v: LuaValue) throws { try set(int: length + 1, v) }
}
