import Glibc
import Keyspace
import Protocol

/// Error texts of the sorted-set and geo commands (Redis 7.0).
enum ZsetReplies {
    static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    static let syntax = "ERR syntax error"
    static let notFloat = "ERR value is not a valid float"
    static let notInteger = "ERR value is not an integer or out of range"
    static let minMaxNotFloat = "ERR min or max is not a float"
    static let lexRangeInvalid = "ERR min or max not valid string range item"
    static let nan = "ERR resulting score is not a number (NaN)"
    static let notPositive = "ERR value is out of range, must be positive"
}

/// What a lookup found: nothing, a sorted set, or a value of another type.
enum ZsetLookup {
    case missing
    case found(SortedSetValue)
    case wrongType
}

extension SortedSetCommands {
    static func limits(_ server: Server) -> ZsetLimits {
        let c = server.config
        return ZsetLimits(maxEntries: c.zsetMaxListpackEntries, maxValue: c.zsetMaxListpackValue)
    }

    /// lookupKeyRead + checkType.
    @inline(__always)
    static func lookupRead(_ db: Database, _ key: Key) -> ZsetLookup {
        guard let v = db.lookupRead(key) else { return .missing }
        guard case .zset(let z) = v else { return .wrongType }
        return .found(z)
    }

    /// lookupKeyWrite + checkType.
    @inline(__always)
    static func lookupWrite(_ db: Database, _ key: Key) -> ZsetLookup {
        guard let v = db.lookupWrite(key) else { return .missing }
        guard case .zset(let z) = v else { return .wrongType }
        return .found(z)
    }

    /// signalModifiedKey for a set changed in place.
    @inline(__always)
    static func touched(_ db: Database, _ key: Key) {
        db.context.onModified?(db, key)
    }

    /// Deletes the key when the set became empty (Redis's dbDelete after a removal).
    @inline(__always)
    static func deleteIfEmpty(_ db: Database, _ key: Key, _ z: SortedSetValue) -> Bool {
        guard z.isEmpty else { return false }
        db.delete(key)
        return true
    }

    /// getLongFromObjectOrReply.
    static func longArgument(_ client: Client, _ arg: [UInt8], error: String = ZsetReplies.notInteger) -> Int? {
        guard let v = parseStrictInt64(arg) else {
            client.replyError(error)
            return nil
        }
        return Int(v)
    }

    /// getDoubleFromObjectOrReply.
    static func doubleArgument(_ client: Client, _ arg: [UInt8], error: String = ZsetReplies.notFloat) -> Double? {
        guard let d = parseRedisDouble(arg) else {
            client.replyError(error)
            return nil
        }
        return d
    }

    /// Writes a member as a bulk string.
    @inline(__always)
    static func bulk(_ client: Client, _ m: UnsafeRawBufferPointer) {
        client.out.bulk(m)
    }
}

/// Redis's string2d (getDoubleFromObject): the whole argument must be a
/// strtod number; no leading space, no NaN, no overflow or underflow to 0.
func parseRedisDouble(_ arg: [UInt8]) -> Double? {
    guard let first = arg.first else { return nil }
    if first == 32 || (first >= 9 && first <= 13) { return nil }
    return withCString(arg) { p -> Double? in
        var end: UnsafeMutablePointer<CChar>? = nil
        errno = 0
        let d = strtod(p, &end)
        let consumed = end.map { $0 - UnsafeMutablePointer(mutating: p) } ?? 0
        if consumed != arg.count { return nil }
        if errno == ERANGE && (d == .infinity || d == -.infinity || d == 0) { return nil }
        if d.isNaN { return nil }
        return d
    }
}

/// strtod over the C string of an argument (up to its first NUL), as
/// zslParseRange uses it: valid when strtod stops at that NUL.
func parseRangeDouble(_ arg: ArraySlice<UInt8>) -> Double? {
    withCString(Array(arg)) { p -> Double? in
        var end: UnsafeMutablePointer<CChar>? = nil
        let d = strtod(p, &end)
        guard let e = end, e.pointee == 0, !d.isNaN else { return nil }
        return d
    }
}

/// Calls `body` with a NUL-terminated copy of `bytes`.
@inline(__always)
func withCString<R>(_ bytes: [UInt8], _ body: (UnsafePointer<CChar>) -> R) -> R {
    var buf = [CChar](repeating: 0, count: bytes.count + 1)
    bytes.withUnsafeBytes { src in
        buf.withUnsafeMutableBytes { dst in
            if src.count > 0 { dst.baseAddress!.copyMemory(from: src.baseAddress!, byteCount: src.count) }
        }
    }
    return buf.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// zslParseRange: "(" makes a bound exclusive; errors as "min or max is not a float".
func parseScoreRange(_ min: [UInt8], _ max: [UInt8]) -> ZScoreRange? {
    func bound(_ a: [UInt8]) -> (Double, Bool)? {
        if a.first == UInt8(ascii: "(") {
            guard let d = parseRangeDouble(a.dropFirst()) else { return nil }
            return (d, true)
        }
        guard let d = parseRangeDouble(a[...]) else { return nil }
        return (d, false)
    }
    guard let lo = bound(min), let hi = bound(max) else { return nil }
    return ZScoreRange(min: lo.0, max: hi.0, minex: lo.1, maxex: hi.1)
}

/// zslParseLexRange: "-", "+", "(value" or "[value".
func parseLexRange(_ min: [UInt8], _ max: [UInt8]) -> ZLexRange? {
    func item(_ a: [UInt8]) -> (ZLexBound, Bool)? {
        guard let c = a.first else { return nil }
        // The C string ends at the first NUL, so "+\0junk" reads as "+".
        let alone = a.count == 1 || a[1] == 0
        switch c {
        case UInt8(ascii: "+"): return alone ? (.plusInfinity, true) : nil
        case UInt8(ascii: "-"): return alone ? (.minusInfinity, true) : nil
        case UInt8(ascii: "("): return (.value(Array(a.dropFirst())), true)
        case UInt8(ascii: "["): return (.value(Array(a.dropFirst())), false)
        default: return nil
        }
    }
    guard let lo = item(min), let hi = item(max) else { return nil }
    return ZLexRange(min: lo.0, max: hi.0, minex: lo.1, maxex: hi.1)
}
