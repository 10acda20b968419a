/// Incremental parser for client requests (multibulk and inline), following
/// Redis 7.0's processMultibulkBuffer / processInlineBuffer.
///
/// Feed it the readable bytes of the connection's input buffer; it reports how
/// many bytes it consumed, which the caller drops from the buffer. Completed
/// bulk arguments are copied out exactly once and kept across calls, so input
/// split at any byte costs no re-parsing of finished arguments.
///
/// Argument buffers are reused: the next command's argument i is written into
/// the heap buffer that held argument i of the last one (small commands only),
/// instead of a malloc and free per argument and per command. The events hand
/// out copies of the array (value semantics), so whatever a caller keeps (a
/// MULTI queue, a parked command, a stored value) is never written: while it
/// is referenced, the next command gets a fresh buffer (copy on write).
public struct RequestParser: Sendable {
    public enum Event: Equatable, Sendable {
        /// A full command. Arguments are owned copies.
        case command([[UInt8]])
        /// More bytes are needed.
        case needMore
        /// Bytes were consumed without producing a command (`*0`, `*-1`, empty inline line).
        case skipped
        /// Protocol error: reply `-ERR Protocol error: <message>` and close.
        case error(String)
    }

    public var maxBulkLength: Int
    /// True while the client must still authenticate (tighter limits apply).
    public var authRequired = false
    /// The replication master's link: no bulk length cap, no inline input.
    public var isMaster = false

    /// The command being parsed: `filled` of its arguments are this command's,
    /// any after them are the last command's buffers, waiting to be reused.
    private var args: [[UInt8]] = []
    private var filled = 0
    /// Buffers left over when a command had fewer arguments than the one before.
    private var spareArgs: [[UInt8]] = []
    /// A bulk above `maxReusedArgBytes` was read: the command is handed out
    /// without keeping its buffers (an idle client would otherwise hold them).
    private var holdsLarge = false
    private var remaining = 0      // arguments still expected in the current multibulk; 0 = none started
    private var bulkLength = -1    // length of the bulk being waited for; -1 = header not read

    public init(maxBulkLength: Int = ProtocolLimits.defaultMaxBulkLength) {
        self.maxBulkLength = maxBulkLength
    }

    /// True when a multibulk request is partially parsed.
    public var inMultibulk: Bool { remaining > 0 }

    /// Bytes of the arguments of a partially parsed request read so far
    /// (Redis has them in argv already: CLIENT LIST's argv-mem).
    public var partialArgumentBytes: Int {
        guard remaining > 0 else { return 0 }
        var n = 0
        for i in 0..<min(filled, args.count) { n += args[i].count }
        return n
    }

    /// The bytes of the bulk being waited for, with its CRLF, once its length
    /// is read (0 otherwise). Those already received are in the caller's buffer.
    public var awaitedBulkBytes: Int {
        remaining > 0 && bulkLength >= 0 ? bulkLength + 2 : 0
    }

    /// What is kept for reuse, so an idle client holds a few KiB at most.
    public static let maxReusedArgs = 64
    public static let maxReusedArgBytes = 1024

    public mutating func reset() {
        args = []
        spareArgs = []
        filled = 0
        holdsLarge = false
        remaining = 0
        bulkLength = -1
    }

    /// Parses at most one request from `buf`. Returns the event and the number of bytes consumed.
    public mutating func parse(_ buf: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        if remaining == 0 {
            if buf.isEmpty { return (.needMore, 0) }
            if buf[0] == UInt8(ascii: "*") { return parseMultibulkStart(buf) }
            return parseInline(buf)
        }
        return parseBulks(buf, offset: 0)
    }

    private static func findCR(_ buf: UnsafeRawBufferPointer, from: Int) -> Int? {
        var i = from
        let n = buf.count
        while i < n {
            if buf[i] == 13 { return i }
            i += 1
        }
        return nil
    }

    /// The common header, `*` or `$` then a plain decimal (no sign, no leading
    /// zero, at most 18 digits) and CR with a byte after it, read in one pass.
    /// Nil sends the caller down the general path, which handles every other
    /// form and every error exactly as before.
    @inline(__always)
    private static func quickHeader(_ buf: UnsafeRawBufferPointer, at start: Int) -> (value: Int, cr: Int)? {
        let end = min(buf.count, start + 20)
        var i = start + 1
        var v = 0
        while i < end {
            let d = buf[i] &- 48
            if d > 9 { break }
            v = v &* 10 &+ Int(d)
            i += 1
        }
        let digits = i - start - 1
        guard digits > 0 && digits <= 18 && i < buf.count - 1 && buf[i] == 13 && (digits == 1 || buf[start + 1] != 48) else {
            return nil
        }
        return (v, i)
    }

