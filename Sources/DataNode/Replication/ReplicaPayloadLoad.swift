import Glibc
import Keyspace
import Persistence

/// A full sync's RDB replaces the dataset (readSyncBulkPayload's flush and
/// rdbLoad). A replica keeps keys whose TTL already passed: only its
/// master's DEL removes them (replication.md §4.4).
///
/// The load serves events as a start-up load does (clients get -LOADING,
/// timers wait). During a dual-channel sync it also keeps reading the main
/// link (`readMasterLink`): the master streams to it while we load, and a
/// replica that stopped reading would let the master's output buffer for it
/// grow to the limit that the second connection exists to avoid.
extension Server {
    /// How often a dual-channel load reads its main link: often enough that
    /// the kernel's socket buffers, not the master's output buffer, absorb
    /// the stream in between, whatever a key takes to load.
    static let masterLinkReadIntervalUs: Int64 = 2_000

    /// Empties every database and loads `rdb`; returns the stream's starting
    /// db (aux repl-stream-db), or nil when the payload did not load, leaving
    /// the databases empty: never a half-loaded dataset served as complete.
    /// `readingMaster`: read the main link while loading (dual channel).
    func loadReplicationPayload(_ rdb: [UInt8], readingMaster: Bool) -> Int? {
        emptyAllDatabases()
        var reader = RDBReader(bytes: rdb, limits: rdbLoadLimits)
        // A full sync replaces the libraries too (emptyData clears functions).
        flushFunctions()
        reader.onFunction = rdbFunctionLoader
        let interval = max(1024, config.int("loading-process-events-interval-bytes"))
        let delayUs = config.int("key-load-delay")
        var lastServed = 0, lastReadUs = clock.monotonicUs(), abandoned = false
        persistence.loading = true
        persistence.loadingStartUnix = Int(clock.wallMs() / 1000)
        persistence.loadingTotalBytes = rdb.count
        persistence.loadingLoadedBytes = 0
        defer { persistence.loading = false }
        reader.onProgress = { [unowned self] offset in
            persistence.loadingLoadedBytes = offset
            if readingMaster {
                let now = clock.monotonicUs()
                if now - lastReadUs >= Self.masterLinkReadIntervalUs {
                    lastReadUs = now
                    replicaLinkDriver.readMasterLink()
                }
            }
            if offset - lastServed >= interval {
                lastServed = offset
                processEventsWhileLoading()
            }
            // What was read or served may have ended this sync (the buffered
            // stream passed our limit, the master went away).
            if replication.link.state != .loading { abandoned = true }
        }
        do {
            let dbs = databases
            let summary = try reader.read { k in
                if abandoned { throw SyncAbandoned() }
                if delayUs > 0 { usleep(UInt32(delayUs)) }
                let db = dbs[k.db]
                if db.dict.contains(k.key) { throw RDBError(offset: -1, message: "RDB has duplicated key '\(k.key.string)' in DB \(k.db)") }
                db.addLoaded(k.key, k.value)
                if let at = k.meta.expireAtMs { db.setExpire(k.key, at: at) }
            }
            if let v = summary.auxValue("redis-ver") { log.notice("Loading RDB produced by version \(v)") }
            logDoneLoading(summary, loaded: summary.keysLoaded, expired: 0)
            return Int(summary.auxValue("repl-stream-db") ?? "0") ?? 0
        } catch is SyncAbandoned {
            log.warning("MASTER <-> REPLICA sync: loading stopped, the sync was abandoned meanwhile")
            emptyAllDatabases()
            return nil
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

/// The link left the loading state while the payload loaded.
private struct SyncAbandoned: Error {}
