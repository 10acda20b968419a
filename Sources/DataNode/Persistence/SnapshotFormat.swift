import Glibc
import Keyspace
import Persistence
import ServerKit

/// The one place the data node turns its databases into RDB bytes and back
/// (the codec itself is the Persistence target): SAVE, BGSAVE's child, DEBUG
/// RELOAD and start-up loading all go through here.
enum SnapshotFormat {
    /// What a save writes besides the keys, read from the server before
    /// the walk starts (so a forked child needs nothing else from it).
    struct SaveContext {
        var aux: [(name: String, value: String)]
        var options: RDBOptions
        var access: RDBAccessInfo
        /// rdb-key-save-delay: microseconds slept per key, as Redis's debugDelay (tests use it to slow a save).
        var keySaveDelayUs: Int
        /// Function library codes, written after the AUX fields as 7.0 does.
        var functions: [[UInt8]] = []
        /// debug-sigstop-after-bytes (StopPointSink).
        var stopAfterBytes = 0
    }

    /// Writes every non-empty database into `fd`; `onKey` sees the running count.
    ///
    /// The walk lends each value out without retaining it (BorrowedValue):
    /// a forked child must not write to the objects it only reads.
    static func write(_ databases: [Database], _ ctx: SaveContext, to sink: RDBSink, onKey: (Int) -> Void = { _ in }) throws {
        let w = RDBWriter(sink: sink, options: ctx.options)
        try w.writeHeader()
        for a in ctx.aux { try w.writeAux(a.name, a.value) }
        for f in ctx.functions { try w.writeFunctionLibrary(f) }
        var written = 0
        for db in databases where db.count > 0 {
            try w.selectDB(db.id, keys: db.count, expires: db.expires.count)
            let context = db.context
            let hasExpires = !db.expires.isEmpty
            try db.dict.keys.withUnsafeBufferPointer { keys in
                try db.dict.values.withUnsafeBufferPointer { values in
                    for i in 0..<keys.count {
                        var meta = RDBKeyMeta(expireAtMs: hasExpires ? db.expires[keys[i]] : nil)
                        if ctx.access != .none, let stamp = db.dict.stamp(of: keys[i]) {
                            if ctx.access == .lru {
                                meta.idleSeconds = context.idleSeconds(stamp)
                            } else {
                                meta.lfuFreq = UInt8(truncatingIfNeeded: min(255, context.lfuDecayed(stamp)))
                            }
                        }
                        try BorrowedValue.with(values.baseAddress! + i) { try w.writeKey(keys[i], $0, meta: meta) }
                        written += 1
                        onKey(written)
                        if ctx.keySaveDelayUs > 0 { usleep(UInt32(ctx.keySaveDelayUs)) }
                    }
                }
            }
        }
        try w.finish()
    }

    /// Reads `path` and hands each key to `onKey`; nil when the file does
    /// not exist (a first start). Errors carry the byte offset.
    /// `start` learns the file's size before the first key, `progress` the offset after each.
    static func load(path: String, limits: RDBLimits, start: (Int) -> Void, progress: @escaping (Int) -> Void,
                     onFunction: (([UInt8]) throws -> Void)? = nil,
                     resize: @escaping (_ db: Int, _ keys: Int, _ expires: Int) -> Void = { _, _, _ in },
                     onKey: (RDBLoadedKey) throws -> Void) throws -> RDBSummary? {
        if access(path, F_OK) != 0 && errno == ENOENT { return nil }
        let bytes = try RDBReader.readFile(path)
        start(bytes.count)
        var reader = RDBReader(bytes: bytes, limits: limits)
        reader.onProgress = progress
        reader.onFunction = onFunction
        reader.onResizeDB = resize
        return try reader.read(onKey: onKey)
    }
}
