/// A payload parsed from the socket (repl-diskless-load on-empty-db or
/// swapdb): 7.0.15 starts loading as soon as the header arrives and reads
/// the rest blocking, with repl-timeout as the socket's receive timeout.
/// The shell receives it whole before parsing; the log and the cached
/// master follow Redis's order regardless.
extension ReplicaLink {
    /// The payload loads into a new dataset that replaces the old at the end.
    var swapsDataset: Bool { payloadTarget == .swapdb && dual == nil }

    /// What readSyncBulkPayload does at the header when it parses from the
    /// socket: on-empty-db attaches to the new master and flushes first.
    mutating func socketLoadStarts() -> [ReplicaLinkEffect] {
        var fx: [ReplicaLinkEffect] = []
        if !swapsDataset {
            fx += discardCachedMaster()
            fx += [.disconnectReplicas, .log(.notice, "MASTER <-> REPLICA sync: Flushing old data")]
        }
        fx.append(.log(.notice, "MASTER <-> REPLICA sync: Loading DB in memory"))
        return fx
    }

    /// The master went silent for repl-timeout in the middle of a parsed
    /// payload: the blocking read times out inside rdbLoad (a short read,
    /// which 7.0.15 survives), then the handshake is cancelled and retried.
    mutating func socketLoadTimedOut(nowMs: Int64) -> [ReplicaLinkEffect] {
        let swapped = swapsDataset
        var fx: [ReplicaLinkEffect] = [
            .log(.warning, "Short read or OOM loading DB. Unrecoverable error, aborting now."),
            .log(.warning, "Internal error in RDB reading offset 0, function at rdb.c:3249 -> Unexpected EOF reading RDB file. Failure loading rdb format from socket, assuming connection error, resuming operation."),
            .log(.warning, "Failed trying to load the MASTER synchronization DB from socket: Connection timed out"),
        ]
        fx += cancelHandshake()
        fx += connect(nowMs: nowMs, afterFailure: true)
        if swapped {
            fx.append(.log(.notice, "MASTER <-> REPLICA sync: Discarding temporary DB in background"))
        }
        return fx
    }
}