    private mutating func parseMultibulkStart(_ buf: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        if let (count, cr) = Self.quickHeader(buf, at: 0), count <= Int(Int32.max),
           count <= ProtocolLimits.unauthenticatedMaxMultibulk || !authRequired {
            return startMultibulk(count, consumed: cr + 2, buf)
        }
        guard let cr = Self.findCR(buf, from: 0) else {
            if buf.count > ProtocolLimits.inlineMax { return (.error("too big mbulk count string"), 0) }
            return (.needMore, 0)
        }
        // The line must be complete including '\n'.
        if cr > buf.count - 2 { return (.needMore, 0) }
        guard let ll = parseStrictInt64(UnsafeRawBufferPointer(rebasing: buf[1..<cr])), ll <= Int64(Int32.max) else {
            return (.error("invalid multibulk length"), 0)
        }
        if ll > Int64(ProtocolLimits.unauthenticatedMaxMultibulk) && authRequired {
            return (.error("unauthenticated multibulk length"), 0)
        }
        return startMultibulk(Int(ll), consumed: cr + 2, buf)
    }

    private mutating func startMultibulk(_ count: Int, consumed: Int, _ buf: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        if count <= 0 { return (.skipped, consumed) }
        remaining = count
        bulkLength = -1
        filled = 0
        holdsLarge = remaining > Self.maxReusedArgs
        if holdsLarge { args = [] }
        args.reserveCapacity(min(remaining, 1024))
        let (ev, more) = parseBulks(buf, offset: consumed)
        return (ev, more + consumed)
    }

    /// Parses bulk arguments starting at `offset`; the consumed count returned is relative to `offset`.
    private mutating func parseBulks(_ buf: UnsafeRawBufferPointer, offset: Int) -> (event: Event, consumed: Int) {
        var pos = offset
        while remaining > 0 {
            if bulkLength < 0, pos < buf.count, buf[pos] == UInt8(ascii: "$"), let (ll, cr) = Self.quickHeader(buf, at: pos),
               isMaster || ll <= maxBulkLength, ll <= ProtocolLimits.unauthenticatedMaxBulk || !authRequired {
                bulkLength = ll
                pos = cr + 2
            }
            if bulkLength < 0 {
                guard let cr = Self.findCR(buf, from: pos) else {
                    if buf.count - pos > ProtocolLimits.inlineMax { return (.error("too big bulk count string"), pos - offset) }
                    return (.needMore, pos - offset)
                }
                if cr > buf.count - 2 { return (.needMore, pos - offset) }
                if buf[pos] != UInt8(ascii: "$") {
                    return (.error("expected '$', got '\(Character(Unicode.Scalar(buf[pos])))'"), pos - offset)
                }
                guard let ll = parseStrictInt64(UnsafeRawBufferPointer(rebasing: buf[(pos + 1)..<cr])), ll >= 0,
                      isMaster || ll <= Int64(maxBulkLength) else {
                    return (.error("invalid bulk length"), pos - offset)
                }
                if ll > Int64(ProtocolLimits.unauthenticatedMaxBulk) && authRequired {
                    return (.error("unauthenticated bulk length"), pos - offset)
                }
                bulkLength = Int(ll)
                pos = cr + 2
            }
            // Wait for the payload and its two trailing bytes (not checked, as Redis does).
            // Subtract rather than add: a master's bulk length is unbounded, and bulkLength + 2 could trap.
            if buf.count - pos - 2 < bulkLength { return (.needMore, pos - offset) }
            if bulkLength > Self.maxReusedArgBytes { holdsLarge = true }
            storeArgument(UnsafeRawBufferPointer(rebasing: buf[pos..<(pos + bulkLength)]))
            pos += bulkLength + 2
            bulkLength = -1
            remaining -= 1
        }
        return (.command(finishCommand()), pos - offset)
    }

