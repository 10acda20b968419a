/// Byte sizes of Redis's listpack encoding (listpack.c), for the one rule
/// that depends on them: a stream starts a new node once the tail listpack
/// plus the new entry's field/value bytes reaches stream-node-max-bytes.
/// Vigil stores nodes in its own compact form but accounts them as Redis
/// would, so XADD splits nodes (and XINFO counts radix-tree keys) exactly as
/// redis-server does.
enum ListpackSize {
    /// Header (total bytes + element count) and the end byte.
    static let empty = 7

    /// An integer element with its back-length (lpEncodeIntegerGetType).
    @inline(__always)
    static func integer(_ v: Int64) -> Int {
        let enc: Int
        if v >= 0 && v <= 127 { enc = 1 }
        else if v >= -4096 && v <= 4095 { enc = 2 }
        else if v >= -32768 && v <= 32767 { enc = 3 }
        else if v >= -8_388_608 && v <= 8_388_607 { enc = 4 }
        else if v >= -2_147_483_648 && v <= 2_147_483_647 { enc = 5 }
        else { enc = 9 }
        return enc + backlen(enc)
    }

    /// A string element: stored as an integer when it is one (lpStringToInt64).
    static func string<C: Collection>(_ s: C) -> Int where C.Element == UInt8 {
        if s.count <= 20, let v = strictInt64(s) { return integer(v) }
        let n = s.count
        let enc = n < 64 ? 1 + n : (n < 4096 ? 2 + n : 5 + n)
        return enc + backlen(enc)
    }

    @inline(__always)
    static func backlen(_ l: Int) -> Int {
        if l <= 127 { return 1 }
        if l < 16383 { return 2 }
        if l < 2_097_151 { return 3 }
        if l < 268_435_455 { return 4 }
        return 5
    }

    /// string2ll: no sign but '-', no leading zeros, no spaces, fits in 64 bits.
    static func strictInt64<C: Collection>(_ s: C) -> Int64? where C.Element == UInt8 {
        guard let first = s.first else { return nil }
        if s.count == 1 && first == UInt8(ascii: "0") { return 0 }
        var it = s.makeIterator()
        var negative = false
        var c = it.next()!
        if c == UInt8(ascii: "-") {
            negative = true
            guard let n = it.next() else { return nil }
            c = n
        }
        guard c >= UInt8(ascii: "1") && c <= UInt8(ascii: "9") else { return nil }
        var v = UInt64(c - 48)
        while let d = it.next() {
            guard d >= 48 && d <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(d - 48))
            if o1 || o2 { return nil }
            v = a
        }
        if negative {
            if v > UInt64(Int64.max) + 1 { return nil }
            return v == UInt64(Int64.max) + 1 ? Int64.min : -Int64(v)
        }
        return v > UInt64(Int64.max) ? nil : Int64(v)
    }
}
