/// CRC-64 "Jones" (reflected, initial 0, no final xor), as Redis's crc64.c
/// computes it for RDB files and DUMP payloads (rdb.md §10).
///
/// Slice-by-8, as Redis's crcspeed: eight tables let one step fold eight
/// input bytes, where the one-table form needs eight dependent steps; a
/// forked child checksums every byte of a snapshot, so this is its speed.
public enum CRC64 {
    static let polynomial: UInt64 = 0x95AC_9329_AC4B_C9B5

    /// tables[0] is the classic one-byte table; tables[k][i] is the CRC of
    /// byte i followed by k zero bytes.
    static let tables: [UInt64] = {
        var t = [UInt64](repeating: 0, count: 8 * 256)
        for i in 0..<256 {
            var crc = UInt64(i)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
            t[i] = crc
        }
        for k in 1..<8 {
            for i in 0..<256 {
                let prev = t[(k - 1) * 256 + i]
                t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xFF)]
            }
        }
        return t
    }()

    public static func checksum(_ bytes: [UInt8], start: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { update(start, $0) }
    }

    /// Continues a running checksum over more bytes (the writer checksums
    /// each buffer as it flushes it).
    public static func update(_ crc: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return crc }
        var crc = crc
        var p = base
        var n = bytes.count
        tables.withUnsafeBufferPointer { t in
            let t0 = t.baseAddress!, t1 = t0 + 256, t2 = t0 + 512, t3 = t0 + 768
            let t4 = t0 + 1024, t5 = t0 + 1280, t6 = t0 + 1536, t7 = t0 + 1792
            while n >= 8 {
                // The input is little-endian; the CRC register is reflected, so
                // xoring eight bytes in at once lines byte j up with bits 8j.
                crc ^= UInt64(littleEndian: p.loadUnaligned(as: UInt64.self))
                crc = t7[Int(crc & 0xFF)] ^ t6[Int((crc >> 8) & 0xFF)]
                    ^ t5[Int((crc >> 16) & 0xFF)] ^ t4[Int((crc >> 24) & 0xFF)]
                    ^ t3[Int((crc >> 32) & 0xFF)] ^ t2[Int((crc >> 40) & 0xFF)]
                    ^ t1[Int((crc >> 48) & 0xFF)] ^ t0[Int(crc >> 56)]
                p += 8
                n -= 8
            }
            while n > 0 {
                crc = t0[Int((crc ^ UInt64(p.load(as: UInt8.self))) & 0xFF)] ^ (crc >> 8)
                p += 1
                n -= 1
            }
        }
        return crc
    }
}
