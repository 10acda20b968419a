import Keyspace
import Protocol

/// Error texts, lookups and in-place mutation shared by the string and bitmap groups.
enum StringReplies {
    static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    static let syntax = "ERR syntax error"
    static let notInteger = "ERR value is not an integer or out of range"
    static let notFloat = "ERR value is not a valid float"
    static let tooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
}

/// The outcome of looking a key up as a string.
enum StringLookup<T> {
    case missing
    case wrongType
    case found(T)
}

extension StringCommands {
    /// Lazily expires `key` before a write that replaces it, as the
    /// lookupKeyWrite inside Redis's setKey (it counts expired_keys). Skips the
    /// hash probe when the database holds no TTL at all.
    @inline(__always)
    static func expireBeforeOverwrite(_ db: Database, _ key: Key) {
        if !db.expires.isEmpty { db.expireIfNeeded(key, forceDelete: true) }
    }

    /// Write lookup (lazy expiry, no hit/miss) that only extracts what `body`
    /// reads, so that no extra reference to the bytes outlives the call and a
    /// following in-place mutation finds them uniquely held.
    @inline(__always)
    static func inspectForWrite<T>(_ db: Database, _ key: Key, _ body: (StringValue) -> T) -> StringLookup<T> {
        guard let v = db.lookupWrite(key) else { return .missing }
        guard case .string(let s) = v else { return .wrongType }
        return .found(body(s))
    }

    /// Mutates the string payload of a stored value without copying its bytes:
    /// the dictionary's reference is dropped first so the buffer is unique.
    @inline(__always)
    static func mutateString<R>(_ v: inout Value, _ body: (inout StringValue) -> R) -> R? {
        guard case .string(var s) = v else { return nil }
        v = .string(StringValue(bytes: [], encoding: .raw))
        let r = body(&s)
        v = .string(s)
        return r
    }

    /// In-place mutation of a live string key, signalling the change (WATCH).
    @inline(__always)
    @discardableResult
    static func modifyString<R>(_ db: Database, _ key: Key, _ body: (inout StringValue) -> R) -> R? {
        db.modify(key) { v in mutateString(&v, body) } ?? nil
    }

    /// In-place mutation that does not count as a modification: Redis changes
    /// an encoding (dbUnshareStringValue) or grows a bitmap without
    /// signalling when the bits themselves do not change.
    @inline(__always)
    @discardableResult
    static func modifyStringSilently<R>(_ db: Database, _ key: Key, _ body: (inout StringValue) -> R) -> R? {
        db.dict.modify(key) { v in mutateString(&v, body) } ?? nil
    }

    /// Redis's checkStringLength: the result of growing a string must fit in
    /// proto-max-bulk-len (the master link and the AOF are trusted).
    static func checkStringLength(_ server: Server, _ client: Client, _ size: Int, _ append: Int) -> Bool {
        if client.mustObey { return true }
        let (total, overflow) = size.addingReportingOverflow(append)
        if overflow || total > server.config.protoMaxBulkLen {
            client.replyError(StringReplies.tooLong)
            return false
        }
        return true
    }

    /// An integer argument (string2ll), replying the standard error when it is not one.
    @inline(__always)
    static func integerArgument(_ client: Client, _ arg: [UInt8]) -> Int64? {
        if let v = parseStrictInt64(arg) { return v }
        client.replyError(StringReplies.notInteger)
        return nil
    }

    /// The encoding Redis gives a string built by createStringObject (no integer check).
    @inline(__always)
    static func plainEncoding(_ count: Int) -> StringEncoding { count <= 44 ? .embstr : .raw }
}
