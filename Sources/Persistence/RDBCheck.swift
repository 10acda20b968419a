import Keyspace

/// redis-check-rdb 7.0's walk of a file and its report, line for line:
/// `[offset N] ...` progress lines, the error block with the offset where
/// reading stopped (bytes consumed so far, as its rio counts them) and what
/// it was doing, and the key/expire counts. Pure: the caller prints.
public struct RDBCheck {
    public private(set) var lines: [String] = []
    /// Whether the file is good (redis-check-rdb exits 0).
    public private(set) var ok = false
    /// Corruption inside a value: redis-check-rdb then also logs
    /// "Terminating server after rdb file reading failure." and exits 1.
    public private(set) var terminatedByCorruption = false

    var keys = 0, expires = 0, alreadyExpired = 0
    var doing = "start"
    /// redis-check-rdb starts with type 0 and resets to none after each key.
    var keyType: Int? = 0
    var keyName: [UInt8]?

    /// rdb_type_string, by type byte.
    static let typeNames = ["string", "list-linked", "set-hashtable", "zset-v1", "hash-hashtable", "zset-v2",
                            "module-pre-release", "module-value", "", "hash-zipmap", "list-ziplist", "set-intset",
                            "zset-ziplist", "hash-ziplist", "quicklist", "stream", "hash-listpack", "zset-listpack",
                            "quicklist-v2"]

    /// The rdb.c line redis-check-rdb 7.0.15 names for a corruption reason
    /// (measured with crafted files); reasons not listed are printed bare.
    static let reportLines: [(prefix: String, line: Int)] = [
        ("Unknown length encoding", 236), ("Invalid LZF compressed string", 413),
        ("Unknown RDB string encoding type", 529), ("Duplicate set members detected", 1829),
        ("Duplicate zset fields detected", 1894), ("Hash with dup elements", 1951),
        ("Quicklist integrity check failed.", 2048), ("List ziplist integrity check failed.", 2189),
        ("Intset integrity check failed.", 2214), ("Hash listpack integrity check failed.", 2301),
        ("Stream listpacks len loading failed.", 2327), ("Stream master ID loading failed", 2338),
        ("Stream node key entry is not the size", 2343), ("Stream listpacks loading failed.", 2355),
        ("Stream listpack integrity check failed.", 2362), ("Listpack re-added with existing key", 2386),
        ("Stream object metadata loading failed.", 2424), ("Stream length inconsistent with rax entries", 2430),
        ("Stream cgroup count loading failed.", 2438), ("Error reading the consumer group name from Stream", 2449),
        ("Stream cgroup ID loading failed.", 2458), ("Stream cgroup offset loading failed.", 2469),
        ("Duplicated consumer group name", 2480), ("Stream PEL size loading failed.", 2495),
        ("Stream PEL ID loading failed.", 2502), ("Stream PEL NACK loading failed.", 2510),
        ("Duplicated global PEL entry", 2516), ("Stream consumers num loading failed.", 2527),
        ("Error reading the consumer name from Stream group.", 2534), ("Duplicate stream consumer detected.", 2543),
        ("Stream short read reading seen time.", 2549), ("Stream consumer PEL num loading failed.", 2558),
        ("Stream short read reading PEL streamID.", 2566), ("Consumer entry not found in group global PEL", 2573),
        ("Stream consumer PEL entry already has a consumer assigned", 2583), ("Stream CG PEL entry without consumer", 2611),
    ]

    public static let eofError = "Unexpected EOF reading RDB file"

    /// rdbReportError's line for a corruption: where Redis reports it from,
    /// for the reasons whose place is known.
    public static func internalErrorText(_ message: String) -> String {
        guard let known = reportLines.first(where: { message.hasPrefix($0.prefix) }) else {
            return "Internal error in RDB reading offset 0 -> " + message
        }
        return "Internal error in RDB reading offset 0, function at rdb.c:\(known.line) -> " + message
    }

    /// Checks `bytes` as the file `name`; `nowMs` decides "already expired".
    public init(bytes: [UInt8], name: String, nowMs: Int64, limits: RDBLimits = RDBLimits()) {
        info(0, "Checking RDB file \(name)")
        var r = RDBReader(bytes: bytes, limits: limits)
        do {
            try walk(&r, nowMs: nowMs)
            ok = true
            info(r.pos, "\\o/ RDB looks OK! \\o/")
            genericInfo()
        } catch let e as RDBError {
            report(e, at: r.pos)
        } catch {
            report(RDBError(offset: r.pos, message: "\(error)"), at: r.pos)
        }
    }

