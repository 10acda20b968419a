#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Numbers as Lua 5.1 writes and reads them: `%.14g` out, strtod (with its
/// hex, inf and nan) in, surrounding whitespace allowed.
public enum LuaNumber {
    public static func format(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e14 {
            if d == 0 { return d.sign == .minus ? "-0" : "0" }
            return String(Int(d))
        }
        return cFormat("%.14g", d)
    }

    public static func cFormat(_ fmt: String, _ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([d]) { vsnprintf(&buf, 512, fmt, $0) }
        if n >= 512 {
            buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList([d]) { vsnprintf(&buf, Int(n) + 1, fmt, $0) }
        }
        return String(cString: buf)
    }

    static func isSpace(_ c: UInt8) -> Bool { c == 32 || (c >= 9 && c <= 13) }

    /// luaO_str2d: the whole string (bar whitespace) must be a number.
    public static func parse(_ bytes: [UInt8]) -> Double? {
        if bytes.isEmpty { return nil }
        // fast path: plain decimal integers
        var i = 0, n = bytes.count
        while i < n && isSpace(bytes[i]) { i += 1 }
        while n > i && isSpace(bytes[n - 1]) { n -= 1 }
        if i == n { return nil }
        var neg = false, j = i
        if bytes[j] == 45 { neg = true; j += 1 }
        if j < n && n - j <= 15 {
            var v = 0, ok = true
            for k in j..<n { let c = bytes[k]; if c < 48 || c > 57 { ok = false; break }; v = v * 10 + Int(c - 48) }
            if ok { return neg ? -Double(v) : Double(v) }
        }
        if bytes.contains(0) { return nil }
        return bytes.withUnsafeBufferPointer { buf -> Double? in
            var tmp = [CChar](repeating: 0, count: bytes.count + 1)
            for k in 0..<bytes.count { tmp[k] = CChar(bitPattern: buf[k]) }
            return tmp.withUnsafeMutableBufferPointer { t -> Double? in
                let start = t.baseAddress!
                var end: UnsafeMutablePointer<CChar>? = nil
                var r = strtod(start, &end)
                guard var e = end, e != start else { return nil }
                if e.pointee == CChar(UInt8(ascii: "x")) || e.pointee == CChar(UInt8(ascii: "X")) {
                    r = Double(strtoul(start, &end, 16))
                    guard let e2 = end else { return nil }
                    e = e2
                }
                while e.pointee != 0 && isSpace(UInt8(bitPattern: e.pointee)) { e += 1 }
                if e.pointee != 0 { return nil }
                return r
            }
        }
    }
}
