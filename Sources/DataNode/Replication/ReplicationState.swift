import Keyspace
import ReplicationCore

/// This node's place in replication, apart from the server that runs it:
/// the history it continues (ids and offsets, as INFO replication, ROLE and
/// PSYNC report them), its role, its link to a master (ReplicationCore's
/// state machine, which owns the history) and the replicas attached to it.
public final class ReplicationState {
    public enum Role { case master, replica }

    /// The link to the master (state `.none` on a master). Its history is
    /// the node's, whichever the role.
    public var link: ReplicaLink
    /// The recent stream, for partial resyncs (none until a replica syncs).
    public var backlog: ReplicationBacklog?
    /// Clients receiving the stream, by client id, in attach order.
    public private(set) var replicaIds: [Int] = []
    /// Their states, acknowledged offsets and ACK times (WAIT, min-replicas, INFO).
    public var replicas = AttachedReplicas()
    /// What each connection announced with REPLCONF, by client id.
    var replconf: [Int: ReplconfAnnouncement] = [:]
    /// Replicas in a full resync, by client id (gone once online).
    var syncs: [Int: ReplicaSync] = [:]
    /// The diskless snapshot being forwarded from the child to the replicas.
    var socketTransfer: SocketTransfer?
    /// Dual-channel offers whose snapshot connection has not come yet: token -> main link's client id.
    var dualOffers: [String: Int] = [:]
    /// A dual-channel sync's two clients, each to the other, while it runs.
    var dualPartner: [Int: Int] = [:]
    /// Since when no replica is attached (repl-backlog-ttl counts from it); nil while one is.
    var noReplicasSinceMs: Int64?
    /// A FAILOVER command's progress (INFO master_failover_state).
    var failover = Failover()
    var pingSchedule = ReplicaPingSchedule()
    /// WAITing clients: the offset they wait for and how many replicas.
    var waiting: [(client: Int, offset: Int64, wanted: Int)] = []
    /// A WAIT blocked: a GETACK goes into the stream before the loop sleeps.
    var getAckPending = false
    /// INFO stats: sync_full, sync_partial_ok, sync_partial_err.
    public var syncFull = 0
    public var syncPartialOk = 0
    public var syncPartialErr = 0
    /// The keyspace holds the flag its expiry reads on every lookup (a replica
    /// waits for the master's DEL); the role is that flag, seen from here.
    private let keyspace: KeyspaceContext

    static let noId = ReplicationHistory.noId

    init<G: RandomNumberGenerator>(keyspace: KeyspaceContext, using g: inout G) {
        self.keyspace = keyspace
        link = ReplicaLink(history: ReplicationHistory(replid: Self.randomHexId(using: &g)),
                           settings: ReplicaLinkSettings(listeningPort: 0))
    }

    public var role: Role {
        get { keyspace.isMaster ? .master : .replica }
        set { keyspace.isMaster = newValue == .master }
    }

    public var replicationId: String { link.history.replid }
    public var replicationId2: String {
        get { link.history.replid2 }
        set { link.history.replid2 = newValue }
    }
    /// Bytes of stream this node has produced (or, as a replica, applied).
    public var masterReplOffset: Int64 {
        get { link.history.offset }
        set { link.history.offset = newValue }
    }
    /// Where the history named by replicationId2 ends; -1 without one.
    public var secondReplOffset: Int64 {
        get { link.history.secondReplOffset }
        set { link.history.secondReplOffset = newValue }
    }

    /// 40 random hex characters (run ids, replication ids).
    static func randomHexId<G: RandomNumberGenerator>(using g: inout G) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: (0..<40).map { _ in digits[Int.random(in: 0..<16, using: &g)] }, as: UTF8.self)
    }

    /// changeReplicationId: a new history starts here.
    public func changeReplicationId<G: RandomNumberGenerator>(using g: inout G) {
        link.history.replid = Self.randomHexId(using: &g)
    }

    /// clearReplicationId2: forget the previous history.
    public func clearReplicationId2() {
        link.history.clearSecond()
    }

    /// The stream went out to the attached consumers.
    @inline(__always) func streamFed(bytes: Int) {
        link.history.offset += Int64(bytes)
    }

    func replicaAttached(id: Int) {
        replicaIds.append(id)
        noReplicasSinceMs = nil
    }

    func replicaDetached(id: Int, nowMs: Int64) {
        replicaIds.removeAll { $0 == id }
        replicas.detach(id: id)
        if replicaIds.isEmpty { noReplicasSinceMs = nowMs }
    }
}

/// REPLCONF's announcements on one connection.
struct ReplconfAnnouncement {
    var port = 0
    var ip: String?
    var capaEof = false
    var capaPsync2 = false
    /// REPLCONF rdb-only 1 (CLIENT_REPL_RDBONLY): the snapshot and nothing after it.
    var rdbOnly = false
    var filter = SnapshotFilter()
    /// `capa vigil-dual-channel`: a Vigil replica that takes the dual-channel sync.
    var capaVigilDual = false
    /// `vigil-snapshot <token>`: this connection carries the snapshot for that offer.
    var snapshotToken: String?
}
