/// The debugger's reader of the client's requests (eval.c
/// ldbReplParseCommand): a multi-bulk of 1..1024 arguments of 1..1024 bytes
/// each, found after the first `*`. Forgiving where Redis is (bytes before
/// the `*` are skipped) and strict where it is (an empty argument is a
/// protocol error); header searches stop at a NUL as Redis's C string
/// functions do, arguments are binary.
enum DebuggerRequest: Equatable {
    case command([[UInt8]])
    case incomplete
    case protocolError

    static let maxArguments = 1024
    static let maxArgumentBytes = 1024

    static func parse(_ buf: [UInt8]) -> DebuggerRequest {
        if buf.isEmpty { return .incomplete }
        // strchr and strstr see the bytes up to the first NUL only
        let cEnd = buf.firstIndex(of: 0) ?? buf.count
        guard let star = buf[..<cEnd].firstIndex(of: UInt8(ascii: "*")) else { return .protocolError }
        guard let headerEnd = crlf(in: buf, from: star + 1, end: cEnd) else { return .incomplete }
        let argc = atoi(buf[(star + 1)..<headerEnd])
        if argc <= 0 || argc > maxArguments { return .protocolError }
        var p = headerEnd + 2
        var argv: [[UInt8]] = []
        while argv.count < argc {
            if p >= buf.count || buf[p] == 0 { return .incomplete }
            if buf[p] != UInt8(ascii: "$") { return .protocolError }
            let lineEnd = buf[p...].firstIndex(of: 0) ?? buf.count
            guard let lenEnd = crlf(in: buf, from: p + 1, end: lineEnd) else { return .incomplete }
            let len = atoi(buf[(p + 1)..<lenEnd])
            if len <= 0 || len > maxArgumentBytes { return .protocolError }
            p = lenEnd + 2
            if p + len + 2 > buf.count { return .incomplete }
            argv.append(Array(buf[p..<(p + len)]))
            p += len
            if buf[p] != 13 || buf[p + 1] != 10 { return .protocolError }
            p += 2
        }
        return .command(argv)
    }

    private static func crlf(in b: [UInt8], from: Int, end: Int) -> Int? {
        var i = from
        while i + 1 < end {
            if b[i] == 13 && b[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }

    /// C's atoi: optional spaces and sign, then digits up to the first other
    /// byte; 0 when there are none. Out of range values wrap as glibc's
    /// (int)strtol does on a 64-bit long.
    static func atoi<C: Collection>(_ s: C) -> Int where C.Element == UInt8 {
        var it = s.makeIterator()
        var c = it.next()
        while let x = c, x == 32 || (x >= 9 && x <= 13) { c = it.next() }
        var negative = false
        if c == UInt8(ascii: "-") || c == UInt8(ascii: "+") { negative = c == UInt8(ascii: "-"); c = it.next() }
        var v: Int64 = 0
        var overflow = false
        while let x = c, x >= 48 && x <= 57 {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(x - 48))
            if o1 || o2 { overflow = true }
            v = a
            c = it.next()
        }
        if overflow { v = negative ? Int64.min : Int64.max } else if negative { v = -v }
        return Int(Int32(truncatingIfNeeded: v))
    }

    /// strcasecmp of the argument as a C string (up to its first NUL) with `name`.
    static func named(_ arg: [UInt8], _ names: String...) -> Bool {
        let cString = arg.prefix { $0 != 0 }
        return names.contains { n in
            let u = Array(n.utf8)
            return u.count == cString.count && zip(u, cString).allSatisfy { $0 == ($1 | ($1 >= 65 && $1 <= 90 ? 32 : 0)) }
        }
    }
}
