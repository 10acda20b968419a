import Keyspace

/// Which per-key access information a snapshot carries, from maxmemory-policy:
/// idle seconds under an LRU policy, the LFU counter under an LFU one.
public enum RDBAccessInfo: Sendable {
    case none, lru, lfu
}

/// The AUX fields 7.0 writes, in its order (rdb.md §9).
public enum RDBAux {
    public struct Replication: Sendable {
        public var streamDb: Int
        public var replId: String
        public var offset: Int64
        public init(streamDb: Int, replId: String, offset: Int64) {
            self.streamDb = streamDb
            self.replId = replId
            self.offset = offset
        }
    }

    public static func standard(redisVersion: String, ctime: Int, usedMemory: Int,
                                replication: Replication?, aofBase: Bool) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = [
            ("redis-ver", redisVersion), ("redis-bits", "64"), ("ctime", String(ctime)), ("used-mem", String(usedMemory)),
        ]
        if let r = replication {
            out += [("repl-stream-db", String(r.streamDb)), ("repl-id", r.replId), ("repl-offset", String(r.offset))]
        }
        out.append(("aof-base", aofBase ? "1" : "0"))
        return out
    }
}

extension RDBWriter {
    /// Every non-empty database, ascending, with its keys' expires (and
    /// access information when asked).
    public func writeDatabases(_ databases: [Database], access: RDBAccessInfo = .none) throws {
        for db in databases where db.count > 0 {
            try selectDB(db.id, keys: db.count, expires: db.expires.count)
            let ctx = db.context
            for i in 0..<db.dict.count {
                let key = db.dict.key(at: i)
                var meta = RDBKeyMeta(expireAtMs: db.expires.isEmpty ? nil : db.expires[key])
                if access != .none, let stamp = db.dict.stamp(of: key) {
                    if access == .lru {
                        meta.idleSeconds = ctx.idleSeconds(stamp)
                    } else {
                        meta.lfuFreq = UInt8(truncatingIfNeeded: min(255, ctx.lfuDecayed(stamp)))
                    }
                }
                try writeKey(key, db.dict.value(at: i), meta: meta)
            }
        }
    }

    /// A whole file in memory.
    /// `functions`: the library codes, written after the AUX fields as 7.0 does.
    public static func snapshot(databases: [Database], aux: [(name: String, value: String)],
                                options: RDBOptions = RDBOptions(), access: RDBAccessInfo = .none,
                                functions: [[UInt8]] = []) throws -> [UInt8] {
        let sink = MemorySink()
        let w = RDBWriter(sink: sink, options: options)
        try w.writeHeader()
        for a in aux { try w.writeAux(a.name, a.value) }
        for f in functions { try w.writeFunctionLibrary(f) }
        try w.writeDatabases(databases, access: access)
        try w.finish()
        return sink.bytes
    }

    /// A whole file through a descriptor (the caller opens, fsyncs and renames).
    public static func write(databases: [Database], aux: [(name: String, value: String)],
                             options: RDBOptions = RDBOptions(), access: RDBAccessInfo = .none,
                             functions: [[UInt8]] = [], toFileDescriptor fd: Int32) throws {
        let w = RDBWriter(sink: FileDescriptorSink(fd: fd), options: options)
        try w.writeHeader()
        for a in aux { try w.writeAux(a.name, a.value) }
        for f in functions { try w.writeFunctionLibrary(f) }
        try w.writeDatabases(databases, access: access)
        try w.finish()
    }
}
