import Foundation
import Protocol
import XCTest
import TestSupport

/// Fuzz seeds are fixed so runs are reproducible; VIGIL_FUZZ_SEED overrides
/// to replay a reported failure or to explore further.
func fuzzSeed(default value: UInt64) -> UInt64 {
    if let s = ProcessInfo.processInfo.environment["VIGIL_FUZZ_SEED"], let v = UInt64(s) { return v }
    return value
}

func b(_ s: String) -> [UInt8] { Array(s.utf8) }

/// Printable form of bytes for failure messages (capped, escaped).
func show<C: Collection>(_ bytes: C, limit: Int = 400) -> String where C.Element == UInt8 {
    var s = ""
    for (i, c) in bytes.enumerated() {
        if i == limit { s += "...(\(bytes.count) bytes)"; break }
        switch c {
        case 13: s += "\\r"
        case 10: s += "\\n"
        case 92: s += "\\\\"
        case 32...126: s += String(UnicodeScalar(c))
        default: s += String(format: "\\x%02x", c)
        }
    }
    return s
}

/// memcmp equality: Array's == runs per element in debug builds, far too slow
/// for 100 KB arguments compared at every split point.
func sameBytes(_ x: [UInt8], _ y: [UInt8]) -> Bool {
    if x.count != y.count { return false }
    if x.isEmpty { return true }
    return x.withUnsafeBytes { px in
        y.withUnsafeBytes { py in memcmp(px.baseAddress!, py.baseAddress!, x.count) == 0 }
    }
}

func sameArgs(_ x: [[UInt8]], _ y: [[UInt8]]) -> Bool {
    if x.count != y.count { return false }
    for i in 0..<x.count where !sameBytes(x[i], y[i]) { return false }
    return true
}

/// What a connection produced: commands in order, then at most one protocol error.
enum RequestOutcome: Equatable, CustomStringConvertible {
    case command([[UInt8]])
    case error(String)

    var description: String {
        switch self {
        case .command(let args): return "command[" + args.map { show($0, limit: 40) }.joined(separator: ", ") + "]"
        case .error(let m): return "error(\(m))"
        }
    }
}

func sameOutcomes(_ x: [RequestOutcome], _ y: [RequestOutcome]) -> Bool {
    if x.count != y.count { return false }
    for (p, q) in zip(x, y) {
        switch (p, q) {
        case (.command(let a), .command(let c)): if !sameArgs(a, c) { return false }
        case (.error(let a), .error(let c)): if a != c { return false }
        default: return false
        }
    }
    return true
}

/// Drives a RequestParser the way the server does: bytes land in a ByteBuffer,
/// the parser runs until it needs more, consumed bytes are dropped, and the
/// first protocol error closes the connection. Contract violations are
/// collected rather than asserted so fuzz loops can report them with a seed.
struct RequestConnection {
    var parser: RequestParser
    var buffer: ByteBuffer
    var outcomes: [RequestOutcome] = []
    /// For each command outcome: whether it arrived as multibulk (else inline).
    var multibulk: [Bool] = []
    var closed = false
    var violations: [String] = []
    /// Bytes dropped from the buffer so far.
    var consumedTotal = 0
    var skipped = 0

    init(parser: RequestParser = RequestParser(), capacity: Int = 64) {
        self.parser = parser
        buffer = ByteBuffer(capacity: capacity)
    }

    /// A new connection that keeps the buffer's storage (fuzz loops reuse it).
    mutating func reset(parser: RequestParser) {
        self.parser = parser
        buffer.clear()
        outcomes.removeAll(keepingCapacity: true)
        multibulk.removeAll(keepingCapacity: true)
        closed = false
        violations.removeAll()
        consumedTotal = 0
        skipped = 0
    }

    mutating func feed(_ chunk: ArraySlice<UInt8>) {
        if closed { return }
        let n = chunk.count
        buffer.writeWithUnsafeMutableBytes(minimum: n) { dst in
            chunk.withUnsafeBytes { src in
                if n > 0 { dst.baseAddress!.copyMemory(from: src.baseAddress!, byteCount: n) }
            }
            return n
        }
        drain()
    }

