import Glibc
import Keyspace
import Persistence
import ServerKit

/// Reading `dir/dbfilename` into the databases: at start-up (clients that
/// connect meanwhile get -LOADING) and for DEBUG RELOAD (rdb.c rdbLoad,
/// server.c loadDataFromDisk).
extension Server {
    enum LoadOutcome: Equatable {
        case loaded, noFile, failed
    }

    /// loadDataFromDisk for the RDB: false when start-up must stop (the
    /// reason is logged, naming the file and the offset; the file is left as it is).
    public func loadDataAtStartup() -> Bool {
        let startUs = clock.monotonicUs()
        switch loadRDB(merge: false, serveEvents: true) {
        case .noFile:
            return true
        case .failed:
            reportUnreadableFile(config.dbfilename)
            return false
        case .loaded:
            let seconds = Double(clock.monotonicUs() - startUs) / 1_000_000
            log.notice("DB loaded from disk: \(ServerCommands.cFormat("%.3f", seconds)) seconds")
            restoreReplicationInfo()
            return true
        }
    }

    /// rdbReportError for a file loaded at start-up: Redis runs its
    /// checker on the file (the report on standard output, as
    /// redis-check-rdb prints it) before the server stops.
    func reportUnreadableFile(_ path: String) {
        guard let bytes = try? RDBReader.readFile(path) else { return }
        let check = RDBCheck(bytes: bytes, name: path, nowMs: clock.wallMs(), limits: rdbLoadLimits)
        guard !check.ok else { return }
        var report = check.lines.map { $0 + "\n" }.joined()
        report.withUTF8 { _ = Glibc.write(1, $0.baseAddress, $0.count) }
        if check.terminatedByCorruption { log.warning("Terminating server after rdb file reading failure.") }
    }

    /// rdbLoadRio's closing lines: the empty collections it skipped (an old
    /// bug could write them), named, then the counts, a warning when any was skipped.
    func logDoneLoading(_ summary: RDBSummary, loaded: Int, expired: Int) {
        for key in summary.emptyKeysNamed {
            log.warning("rdbLoadObject skipping empty key: \(String(decoding: key, as: UTF8.self))")
        }
        if summary.emptyKeysSkipped > 0 {
            log.warning("Done loading RDB, keys loaded: \(loaded), keys expired: \(expired), empty keys skipped: \(summary.emptyKeysSkipped).")
        } else {
            log.notice("Done loading RDB, keys loaded: \(loaded), keys expired: \(expired).")
        }
    }

