/// The intset blob of type 11 (rdb.md §7): width, count, sorted members.
enum IntsetCodec {
    static func encode(width: Int, _ values: [Int64]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(8 + width * values.count)
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: width >> (8 * i))) }
        for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: values.count >> (8 * i))) }
        for v in values {
            for i in 0..<width { out.append(UInt8(truncatingIfNeeded: v >> Int64(8 * i))) }
        }
        return out
    }

    /// intsetValidateIntegrity(deep): a known width, the size agreeing with
    /// the count, members strictly ascending.
    static func decode(_ b: [UInt8]) -> [Int64]? {
        guard b.count >= 8 else { return nil }
        let width = Int(b[0]) | Int(b[1]) << 8 | Int(b[2]) << 16 | Int(b[3]) << 24
        let count = Int(b[4]) | Int(b[5]) << 8 | Int(b[6]) << 16 | Int(b[7]) << 24
        guard width == 2 || width == 4 || width == 8 else { return nil }
        guard count > 0 || b.count == 8, (b.count - 8) % width == 0, (b.count - 8) / width == count else { return nil }
        var out: [Int64] = []
        out.reserveCapacity(count)
        var p = 8
        for _ in 0..<count {
            var u: UInt64 = 0
            for i in 0..<width { u |= UInt64(b[p + i]) << (8 * UInt64(i)) }
            let shift = UInt64(64 - 8 * width)
            let v = Int64(bitPattern: u << shift) >> Int64(shift)
            if let last = out.last, v <= last { return nil }
            out.append(v)
            p += width
        }
        return out
    }
}
