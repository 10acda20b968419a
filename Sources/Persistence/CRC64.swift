/// CRC-64 "Jones" (reflected, initial 0, no final xor), as Redis's crc64.c
/// computes it for RDB files and DUMP payloads (rdb.md §10).
public enum CRC64 {
    public static let table: [UInt64] = (0..<256).map { i in
        var crc = UInt64(i)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x95AC_9329_AC4B_C9B5 : crc >> 1 }
        return crc
    }

    public static func checksum(_ bytes: [UInt8], start: UInt64 = 0) -> UInt64 {
        bytes.withUnsafeBytes { update(start, $0) }
    }

    /// Continues a running checksum over more bytes (the writer checksums
    /// each buffer as it flushes it).
    public static func update(_ crc: UInt64, _ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var crc = crc
        table.withUnsafeBufferPointer { t in
            for b in bytes { crc = t[Int((crc ^ UInt64(b)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc
    }
}