    /// rdbLoad: keys already expired are dropped on a master, as Redis does.
    /// `serveEvents` answers clients every loading-process-events-interval-bytes.
    func loadRDB(merge: Bool, serveEvents: Bool) -> LoadOutcome {
        let path = config.dbfilename
        let now = clock.wallMs()
        // A node configured as a replica is one while it loads (masterhost is
        // set from the config first): it keeps keys its master will expire.
        let master = keyspace.isMaster && config.replicaof == nil
        let delayUs = config.int("key-load-delay")
        let interval = max(1024, config.int("loading-process-events-interval-bytes"))
        var loaded = 0, expired = 0, lastServed = 0
        startLoading(totalBytes: 0)
        defer { persistence.loading = false }
        let dbs = databases
        // One probe per key: the duplicate check is the insert itself.
        func insert(_ k: RDBLoadedKey) throws {
            if delayUs > 0 { usleep(UInt32(delayUs)) }
            if master, let at = k.meta.expireAtMs, at < now {
                expired += 1
                return
            }
            let db = dbs[k.db]
            if !db.addIfAbsent(k.key, k.value) {
                guard merge else { throw RDBError(offset: k.offset, message: "RDB has duplicated key '\(k.key.string)' in DB \(k.db)") }
                _ = db.delete(k.key)
                db.addLoaded(k.key, k.value)
            }
            if let at = k.meta.expireAtMs { db.setExpire(k.key, at: at) }
            loaded += 1
        }
        var pipeline = LoadPipeline()
        let summary: RDBSummary?
        do {
            let read = Result { try SnapshotFormat.load(
                path: path, limits: rdbLoadLimits,
                start: { [unowned self] total in persistence.loadingTotalBytes = total },
                progress: { [unowned self] offset in
                    persistence.loadingLoadedBytes = offset
                    if serveEvents && offset - lastServed >= interval {
                        lastServed = offset
                        processEventsWhileLoading()
                    }
                },
                onFunction: rdbFunctionLoader(replacing: merge),
                resize: { db, keys, expires in
                    dbs[db].dict.reserveCapacity(dbs[db].count + keys)
                    dbs[db].expires.reserveCapacity(dbs[db].expires.count + expires)
                },
                onKey: { k in
                    guard let due = pipeline.push(k, into: dbs) else { return }
                    do {
                        try insert(due)
                    } catch {
                        // Redis stops at a refused key: the keys read after it are not loaded.
                        pipeline.discard()
                        throw error
                    }
                }) }
            // Keys read before a failure further on (a short file, a bad
            // checksum) are loaded all the same, as Redis inserts each as it reads it.
            for k in pipeline.drain() { try insert(k) }
            summary = try read.get()
        } catch let e as RDBError {
            let file = Self.absolutePath(path)
            if e.message.hasPrefix("Unexpected EOF") {
                log.warning("Short read or OOM loading DB. Unrecoverable error, aborting now.")
            }
            if let w = e.warning { log.warning(w) }
            log.warning("Internal error in RDB reading offset \(e.offset) of file \(file) -> \(e.message)")
            return .failed
        } catch {
            log.warning("Fatal error loading the DB: \(error). Exiting.")
            return .failed
        }
        guard let summary else { return .noFile }
        logAuxFields(summary, nowUnix: Int(now / 1000))
        persistence.loadedReplicationInfo = LoadedReplicationInfo(aux: summary.auxValue)
        persistence.lastLoadKeysLoaded = loaded
        persistence.lastLoadKeysExpired = expired
        logDoneLoading(summary, loaded: loaded, expired: expired)
        return .loaded
    }

    /// The notices rdbLoadRio prints for the AUX fields it understands.
    func logAuxFields(_ summary: RDBSummary, nowUnix: Int) {
        for (nameBytes, valueBytes) in summary.aux {
            let name = String(decoding: nameBytes, as: UTF8.self).lowercased()
            let value = String(decoding: valueBytes, as: UTF8.self)
            switch name {
            case "redis-ver":
                log.notice("Loading RDB produced by version \(value)")
            case "ctime":
                log.notice("RDB age \(max(0, nowUnix - (Int(value) ?? 0))) seconds")
            case "used-mem":
                let used = Int(value) ?? 0
                persistence.loadingRdbUsedMem = used
                log.notice("RDB memory usage when created \(ServerCommands.format2(Double(used) / (1024 * 1024))) Mb")
            case "aof-preamble" where (Int(value) ?? 0) != 0:
                log.notice("RDB has an AOF tail")
            case "aof-base" where (Int(value) ?? 0) != 0:
                log.notice("RDB is base AOF")
            default:
                if name.hasPrefix("%") { log.notice("RDB '\(name)': \(value)") }
            }
        }
    }

    /// startLoading: from now on clients get -LOADING and INFO shows the loading_* fields.
    func startLoading(totalBytes: Int) {
        persistence.loading = true
        persistence.loadingStartUnix = Int(clock.wallMs() / 1000)
        persistence.loadingTotalBytes = totalBytes
        persistence.loadingLoadedBytes = 0
        persistence.loadingRdbUsedMem = 0
    }

    /// processEventsWhileBlocked: new clients and commands get served (with
    /// -LOADING for most), timers wait until the load ends.
    func processEventsWhileLoading() {
        for _ in 0..<4 { loop.runOnce(maxWaitMs: 0) }
    }
}
