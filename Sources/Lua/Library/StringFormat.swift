#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// string.format (lstrlib.c str_format): each directive goes through C's
/// snprintf with the same conversions Lua 5.1 uses (long for integers).
extension LuaVM {
    func format(_ base: Int, _ nargs: Int) throws -> [UInt8] {
        let fmt = try checkString(base, nargs, 0, "format")
        var out: [UInt8] = []
        var i = 0
        var argi = 0
        while i < fmt.count {
            let c = fmt[i]
            if c != UInt8(ascii: "%") { out.append(c); i += 1; continue }
            i += 1
            if i < fmt.count && fmt[i] == UInt8(ascii: "%") { out.append(c); i += 1; continue }
            argi += 1
            // scanformat
            var spec: [UInt8] = [UInt8(ascii: "%")]
            let flags = Array("-+ #0".utf8)
            var p = i
            while p < fmt.count && flags.contains(fmt[p]) { p += 1 }
            if p - i > 5 { throw LuaError.message("invalid format (repeated flags)") }
            if p < fmt.count && isDigitByte(fmt[p]) { p += 1 }
            if p < fmt.count && isDigitByte(fmt[p]) { p += 1 }
            var hasPrecision = false
            if p < fmt.count && fmt[p] == UInt8(ascii: ".") {
                hasPrecision = true
                p += 1
                if p < fmt.count && isDigitByte(fmt[p]) { p += 1 }
                if p < fmt.count && isDigitByte(fmt[p]) { p += 1 }
            }
            if p < fmt.count && isDigitByte(fmt[p]) { throw LuaError.message("invalid format (width or precision too long)") }
            spec.append(contentsOf: fmt[i..<p])
            let conv: UInt8 = p < fmt.count ? fmt[p] : 0
            i = p + 1
            let ai = argi
            if ai >= nargs { throw argError(ai, "format", "no value") }
            switch conv {
            case UInt8(ascii: "c"):
                let n = try checkNumber(base, nargs, ai, "format")
                out.append(UInt8(truncatingIfNeeded: LuaVM.cInt(n)))
            case UInt8(ascii: "d"), UInt8(ascii: "i"):
                let n = try checkNumber(base, nargs, ai, "format")
                spec.append(contentsOf: Array("l".utf8) + [conv])
                out.append(contentsOf: cformat(spec, LuaVM.cInt(n)))
            case UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "x"), UInt8(ascii: "X"):
                let n = try checkNumber(base, nargs, ai, "format")
                // C's (unsigned long) cast as gcc does it on x86-64: from 2^63 up
                // through a signed conversion of d - 2^63 (which saturates past 2^64)
                let u: UInt
                if n >= 9223372036854775808.0 { u = n < 18446744073709551616.0 ? UInt(n) : 0 }
                else { u = UInt(bitPattern: LuaVM.cInt(n)) }
                spec.append(contentsOf: Array("l".utf8) + [conv])
                out.append(contentsOf: cformat(spec, u))
            case UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "f"), UInt8(ascii: "g"), UInt8(ascii: "G"):
                let n = try checkNumber(base, nargs, ai, "format")
                spec.append(conv)
                out.append(contentsOf: cformat(spec, n))
            case UInt8(ascii: "q"):
                let s = try checkString(base, nargs, ai, "format")
                out.append(UInt8(ascii: "\""))
                for b in s {
                    switch b {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), 10:
                        out.append(UInt8(ascii: "\\")); out.append(b)
                    case 13: out.append(contentsOf: Array("\\r".utf8))
                    case 0: out.append(contentsOf: Array("\\000".utf8))
                    default: out.append(b)
                    }
                }
                out.append(UInt8(ascii: "\""))
            case UInt8(ascii: "s"):
                let s = try checkString(base, nargs, ai, "format")
                if !hasPrecision && s.count >= 100 {
                    out.append(contentsOf: s)
                } else {
                    spec.append(conv)
                    let cut = s.firstIndex(of: 0).map { Array(s[..<$0]) } ?? s
                    out.append(contentsOf: cformat(spec, cut))
                }
            default:
                let shown = conv == 0 ? "" : String(UnicodeScalar(conv))
                throw LuaError.message("invalid option '%\(shown)' to 'format'")
            }
            try checkLength(out.count)
        }
        return out
    }

    private func isDigitByte(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    private func cformat(_ spec: [UInt8], _ arg: CVarArg) -> [UInt8] {
        let f = String(decoding: spec, as: UTF8.self)
        return LuaNumber.cFormatBytes(f, arg)
    }

    private func cformat(_ spec: [UInt8], _ s: [UInt8]) -> [UInt8] {
        let f = String(decoding: spec, as: UTF8.self)
        var cs = s.map { CChar(bitPattern: $0) }
        cs.append(0)
        return cs.withUnsafeBufferPointer { p in LuaNumber.cFormatBytes(f, p.baseAddress!) }
    }
}

extension LuaNumber {
    static func cFormatBytes(_ fmt: String, _ arg: CVarArg) -> [UInt8] {
        var buf = [CChar](repeating: 0, count: 512)
        let n = withVaList([arg]) { vsnprintf(&buf, 512, fmt, $0) }
        if n >= 512 {
            buf = [CChar](repeating: 0, count: Int(n) + 1)
            _ = withVaList([arg]) { vsnprintf(&buf, Int(n) + 1, fmt, $0) }
        }
        return buf.prefix(Int(max(n, 0))).map { UInt8(bitPattern: $0) }
    }
}
