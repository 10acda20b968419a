import Keyspace
import Persistence

/// A full sync's RDB replaces the dataset (readSyncBulkPayload's flush and
/// rdbLoad). A replica keeps keys whose TTL already passed: only its
/// master's DEL removes them (replication.md §4.4).
extension Server {
    /// Empties every database and loads `rdb`; returns the stream's starting
    /// db (aux repl-stream-db), or nil when the payload did not load, leaving
    /// the databases empty: never a half-loaded dataset served as complete.
    func loadReplicationPayload(_ rdb: [UInt8]) -> Int? {
        emptyAllDatabases()
        let limits = rdbLoadLimits
        var reader = RDBReader(bytes: rdb, limits: limits)
        // A full sync replaces the libraries too (emptyData clears functions).
        flushFunctions()
        reader.onFunction = rdbFunctionLoader
        do {
            let dbs = databases
            let summary = try reader.read { k in
                let db = dbs[k.db]
                if db.dict.contains(k.key) { throw RDBError(offset: -1, message: "RDB has duplicated key '\(k.key.string)' in DB \(k.db)") }
                db.addLoaded(k.key, k.value)
                if let at = k.meta.expireAtMs { db.setExpire(k.key, at: at) }
            }
            if let v = summary.auxValue("redis-ver") { log.notice("Loading RDB produced by version \(v)") }
            log.notice("Done loading RDB, keys loaded: \(summary.keysLoaded), keys expired: 0.")
            return Int(summary.auxValue("repl-stream-db") ?? "0") ?? 0
        } catch {
            log.warning("\(error)")
            emptyAllDatabases()
            return nil
        }
    }

    func emptyAllDatabases() {
        for db in databases {
            touchWatchedKeysBeforeFlush(db: db.id)
            db.removeAll()
        }
    }
}
