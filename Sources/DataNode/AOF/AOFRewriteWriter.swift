import Glibc
import Keyspace
import Protocol

/// The dataset as the commands that rebuild it (rewriteAppendOnlyFileRio):
/// per db a SELECT, per key SET / RPUSH / SADD / ZADD / HMSET with at most
/// AOF_REWRITE_ITEMS_PER_CMD items each, then PEXPIREAT for a key with a TTL.
/// Written through a buffer into a file, fsynced every 4 MB when asked
/// (aof-rewrite-incremental-fsync), so a large dataset never sits in memory.
struct AOFRewriteWriter {
    static let itemsPerCommand = 64
    static let autosyncBytes = 4 << 20

    let fd: Int32
    let incrementalFsync: Bool
    /// rdb-key-save-delay: a pause after each key (debugDelay), for tests
    /// that need a rewrite to still be running.
    var keyDelayUs = 0
    private var buffer: [UInt8] = []
    private var written = 0
    private var lastSync = 0
    private(set) var failedErrno: Int32 = 0
    /// debug-fault-disk-write (InjectedFaults): every write fails with it when set.
    var injectedErrno: Int32 = 0

    init(fd: Int32, incrementalFsync: Bool) {
        self.fd = fd
        self.incrementalFsync = incrementalFsync
        buffer.reserveCapacity(1 << 16)
    }

    /// Writes every db's keys; false on a write error (errno in `failedErrno`).
    /// `functions`: library codes, loaded first as 7.0's rewriteFunctions does.
    mutating func write(databases: [Database], timestampUnix: Int?, functions: [[UInt8]] = []) -> Bool {
        if let ts = timestampUnix { raw(Array("#TS:\(ts)\r\n".utf8)) }
        for code in functions {
            raw(Array("*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n".utf8))
            bulk(code)
        }
        for db in databases where db.count > 0 {
            raw(Array("*2\r\n$6\r\nSELECT\r\n".utf8))
            bulk(Array(String(db.id).utf8))
            for i in 0..<db.dict.count {
                let key = db.dict.key(at: i)
                rewrite(key.bytes, db.dict.value(at: i))
                if let when = db.expires[key] {
                    raw(Array("*3\r\n$9\r\nPEXPIREAT\r\n".utf8))
                    bulk(key.bytes)
                    bulk(Array(String(when).utf8))
                }
                if failedErrno != 0 { return false }
                if keyDelayUs != 0 { Self.debugDelay(keyDelayUs) }
            }
        }
        flush()
        return failedErrno == 0
    }

    private mutating func rewrite(_ key: [UInt8], _ value: Value) {
        switch value {
        case .string(let s):
            raw(Array("*3\r\n$3\r\nSET\r\n".utf8))
            bulk(key)
            bulk(s.bytes)
        case .list(let l):
            batched(name: "RPUSH", key: key, total: l.count, perItem: 1) { emit in
                for e in l.elements { emit([e]) }
            }
        case .set(let set):
            batched(name: "SADD", key: key, total: set.count, perItem: 1) { emit in
                set.forEachBytes { emit([Array($0)]) }
            }
        case .zset(let z):
            batched(name: "ZADD", key: key, total: z.count, perItem: 2) { emit in
                z.forEach { member, score in emit([Self.g17(score), Array(member)]) }
            }
        case .hash(let h):
            batched(name: "HMSET", key: key, total: h.count, perItem: 2) { emit in
                h.forEach { field, value in emit([Array(field), Array(value)]) }
            }
        case .stream(let st):
            rewriteStream(key, st)
        }
    }

