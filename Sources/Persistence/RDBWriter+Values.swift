import Keyspace

/// Value type bytes (rdb.md §5).
enum RDBType {
    static let string: UInt8 = 0
    static let list: UInt8 = 1
    static let set: UInt8 = 2
    static let zset: UInt8 = 3
    static let hash: UInt8 = 4
    static let zset2: UInt8 = 5
    static let module: UInt8 = 6
    static let module2: UInt8 = 7
    static let hashZipmap: UInt8 = 9
    static let listZiplist: UInt8 = 10
    static let setIntset: UInt8 = 11
    static let zsetZiplist: UInt8 = 12
    static let hashZiplist: UInt8 = 13
    static let listQuicklist: UInt8 = 14
    static let streamListpacks: UInt8 = 15
    static let hashListpack: UInt8 = 16
    static let zsetListpack: UInt8 = 17
    static let listQuicklist2: UInt8 = 18
    static let streamListpacks2: UInt8 = 19
}

extension RDBWriter {
    /// The type Redis 7.0 writes for the value's in-memory encoding.
    func typeByte(_ value: Value) -> UInt8 {
        switch value {
        case .string: return RDBType.string
        case .list: return RDBType.listQuicklist2
        case .set(let s): return s.isIntset ? RDBType.setIntset : RDBType.set
        case .hash(let h): return h.isListpack ? RDBType.hashListpack : RDBType.hash
        case .zset(let z): return z.isListpack ? RDBType.zsetListpack : RDBType.zset2
        case .stream: return RDBType.streamListpacks2
        }
    }

    /// rdbSaveObject.
    func writeValue(_ value: Value) throws {
        switch value {
        case .string(let s):
            s.withUnsafeBytes { writeString($0) }
        case .stream(let st):
            try writeStream(st)
        case .list(let l):
            try writeList(l)
        case .set(let s):
            if s.isIntset {
                var ints: [Int64] = []
                ints.reserveCapacity(s.count)
                var width = 2
                if case .int32 = s.kind { width = 4 }
                if case .int64 = s.kind { width = 8 }
                s.forEach { if case .int(let v) = $0 { ints.append(v) } }
                writeString(IntsetCodec.encode(width: width, ints))
            } else {
                writeLength(UInt64(s.count))
                var n = 0
                var failure: Error?
                s.forEachBytes { m in
                    guard failure == nil else { return }
                    writeString(m)
                    n += 1
                    if n & 255 == 0 { do { try flushIfNeeded() } catch { failure = error } }
                }
                if let failure { throw failure }
            }
        case .hash(let h):
            if h.isListpack {
                var lp = ListpackBuilder(reservingCapacity: 256)
                h.forEach { f, v in lp.append(f); lp.append(v) }
                writeString(lp.finished())
            } else {
                writeLength(UInt64(h.count))
                var n = 0
                var failure: Error?
                h.forEach { f, v in
                    guard failure == nil else { return }
                    writeString(f)
                    writeString(v)
                    n += 1
                    if n & 255 == 0 { do { try flushIfNeeded() } catch { failure = error } }
                }
                if let failure { throw failure }
            }
        case .zset(let z):
            if z.isListpack {
                var lp = ListpackBuilder(reservingCapacity: 256)
                z.forEach { m, score in
                    lp.append(m)
                    RDBWriter.scoreText(score).withUnsafeBytes { lp.append($0) }
                }
                writeString(lp.finished())
            } else {
                // Tail to head, as zsetSave walks the skiplist backwards.
                writeLength(UInt64(z.count))
                var n = 0
                var failure: Error?
                z.forEachDescending { m, score in
                    guard failure == nil else { return }
                    writeString(m)
                    appendLE(score.bitPattern, 8)
                    n += 1
                    if n & 255 == 0 { do { try flushIfNeeded() } catch { failure = error } }
                }
                if let failure { throw failure }
            }
        }
    }

    /// Type 18: the list cut into listpack nodes as quicklist's RPUSH path
    /// (_quicklistNodeAllowInsert, 7.0) would cut it, so the node count and
    /// sizes are those of a list Redis built by appending; elements of at
    /// least packed_threshold bytes go into PLAIN nodes.
    private func writeList(_ l: ListValue) throws {
        var nodes: [(plain: Bool, data: [UInt8])] = []
        var current = ListpackBuilder(reservingCapacity: 1024)
        let fill = options.listMaxListpackSize
        // 7.0.15's estimate: the node's bytes, the element's length and 8
        // bytes of overhead, against the size limit fill picks (measured
        // against real nodes: 8178, 8184, 8183 bytes for short elements).
        func allowInsert(_ sz: Int) -> Bool {
            if current.count == 0 { return true }
            let newSize = current.totalBytes + sz + 8
            if fill < 0 {
                let levels = [4096, 8192, 16384, 32768, 65536]
                return newSize <= levels[min(-fill - 1, levels.count - 1)]
            }
            return newSize <= 8192 && current.count + 1 <= fill
        }
        l.forEach(from: 0, count: l.count) { e in
            if e.count >= options.listPackedThreshold {
                if current.count > 0 { nodes.append((false, current.finished())) }
                current = ListpackBuilder(reservingCapacity: 1024)
                nodes.append((true, Array(e)))
                return
            }
            if !allowInsert(e.count) {
                nodes.append((false, current.finished()))
                current = ListpackBuilder(reservingCapacity: 1024)
            }
            current.append(e)
        }
        if current.count > 0 { nodes.append((false, current.finished())) }
        writeLength(UInt64(nodes.count))
        for n in nodes {
            writeLength(n.plain ? 1 : 2)
            writeString(n.data)
            try flushIfNeeded()
        }
    }
}

extension RDBWriter {
    /// d2string as 7.0.15 writes a listpack score: an integral value within
    /// ±LLONG_MAX/2 as an integer (so the listpack stores it as one), -0 and
    /// the infinities by name, anything else as %.17g.
    static func scoreText(_ d: Double) -> [UInt8] {
        if d == 0 { return d.sign == .minus ? Array("-0".utf8) : Array("0".utf8) }
        if d.isFinite && d >= -4.611686018427388e18 && d <= 4.611686018427388e18 && d == d.rounded(.towardZero) {
            var out: [UInt8] = []
            appendDecimalValue(Int64(d), to: &out)
            return out
        }
        return formatScore(d)
    }
}