    @inline(__always)
    private static func fill(_ arg: inout [UInt8], _ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        if arg.count == n {
            // Same length (pipelines repeat one command shape): overwrite in place.
            if n > 0 {
                arg.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: bytes.baseAddress!, byteCount: n) }
            }
            return
        }
        let cap = arg.capacity
        if cap >= n && cap <= maxReusedArgBytes {
            // In place when `arg` is unique; if someone holds it, a new buffer of the same small capacity.
            arg.removeAll(keepingCapacity: true)
            arg.append(contentsOf: bytes)
        } else {
            arg = Array(bytes)
        }
    }

    /// Writes the next argument into the buffer of the previous command's same argument, or a spare one.
    private mutating func storeArgument(_ bytes: UnsafeRawBufferPointer) {
        if filled < args.count {
            Self.fill(&args[filled], bytes)
        } else if var arg = spareArgs.popLast() {
            Self.fill(&arg, bytes)
            args.append(arg)
        } else {
            args.append(Array(bytes))
        }
        filled += 1
    }

    /// The finished command's arguments; this command's buffers stay for the next one.
    private mutating func finishCommand() -> [[UInt8]] {
        if holdsLarge {
            holdsLarge = false
            var out: [[UInt8]] = []
            swap(&out, &args)
            out.removeSubrange(filled...)
            return out
        }
        while args.count > filled {
            let arg = args.removeLast()
            if spareArgs.count < Self.maxReusedArgs && arg.capacity <= Self.maxReusedArgBytes { spareArgs.append(arg) }
        }
        return args
    }

    private mutating func parseInline(_ buf: UnsafeRawBufferPointer) -> (event: Event, consumed: Int) {
        guard let nl = buf.firstIndex(of: 10) else {
            if buf.count > ProtocolLimits.inlineMax { return (.error("too big inline request"), 0) }
            return (.needMore, 0)
        }
        var end = nl
        if end > 0 && buf[end - 1] == 13 { end -= 1 }
        let consumed = nl + 1
        if end == 0 { return (.skipped, consumed) }
        if isMaster { return (.error("Master using the inline protocol. Desync?"), 0) }
        guard let args = splitArgs(UnsafeRawBufferPointer(rebasing: buf[0..<end])) else {
            return (.error("unbalanced quotes in request"), 0)
        }
        if args.isEmpty { return (.skipped, consumed) }
        return (.command(args), consumed)
    }
}

@inline(__always) private func isSpace(_ c: UInt8) -> Bool {
    c == 32 || (c >= 9 && c <= 13)
}

@inline(__always) private func hexValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: return c - 48
    case 97...102: return c - 87
    case 65...70: return c - 55
    default: return nil
    }
}

/// Splits a line like a shell does, as Redis's sdssplitargs: used for inline
/// commands and redis.conf lines. Returns nil on unbalanced quotes.
public func splitArgs<C: Collection>(_ line: C) -> [[UInt8]]? where C.Element == UInt8, C.Index == Int {
    var args: [[UInt8]] = []
    let bytes = Array(line)
    let n = bytes.count
    // A NUL ends the line, like the C string it is in Redis.
    @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? bytes[i] : 0 }
    var p = 0
    while true {
        while p < n && at(p) != 0 && isSpace(at(p)) { p += 1 }
        if at(p) == 0 { return args }
        var inq = false, insq = false, done = false
        var current: [UInt8] = []
        while !done {
            let c = at(p)
            if inq {
                if c == UInt8(ascii: "\\") && at(p + 1) == UInt8(ascii: "x"),
                   let h = hexValue(at(p + 2)), let l = hexValue(at(p + 3)) {
                    current.append(h * 16 + l)
                    p += 3
                } else if c == UInt8(ascii: "\\") && at(p + 1) != 0 {
                    p += 1
                    switch at(p) {
                    case UInt8(ascii: "n"): current.append(10)
                    case UInt8(ascii: "r"): current.append(13)
                    case UInt8(ascii: "t"): current.append(9)
                    case UInt8(ascii: "b"): current.append(8)
                    case UInt8(ascii: "a"): current.append(7)
                    default: current.append(at(p))
                    }
                } else if c == UInt8(ascii: "\"") {
                    if at(p + 1) != 0 && !isSpace(at(p + 1)) { return nil }
                    done = true
                } else if c == 0 {
                    return nil
                } else {
                    current.append(c)
                }
            } else if insq {
                if c == UInt8(ascii: "\\") && at(p + 1) == UInt8(ascii: "'") {
                    p += 1
                    current.append(UInt8(ascii: "'"))
                } else if c == UInt8(ascii: "'") {
                    if at(p + 1) != 0 && !isSpace(at(p + 1)) { return nil }
                    done = true
                } else if c == 0 {
                    return nil
                } else {
                    current.append(c)
                }
            } else {
                switch c {
                case 32, 10, 13, 9, 0: done = true
                case UInt8(ascii: "\""): inq = true
                case UInt8(ascii: "'"): insq = true
                default: current.append(c)
                }
            }
            if at(p) != 0 { p += 1 }
        }
        args.append(current)
    }
}
