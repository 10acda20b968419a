import Keyspace

/// DUMP's serialization: type byte, value, the RDB version (2 bytes LE)
/// and a CRC-64 (8 bytes LE) of everything before it.
public enum DumpPayload {
    public static let versionOrChecksumError = "DUMP payload version or checksum are wrong"
    public static let badFormatError = "Bad data format"

    public static func encode(_ value: Value, options: RDBOptions = RDBOptions()) -> [UInt8] {
        let sink = MemorySink()
        let w = RDBWriter(sink: sink, options: options)
        w.buffer.append(w.typeByte(value))
        // A memory sink cannot fail.
        try? w.writeValue(value)
        try? w.flush()
        var out = sink.bytes
        out.append(UInt8(options.version & 0xFF))
        out.append(UInt8((options.version >> 8) & 0xFF))
        var crc = CRC64.checksum(out)
        for _ in 0..<8 {
            out.append(UInt8(crc & 0xFF))
            crc >>= 8
        }
        return out
    }

    /// verifyDumpPayload then rdbLoadObject: a version newer than ours or a
    /// wrong checksum, and then any body that does not decode, are refused
    /// with RESTORE's messages (RDBError.message; the offset is where it failed).
    public static func decode(_ payload: [UInt8], limits: RDBLimits = RDBLimits(), maxVersion: Int = 10) throws -> Value {
        let n = payload.count
        guard n >= 10 else { throw RDBError(offset: 0, message: versionOrChecksumError) }
        let version = Int(payload[n - 10]) | Int(payload[n - 9]) << 8
        guard version <= maxVersion else { throw RDBError(offset: n - 10, message: versionOrChecksumError) }
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(payload[n - 8 + i]) << (8 * UInt64(i)) }
        guard !limits.verifiesChecksum || CRC64.checksum(Array(payload[0..<(n - 8)])) == stored else {
            throw RDBError(offset: n - 8, message: versionOrChecksumError)
        }
        var r = RDBReader(bytes: Array(payload[0..<(n - 10)]), limits: limits)
        do {
            guard let v = try r.readTypedValue() else { throw RDBError(offset: r.offset, message: badFormatError) }
            return v
        } catch let e as RDBError {
            // What was wrong stays with the error for the log (RESTORE logs it).
            throw RDBError(offset: e.offset, message: badFormatError, warning: e.message)
        }
    }
}
