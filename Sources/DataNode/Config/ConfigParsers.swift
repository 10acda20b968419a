import Glibc
import Protocol

/// The C-library and util.c parsing primitives config.c relies on, reproduced
/// with their exact acceptance rules (which differ from one another: config
/// errors depend on which one Redis happened to use for a directive).
enum ConfigCParse {
    /// What a C function sees of an sds: everything up to the first NUL.
    static func cString(_ b: [UInt8]) -> [UInt8] {
        if let z = b.firstIndex(of: 0) { return Array(b[..<z]) }
        return b
    }

    /// strtoll/strtol: leading spaces, optional sign, digits in `base`;
    /// saturates on overflow. `complete` is C's `*endptr == '\0'`.
    static func strtoll(_ b: [UInt8], base: Int32 = 10) -> (value: Int64, complete: Bool, errno: Int32) {
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
    static func string2d(_ b: [UInt8]) -> Double? {
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

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    /// util.c memtoull (7.0.15): digits then an optional unit b/k/kb/m/mb/g/gb
    /// (any case); k/m/g are powers of 1000, kb/mb/gb powers of 1024. No sign,
    /// no spaces; an empty number is 0; the digit part saturates and the
    /// multiplication wraps, as in C.
    static func memtoull(_ raw: [UInt8]) -> UInt64? {
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
    static func string2ll(_ b: [UInt8]) -> Int64? { parseStrictInt64(b) }

    /// config.c yesnotoi (strcasecmp, so a NUL ends the word).
    static func yesno(_ b: [UInt8]) -> Bool? {
        switch String(decoding: cString(b), as: UTF8.self).lowercased() {
        case "yes": return true
        case "no": return false
        default: return nil
        }
    }

    static func equalsIgnoringCase(_ b: [UInt8], _ s: String) -> Bool {
        String(decoding: cString(b), as: UTF8.self).lowercased() == s.lowercased()
    }

    /// sdssplitlen(value, " "): how CONFIG SET splits a multi-argument value.
    /// Every space separates, so doubled or edge spaces give empty arguments;
    /// an empty value gives no arguments at all.
    static func splitSpaces(_ b: [UInt8]) -> [[UInt8]] {
        if b.isEmpty { return [] }
        return b.split(separator: 32, omittingEmptySubsequences: false).map(Array.init)
    }

    static func repr(_ b: [UInt8]) -> [UInt8] { sdsRepr(b) }

    /// rewriteConfigFormatMemory: the largest of gb/mb/kb that divides exactly.
    static func formatMemory(_ v: Int64) -> String {
        let gb: Int64 = 1 << 30, mb: Int64 = 1 << 20, kb: Int64 = 1 << 10
        if v != 0 && v % gb == 0 { return "\(v / gb)gb" }
        if v != 0 && v % mb == 0 { return "\(v / mb)mb" }
        if v != 0 && v % kb == 0 { return "\(v / kb)kb" }
        return "\(v)"
    }

    /// printf("%f") followed by util.c trimDoubleString.
    static func formatPercentile(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 400)
        _ = withVaList([d]) { vsnprintf(&buf, buf.count, "%f", $0) }
        var s = string(buf)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    static func strerror(_ e: Int32) -> String { String(cString: Glibc.strerror(e)) }

    /// A NUL-terminated C buffer as a String.
    static func string(_ buf: [CChar]) -> String {
        buf.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}

/// notify.c: the keyspace-event class letters.
enum ConfigNotifyFlags {
    static let keyspace = 1 << 0, keyevent = 1 << 1, generic = 1 << 2, string = 1 << 3
    static let list = 1 << 4, set = 1 << 5, hash = 1 << 6, zset = 1 << 7, expired = 1 << 8
    static let evicted = 1 << 9, stream = 1 << 10, keyMiss = 1 << 11, module = 1 << 13, new = 1 << 14
    static let all = generic | string | list | set | hash | zset | expired | evicted | stream | module

    static func parse(_ raw: [UInt8]) -> Int? {
        var flags = 0
        for c in ConfigCParse.cString(raw) {
            switch c {
            case UInt8(ascii: "A"): flags |= all
            case UInt8(ascii: "g"): flags |= generic
            case UInt8(ascii: "$"): flags |= string
            case UInt8(ascii: "l"): flags |= list
            case UInt8(ascii: "s"): flags |= set
            case UInt8(ascii: "h"): flags |= hash
            case UInt8(ascii: "z"): flags |= zset
            case UInt8(ascii: "x"): flags |= expired
            case UInt8(ascii: "e"): flags |= evicted
            case UInt8(ascii: "K"): flags |= keyspace
            case UInt8(ascii: "E"): flags |= keyevent
            case UInt8(ascii: "t"): flags |= stream
            case UInt8(ascii: "m"): flags |= keyMiss
            case UInt8(ascii: "d"): flags |= module
            case UInt8(ascii: "n"): flags |= new
            default: return nil
            }
        }
        return flags
    }

    static func format(_ flags: Int) -> String {
        var r = ""
        if flags & all == all {
            r += "A"
        } else {
            let letters: [(Int, Character)] = [(generic, "g"), (string, "$"), (list, "l"), (set, "s"),
                                               (hash, "h"), (zset, "z"), (expired, "x"), (evicted, "e"),
                                               (stream, "t"), (module, "d"), (new, "n")]
            for (bit, ch) in letters where flags & bit != 0 { r.append(ch) }
        }
        if flags & keyspace != 0 { r += "K" }
        if flags & keyevent != 0 { r += "E" }
        if flags & keyMiss != 0 { r += "m" }
        return r
    }
}
