import Glibc
import Keyspace
import Protocol
import ServerKit

/// Error texts of the stream commands (Redis 7.0 t_stream.c).
enum StreamReplies {
    static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    static let invalidID = "ERR Invalid stream ID specified as stream command argument"
    static let syntax = "ERR syntax error"
    static let notInteger = "ERR value is not an integer or out of range"
    static let noSuchKey = "ERR no such key"
}

/// What a lookup found: nothing, a stream, or a value of another type.
enum StreamLookup {
    case missing
    case found(StreamValue)
    case wrongType
}

extension StreamCommands {
    @inline(__always)
    static func lookupRead(_ c: Client, _ key: [UInt8]) -> StreamLookup {
        guard let v = c.db.lookupRead(Key(key)) else { return .missing }
        guard case .stream(let s) = v else { return .wrongType }
        return .found(s)
    }

    @inline(__always)
    static func lookupWrite(_ c: Client, _ key: [UInt8]) -> StreamLookup {
        guard let v = c.db.lookupWrite(Key(key)) else { return .missing }
        guard case .stream(let s) = v else { return .wrongType }
        return .found(s)
    }

    /// lookupKeyReadOrReply + checkType: nil after replying `missingReply` (or WRONGTYPE).
    static func readOrReply(_ c: Client, _ key: [UInt8], write: Bool = false, missing: (Client) -> Void) -> StreamValue? {
        switch write ? lookupWrite(c, key) : lookupRead(c, key) {
        case .found(let s): return s
        case .wrongType: c.replyError(StreamReplies.wrongType)
        case .missing: missing(c)
        }
        return nil
    }

    /// signalModifiedKey for a stream changed in place.
    @inline(__always)
    static func touched(_ c: Client, _ key: [UInt8]) {
        c.db.context.onModified?(c.db, Key(key))
    }

    /// Stream IDs use the wall clock in ms (mstime()).
    @inline(__always)
    static func nowMs(_ s: Server) -> Int64 { s.clock.wallMs() }

    // MARK: IDs

    /// streamGenericParseIDOrReply. `strict` refuses `-` and `+`; `missingSeq`
    /// is the seq of a bare `ms`; `seqGiven` (XADD only) accepts `ms-*`.
    /// The argument is read as a C string (up to its first NUL), at most 127 bytes.
    static func parseID(_ arg: [UInt8], missingSeq: UInt64, strict: Bool, allowStarSeq: Bool = false)
        -> (id: StreamID, seqGiven: Bool)? {
        if arg.count > 127 { return nil }
        let s = cString(arg)
        if s.count == 1 && (s.first == UInt8(ascii: "-") || s.first == UInt8(ascii: "+")) {
            if strict { return nil }
            return (s.first == UInt8(ascii: "-") ? .zero : .max, true)
        }
        let dash = s.firstIndex(of: UInt8(ascii: "-"))
        guard let ms = string2ull(s[s.startIndex..<(dash ?? s.endIndex)]) else { return nil }
        guard let d = dash else { return (StreamID(ms: ms, seq: missingSeq), true) }
        let rest = s[(d + 1)...]
        if allowStarSeq && rest.count == 1 && rest.first == UInt8(ascii: "*") {
            return (StreamID(ms: ms, seq: 0), false)
        }
        guard let seq = string2ull(rest) else { return nil }
        return (StreamID(ms: ms, seq: seq), true)
    }

    /// Parses or replies the invalid-ID error.
    static func idOrReply(_ c: Client, _ arg: [UInt8], missingSeq: UInt64 = 0, strict: Bool = true) -> StreamID? {
        guard let r = parseID(arg, missingSeq: missingSeq, strict: strict) else {
            c.replyError(StreamReplies.invalidID)
            return nil
        }
        return r.id
    }

