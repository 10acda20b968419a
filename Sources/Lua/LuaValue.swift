/// A Lua string: immutable bytes with the hash computed once, so that table
/// lookups with constant keys (`t.field`) do not rehash the bytes each time.
public final class LuaString: Hashable, CustomStringConvertible, Sendable {
    public let bytes: [UInt8]
    public let hash: Int

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        // luaS_newlstr's hash as Redis's Lua computes it (every byte, last to
        // first; stock 5.1 samples long strings): table layout, and so `next`
        // order, depends on it.
        var h = UInt32(truncatingIfNeeded: bytes.count)
        var l = bytes.count
        while l > 0 {
            h ^= (h &<< 5) &+ (h &>> 2) &+ UInt32(bytes[l - 1])
            l -= 1
        }
        hash = Int(h)
    }

    public convenience init(_ s: String) { self.init(Array(s.utf8)) }

    public static func == (l: LuaString, r: LuaString) -> Bool {
        l === r || (l.hash == r.hash && l.bytes == r.bytes)
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(hash) }

    public var description: String { String(decoding: bytes, as: UTF8.self) }
}

/// A captured local: every closure that captures the same variable holds the
/// same cell, and each execution of a `local` declaration makes a fresh one,
/// which gives loops their per-iteration variables.
public final class LuaCell {
    public var value: LuaValue
    unowned(unsafe) var heap: LuaHeap? = nil
    var heapIndex = 0
    var mark: UInt32 = 0
    init(_ v: LuaValue) { value = v }
    deinit { heap?.remove(self) }
}

/// Light userdata: an opaque identity the host hands to scripts (cjson.null).
/// Coroutines are a subclass (type "thread"), so hosts that convert values
/// see them as the opaque objects Redis turns into a nil reply.
public class LuaLightUserdata {
    public let name: String
    public init(name: String) { self.name = name }
}

/// A Lua value. An enum with payloads is a tagged value, not an existential:
/// numbers and booleans are stored inline.
public enum LuaValue: Hashable {
    case nil_
    case bool(Bool)
    case number(Double)
    case string(LuaString)
    case table(LuaTable)
    case function(LuaFunction)
    case userdata(LuaLightUserdata)
    /// Only ever in a register of a captured local; never visible to scripts.
    case cell(LuaCell)

    public static func str(_ s: String) -> LuaValue { .string(LuaString(s)) }
    public static func str(_ b: [UInt8]) -> LuaValue { .string(LuaString(b)) }

    @inline(__always) public var isNil: Bool { if case .nil_ = self { return true }; return false }
    @inline(__always) public var truthy: Bool {
        switch self {
        case .nil_: return false
        case .bool(let b): return b
        default: return true
        }
    }

    public var typeName: String {
        switch self {
        case .nil_: return "nil"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .table: return "table"
        case .function: return "function"
        case .userdata(let u): return u is LuaCoroutine ? "thread" : "userdata"
        case .cell: return "cell"
        }
    }

    public static func == (l: LuaValue, r: LuaValue) -> Bool {
        switch (l, r) {
        case (.nil_, .nil_): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.number(let a), .number(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.table(let a), .table(let b)): return a === b
        case (.function(let a), .function(let b)): return a === b
        case (.userdata(let a), .userdata(let b)): return a === b
        case (.cell(let a), .cell(let b)): return a === b
        default: return false
        }
    }

    public func hash(into h: inout Hasher) {
        switch self {
        case .nil_: h.combine(0)
        case .bool(let b): h.combine(b)
        case .number(let d): h.combine(d == 0 ? 0 : d)
        case .string(let s): h.combine(s.hash)
        case .table(let t): h.combine(ObjectIdentifier(t))
        case .function(let f): h.combine(ObjectIdentifier(f))
        case .userdata(let u): h.combine(ObjectIdentifier(u))
        case .cell(let c): h.combine(ObjectIdentifier(c))
        }
    }

    /// The bytes of a string or number (numbers coerce as Lua's `%.14g`).
    public var stringBytes: [UInt8]? {
        switch self {
        case .string(let s): return s.bytes
        case .number(let d): return Array(LuaNumber.format(d).utf8)
        default: return nil
        }
    }

    /// Numbers and numeric strings, as arithmetic coerces them.
    @inline(__always) public var toNumber: Double? {
        switch self {
        case .number(let d): return d
        case .string(let s): return LuaNumber.parse(s.bytes)
        default: return nil
        }
    }
}

/// A function value: a Lua closure or a native function.
public class LuaFunction {
    /// Checked on every call instead of a dynamic cast.
    let isNative: Bool
    init(isNative: Bool) { self.isNative = isNative }
}

public final class LuaClosure: LuaFunction {
    let proto: Proto
    var upvalues: [LuaCell] { didSet { refreshUpvalueCells() } }
    /// The cells of `upvalues` as a raw buffer for GETUPVAL/SETUPVAL (the
    /// array owns them): reading one does not retain the array or the cell.
    private(set) var cells: UnsafeMutablePointer<Unmanaged<LuaCell>>
    var env: LuaTable
    unowned(unsafe) var heap: LuaHeap? = nil
    var heapIndex = 0
    var mark: UInt32 = 0
    deinit { heap?.remove(self); cells.deallocate() }
    init(proto: Proto, upvalues: [LuaCell], env: LuaTable) {
        self.proto = proto; self.upvalues = upvalues; self.env = env
        cells = .allocate(capacity: max(upvalues.count, 1))
        for (i, c) in upvalues.enumerated() { cells[i] = .passUnretained(c) }
        super.init(isNative: false)
    }

    private func refreshUpvalueCells() {
        cells.deallocate()
        cells = .allocate(capacity: max(upvalues.count, 1))
        for (i, c) in upvalues.enumerated() { cells[i] = .passUnretained(c) }
    }
}

/// A host function. It reads its arguments from the VM stack at
/// `base..<base+nargs`, writes its results from `base` and returns their count.
public typealias LuaNativeBody = (_ vm: LuaVM, _ base: Int, _ nargs: Int) throws -> Int

public final class LuaNative: LuaFunction {
    public let name: String
    let body: LuaNativeBody
    /// A value the body holds that the collector must see (a wrapped coroutine).
    var captured: LuaValue = .nil_
    public init(_ name: String, _ body: @escaping LuaNativeBody) {
        self.name = name; self.body = body
        super.init(isNative: true)
    }
}
