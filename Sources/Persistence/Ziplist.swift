/// Reads the ziplists of the load-only types 10, 12, 13 and 14 (rdb.md §8),
/// validating every entry (ziplistValidateIntegrity, deep).
enum ZiplistReader {
    static func elements(_ z: [UInt8]) -> [PackedElement]? {
        let n = z.count
        guard n >= 11 else { return nil }
        func le(_ at: Int, _ k: Int) -> UInt64 {
            var v: UInt64 = 0
            for i in 0..<k { v |= UInt64(z[at + i]) << (8 * UInt64(i)) }
            return v
        }
        guard Int(le(0, 4)) == n, z[n - 1] == 0xFF else { return nil }
        let tail = Int(le(4, 4))
        let declared = Int(le(8, 2))
        var out: [PackedElement] = []
        var p = 10
        var prevLen = 0
        var lastStart = 10
        while p < n - 1 {
            // prevlen
            var hdr: Int
            var prev: Int
            if z[p] < 254 {
                prev = Int(z[p]); hdr = 1
            } else if z[p] == 254 {
                guard p + 5 < n else { return nil }
                prev = Int(le(p + 1, 4)); hdr = 5
            } else {
                return nil
            }
            guard prev == prevLen else { return nil }
            guard p + hdr < n - 1 else { return nil }
            let e = z[p + hdr]
            var q = p + hdr + 1
            var element: PackedElement
            func signExtend(_ v: UInt64, bits: Int) -> Int64 {
                let shift = UInt64(64 - bits)
                return Int64(bitPattern: v << shift) >> Int64(shift)
            }
            switch e >> 6 {
            case 0, 1, 2:
                var len: Int
                if e >> 6 == 0 {
                    len = Int(e & 0x3F)
                } else if e >> 6 == 1 {
                    guard q < n else { return nil }
                    len = Int(e & 0x3F) << 8 | Int(z[q]); q += 1
                } else {
                    guard e == 0x80, q + 4 < n else { return nil }
                    len = Int(z[q]) << 24 | Int(z[q + 1]) << 16 | Int(z[q + 2]) << 8 | Int(z[q + 3]); q += 4
                }
                guard len <= n - 1 - q else { return nil }
                element = .bytes(Array(z[q..<(q + len)]))
                q += len
            default:
                let k: Int
                switch e {
                case 0xC0: k = 2
                case 0xD0: k = 4
                case 0xE0: k = 8
                case 0xF0: k = 3
                case 0xFE: k = 1
                case 0xF1...0xFD: k = 0
                default: return nil
                }
                guard q + k <= n - 1 else { return nil }
                element = k == 0 ? .int(Int64(e & 0x0F) - 1) : .int(signExtend(le(q, k), bits: 8 * k))
                q += k
            }
            out.append(element)
            prevLen = q - p
            lastStart = p
            p = q
        }
        guard p == n - 1 else { return nil }
        if !out.isEmpty && tail != lastStart { return nil }
        if out.isEmpty && tail != 10 { return nil }
        if declared != 65535 && declared != out.count { return nil }
        return out
    }
}