    /// streamParseIntervalIDOrReply: `(id` is exclusive (its ID parsed strictly).
    static func intervalOrReply(_ c: Client, _ arg: [UInt8], missingSeq: UInt64) -> (id: StreamID, exclusive: Bool)? {
        if arg.count > 1 && arg[0] == UInt8(ascii: "(") {
            guard let id = idOrReply(c, Array(arg[1...]), missingSeq: missingSeq, strict: true) else { return nil }
            return (id, true)
        }
        guard let id = idOrReply(c, arg, missingSeq: missingSeq, strict: false) else { return nil }
        return (id, false)
    }

    /// A range start: `(id` moves up by one.
    static func rangeStartOrReply(_ c: Client, _ arg: [UInt8]) -> StreamID? {
        guard let (id, ex) = intervalOrReply(c, arg, missingSeq: 0) else { return nil }
        if !ex { return id }
        guard let n = id.incremented() else {
            c.replyError("ERR invalid start ID for the interval")
            return nil
        }
        return n
    }

    /// A range end: `(id` moves down by one.
    static func rangeEndOrReply(_ c: Client, _ arg: [UInt8]) -> StreamID? {
        guard let (id, ex) = intervalOrReply(c, arg, missingSeq: .max) else { return nil }
        if !ex { return id }
        guard let n = id.decremented() else {
            c.replyError("ERR invalid end ID for the interval")
            return nil
        }
        return n
    }

    /// string2ull: a strict decimal, else C strtoull in base 10 (leading
    /// spaces and sign accepted) over the whole string.
    static func string2ull(_ s: ArraySlice<UInt8>) -> UInt64? {
        if let v = parseStrictInt64(s) {
            return v < 0 ? nil : UInt64(v)
        }
        guard !s.isEmpty else { return nil }
        return withCString(Array(s)) { p -> UInt64? in
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtoull(p, &end, 10)
            if errno == EINVAL || errno == ERANGE { return nil }
            guard let e = end, e.pointee == 0 else { return nil }
            return UInt64(v)
        }
    }

    // MARK: integers

    /// getLongLongFromObjectOrReply.
    static func longLongOrReply(_ c: Client, _ arg: [UInt8], error: String = StreamReplies.notInteger) -> Int64? {
        guard let v = parseStrictInt64(arg) else {
            c.replyError(error)
            return nil
        }
        return v
    }

    // MARK: replies

    @inline(__always)
    static func bulkID(_ c: Client, _ id: StreamID) {
        c.out.bulk(id.bytes)
    }

    /// `[id, [field, value, ...]]`.
    static func replyEntry(_ c: Client, _ id: StreamID, _ pairs: [[UInt8]]) {
        c.out.arrayHeader(2)
        bulkID(c, id)
        c.out.arrayHeader(pairs.count)
        for p in pairs { c.out.bulk(p) }
    }

    /// `[id, [field, value, ...]]` straight from the node's bytes.
    @inline(__always)
    static func replyEntry(_ c: Client, _ node: StreamNode, _ h: StreamNode.Header) {
        c.out.arrayHeader(2)
        bulkID(c, h.id)
        c.out.arrayHeader(node.fieldCount(h))
        node.forEachField(h) { c.out.bulk($0) }
    }

    /// Entries of [start, end] (reverse: from end down), at most `count` (0 = all).
    /// Written as they are found; the array header goes in front once the count is known.
    static func replyRange(_ c: Client, _ s: StreamValue, _ start: StreamID, _ end: StreamID, count: Int, reverse: Bool) {
        let mark = c.out.bytes.count
        var n = 0
        s.forEachEntry(from: start, to: end, reverse: reverse) { node, h in
            replyEntry(c, node, h)
            n += 1
            return count == 0 || n < count
        }
        insertArrayHeader(c, n, at: mark)
    }

    /// An array header of `n` placed at `mark` in the client's output.
    static func insertArrayHeader(_ c: Client, _ n: Int, at mark: Int) {
        var header = RESPWriter(proto: c.out.proto, capacity: 16)
        header.arrayHeader(n)
        c.out.bytes.insert(contentsOf: header.bytes, at: mark)
    }

    static func nogroup(_ c: Client, key: [UInt8], group: [UInt8]) {
        c.replyError(bytes: errorText("NOGROUP No such key '", cString(key), "' or consumer group '", cString(group), "'"))
    }
}
