import Glibc
import Keyspace

/// One key as a file holds it.
public struct RDBLoadedKey {
    public var db: Int
    public var key: Key
    public var value: Value
    public var meta: RDBKeyMeta
    /// Where its record starts in the file (a loader that refuses the key
    /// later, after reading on, still names this offset).
    public var offset: Int

    public init(db: Int, key: Key, value: Value, meta: RDBKeyMeta, offset: Int = -1) {
        self.db = db
        self.key = key
        self.value = value
        self.meta = meta
        self.offset = offset
    }
}

/// What reading a file found besides its keys.
public struct RDBSummary {
    public var version = 0
    public var aux: [(name: [UInt8], value: [UInt8])] = []
    /// RESIZEDB hints per database (keys, expires).
    public var resizeHints: [Int: (keys: Int, expires: Int)] = [:]
    /// Empty collections Redis skips with "rdbLoadObject skipping empty key".
    public var emptyKeysSkipped = 0
    /// The first ten of them, which Redis names in its log.
    public var emptyKeysNamed: [[UInt8]] = []
    public var keysLoaded = 0
    /// Whether the trailing checksum was present and non-zero (and so verified).
    public var checksumVerified = false

    public init() {}

    /// The value of an AUX field by name, as text.
    public func auxValue(_ name: String) -> String? {
        let n = Array(name.utf8)
        return aux.last(where: { $0.name == n }).map { String(decoding: $0.value, as: UTF8.self) }
    }
}

/// A whole file read at once (tests, tools, small loads).
public struct RDBContents {
    public var summary: RDBSummary
    public var keys: [RDBLoadedKey]
}

/// Reads everything Redis 7.0 loads (rdb.md §1-8) from bytes in memory,
/// handing each key to the caller as it is decoded. Input is untrusted:
/// every length is checked against the bytes left before anything is
/// allocated, and every failure is an RDBError with the offset.
public struct RDBReader {
    let bytes: [UInt8]
    var pos = 0
    public let limits: RDBLimits
    /// Takes each FUNCTION2 library's code; without it such a file is refused.
    public var onFunction: (([UInt8]) throws -> Void)?
    /// Whether the input is a DUMP payload body (no file structure).
    let maxVersion = 10

    public init(bytes: [UInt8], limits: RDBLimits = RDBLimits()) {
        self.bytes = bytes
        self.limits = limits
    }

    /// The offset of the next byte to read.
    public var offset: Int { pos }

    /// Told the offset after each key (a loading server reports progress
    /// and serves events from it).
    public var onProgress: ((_ offset: Int) -> Void)?
    /// RESIZEDB's counts, so that the loader sizes its tables once (Redis's
    /// dictExpand). Capped by what the file could hold (a key takes at least
    /// three bytes): a corrupt count must not allocate without bound.
    public var onResizeDB: ((_ db: Int, _ keys: Int, _ expires: Int) -> Void)?

    public static func load(_ bytes: [UInt8], limits: RDBLimits = RDBLimits()) throws -> RDBContents {
        var r = RDBReader(bytes: bytes, limits: limits)
        var keys: [RDBLoadedKey] = []
        var seen: [Int: Set<Key>] = [:]
        let summary = try r.read { k in
            if seen[k.db, default: []].insert(k.key).inserted == false {
                throw RDBError(offset: -1, message: "RDB has duplicated key '\(k.key.string)' in DB \(k.db)")
            }
            keys.append(k)
        }
        return RDBContents(summary: summary, keys: keys)
    }

    public static func load(path: String, limits: RDBLimits = RDBLimits()) throws -> RDBContents {
        try load(readFile(path), limits: limits)
    }

    /// The whole file, or an RDBError at offset 0 saying why it cannot be opened.
    /// Read straight into an array of the file's size (no regrowing copies).
    public static func readFile(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 { throw RDBError(offset: 0, message: "Fatal error loading the DB: \(String(cString: strerror(errno))). Exiting.") }
        defer { close(fd) }
        var st = stat()
        let size = fstat(fd, &st) == 0 ? max(0, Int(st.st_size)) : 0
        var failure: Int32 = 0
        var out = [UInt8](unsafeUninitializedCapacity: size) { buf, n in
            n = 0
            while n < buf.count {
                let got = Glibc.read(fd, buf.baseAddress! + n, buf.count - n)
                if got < 0 {
                    if errno == EINTR { continue }
                    failure = errno
                    return
                }
                if got == 0 { break }
                n += got
            }
        }
        // A file that grew since fstat: the rest in chunks.
        var chunk = [UInt8](repeating: 0, count: failure == 0 && out.count == size ? 1 << 16 : 0)
        while failure == 0 && !chunk.isEmpty {
            let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            if n == 0 { break }
            out += chunk[0..<n]
        }
        if failure != 0 {
            throw RDBError(offset: out.count, message: "Fatal error loading the DB: \(String(cString: strerror(failure))). Exiting.")
        }
        return out
    }

