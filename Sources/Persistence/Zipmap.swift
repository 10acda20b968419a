/// Reads the zipmaps of load-only type 9 (hashes written by Redis < 2.6),
/// validated in full as zipmapValidateIntegrity(deep) does.
///
/// Layout: a count byte (254: count it), then per pair a field length, the
/// field, a value length, one "free" byte, the value and that many unused
/// bytes; 0xFF ends it. A length is one byte below 254, else 254 followed by
/// a 4-byte little-endian length.
enum ZipmapReader {
    private static let bigLength: UInt8 = 254
    private static let end: UInt8 = 0xFF

    /// The field/value pairs, nil when the zipmap is malformed or empty.
    static func pairs(_ z: [UInt8]) -> [(field: [UInt8], value: [UInt8])]? {
        let size = z.count
        guard size >= 2, z[size - 1] == end else { return nil }
        // Every read position must stay within [2, size - 1], as Redis checks.
        func inRange(_ p: Int) -> Bool { p >= 2 && p <= size - 1 }
        func length(at p: Int) -> (length: Int, size: Int)? {
            if z[p] < bigLength { return (Int(z[p]), 1) }
            guard inRange(p + 5) else { return nil }
            let v = Int(z[p + 1]) | Int(z[p + 2]) << 8 | Int(z[p + 3]) << 16 | Int(z[p + 4]) << 24
            return (v, 5)
        }
        var out: [(field: [UInt8], value: [UInt8])] = []
        var p = 1
        while z[p] != end {
            guard inRange(p + (z[p] < bigLength ? 1 : 5)), let f = length(at: p) else { return nil }
            let fieldStart = p + f.size
            p = fieldStart + f.length
            guard inRange(p) else { return nil }
            guard inRange(p + (z[p] < bigLength ? 1 : 5)), let v = length(at: p) else { return nil }
            p += v.size
            let free = Int(z[p])
            let valueStart = p + 1
            p = valueStart + v.length + free
            guard inRange(p) else { return nil }
            out.append((Array(z[fieldStart..<(fieldStart + f.length)]), Array(z[valueStart..<(valueStart + v.length)])))
        }
        guard !out.isEmpty, z[0] == bigLength || Int(z[0]) == out.count else { return nil }
        return out
    }
}
