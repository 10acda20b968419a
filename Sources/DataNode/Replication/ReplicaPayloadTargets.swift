import Glibc
import Keyspace
import Persistence
import ReplicationCore

/// The three ways of 7.0's readSyncBulkPayload to load a full sync
/// (repl-diskless-load): from a temp file renamed to the dump file, from
/// the received bytes into the flushed dataset, or into a new dataset that
/// replaces the old only once it loaded (swapdb).
extension Server {
    func beginReceivingPayload(_ sink: inout ReplicaPayloadSink, target: PayloadLoadTarget) {
        guard target == .disk else {
            sink.beginMemory()
            return
        }
        if let error = sink.beginFile(unixTime: Int(clock.wallMs() / 1000)) {
            log.warning("Opening the temp file needed for MASTER <-> REPLICA synchronization: \(error)")
        }
    }

    func appendReceivedPayload(_ sink: inout ReplicaPayloadSink, _ bytes: [UInt8]) {
        if let error = sink.append(bytes) {
            log.warning("Write error or short write writing to the DB dump file needed for MASTER <-> REPLICA synchronization: \(error)")
        }
    }

    /// Loads what `sink` received; returns the stream's db, or nil when it
    /// did not load (the databases then are empty, or untouched for swapdb).
    /// `readingMaster`: a dual-channel sync (always parsed from memory) keeps
    /// reading its main link meanwhile.
    func loadReceivedPayload(_ sink: inout ReplicaPayloadSink, target: PayloadLoadTarget, readingMaster: Bool) -> Int? {
        switch target {
        case .disk:
            guard let temp = sink.finishFile() else { return nil }
            return loadReplicationPayloadFile(temp)
        case .parser:
            return loadReplicationPayload(sink.takeBytes(), readingMaster: readingMaster)
        case .swapdb:
            return loadReplicationPayloadSwapping(sink.takeBytes())
        }
    }

    /// The temp file becomes `dbfilename`, then loads as rdbLoad does.
    private func loadReplicationPayloadFile(_ temp: String) -> Int? {
        let target = config.dbfilename
        guard rename(temp, target) == 0 else {
            log.warning("Failed trying to rename the temp DB into \(target) in MASTER <-> REPLICA synchronization: \(String(cString: strerror(errno)))")
            unlink(temp)
            return nil
        }
        emptyAllDatabases()
        flushFunctions()
        let outcome = loadRDB(merge: false, serveEvents: false)
        if config.bool("rdb-del-sync-files") && !persistenceEnabled {
            log.notice("Removing the RDB file obtained from the master. This replica has persistence disabled")
            unlink(target)
        }
        guard outcome == .loaded else {
            emptyAllDatabases()
            return nil
        }
        return persistence.loadedReplicationInfo?.streamDb ?? 0
    }

    /// allPersistenceDisabled's opposite: save points or AOF configured.
    private var persistenceEnabled: Bool { config.appendonly || !config.saveParams.isEmpty }

    /// Parses `rdb` into new databases; only a complete load replaces the
    /// dataset (and the function libraries), which is served until then.
    private func loadReplicationPayloadSwapping(_ rdb: [UInt8]) -> Int? {
        let fresh = databases.map { Database(id: $0.id, context: $0.context) }
        var functions: [[UInt8]] = []
        var reader = RDBReader(bytes: rdb, limits: rdbLoadLimits)
        reader.onFunction = { functions.append($0) }
        let summary: RDBSummary
        do {
            summary = try reader.read { k in
                let db = fresh[k.db]
                guard db.dict.insertIfAbsent(k.key, k.value, stamp: db.context.storeStamp(nil)) else {
                    throw RDBError(offset: -1, message: "RDB has duplicated key '\(k.key.string)' in DB \(k.db)")
                }
                if let at = k.meta.expireAtMs { db.setExpire(k.key, at: at) }
            }
        } catch {
            log.warning("\(error)")
            return nil
        }
        logAuxFields(summary, nowUnix: Int(clock.wallMs() / 1000))
        logDoneLoading(summary, loaded: summary.keysLoaded, expired: 0)
        emptyAllDatabases()
        flushFunctions()
        for code in functions {
            do { try rdbFunctionLoader(code) } catch {
                log.warning("\(error)")
                emptyAllDatabases()
                return nil
            }
        }
        for (db, loaded) in zip(databases, fresh) {
            swap(&db.dict, &loaded.dict)
            swap(&db.expires, &loaded.expires)
        }
        return Int(summary.auxValue("repl-stream-db") ?? "0") ?? 0
    }
}
