/// What `vigil status` shows: one sentinel's view of the masters it monitors,
/// completed by what each master says of its replication (the sentinel's
/// replica offsets come from an INFO it refreshes only every 10 s).
struct StatusReport: Equatable {
    /// host:port of the sentinel that answered.
    var sentinel: String
    var sentinelID: String
    /// INFO sentinel's sentinel_tilt: a tilted sentinel acts on nothing.
    var tilt: Bool
    var masters: [MasterStatus]
}

struct MasterStatus: Equatable {
    var name: String
    var address: String
    var runID: String
    var flags: [String]
    var quorum: Int
    var configEpoch: Int
    var otherSentinels: Int
    var replicaCount: Int
    var lastOkPingMs: Int
    var downAfterMs: Int
    /// What SENTINEL GET-MASTER-ADDR-BY-NAME gives clients; it moves to the
    /// promoted replica before `address` does during a failover.
    var clientAddress: String?
    /// master_repl_offset, when the master answered INFO replication.
    var replicationOffset: Int?
    /// Why the master's own INFO replication is missing (down, needs AUTH...).
    var replicationError: String?
    var replicas: [ReplicaStatus]
    var sentinels: [SentinelStatus]

    /// ok, sdown or odown, as INFO sentinel's masterN status field says it.
    var state: String {
        if flags.contains("o_down") { return "odown" }
        if flags.contains("s_down") { return "sdown" }
        return "ok"
    }
}

struct ReplicaStatus: Equatable {
    var address: String
    var runID: String
    var flags: [String]
    var linkStatus: String
    var masterAddress: String
    var priority: Int
    /// slave-repl-offset as the sentinel last saw it.
    var offset: Int
    /// The offset the replica last acknowledged to the master (REPLCONF ACK),
    /// the bytes it is behind and the seconds since that ack, from the master's
    /// INFO replication; nil when the master did not answer or does not list it.
    var ackedOffset: Int?
    var lagBytes: Int?
    var lagSeconds: Int?
}

struct SentinelStatus: Equatable {
    var address: String
    var runID: String
    /// The sentinel that answered lists the others; it is shown first, as itself.
    var isSelf: Bool
    var flags: [String]
    var lastHelloMs: Int?
    var votedLeader: String?
    var votedLeaderEpoch: Int?
    /// From its hello on the master's channel (`--epochs`), else unknown.
    var currentEpoch: Int? = nil
}
