import CVigilShim
import Glibc
import Keyspace
import Persistence
import ServerKit

/// The RDB form of an AOF base (aof-use-rdb-preamble yes): written by the
/// rewrite with the `aof-base` aux field, read back at loading. The only
/// place the AOF meets the RDB codec.
extension Server {
    /// rdbSaveRio with RDBFLAGS_AOF_PREAMBLE: no replication aux fields; the
    /// same walk as a snapshot, rdb-key-save-delay included (tests slow a
    /// rewrite with it to kill its child).
    func writeRDBPreamble(to sink: RDBSink) -> (ok: Bool, errno: Int32) {
        var ctx = snapshotSaveContext()
        ctx.aux = RDBAux.standard(redisVersion: Version.redis, ctime: Int(time(nil)), usedMemory: Int(vigil_used_memory()),
                                  replication: nil, aofBase: true)
        do {
            try SnapshotFormat.write(databases, ctx, to: sink)
            return (true, 0)
        } catch let e as RDBWriteError {
            return (false, e.errno)
        } catch {
            return (false, EIO)
        }
    }

    /// rdbLoadRio with RDBFLAGS_AOF_PREAMBLE: every key kept, expired ones
    /// too (the commands after it may still touch them). Returns where the
    /// RDB ends, nil when it is unreadable.
    func loadRDBPreamble(_ bytes: [UInt8], loadedBefore: Int = 0, serveEvents: Bool = true) -> Int? {
        let limits = rdbLoadLimits
        var reader = RDBReader(bytes: bytes, limits: limits)
        reader.onFunction = rdbFunctionLoader
        let interval = max(1024, config.int("loading-process-events-interval-bytes"))
        var lastServed = 0
        reader.onProgress = { [unowned self] offset in
            persistence.loadingLoadedBytes = loadedBefore + offset
            if serveEvents && offset - lastServed >= interval {
                lastServed = offset
                processEventsWhileLoading()
            }
        }
        let delayUs = config.int("key-load-delay")
        do {
            var loaded = 0
            let summary = try reader.read { k in
                if delayUs > 0 { usleep(UInt32(delayUs)) }
                let db = databases[k.db]
                db.addLoaded(k.key, k.value)
                if let at = k.meta.expireAtMs { db.setExpire(k.key, at: at) }
                loaded += 1
            }
            logRDBAux(summary)
            logDoneLoading(summary, loaded: loaded, expired: 0)
            return reader.offset
        } catch let e as RDBError {
            if let w = e.warning { log.warning(w) }
            log.warning("\(e.message) (offset \(e.offset))")
            return nil
        } catch {
            log.warning("\(error)")
            return nil
        }
    }

    /// rdbLoadRio's notices for the aux fields it recognises.
    private func logRDBAux(_ summary: RDBSummary) {
        if let v = summary.auxValue("redis-ver") { log.notice("Loading RDB produced by version \(v)") }
        if let v = summary.auxValue("ctime"), let t = Int(v) {
            let age = Int(time(nil)) - t
            log.notice("RDB age \(max(0, age)) seconds")
        }
        if let v = summary.auxValue("used-mem"), let m = Int(v) {
            persistence.loadingRdbUsedMem = m
            let hundredths = (m * 100 + (1 << 19)) >> 20
            let frac = hundredths % 100
            log.notice("RDB memory usage when created \(hundredths / 100).\(frac < 10 ? "0" : "")\(frac) Mb")
        }
        if let v = summary.auxValue("aof-base"), Int(v) ?? 0 != 0 { log.notice("RDB is base AOF") }
    }
}
