import Glibc

/// Serializes replies straight into a reusable byte buffer, in the
/// connection's protocol (2 or 3). RESP3-only types degrade as Redis 7.0
/// degrades them for RESP2 clients (resp.md §1).
public struct RESPWriter: Sendable {
    public var bytes: [UInt8]
    public var proto: Int

    public init(proto: Int = 2, capacity: Int = 1024) {
        self.proto = proto
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inlinable @inline(__always) mutating func crlf() { bytes.append(13); bytes.append(10) }

    /// A value of this size or more makes room for itself by a quarter of
    /// the buffer at a time rather than by doubling it.
    @usableFromInline static let bigBulkBytes = 16 * 1024

    /// Replies with big values pile up while a client does not read: the
    /// buffer then costs about what it holds, as Redis's reply blocks of
    /// their own size do, so that maxmemory-clients evicts the client and
    /// used_memory sees the replies, not twice their room (copies stay
    /// linear: each growth is at least a quarter).
    @usableFromInline mutating func makeRoom(forBig n: Int) {
        let needed = bytes.count + n + 32
        if needed > bytes.capacity {
            bytes.reserveCapacity(max(needed, bytes.capacity + bytes.capacity / 4))
        }
    }

    @inlinable @inline(__always) mutating func header(_ type: UInt8, _ n: Int) {
        bytes.append(type)
        appendDecimal(Int64(n), to: &bytes)
        crlf()
    }

    public mutating func simpleString(_ s: String) {
        bytes.append(UInt8(ascii: "+"))
        bytes.append(contentsOf: s.utf8)
        crlf()
    }

    public mutating func simpleString(bytes b: [UInt8]) {
        bytes.append(UInt8(ascii: "+"))
        bytes.append(contentsOf: b)
        crlf()
    }

    @inlinable public mutating func ok() {
        bytes.append(UInt8(ascii: "+")); bytes.append(UInt8(ascii: "O")); bytes.append(UInt8(ascii: "K")); crlf()
    }

    /// `message` without the leading '-'. A message with no code gets `ERR `
    /// from the caller; newlines become spaces as Redis does.
    /// Like Redis's addReplyErrorFormat: trailing CR/LF are trimmed, inner
    /// ones become spaces (the text may carry client bytes).
    public mutating func error(_ message: String) {
        var m = message.utf8[...]
        while let last = m.last, last == 10 || last == 13 { m = m.dropLast() }
        bytes.append(UInt8(ascii: "-"))
        for c in m { bytes.append(c == 10 || c == 13 ? 32 : c) }
        crlf()
    }

    /// An error whose text carries client bytes verbatim (Redis echoes
    /// arguments raw, not as UTF-8); newlines still become spaces.
    public mutating func error(bytes message: [UInt8]) {
        var m = message[...]
        while let last = m.last, last == 10 || last == 13 { m = m.dropLast() }
        bytes.append(UInt8(ascii: "-"))
        for c in m { bytes.append(c == 10 || c == 13 ? 32 : c) }
        crlf()
    }

    @inlinable public mutating func integer(_ v: Int) { integer(Int64(v)) }

    @inlinable public mutating func integer(_ v: Int64) {
        bytes.append(UInt8(ascii: ":"))
        appendDecimal(v, to: &bytes)
        crlf()
    }

    /// The hot path: a stored value or argument, copied with one memcpy.
    @inlinable public mutating func bulk(_ b: [UInt8]) {
        if b.count >= Self.bigBulkBytes { makeRoom(forBig: b.count) }
        header(UInt8(ascii: "$"), b.count)
        bytes.append(contentsOf: b)
        crlf()
    }

    @inlinable public mutating func bulk(_ b: ArraySlice<UInt8>) {
        if b.count >= Self.bigBulkBytes { makeRoom(forBig: b.count) }
        header(UInt8(ascii: "$"), b.count)
        bytes.append(contentsOf: b)
        crlf()
    }

    /// Bytes that live outside an array (a key or value held inline).
    @inlinable public mutating func bulk(_ b: UnsafeRawBufferPointer) {
        if b.count >= Self.bigBulkBytes { makeRoom(forBig: b.count) }
        header(UInt8(ascii: "$"), b.count)
        bytes.append(contentsOf: b)
        crlf()
    }

    @inlinable public mutating func bulk<C: Collection>(_ b: C) where C.Element == UInt8 {
        if b.count >= Self.bigBulkBytes { makeRoom(forBig: b.count) }
        header(UInt8(ascii: "$"), b.count)
        bytes.append(contentsOf: b)
        crlf()
    }

    public mutating func bulk(_ s: String) { bulk(s.utf8) }

    /// Bulk string holding the decimal form of `v`.
    public mutating func bulkInteger(_ v: Int64) {
        var tmp: [UInt8] = []
        tmp.reserveCapacity(20)
        appendDecimal(v, to: &tmp)
        bulk(tmp)
    }

    /// Null bulk: `$-1` in RESP2, `_` in RESP3.
    @inlinable public mutating func nullBulk() {
        if proto >= 3 {
            bytes.append(UInt8(ascii: "_"))
        } else {
            bytes.append(UInt8(ascii: "$")); bytes.append(UInt8(ascii: "-")); bytes.append(UInt8(ascii: "1"))
        }
        crlf()
    }

    /// Null array: `*-1` in RESP2, `_` in RESP3.
    public mutating func nullArray() {
        if proto >= 3 { bytes.append(UInt8(ascii: "_")); crlf() } else { bytes.append(contentsOf: Array("*-1\r\n".utf8)) }
    }

    @inlinable public mutating func arrayHeader(_ n: Int) { header(UInt8(ascii: "*"), n) }

    /// Map of `n` pairs: `%n` in RESP3, a flat array of 2n in RESP2.
    public mutating func mapHeader(_ n: Int) {
        if proto >= 3 { header(UInt8(ascii: "%"), n) } else { header(UInt8(ascii: "*"), n * 2) }
    }

    public mutating func setHeader(_ n: Int) {
        header(proto >= 3 ? UInt8(ascii: "~") : UInt8(ascii: "*"), n)
    }

    /// Push header (`>` in RESP3, array in RESP2, used for pub/sub messages).
    public mutating func pushHeader(_ n: Int) {
        header(proto >= 3 ? UInt8(ascii: ">") : UInt8(ascii: "*"), n)
    }

    public mutating func boolean(_ b: Bool) {
        if proto >= 3 { bytes.append(contentsOf: b ? Array("#t\r\n".utf8) : Array("#f\r\n".utf8)) } else { integer(b ? 1 : 0) }
    }

    /// Doubles as Redis's addReplyDouble: `%.17g`, `inf`/`-inf`; RESP2 as bulk.
    public mutating func double(_ d: Double) {
        let text = formatDouble(d)
        if proto >= 3 {
            bytes.append(UInt8(ascii: ","))
            bytes.append(contentsOf: text)
            crlf()
        } else {
            bulk(text)
        }
    }

    public mutating func bigNumber(_ digits: String) {
        if proto >= 3 {
            bytes.append(UInt8(ascii: "("))
            bytes.append(contentsOf: digits.utf8)
            crlf()
        } else {
            bulk(digits)
        }
    }

    /// Verbatim string (`=len\r\ntxt:...`) in RESP3, plain bulk in RESP2.
    public mutating func verbatim(_ text: String, format: String = "txt") {
        verbatim(bytes: Array(text.utf8), format: Array(format.utf8))
    }

    /// Byte form, so decoded binary text is written back unchanged; the length
    /// counts the real format prefix rather than assuming three bytes.
    mutating func verbatim(bytes body: [UInt8], format: [UInt8]) {
        if proto >= 3 {
            header(UInt8(ascii: "="), format.count + 1 + body.count)
            bytes.append(contentsOf: format)
            bytes.append(UInt8(ascii: ":"))
            bytes.append(contentsOf: body)
            crlf()
        } else {
            bulk(body)
        }
    }

    public mutating func raw<C: Collection>(_ b: C) where C.Element == UInt8 { bytes.append(contentsOf: b) }

    /// Writes an already decoded value (used by clients and tests).
    public mutating func value(_ v: RESPValue) {
        switch v {
        case .simpleString(let b): bytes.append(UInt8(ascii: "+")); bytes.append(contentsOf: b); crlf()
        case .error(let b): bytes.append(UInt8(ascii: "-")); bytes.append(contentsOf: b); crlf()
        case .integer(let i): integer(i)
        case .bulkString(nil): nullBulk()
        case .bulkString(.some(let b)): bulk(b)
        case .array(nil): nullArray()
        case .array(.some(let a)): arrayHeader(a.count); for e in a { value(e) }
        case .null: nullBulk()
        case .double(let d): double(d)
        case .boolean(let b): boolean(b)
        case .bigNumber(let b): bigNumber(String(decoding: b, as: UTF8.self))
        case .verbatim(let f, let t): verbatim(bytes: t, format: f)
        case .map(let kv): mapHeader(kv.count / 2); for e in kv { value(e) }
        case .set(let a): setHeader(a.count); for e in a { value(e) }
        case .attribute: break
        case .push(let a): pushHeader(a.count); for e in a { value(e) }
        }
    }

    /// A command as a multibulk request.
    public static func command(_ args: [[UInt8]]) -> [UInt8] {
        var w = RESPWriter()
        w.arrayHeader(args.count)
        for a in args { w.bulk(a) }
        return w.bytes
    }

    public static func command(_ args: [String]) -> [UInt8] { command(args.map { Array($0.utf8) }) }
}

/// `%.17g` as Redis prints doubles, with `inf`, `-inf`, `nan`.
public func formatDouble(_ d: Double) -> [UInt8] {
    if d.isInfinite { return d > 0 ? Array("inf".utf8) : Array("-inf".utf8) }
    if d.isNaN { return Array("nan".utf8) }
    var buf = [CChar](repeating: 0, count: 64)
    let n = withVaList([d]) { vsnprintf(&buf, 64, "%.17g", $0) }
    return buf[0..<Int(n)].map { UInt8(bitPattern: $0) }
}
