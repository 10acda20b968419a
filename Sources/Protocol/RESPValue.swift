/// A decoded RESP2/RESP3 reply, as a client sees it.
/// Strings are bytes: Redis values are binary-safe.
public indirect enum RESPValue: Equatable, Sendable {
    case simpleString([UInt8])
    case error([UInt8])
    case integer(Int64)
    /// `nil` is the RESP2 null bulk (`$-1`).
    case bulkString([UInt8]?)
    /// `nil` is the RESP2 null array (`*-1`).
    case array([RESPValue]?)
    /// RESP3 `_`.
    case null
    case double(Double)
    case boolean(Bool)
    case bigNumber([UInt8])
    case verbatim(format: [UInt8], text: [UInt8])
    case map([RESPValue])      // flattened key, value, key, value...
    case set([RESPValue])
    case attribute([RESPValue]) // flattened pairs; precedes the real reply
    case push([RESPValue])

    public var isNull: Bool {
        switch self {
        case .null, .bulkString(nil), .array(nil): return true
        default: return false
        }
    }

    /// Text of a string-like reply (simple, bulk, verbatim, error), else nil.
    public var string: String? {
        switch self {
        case .simpleString(let b), .error(let b), .bulkString(.some(let b)), .bigNumber(let b):
            return String(decoding: b, as: UTF8.self)
        case .verbatim(_, let t): return String(decoding: t, as: UTF8.self)
        case .integer(let i): return String(i)
        default: return nil
        }
    }

    public var bytes: [UInt8]? {
        switch self {
        case .simpleString(let b), .error(let b), .bulkString(.some(let b)), .bigNumber(let b): return b
        case .verbatim(_, let t): return t
        default: return nil
        }
    }

    public var int: Int64? {
        switch self {
        case .integer(let i): return i
        case .bulkString(.some(let b)), .simpleString(let b): return Int64(String(decoding: b, as: UTF8.self))
        default: return nil
        }
    }

    /// Elements of aggregate replies (array, set, push, map flattened).
    public var elements: [RESPValue]? {
        switch self {
        case .array(.some(let a)), .set(let a), .push(let a), .map(let a): return a
        default: return nil
        }
    }

    public var isError: Bool { if case .error = self { return true }; return false }
}

extension RESPValue {
    public static func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
    public static func simple(_ s: String) -> RESPValue { .simpleString(Array(s.utf8)) }
    public static func err(_ s: String) -> RESPValue { .error(Array(s.utf8)) }
}
