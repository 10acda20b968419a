/// A stored value. One case per Redis type. Collections are final classes so
/// that commands mutate them in place (no copy-on-write of a whole list on
/// LPUSH); `duplicate()` makes the deep copy COPY needs.
public enum Value {
    case string(StringValue)
    case list(ListValue)
    case hash(HashValue)
    case set(SetValue)
    case zset(SortedSetValue)
    case stream(StreamValue)

    /// The name TYPE reports.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .list: return "list"
        case .hash: return "hash"
        case .set: return "set"
        case .zset: return "zset"
        case .stream: return "stream"
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
        case .stream(let x): return x.encodingName
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
        case .stream(let x): return .stream(x.duplicate())
        }
    }
}
