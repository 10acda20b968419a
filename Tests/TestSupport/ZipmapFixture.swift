/// Builds the zipmaps (RDB type 9) that Redis < 2.6 wrote, for load tests.
public enum ZipmapFixture {
    /// A zipmap of the pairs in order, each value followed by `free` unused bytes.
    public static func zipmap(_ pairs: [(String, String)], free: UInt8 = 0) -> [UInt8] {
        func length(_ n: Int) -> [UInt8] {
            n < 254 ? [UInt8(n)] : [254, UInt8(n & 0xFF), UInt8((n >> 8) & 0xFF), UInt8((n >> 16) & 0xFF), UInt8(n >> 24)]
        }
        var z: [UInt8] = [UInt8(min(pairs.count, 254))]
        for (f, v) in pairs {
            z += length(f.utf8.count) + Array(f.utf8)
            z += length(v.utf8.count) + [free] + Array(v.utf8) + [UInt8](repeating: 0, count: Int(free))
        }
        return z + [0xFF]
    }

    /// An RDB string holding `bytes`: the 6-, 14- or 32-bit length form, then the bytes.
    public static func rdbString(_ bytes: [UInt8]) -> [UInt8] {
        let n = bytes.count
        if n < 64 { return [UInt8(n)] + bytes }
        if n < 16384 { return [0x40 | UInt8(n >> 8), UInt8(n & 0xFF)] + bytes }
        return [0x80, UInt8(n >> 24), UInt8((n >> 16) & 0xFF), UInt8((n >> 8) & 0xFF), UInt8(n & 0xFF)] + bytes
    }
}
