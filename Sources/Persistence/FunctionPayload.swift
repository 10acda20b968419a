/// FUNCTION DUMP's payload (functions.c functionDumpCommand): each library as
/// a FUNCTION2 opcode and its code as an RDB string, then the RDB version
/// (2 bytes LE) and the CRC64 of everything before it (8 bytes LE).
public enum FunctionPayload {
    public static let notAFunctionError = "given type is not a function"

    public static func encode(libraryCodes: [[UInt8]], options: RDBOptions = RDBOptions()) -> [UInt8] {
        let w = RDBWriter(sink: MemorySink(), options: options)
        for code in libraryCodes {
            w.buffer.append(RDBOpcode.function2)
            w.writeString(code)
        }
        var out = w.buffer
        out.append(UInt8(options.version & 0xFF))
        out.append(UInt8((options.version >> 8) & 0xFF))
        var crc = CRC64.checksum(out)
        for _ in 0..<8 {
            out.append(UInt8(crc & 0xFF))
            crc >>= 8
        }
        return out
    }

    /// The library codes in the payload; throws RDBError with Redis's texts.
    public static func decode(_ payload: [UInt8], maxVersion: Int = 10) throws -> [[UInt8]] {
        let n = payload.count
        guard n >= 10 else { throw RDBError(offset: 0, message: DumpPayload.versionOrChecksumError) }
        let version = Int(payload[n - 10]) | Int(payload[n - 9]) << 8
        guard version <= maxVersion else { throw RDBError(offset: n - 10, message: DumpPayload.versionOrChecksumError) }
        var crc: UInt64 = 0
        for i in 0..<8 { crc |= UInt64(payload[n - 8 + i]) << (8 * UInt64(i)) }
        // A zero checksum means "not computed" (rdbchecksum no), as Redis accepts.
        guard crc == 0 || crc == CRC64.checksum(Array(payload[0..<(n - 8)])) else {
            throw RDBError(offset: n - 8, message: DumpPayload.versionOrChecksumError)
        }
        var r = RDBReader(bytes: Array(payload[0..<(n - 10)]))
        var codes: [[UInt8]] = []
        while r.remaining > 0 {
            let op = try r.readByte()
            guard op == RDBOpcode.function2 else { throw RDBError(offset: r.pos, message: notAFunctionError) }
            codes.append(try r.readString())
        }
        return codes
    }
}
