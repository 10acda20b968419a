import Keyspace

/// This node's place in replication, apart from the server that runs it:
/// the history it continues (ids and offsets, as INFO replication, ROLE and
/// PSYNC report them), its role, and the replicas attached to the stream.
/// The propagation feed produces the stream; this type only counts it.
public final class ReplicationState {
    public enum Role { case master, replica }

    /// Replication history ids (40 hex chars); the first is new at every start.
    public var replicationId: String
    public var replicationId2 = ReplicationState.noId
    /// Bytes of stream this node has produced (or, as a replica, applied).
    public var masterReplOffset: Int64 = 0
    /// Where the history named by replicationId2 ends; -1 without one.
    public var secondReplOffset: Int64 = -1
    /// Clients receiving the stream, by client id, in attach order.
    public private(set) var replicaIds: [Int] = []
    /// The keyspace holds the flag its expiry reads on every lookup (a replica
    /// waits for the master's DEL); the role is that flag, seen from here.
    private let keyspace: KeyspaceContext

    static let noId = String(repeating: "0", count: 40)

    init<G: RandomNumberGenerator>(keyspace: KeyspaceContext, using g: inout G) {
        self.keyspace = keyspace
        replicationId = Self.randomHexId(using: &g)
    }

    public var role: Role {
        get { keyspace.isMaster ? .master : .replica }
        set { keyspace.isMaster = newValue == .master }
    }

    /// 40 random hex characters (run ids, replication ids).
    static func randomHexId<G: RandomNumberGenerator>(using g: inout G) -> String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: (0..<40).map { _ in digits[Int.random(in: 0..<16, using: &g)] }, as: UTF8.self)
    }

    /// changeReplicationId: a new history starts here.
    public func changeReplicationId<G: RandomNumberGenerator>(using g: inout G) {
        replicationId = Self.randomHexId(using: &g)
    }

    /// clearReplicationId2: forget the previous history.
    public func clearReplicationId2() {
        replicationId2 = Self.noId
        secondReplOffset = -1
    }

    /// The stream went out to the attached consumers.
    @inline(__always) func streamFed(bytes: Int) {
        masterReplOffset += Int64(bytes)
    }

    func replicaAttached(id: Int) {
        replicaIds.append(id)
    }

    func replicaDetached(id: Int) {
        replicaIds.removeAll { $0 == id }
    }

    /// Replicas as ROLE and INFO list them: a replica appears once it has told
    /// its listening port (REPLCONF, not implemented yet), so none do today.
    var roleEntries: [(ip: String, port: Int, offset: Int64)] { [] }
}
