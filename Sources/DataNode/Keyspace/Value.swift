/// A stored value. One case per Redis type. Collections are final classes so
/// that commands mutate them in place (no copy-on-write of a whole list on
/// LPUSH); `duplicate()` makes the deep copy COPY needs.
public enum Value {
    case string(StringValue)
    case list(ListValue)
    case hash(HashValue)
    case set(SetValue)
    case zset(SortedSetValue)

    /// The name TYPE reports.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .list: return "list"
        case .hash: return "hash"
        case .set: return "set"
        case .zset: return "zset"
        }
    }

    /// The name OBJECT ENCODING reports.
    public var encodingName: String {
        switch self {
        case .string(let s): return s.encoding.name
        case .list(let l): return l.encodingName
        case .hash(let h): return h.encodingName
        case .set(let s): return s.encodingName
        case .zset(let z): return z.encodingName
        }
    }

    /// A value that shares no mutable storage with this one.
    public func duplicate() -> Value {
        switch self {
        case .string(var s):
            s.unshared = true
            return .string(s)
        case .list(let l): return .list(l.duplicate())
        case .hash(let h): return .hash(h.duplicate())
        case .set(let s): return .set(s.duplicate())
        case .zset(let z): return .zset(z.duplicate())
        }
    }
}

/// How Redis would hold the string internally; visible through OBJECT ENCODING.
public enum StringEncoding: Sendable {
    case int, embstr, raw

    public var name: String {
        switch self {
        case .int: return "int"
        case .embstr: return "embstr"
        case .raw: return "raw"
        }
    }
}

public struct StringValue {
    public var bytes: [UInt8]
    public var encoding: StringEncoding
    /// A private integer object even though small: Redis's COPY duplicates
    /// the object instead of sharing it, and OBJECT REFCOUNT shows that.
    public var unshared = false

    /// Encodes as Redis's tryObjectEncoding: integers up to 20 chars as `int`,
    /// up to 44 bytes as `embstr`, longer as `raw`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.count <= 20, parseStrictInt64Value(bytes) != nil {
            encoding = .int
        } else {
            encoding = bytes.count <= 44 ? .embstr : .raw
        }
    }

    public init(bytes: [UInt8], encoding: StringEncoding) {
        self.bytes = bytes
        self.encoding = encoding
    }

    /// The result of INCR and friends: always `int`.
    public init(integer: Int64) {
        var b: [UInt8] = []
        b.reserveCapacity(20)
        appendDecimalValue(integer, to: &b)
        bytes = b
        encoding = .int
    }
}