    /// rewriteStreamObject: one XADD per entry (an empty stream is made with
    /// XADD MAXLEN 0), XSETID for the last ID and counters, then each group
    /// with XGROUP CREATE and its pending entries as XCLAIM ... JUSTID FORCE
    /// (consumers without any as XGROUP CREATECONSUMER), groups and consumers
    /// in name order as Redis's radix trees hold them.
    private mutating func rewriteStream(_ key: [UInt8], _ st: StreamValue) {
        func command(_ args: [[UInt8]]) {
            raw(Array("*\(args.count)\r\n".utf8))
            for a in args { bulk(a) }
        }
        func text(_ s: String) -> [UInt8] { Array(s.utf8) }
        if st.length > 0 {
            st.forEach(from: .zero, to: .max) { id, pairs in
                command([text("XADD"), key, id.bytes] + pairs)
                return true
            }
        } else {
            command([text("XADD"), key, text("MAXLEN"), text("0"), StreamID(ms: 0, seq: 1).bytes, text("x"), text("y")])
        }
        command([text("XSETID"), key, st.lastID.bytes, text("ENTRIESADDED"), text(String(st.entriesAdded)),
                 text("MAXDELETEDID"), st.maxDeletedID.bytes])
        for name in st.groups.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            guard let group = st.groups[name] else { continue }
            command([text("XGROUP"), text("CREATE"), key, name, group.lastID.bytes,
                     text("ENTRIESREAD"), text(String(group.entriesRead))])
            for cname in group.consumers.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
                guard let consumer = group.consumers[cname] else { continue }
                if consumer.pel.isEmpty {
                    command([text("XGROUP"), text("CREATECONSUMER"), key, name, cname])
                    continue
                }
                for id in consumer.pel.ids {
                    guard let nack = consumer.pel[id] else { continue }
                    command([text("XCLAIM"), key, name, cname, text("0"), id.bytes,
                             text("TIME"), text(String(nack.deliveryTime)),
                             text("RETRYCOUNT"), text(String(nack.deliveryCount)), text("JUSTID"), text("FORCE")])
                }
            }
        }
    }

    /// One command header per batch of up to 64 items, as the rewrite counts them.
    private mutating func batched(name: String, key: [UInt8], total: Int, perItem: Int,
                                  _ items: (_ emit: ([[UInt8]]) -> Void) -> Void) {
        var remaining = total
        var count = 0
        items { parts in
            if count == 0 {
                let n = min(remaining, Self.itemsPerCommand)
                self.raw(Array("*\(2 + n * perItem)\r\n".utf8))
                self.bulk(Array(name.utf8))
                self.bulk(key)
            }
            for p in parts { self.bulk(p) }
            count += 1
            if count == Self.itemsPerCommand { count = 0 }
            remaining -= 1
        }
    }

    /// debugDelay: a negative value sleeps 1us once in -value times.
    static func debugDelay(_ us: Int) {
        var usec = us
        if usec < 0 { usec = Int.random(in: 0..<(-usec)) == 0 ? 1 : 0 }
        if usec > 0 { usleep(UInt32(usec)) }
    }

    /// rioWriteBulkDouble: "%.17g".
    static func g17(_ d: Double) -> [UInt8] {
        var buf = [CChar](repeating: 0, count: 128)
        let n = withVaList([d]) { vsnprintf(&buf, 128, "%.17g", $0) }
        return buf[0..<Int(n)].map { UInt8(bitPattern: $0) }
    }

    private mutating func bulk(_ b: [UInt8]) {
        buffer.append(UInt8(ascii: "$"))
        buffer.append(contentsOf: String(b.count).utf8)
        buffer.append(13)
        buffer.append(10)
        buffer.append(contentsOf: b)
        buffer.append(13)
        buffer.append(10)
        if buffer.count >= 1 << 16 { flush() }
    }

    private mutating func raw(_ b: [UInt8]) {
        buffer.append(contentsOf: b)
    }

    private mutating func flush() {
        guard failedErrno == 0, !buffer.isEmpty else { return }
        if injectedErrno != 0 {
            failedErrno = injectedErrno
            return
        }
        var off = 0
        while off < buffer.count {
            let n = buffer.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + off, buffer.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                failedErrno = errno
                return
            }
            if n == 0 {
                failedErrno = ENOSPC
                return
            }
            off += n
        }
        written += buffer.count
        buffer.removeAll(keepingCapacity: true)
        if incrementalFsync && written - lastSync >= Self.autosyncBytes {
            fdatasync(fd)
            lastSync = written
        }
    }
}