    mutating func walk(_ r: inout RDBReader, nowMs: Int64) throws {
        guard bytes(r).count >= 9 else { throw RDBError(offset: 0, message: Self.eofError) }
        r.pos = 9
        guard bytes(r)[0..<5].elementsEqual("REDIS".utf8) else {
            throw RDBError(offset: 9, message: "Wrong signature trying to load DB from file")
        }
        var version = 0
        for c in bytes(r)[5..<9] {
            guard c >= 48 && c <= 57 else { break }
            version = version * 10 + Int(c - 48)
        }
        if version < 1 || version > r.maxVersion {
            throw RDBError(offset: 9, message: "Can't handle RDB format version \(version)")
        }
        var expireAt: Int64?
        while true {
            doing = "read-type"
            let type = try r.readByte()
            switch type {
            case RDBOpcode.expireTime:
                doing = "read-expire"
                expireAt = Int64(Int32(truncatingIfNeeded: try r.readLE(4))) * 1000
            case RDBOpcode.expireTimeMs:
                doing = "read-expire"
                expireAt = Int64(bitPattern: try r.readLE(8))
            case RDBOpcode.freq:
                _ = try r.readByte()
            case RDBOpcode.idle:
                _ = try r.readLength()
            case RDBOpcode.eof:
                if version >= 5 { try checksum(&r) }
                return
            case RDBOpcode.selectDB:
                doing = "read-len"
                let id = try r.readLength()
                info(r.pos, "Selecting DB ID \(id)")
            case RDBOpcode.resizeDB:
                doing = "read-len"
                _ = try r.readLength()
                _ = try r.readLength()
            case RDBOpcode.aux:
                doing = "read-aux"
                let name = try r.readString()
                let value = try r.readString()
                info(r.pos, "AUX FIELD \(cString(name)) = '\(cString(value))'")
            case RDBOpcode.moduleAux:
                doing = "read-module-aux"
                throw RDBError(offset: r.pos, message: "The RDB file contains AUX module data I can't load: no matching module '\(r.moduleName(try r.readLength()))'")
            case RDBOpcode.function, RDBOpcode.function2:
                doing = "read-functions"
                throw RDBError(offset: r.pos, message: "Failed loading library, function libraries are not supported")
            default:
                // rdbIsObjectType: 0-7 and 9-19.
                guard type <= 7 || (type >= 9 && type <= 19) else {
                    throw RDBError(offset: r.pos, message: "Invalid object type: \(type)")
                }
                keyType = Int(type)
                doing = "read-key"
                let key = try r.readString()
                keyName = key
                keys += 1
                doing = "read-object-value"
                // An empty collection makes rdbLoadObject return NULL: the checker's EOF path.
                guard try r.readValue(type: type, typeOffset: r.pos) != nil else {
                    throw RDBError(offset: r.pos, message: Self.eofError)
                }
                if let when = expireAt {
                    expires += 1
                    if when < nowMs { alreadyExpired += 1 }
                }
                keyName = nil
                keyType = nil
                expireAt = nil
            }
        }
    }

    mutating func checksum(_ r: inout RDBReader) throws {
        doing = "check-sum"
        let computed = CRC64.update(0, bytes(r).withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[0..<r.pos]) })
        let stored = try r.readLE(8)
        if stored == 0 {
            info(r.pos, "RDB file was saved with checksum disabled: no check performed.")
        } else if stored != computed {
            throw RDBError(offset: r.pos, message: "RDB CRC error")
        } else {
            info(r.pos, "Checksum OK")
        }
    }

    func bytes(_ r: RDBReader) -> [UInt8] { r.bytes }

    /// `%s` of a C string: stops at the first NUL.
    func cString(_ b: [UInt8]) -> String { String(decoding: b.prefix { $0 != 0 }, as: UTF8.self) }

    mutating func info(_ offset: Int, _ message: String) {
        lines.append("[offset \(offset)] \(message)")
    }

    mutating func genericInfo() {
        lines.append("[info] \(keys) keys read")
        lines.append("[info] \(expires) expires")
        lines.append("[info] \(alreadyExpired) already expired")
    }

    /// rdbCheckError's block, at the bytes consumed so far. A short read is
    /// its EOF message; a corruption found decoding is worded as
    /// rdbReportCorruptRDB words it.
    mutating func report(_ e: RDBError, at pos: Int) {
        var message = e.message
        if message.hasPrefix("Short read") {
            message = Self.eofError
        } else if Self.reportLines.contains(where: { message.hasPrefix($0.prefix) }) {
            message = Self.internalErrorText(message)
            terminatedByCorruption = true
        } else if doing == "read-object-value" && message != Self.eofError {
            terminatedByCorruption = true
        }
        lines.append("--- RDB ERROR DETECTED ---")
        lines.append("[offset \(pos)] \(message)")
        lines.append("[additional info] While doing: \(doing)")
        if let k = keyName { lines.append("[additional info] Reading key '\(cString(k))'") }
        if let t = keyType {
            let name = t < Self.typeNames.count ? Self.typeNames[t] : "unknown"
            lines.append("[additional info] Reading type \(t) (\(name))")
        }
        genericInfo()
    }
}