    mutating func feed(_ chunk: [UInt8]) { feed(chunk[...]) }

    private mutating func drain() {
        var p = parser
        defer { parser = p }
        while true {
            let readable = buffer.readableBytes
            let wasInMultibulk = p.inMultibulk
            let (event, n, first) = buffer.withReadableBytes { raw in
                let r = p.parse(raw)
                return (r.event, r.consumed, raw.first)
            }
            if n < 0 || n > readable {
                violations.append("consumed \(n) of \(readable) readable bytes")
                closed = true
                return
            }
            switch event {
            case .command(let args):
                if n == 0 { violations.append("command consumed no bytes") }
                if args.isEmpty { violations.append("command with no arguments") }
                if p.inMultibulk { violations.append("parser still in multibulk after a command") }
                outcomes.append(.command(args))
                multibulk.append(wasInMultibulk || first == UInt8(ascii: "*"))
            case .skipped:
                if n == 0 { violations.append("skip consumed no bytes"); closed = true; return }
                skipped += 1
            case .needMore:
                buffer.moveReaderIndex(forwardBy: n)
                consumedTotal += n
                return
            case .error(let message):
                outcomes.append(.error(message))
                closed = true
                return
            }
            buffer.moveReaderIndex(forwardBy: n)
            consumedTotal += n
            if n == 0 { closed = true; return }
        }
    }
}

/// Parses `chunks`, fed in order, through a fresh connection.
func parseRequests(_ chunks: [ArraySlice<UInt8>], parser: RequestParser = RequestParser(),
                   file: StaticString = #filePath, line: UInt = #line) -> [RequestOutcome] {
    var conn = RequestConnection(parser: parser)
    for c in chunks { conn.feed(c) }
    XCTAssertEqual(conn.violations, [], file: file, line: line)
    return conn.outcomes
}

func parseRequests(_ input: [UInt8], parser: RequestParser = RequestParser(),
                   file: StaticString = #filePath, line: UInt = #line) -> [RequestOutcome] {
    parseRequests([input[...]], parser: parser, file: file, line: line)
}

func parseRequests(_ input: String, parser: RequestParser = RequestParser(),
                   file: StaticString = #filePath, line: UInt = #line) -> [RequestOutcome] {
    parseRequests(b(input), parser: parser, file: file, line: line)
}

func cmd(_ args: String...) -> RequestOutcome { .command(args.map { Array($0.utf8) }) }

func protocolError(_ message: String) -> RequestOutcome { .error(message) }

/// One parse call on `bytes` (for tests about consumed counts).
func parseOnce(_ parser: inout RequestParser, _ bytes: [UInt8]) -> (event: RequestParser.Event, consumed: Int) {
    bytes.withUnsafeBytes { parser.parse($0) }
}

/// Structural equality that treats NaN doubles as equal to each other.
func sameValue(_ x: RESPValue, _ y: RESPValue) -> Bool {
    switch (x, y) {
    case (.double(let p), .double(let q)): return p == q || (p.isNaN && q.isNaN)
    case (.array(.some(let p)), .array(.some(let q))), (.map(let p), .map(let q)),
         (.set(let p), .set(let q)), (.push(let p), .push(let q)), (.attribute(let p), .attribute(let q)):
        if p.count != q.count { return false }
        for i in 0..<p.count where !sameValue(p[i], q[i]) { return false }
        return true
    default: return x == y
    }
}

/// Every reply parsed from `bytes` in order; fails the test on leftovers.
func parseReplies(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> [RESPValue] {
    var out: [RESPValue] = []
    var pos = 0
    while pos < bytes.count {
        guard let (v, n) = try ReplyParser().parse(Array(bytes[pos...])) else {
            XCTFail("incomplete reply at offset \(pos): \(show(bytes[pos...]))", file: file, line: line)
            break
        }
        XCTAssertGreaterThan(n, 0, file: file, line: line)
        out.append(v)
        pos += n
    }
    return out
}