    /// Reads the file from the start, calling `onKey` for every key that
    /// is not an empty collection.
    public mutating func read(onKey: (RDBLoadedKey) throws -> Void) throws -> RDBSummary {
        var summary = RDBSummary()
        guard bytes.count >= 9 else { throw shortRead() }
        guard bytes[0..<5].elementsEqual("REDIS".utf8) else {
            throw RDBError(offset: 0, message: "Wrong signature trying to load DB from file")
        }
        var version = 0
        for i in 5..<9 {
            let c = bytes[i]
            // atoi: leading digits only.
            guard c >= 48 && c <= 57 else { break }
            version = version * 10 + Int(c - 48)
        }
        if version < 1 || version > maxVersion {
            throw RDBError(offset: 5, message: "Can't handle RDB format version \(version)")
        }
        summary.version = version
        pos = 9
        var db = 0
        var meta = RDBKeyMeta()
        while true {
            let opStart = pos
            let op = try readByte()
            switch op {
            case RDBOpcode.expireTime:
                let s = Int32(truncatingIfNeeded: try readLE(4))
                meta.expireAtMs = Int64(s) * 1000
            case RDBOpcode.expireTimeMs:
                meta.expireAtMs = Int64(bitPattern: try readLE(8))
            case RDBOpcode.freq:
                meta.lfuFreq = try readByte()
            case RDBOpcode.idle:
                let v = try readLength()
                meta.idleSeconds = v > UInt64(Int64.max) ? Int64.max : Int64(v)
            case RDBOpcode.eof:
                if version >= 5 {
                    let computed = CRC64.update(0, bytes.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0..<pos]) })
                    let stored = try readLE(8)
                    if stored != 0 {
                        if stored != computed && limits.verifiesChecksum {
                            throw RDBError(offset: pos - 8, message: "RDB CRC error",
                                           warning: "Wrong RDB checksum expected: (\(hex(computed))) but got (\(hex(stored))). Aborting now.")
                        }
                        summary.checksumVerified = true
                    }
                }
                return summary
            case RDBOpcode.selectDB:
                let id = try readLength()
                if id >= UInt64(limits.databases) {
                    throw RDBError(offset: opStart, message: "FATAL: Data file was created with a Redis server configured to handle more than \(limits.databases) databases. Exiting")
                }
                db = Int(id)
            case RDBOpcode.resizeDB:
                let k = try readLength()
                let e = try readLength()
                summary.resizeHints[db] = (Int(min(k, UInt64(Int.max))), Int(min(e, UInt64(Int.max))))
                let most = UInt64(bytes.count / 3)
                onResizeDB?(db, Int(min(k, most)), Int(min(e, most)))
            case RDBOpcode.aux:
                let name = try readString()
                let value = try readString()
                summary.aux.append((name, value))
            case RDBOpcode.moduleAux:
                let id = try readLength()
                throw RDBError(offset: opStart, message: "The RDB file contains AUX module data I can't load: no matching module '\(moduleName(id))'")
            case RDBOpcode.function2 where onFunction != nil:
                let code = try readString()
                do {
                    try onFunction?(code)
                } catch var e as RDBError where e.offset < 0 {
                    e.offset = opStart
                    throw e
                }
            case RDBOpcode.function, RDBOpcode.function2:
                throw RDBError(offset: opStart, message: "The RDB file contains function libraries (FUNCTION), which are not supported yet")
            default:
                let keySpan = try readStringSpan()
                let key = withBytes(of: keySpan) { Key($0) }
                let value = try readValue(type: op, typeOffset: opStart)
                if let value {
                    do {
                        try onKey(RDBLoadedKey(db: db, key: key, value: value, meta: meta, offset: opStart))
                    } catch var e as RDBError where e.offset < 0 {
                        // The caller's own refusal (a duplicate key): point at the key.
                        e.offset = opStart
                        throw e
                    }
                    summary.keysLoaded += 1
                    onProgress?(pos)
                } else {
                    summary.emptyKeysSkipped += 1
                    if summary.emptyKeysNamed.count < 10 { summary.emptyKeysNamed.append(key.bytes) }
                }
                meta = RDBKeyMeta()
            }
        }
    }

    // MARK: primitives

    /// At the read that could not be completed (the bytes before it were
    /// read), as redis-check-rdb counts its offset.
    func shortRead() -> RDBError {
        RDBError(offset: pos, message: "Short read or OOM loading DB. Unrecoverable error, aborting now.")
    }

    func corrupt(_ message: String, at offset: Int? = nil) -> RDBError {
        RDBError(offset: offset ?? pos, message: message)
    }

    var remaining: Int { bytes.count - pos }

    mutating func readByte() throws -> UInt8 {
        guard pos < bytes.count else { throw shortRead() }
        defer { pos += 1 }
        return bytes[pos]
    }

    mutating func readLE(_ n: Int) throws -> UInt64 {
        guard remaining >= n else { throw shortRead() }
        var v: UInt64 = 0
        for i in 0..<n { v |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
        pos += n
        return v
    }

    mutating func readBE(_ n: Int) throws -> UInt64 {
        guard remaining >= n else { throw shortRead() }
        var v: UInt64 = 0
        for i in 0..<n { v = v << 8 | UInt64(bytes[pos + i]) }
        pos += n
        return v
    }

    mutating func readBytes(_ n: Int) throws -> [UInt8] {
        guard n >= 0, remaining >= n else { throw shortRead() }
        defer { pos += n }
        return Array(bytes[pos..<(pos + n)])
    }

    /// rdbLoadLenByRef: a length, or (for strings) a special encoding.
    mutating func readLengthOrEncoding() throws -> (value: UInt64, encoded: Bool) {
        let at = pos
        let b = try readByte()
        switch b >> 6 {
        case 0: return (UInt64(b & 0x3F), false)
        case 1: return (UInt64(b & 0x3F) << 8 | UInt64(try readByte()), false)
        case 2:
            if b == 0x80 { return (try readBE(4), false) }
            if b == 0x81 { return (try readBE(8), false) }
            // rdbLoadLenByRef names the two-bit form (always 2 here), not the byte.
            throw corrupt("Unknown length encoding \(b >> 6) in rdbLoadLen()", at: at)
        default: return (UInt64(b & 0x3F), true)
        }
    }

    mutating func readLength() throws -> UInt64 {
        let at = pos
        let (v, enc) = try readLengthOrEncoding()
        if enc { throw corrupt("Unknown length encoding \(v) in rdbLoadLen()", at: at) }
        return v
    }

    /// A length used as a count of items. Every item takes at least one
    /// byte, so reading them ends in a short read at most `remaining` items
    /// on, where Redis's loader fails too (a count the input cannot hold is
    /// not refused up front, so the error's offset is Redis's).
    mutating func readCount() throws -> Int {
        Int(min(try readLength(), UInt64(Int.max)))
    }

    /// What to reserve for `n` items of at least `minBytes` each: never more
    /// than the input could hold.
    func capacity(_ n: Int, minBytes: Int) -> Int {
        min(n, remaining / minBytes)
    }

    /// rdbGenericLoadStringObject: INT forms to decimal text, LZF expanded.
    mutating func readString() throws -> [UInt8] {
        switch try readStringSpan() {
        case .file(let start, let count): return Array(bytes[start..<(start + count)])
        case .expanded(let b): return b
        case .int(let v): return decimal(v)
        }
    }

    /// A string as the file holds it, so that a loader copies its bytes once,
    /// into the value it builds (`withBytes(of:)`), rather than via an array.
    enum StringSpan {
        /// Plain bytes at this offset of the input.
        case file(start: Int, count: Int)
        /// LZF, expanded.
        case expanded([UInt8])
        /// An INT encoding: its text is the decimal form.
        case int(Int64)
    }

    mutating func readStringSpan() throws -> StringSpan {
        let at = pos
        let (v, enc) = try readLengthOrEncoding()
        if !enc {
            guard v <= UInt64(remaining) else { throw shortRead() }
            let start = pos
            pos += Int(v)
            return .file(start: start, count: Int(v))
        }
        switch v {
        case 0: return .int(Int64(Int8(bitPattern: UInt8(try readLE(1)))))
        case 1: return .int(Int64(Int16(truncatingIfNeeded: try readLE(2))))
        case 2: return .int(Int64(Int32(truncatingIfNeeded: try readLE(4))))
        case 3:
            let clen = try readLength()
            let len = try readLength()
            guard clen <= UInt64(remaining) else { throw shortRead() }
            // A back-reference of 3 bytes expands to at most 264: anything
            // claiming more cannot be valid, and is not allocated.
            guard len <= clen &* 88 &+ 32 else { throw corrupt("Invalid LZF compressed string", at: at) }
            let c = Int(clen)
            let out = bytes.withUnsafeBytes { LZF.decompress(UnsafeRawBufferPointer(rebasing: $0[pos..<(pos + c)]), length: Int(len)) }
            pos += c
            guard let out else { throw corrupt("Invalid LZF compressed string", at: at) }
            return .expanded(out)
        default:
            throw corrupt("Unknown RDB string encoding type \(v)", at: at)
        }
    }

    /// The text of a string read by `readStringSpan`, valid during `body`.
    @inline(__always)
    func withBytes<R>(of span: StringSpan, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch span {
        case .file(let start, let count):
            return try bytes.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[start..<(start + count)])) }
        case .expanded(let b): return try b.withUnsafeBytes(body)
        case .int(let v): return try withDecimal(v, body)
        }
    }

    func decimal(_ v: Int64) -> [UInt8] {
        var out: [UInt8] = []
        appendDecimalValue(v, to: &out)
        return out
    }

    func hex(_ v: UInt64) -> String { String(v, radix: 16) }

    /// moduleTypeNameByID: nine characters of six bits each.
    func moduleName(_ id: UInt64) -> String {
        let cset = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var name = [UInt8](repeating: 0, count: 9)
        var id = id >> 10
        for j in (0..<9).reversed() {
            name[j] = cset[Int(id & 63)]
            id >>= 6
        }
        return String(decoding: name, as: UTF8.self)
    }
}
