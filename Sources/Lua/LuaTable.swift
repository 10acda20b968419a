/// A Lua table with Lua 5.1's layout: an array part for keys 1...n (holes
/// allowed) and a hash part (`LuaHash`). The sizes of both are decided as
/// ltable.c decides them, when a key finds no free node: the array part
/// becomes the largest power of two more than half used, the rest goes to the
/// hash part. Keeping the same sizes and placements as redis-server's Lua is
/// what makes `next` visit keys in the same order.
public final class LuaTable {
    /// More entries than this in one table is an error ("table overflow"),
    /// never an unbounded allocation. The host sets it once at start-up
    /// (the interpreter runs on one thread).
    nonisolated(unsafe) public static var maxEntries = 1 << 24

    /// The array part; its count is Lua's sizearray.
    var arr: [LuaValue] = []
    /// When not negative, `arr[0..<fill]` are all set and the rest nil: the
    /// border luaH_getn's binary search would find is `fill`, known without
    /// searching (appends keep it so). Negative when holes make it unknown.
    private var fill = 0
    var hash = LuaHash()
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
        fill = 0
        hash = LuaHash()
        metatable = nil
    }

    /// lua_createtable / OP_NEWTABLE: the array part holds `narr` slots, the
    /// hash part room for `nhash` keys.
    public init(narr: Int = 0, nhash: Int = 0) {
        let cap = LuaTable.maxEntries
        if narr > 0 { arr = Array(repeating: .nil_, count: min(narr, cap)) }
        if nhash > 0 { hash = LuaHash(size: min(nhash, cap)) }
    }

    @inline(__always) public subscript(key: LuaValue) -> LuaValue {
        get { get(key) }
    }

    @inline(__always) public func get(_ key: LuaValue) -> LuaValue {
        switch key {
        case .string(let s): return hash.get(string: s)
        case .number(let d):
            if let i = Int(exactly: d) { return get(int: i) }
            return hash.get(number: d)
        case .nil_: return .nil_
        default: return hash.get(key)
        }
    }

    @inline(__always) public func get(int i: Int) -> LuaValue {
        if UInt(bitPattern: i &- 1) < UInt(arr.count) { return arr[i &- 1] }
        return hash.get(number: Double(i))
    }

    @inline(__always) public func get(string s: LuaString) -> LuaValue {
        hash.get(string: s)
    }

    public func get(_ s: String) -> LuaValue { get(.str(s)) }

    /// Empties a table that is a plain array (no hash part, no metatable,
    /// writable), keeping its array's room: refilled by appends, it is laid
    /// out as a new table filled so. False, and unchanged, for any other table.
    public func clearPlainArray() -> Bool {
        guard metatable == nil, !readonly, hash.isEmpty else { return false }
        arr.removeAll(keepingCapacity: true)
        fill = 0
        return true
    }

    /// Raw assignment; the key must not be nil or NaN (callers check and raise).
    /// As in Lua, assigning nil to an absent key still creates the key.
    public func set(_ key: LuaValue, _ value: LuaValue) throws {
        if readonly { throw LuaError.message(LuaTable.readonlyError) }
        try rawSet(key, value)
    }

    public func set(_ s: String, _ value: LuaValue) { try? rawSet(.str(s), value) }

    /// The host's write of a field it names with a string made once (KEYS,
    /// ARGV on every EVAL): no string built and hashed per write.
    public func set(_ s: LuaString, _ value: LuaValue) { try? rawSet(.string(s), value) }

    public func set(int i: Int, _ value: LuaValue) throws {
        if readonly { throw LuaError.message(LuaTable.readonlyError) }
        if UInt(bitPattern: i &- 1) < UInt(arr.count) { storeArray(i &- 1, value); return }
        if i == arr.count &+ 1 && fill == arr.count && hash.isEmpty && !value.isNil && i <= LuaTable.appendLimit {
            appendGrowing(value)
            return
        }
        let d = Double(i)
        if let idx = hash.find(number: d) { hash.setValue(at: idx, value); return }
        try insert(.number(d), value)
    }

    private func rawSet(_ key: LuaValue, _ value: LuaValue) throws {
        switch key {
        case .number(let d):
            if let i = Int(exactly: d) {
                if UInt(bitPattern: i &- 1) < UInt(arr.count) { storeArray(i &- 1, value); return }
                // -0 is stored as 0
                let k = Double(i)
                if let idx = hash.find(number: k) { hash.setValue(at: idx, value); return }
                try insert(.number(k), value)
                return
            }
        default: break
        }
        if let idx = hash.find(key) { hash.setValue(at: idx, value); return }
        try insert(key, value)
    }

    @inline(__always) private func storeArray(_ i: Int, _ v: LuaValue) {
        arr[i] = v
        let f = fill
        if f < 0 { return }
        if v.isNil {
            if i == f &- 1 { fill = i } else if i < f { fill = -1 }
        } else if i == f {
            fill = f &+ 1
        } else if i > f {
            fill = -1
        }
    }

    /// `fill` for the array part as it is.
    private func measureFill() -> Int {
        var f = 0
        while f < arr.count && !arr[f].isNil { f += 1 }
        var k = f
        while k < arr.count { if !arr[k].isNil { return -1 }; k += 1 }
        return f
    }

    /// A key in neither part: a free node, or a rehash and then wherever the
    /// new sizes put it.
    private func insert(_ key: LuaValue, _ value: LuaValue) throws {
        if let idx = hash.newKey(key) { hash.setValue(at: idx, value); return }
        try rehash(adding: key)
        try rawSet(key, value)
    }

    // MARK: sizing (ltable.c's rehash)

    /// Keys above this never take the append path (they stay with rehash's
    /// own limits: slices up to 2^maxBits, maxEntries).
    private static var appendLimit: Int { min(1 << maxBits, maxEntries) }

    /// Key n+1 stored in a table whose array part 1...n is full and whose
    /// hash part has no nodes: every key is an array candidate, so rehash
    /// would size the array part to the smallest power of two >= n+1 (more
    /// than half of it used) and leave the hash part empty. That answer
    /// without counting the keys (KEYS, ARGV and reply arrays grow so).
    private func appendGrowing(_ v: LuaValue) {
        let n = arr.count &+ 1
        var size = 1
        while size < n { size &*= 2 }
        arr.reserveCapacity(size)
        arr.append(v)
        if size > n { arr.append(contentsOf: repeatElement(.nil_, count: size - n)) }
        fill = n
    }

    /// Highest power-of-two slice index: keys above 2^maxBits stay in the hash part.
    private static let maxBits = 26

    /// Slice `b` of `nums` counts the integer keys k with 2^(b-1) < k <= 2^b.
    @inline(__always) private static func slice(of key: LuaValue) -> Int? {
        guard case .number(let d) = key, let k = Int(exactly: d), k > 0, k <= 1 << maxBits else { return nil }
        return k == 1 ? 0 : Int.bitWidth - (k - 1).leadingZeroBitCount
    }

    private func rehash(adding key: LuaValue) throws {
        var nums = [Int](repeating: 0, count: LuaTable.maxBits + 1)
        // the array part, slice by slice
        var arrayKeys = 0
        var i = 1
        var lg = 0
        var limit = 1
        while lg <= LuaTable.maxBits {
            let lim = min(limit, arr.count)
            if i > lim { break }
            var used = 0
            while i <= lim { if !arr[i - 1].isNil { used += 1 }; i += 1 }
            nums[lg] += used
            arrayKeys += used
            lg += 1
            limit *= 2
        }
        var total = arrayKeys
        var candidates = arrayKeys
        for n in hash.nodes where !n.value.isNil {
            if let b = LuaTable.slice(of: n.key) { nums[b] += 1; candidates += 1 }
            total += 1
        }
        if let b = LuaTable.slice(of: key) { nums[b] += 1; candidates += 1 }
        total += 1
        if total > LuaTable.maxEntries { throw LuaError.message("table overflow") }
        let (arraySize, inArray) = LuaTable.computeSizes(nums, candidates)
        resize(arraySize: arraySize, hashSize: total - inArray)
    }

    /// The largest power of two n such that more than half of 1...n are
    /// keys, and how many keys that array part would hold.
    private static func computeSizes(_ nums: [Int], _ candidates: Int) -> (Int, Int) {
        var a = 0, na = 0, n = 0
        var b = 0
        var twoToB = 1
        while twoToB / 2 < candidates && b < nums.count {
            if nums[b] > 0 {
                a += nums[b]
                if a > twoToB / 2 { n = twoToB; na = a }
            }
            b += 1
            twoToB *= 2
        }
        return (n, na)
    }

    /// New sizes for both parts; every key is reinserted, the hash part's
    /// from its last node to its first, as ltable.c's resize does.
    private func resize(arraySize: Int, hashSize: Int) {
        let oldNodes = hash.nodes
        let oldSize = arr.count
        if arraySize > oldSize { arr.append(contentsOf: repeatElement(.nil_, count: arraySize - oldSize)) }
        hash = LuaHash(size: hashSize)
        if arraySize < oldSize {
            let moved = arr[arraySize...]
            arr.removeSubrange(arraySize...)
            for (j, v) in zip(arraySize..., moved) where !v.isNil { try? rawSet(.number(Double(j + 1)), v) }
        }
        for n in oldNodes.reversed() where !n.value.isNil { try? rawSet(n.key, n.value) }
        fill = measureFill()
    }

    /// OP_SETLIST's luaH_resizearray: the array part grows to `n` before a
    /// constructor stores its items (the hash part is rebuilt at its size).
    func reserveArray(_ n: Int) {
        if n > arr.count { resize(arraySize: min(n, LuaTable.maxEntries), hashSize: hash.count) }
    }

    // MARK: length and traversal

    /// The border `#t` reports, found as 5.1's luaH_getn finds it.
    public var length: Int {
        var j = arr.count
        if fill >= 0 && fill < j { return fill }
        if j > 0 && arr[j - 1].isNil {
            // a border inside the array part: binary search
            var i = 0
            while j - i > 1 {
                let m = (i + j) / 2
                if arr[m - 1].isNil { j = m } else { i = m }
            }
            return i
        }
        if hash.isEmpty { return j }
        // unbounded search beyond the array part
        var i = j
        j += 1
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
    /// throws when the key is not in the table. The array part comes first,
    /// then the hash part's nodes in index order.
    public func next(_ key: LuaValue) throws -> (LuaValue, LuaValue)? {
        var i: Int
        switch key {
        case .nil_: i = 0
        case .number(let d):
            if let k = Int(exactly: d), k >= 1, k <= arr.count { i = k; break }
            i = try arr.count + hashIndex(of: key) + 1
        default:
            i = try arr.count + hashIndex(of: key) + 1
        }
        while i < arr.count {
            if !arr[i].isNil { return (.number(Double(i + 1)), arr[i]) }
            i += 1
        }
        guard let n = hash.nextLive(from: i - arr.count) else { return nil }
        return (hash.key(at: n), hash.value(at: n))
    }

    private func hashIndex(of key: LuaValue) throws -> Int {
        var k = key
        if case .number(let d) = k, d == 0 { k = .number(0) }
        guard let idx = hash.find(k) else { throw LuaError.message("invalid key to 'next'") }
        return idx
    }

    /// Largest positive numeric key (table.maxn).
    public var maxn: Double {
        var m: Double = 0
        for (i, v) in arr.enumerated() where !v.isNil { m = Double(i + 1) }
        for n in hash.nodes where !n.value.isNil {
            if case .number(let d) = n.key, d > m { m = d }
        }
        return m
    }

    /// Array-part append used by table constructors and table.insert.
    @inline(__always) func append(_ v: LuaValue) throws { try set(int: length + 1, v) }
}
