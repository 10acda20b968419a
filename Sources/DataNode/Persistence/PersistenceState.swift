/// The RDB side of Redis's persistence bookkeeping (server.lastbgsave_status,
/// rdb_saves, stat_fork_time...): what INFO persistence reports and what
/// decides MISCONF refusals and save points.
struct PersistenceState {
    var lastBgsaveOK = true
    /// Unix seconds of the last BGSAVE attempt (lastbgsave_try).
    var lastBgsaveTryUnix = 0
    var bgsaveScheduled = false
    var rdbSaves = 0
    /// Seconds the last BGSAVE took, -1 before the first.
    var lastBgsaveTimeSec = -1
    /// `dirty` when the running BGSAVE forked: only changes since then stay dirty.
    var dirtyBeforeBgsave = 0
    var lastCopyOnWriteBytes = 0
    var currentSaveKeysTotal = 0
    /// The running child's last report (reset when it ends).
    var currentSaveKeysProcessed = 0
    var currentCowBytes = 0
    var currentCowPeak = 0
    /// Unix seconds of that report, 0 before the first.
    var currentCowUpdatedUnix = 0
    var latestForkUs = 0
    var totalForks = 0

    var loading = false
    var loadingStartUnix = 0
    var loadingTotalBytes = 0
    var loadingRdbUsedMem = 0
    var loadingLoadedBytes = 0
    var lastLoadKeysLoaded = 0
    var lastLoadKeysExpired = 0
    /// rdbLoad's rsi: the replication AUX fields of the file loaded last, when all three were valid.
    var loadedReplicationInfo: LoadedReplicationInfo?

    /// writeCommandsDeniedByDiskError for the RDB: stop-writes-on-bgsave-error
    /// refuses writes only while save points are set and the last BGSAVE failed.
    static func deniesWrites(stopWritesOnBgsaveError: Bool, hasSavePoints: Bool, lastBgsaveOK: Bool) -> Bool {
        stopWritesOnBgsaveError && hasSavePoints && !lastBgsaveOK
    }

    static let misconfError = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."

    static let loadingError = "LOADING Redis is loading the dataset in memory"
}

/// The history an RDB was saved in (AUX repl-id, repl-offset, repl-stream-db).
struct LoadedReplicationInfo: Equatable {
    var replid: String
    var offset: Int64
    var streamDb: Int

    /// rdbLoadRio's checks: a 40-char id, an offset and a db that were set.
    init?(aux: (String) -> String?) {
        guard let id = aux("repl-id"), id.utf8.count == 40,
              let offset = aux("repl-offset").flatMap({ Int64($0) }), offset != -1,
              let db = aux("repl-stream-db").flatMap({ Int($0) }), db != -1 else { return nil }
        replid = id
        self.offset = offset
        streamDb = db
    }
}
