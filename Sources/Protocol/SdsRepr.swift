/// Redis's sdscatrepr: the double-quoted, C-escaped form that MONITOR,
/// redis-cli, CONFIG REWRITE and the sentinel's config writer print, and that
/// splitArgs reads back. Anything not printable ASCII becomes `\xNN`.
public func appendSdsRepr(_ b: [UInt8], to out: inout [UInt8]) {
    let hex: StaticString = "0123456789abcdef"
    out.append(UInt8(ascii: "\""))
    for c in b {
        switch c {
        case UInt8(ascii: "\\"), UInt8(ascii: "\""):
            out.append(UInt8(ascii: "\\")); out.append(c)
        case 10: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
        case 13: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
        case 9: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
        case 7: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "a"))
        case 8: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
        case 32...126: out.append(c)
        default:
            out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "x"))
            out.append(hex.utf8Start[Int(c >> 4)]); out.append(hex.utf8Start[Int(c & 15)])
        }
    }
    out.append(UInt8(ascii: "\""))
}

public func sdsRepr(_ b: [UInt8]) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(b.count + 2)
    appendSdsRepr(b, to: &out)
    return out
}
