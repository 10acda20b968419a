import Glibc
import Protocol

/// The C-library and util.c parsing primitives config.c relies on, reproduced
/// with their exact acceptance rules (which differ from one another: config
/// errors depend on which one Redis happened to use for a directive).
public enum ConfigCParse {
    /// What a C function sees of an sds: everything up to the first NUL.
    public static func cString(_ b: [UInt8]) -> [UInt8] {
        if let z = b.firstIndex(of: 0) { return Array(b[..<z]) }
        return b
    }

    /// strtoll/strtol: leading spaces, optional sign, digits in `base`;
    /// saturates on overflow. `complete` is C's `*endptr == '\0'`.
    public static func strtoll(_ b: [UInt8], base: Int32 = 10) -> (value: Int64, complete: Bool, errno: Int32) {
        var c = cString(b)
        c.append(0)
        return c.withUnsafeBufferPointer { buf -> (Int64, Bool, Int32) in
            let start = UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>? = nil
            Glibc.errno = 0
            let v = Glibc.strtoll(start, &end, base)
            let e = Glibc.errno
            return (Int64(v), end?.pointee == 0, e)
        }
    }

    /// util.c string2d: strtod over the whole buffer, no leading space, no NaN.
    public static func string2d(_ b: [UInt8]) -> Double? {
        if b.isEmpty || isSpace(b[0]) { return nil }
        var c = b
        c.append(0)
        return c.withUnsafeBufferPointer { buf -> Double? in
            let start = UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
            var end: UnsafeMutablePointer<CChar>? = nil
            Glibc.errno = 0
            let d = Glibc.strtod(start, &end)
            let consumed = end.map { UnsafeRawPointer($0) - UnsafeRawPointer(start) } ?? 0
            if consumed != b.count { return nil }
            if Glibc.errno == ERANGE && (d == .infinity || d == -.infinity || d == 0) { return nil }
            if d.isNaN { return nil }
            return d
        }
    }

    public static func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    public static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// util.c memtoull (7.0.15): digits then an optional unit b/k/kb/m/mb/g/gb
    /// (any case); k/m/g are powers of 1000, kb/mb/gb powers of 1024. No sign,
    /// no spaces; an empty number is 0; the digit part saturates and the
    /// multiplication wraps, as in C.
    public static func memtoull(_ raw: [UInt8]) -> UInt64? {
        let b = cString(raw)
        if b.first == UInt8(ascii: "-") { return nil }
        var i = 0
        while i < b.count && isDigit(b[i]) { i += 1 }
        let unit = String(decoding: b[i...], as: UTF8.self).lowercased()
        let mul: UInt64
        switch unit {
        case "", "b": mul = 1
        case "k": mul = 1000
        case "kb": mul = 1024
        case "m": mul = 1000 * 1000
        case "mb": mul = 1024 * 1024
        case "g": mul = 1000 * 1000 * 1000
        case "gb": mul = 1024 * 1024 * 1024
        default: return nil
        }
        if i >= 128 { return nil }
        var v: UInt64 = 0
        for d in b[..<i] {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d - 48))
            if o1 || o2 { v = UInt64.max; break }
            v = a
        }
        return v &* mul
    }

    /// util.c string2ll: strict decimal over the whole buffer.
    public static func string2ll(_ b: [UInt8]) -> Int64? { parseStrictInt64(b) }

    /// config.c yesnotoi (strcasecmp, so a NUL ends the word).
    public static func yesno(_ b: [UInt8]) -> Bool? {
        switch String(decoding: cString(b), as: UTF8.self).lowercased() {
        case "yes": return true
        case "no": return false
        default: return nil
        }
    }

    public static func equalsIgnoringCase(_ b: [UInt8], _ s: String) -> Bool {
        String(decoding: cString(b), as: UTF8.self).lowercased() == s.lowercased()
    }

    /// sdssplitlen(value, " "): how CONFIG SET splits a multi-argument value.
    /// Every space separates, so doubled or edge spaces give empty arguments;
    /// an empty value gives no arguments at all.
    public static func splitSpaces(_ b: [UInt8]) -> [[UInt8]] {
        if b.isEmpty { return [] }
        return b.split(separator: 32, omittingEmptySubsequences: false).map(Array.init)
    }

    /// sdscatrepr: how argv values and rewritten strings are quoted.
    public static func repr(_ b: [UInt8]) -> [UInt8] { sdsRepr(b) }

    public static func repr(_ s: String) -> String { String(decoding: sdsRepr(Array(s.utf8)), as: UTF8.self) }

    /// rewriteConfigFormatMemory: the largest of gb/mb/kb that divides exactly.
    public static func formatMemory(_ v: Int64) -> String {
        let gb: Int64 = 1 << 30, mb: Int64 = 1 << 20, kb: Int64 = 1 << 10
        if v != 0 && v % gb == 0 { return "\(v / gb)gb" }
        if v != 0 && v % mb == 0 { return "\(v / mb)mb" }
        if v != 0 && v % kb == 0 { return "\(v / kb)kb" }
        return "\(v)"
    }

    /// printf("%f") followed by util.c trimDoubleString.
    public static func formatPercentile(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 400)
        _ = withVaList([d]) { vsnprintf(&buf, buf.count, "%f", $0) }
        var s = string(buf)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    public static func strerror(_ e: Int32) -> String { String(cString: Glibc.strerror(e)) }

    /// A NUL-terminated C buffer as a String.
    public static func string(_ buf: [CChar]) -> String {
        buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
