/// glibc's inet_pton4 / inet_pton6 as syntax checks, so the core can tell an
/// address from a hostname without libc. The string is cut at its first NUL,
/// as the C call sees it.
enum IPLiteral {
    static func isIPv4(_ s: String) -> Bool {
        isIPv4(cString(s)[...])
    }

    /// Four dotted decimal octets, each at most 255, no leading zeros.
    static func isIPv4(_ s: ArraySlice<UInt8>) -> Bool {
        var octets = 0
        var value = 0
        var sawDigit = false
        for ch in s {
            if ch >= 0x30 && ch <= 0x39 {
                if sawDigit && value == 0 { return false }
                value = value * 10 + Int(ch - 0x30)
                if value > 255 { return false }
                if !sawDigit {
                    octets += 1
                    if octets > 4 { return false }
                    sawDigit = true
                }
            } else if ch == UInt8(ascii: ".") && sawDigit {
                if octets == 4 { return false }
                value = 0
                sawDigit = false
            } else {
                return false
            }
        }
        return octets >= 4
    }

    /// Eight groups of up to four hex digits, one `::` standing for the
    /// missing zero groups, the last 32 bits optionally dotted IPv4.
    static func isIPv6(_ s: String) -> Bool {
        let b = cString(s)
        if b.isEmpty { return false }
        var i = 0
        if b[0] == UInt8(ascii: ":") {
            i = 1
            if i == b.count || b[i] != UInt8(ascii: ":") { return false }
        }
        var bytes = 0           // address bytes filled so far
        var doubleColonAt: Int?
        var currentToken = i
        var digits = 0
        var value = 0
        while i < b.count {
            let ch = b[i]
            i += 1
            if let d = hexValue(ch) {
                if digits == 4 { return false }
                value = value << 4 | d
                digits += 1
                continue
            }
            if ch == UInt8(ascii: ":") {
                currentToken = i
                if digits == 0 {
                    if doubleColonAt != nil { return false }
                    doubleColonAt = bytes
                    continue
                } else if i == b.count {
                    return false
                }
                if bytes + 2 > 16 { return false }
                bytes += 2
                digits = 0
                value = 0
                continue
            }
            if ch == UInt8(ascii: "."), bytes + 4 <= 16, isIPv4(b[currentToken...]) {
                bytes += 4
                digits = 0
                break
            }
            return false
        }
        if digits > 0 {
            if bytes + 2 > 16 { return false }
            bytes += 2
        }
        if doubleColonAt != nil {
            // "::" must stand for at least one zero group.
            if bytes == 16 { return false }
            bytes = 16
        }
        return bytes == 16
    }

    private static func hexValue(_ ch: UInt8) -> Int? {
        switch ch {
        case 0x30...0x39: return Int(ch - 0x30)
        case 0x61...0x66: return Int(ch - 0x61 + 10)
        case 0x41...0x46: return Int(ch - 0x41 + 10)
        default: return nil
        }
    }

    private static func cString(_ s: String) -> [UInt8] {
        Array(s.utf8.prefix { $0 != 0 })
    }
}
