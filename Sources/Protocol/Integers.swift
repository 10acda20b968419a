/// Redis's string2ll: strict decimal, optional '-', no '+', no leading zeros,
/// no spaces, no overflow. Used for protocol headers and integer arguments.
@inlinable
public func parseStrictInt64<C: Collection>(_ s: C) -> Int64? where C.Element == UInt8 {
    var it = s.makeIterator()
    guard let first = it.next() else { return nil }
    let count = s.count
    if count > 20 { return nil }
    if count == 1 && first == UInt8(ascii: "0") { return 0 }
    var negative = false
    var c = first
    if c == UInt8(ascii: "-") {
        negative = true
        guard let n = it.next() else { return nil }
        c = n
    }
    guard c >= UInt8(ascii: "1") && c <= UInt8(ascii: "9") else { return nil }
    var v = UInt64(c - UInt8(ascii: "0"))
    while let d = it.next() {
        guard d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9") else { return nil }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        if o1 { return nil }
        let (a, o2) = m.addingReportingOverflow(UInt64(d - UInt8(ascii: "0")))
        if o2 { return nil }
        v = a
    }
    if negative {
        if v > UInt64(Int64.max) + 1 { return nil }
        return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
    }
    if v > UInt64(Int64.max) { return nil }
    return Int64(v)
}

/// Appends the decimal form of `v` without allocating a String.
@inlinable
public func appendDecimal(_ v: Int64, to out: inout [UInt8]) {
    if v >= 0 && v < 10 { out.append(UInt8(ascii: "0") &+ UInt8(v)); return }
    var u: UInt64 = v < 0 ? UInt64(bitPattern: 0 &- v) : UInt64(v)
    if v == Int64.min { u = UInt64(Int64.max) + 1 }
    if v < 0 { out.append(UInt8(ascii: "-")) }
    var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0) // 24 bytes of scratch
    let n = withUnsafeMutableBytes(of: &tmp) { p -> Int in
        var i = 24
        while u > 0 {
            i -= 1
            p[i] = UInt8(ascii: "0") &+ UInt8(u % 10)
            u /= 10
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[i..<24]))
        return 24 - i
    }
    _ = n
}
