import Keyspace

/// Writes an RDB file as Redis 7.0 does, streaming: the caller emits the
/// header, AUX fields, each database's keys and the end, and the writer
/// passes the bytes to its sink in 64 KiB pieces, checksumming as it goes —
/// a forked child can write any number of keys without holding the file.
public final class RDBWriter {
    static let flushThreshold = 64 * 1024

    public let options: RDBOptions
    private let sink: RDBSink
    var buffer: [UInt8] = []
    private var crc: UInt64 = 0
    private var flushed = 0
    let lzf = LZFCompressor()

    public init(sink: RDBSink, options: RDBOptions = RDBOptions()) {
        self.sink = sink
        self.options = options
        buffer.reserveCapacity(Self.flushThreshold + 4096)
    }

    /// Bytes produced so far (flushed or not).
    public var bytesWritten: Int { flushed + buffer.count }

    /// "REDIS" and the four-digit version.
    public func writeHeader() throws {
        let v = String(options.version)
        buffer += Array("REDIS".utf8) + Array((String(repeating: "0", count: max(0, 4 - v.count)) + v).utf8)
    }

    public func writeAux(_ name: String, _ value: String) throws {
        try writeAux(Array(name.utf8), Array(value.utf8))
    }

    public func writeAux(_ name: [UInt8], _ value: [UInt8]) throws {
        buffer.append(RDBOpcode.aux)
        writeString(name)
        writeString(value)
        try flushIfNeeded()
    }

    /// One function library (rdbSaveFunctions): FUNCTION2 and its code.
    public func writeFunctionLibrary(_ code: [UInt8]) throws {
        buffer.append(RDBOpcode.function2)
        writeString(code)
        try flushIfNeeded()
    }

    /// SELECTDB then RESIZEDB with the database's key and expire counts.
    public func selectDB(_ id: Int, keys: Int, expires: Int) throws {
        buffer.append(RDBOpcode.selectDB)
        writeLength(UInt64(id))
        buffer.append(RDBOpcode.resizeDB)
        writeLength(UInt64(keys))
        writeLength(UInt64(expires))
        try flushIfNeeded()
    }

    /// One key: its expire, idle or frequency prefixes, type, name and value.
    public func writeKey(_ key: Key, _ value: Value, meta: RDBKeyMeta = RDBKeyMeta()) throws {
        if let ms = meta.expireAtMs {
            buffer.append(RDBOpcode.expireTimeMs)
            appendLE(UInt64(bitPattern: ms), 8)
        }
        if let idle = meta.idleSeconds {
            buffer.append(RDBOpcode.idle)
            writeLength(UInt64(max(0, idle)))
        }
        if let freq = meta.lfuFreq {
            buffer.append(RDBOpcode.freq)
            buffer.append(freq)
        }
        buffer.append(typeByte(value))
        key.withUnsafeBytes { writeString($0) }
        try writeValue(value)
        try flushIfNeeded()
    }

    /// EOF and the checksum (zero with rdbchecksum off); flushes everything.
    public func finish() throws {
        buffer.append(RDBOpcode.eof)
        try flush()
        let sum = options.checksum ? crc : 0
        appendLE(sum, 8)
        let tail = buffer
        buffer.removeAll(keepingCapacity: true)
        try tail.withUnsafeBytes { try sink.write($0) }
        flushed += tail.count
    }

    func flushIfNeeded() throws {
        if buffer.count >= Self.flushThreshold { try flush() }
    }

    func flush() throws {
        guard !buffer.isEmpty else { return }
        try buffer.withUnsafeBytes { b in
            if options.checksum { crc = CRC64.update(crc, b) }
            try sink.write(b)
        }
        flushed += buffer.count
        buffer.removeAll(keepingCapacity: true)
    }

    // MARK: primitives (rdb.md §3, §4)

    func appendLE(_ v: UInt64, _ n: Int) {
        for i in 0..<n { buffer.append(UInt8(truncatingIfNeeded: v >> (8 * UInt64(i)))) }
    }

    /// rdbSaveLen: the smallest of the 6-, 14-, 32- and 64-bit forms.
    func writeLength(_ n: UInt64) {
        if n < 64 {
            buffer.append(UInt8(n))
        } else if n < 16384 {
            buffer.append(0x40 | UInt8(n >> 8))
            buffer.append(UInt8(n & 0xFF))
        } else if n <= UInt64(UInt32.max) {
            buffer.append(0x80)
            for i in (0..<4).reversed() { buffer.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        } else {
            buffer.append(0x81)
            for i in (0..<8).reversed() { buffer.append(UInt8(truncatingIfNeeded: n >> (8 * UInt64(i)))) }
        }
    }

    func writeString(_ s: [UInt8]) { s.withUnsafeBytes { writeString($0) } }

    /// rdbSaveRawString: a short canonical int32 as an INT form, a long
    /// string LZF-compressed when that saves 4 bytes, else length + bytes.
    func writeString(_ s: UnsafeRawBufferPointer) {
        let n = s.count
        if n <= 11, let v = RDBStrings.int32Value(s) {
            if v >= -128 && v <= 127 {
                buffer.append(0xC0); appendLE(UInt64(bitPattern: Int64(v)), 1)
            } else if v >= -32768 && v <= 32767 {
                buffer.append(0xC1); appendLE(UInt64(bitPattern: Int64(v)), 2)
            } else {
                buffer.append(0xC2); appendLE(UInt64(bitPattern: Int64(v)), 4)
            }
            return
        }
        if options.compression && n > 20, let c = lzf.compressForRDB(s) {
            buffer.append(0xC3)
            writeLength(UInt64(c.count))
            writeLength(UInt64(n))
            buffer += c
            return
        }
        writeLength(UInt64(n))
        buffer.append(contentsOf: s)
    }
}

/// Opcodes (rdb.md §2).
enum RDBOpcode {
    static let function2: UInt8 = 0xF5
    static let function: UInt8 = 0xF6
    static let moduleAux: UInt8 = 0xF7
    static let idle: UInt8 = 0xF8
    static let freq: UInt8 = 0xF9
    static let aux: UInt8 = 0xFA
    static let resizeDB: UInt8 = 0xFB
    static let expireTimeMs: UInt8 = 0xFC
    static let expireTime: UInt8 = 0xFD
    static let selectDB: UInt8 = 0xFE
    static let eof: UInt8 = 0xFF
}

enum RDBStrings {
    /// rdbTryIntegerEncoding: the string is exactly the decimal of an int32.
    static func int32Value(_ s: UnsafeRawBufferPointer) -> Int32? {
        let n = s.count
        guard n > 0 && n <= 11 else { return nil }
        var i = 0
        var neg = false
        if s[0] == UInt8(ascii: "-") {
            neg = true
            i = 1
            guard n > 1 else { return nil }
        }
        // No leading zeros ("0" alone is fine, "-0" is not canonical).
        if s[i] == UInt8(ascii: "0") { return (n == 1) ? 0 : nil }
        var v: Int64 = 0
        while i < n {
            let c = s[i]
            guard c >= 48 && c <= 57 else { return nil }
            v = v * 10 + Int64(c - 48)
            i += 1
        }
        if neg { v = -v }
        guard v >= Int64(Int32.min) && v <= Int64(Int32.max) else { return nil }
        return Int32(v)
    }
}
