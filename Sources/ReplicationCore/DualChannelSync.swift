/// Vigil's dual-channel full sync, between Vigil nodes only (in the spirit
/// of Valkey 8's dual-channel replication). With the plain protocol a
/// master holds the stream produced during the snapshot in the replica's
/// output buffer until the snapshot is out (and, diskless, loaded): under a
/// sustained write load that buffer crosses `client-output-buffer-limit
/// replica`, the replica is dropped and asks for a full sync again, forever.
/// Here the snapshot travels on a second connection while the master writes
/// the live stream to the main link at once; the replica buffers it (under
/// its own limit, if it has one) and applies it from the snapshot's offset on once the
/// snapshot is loaded. It keeps reading the main link throughout: while the
/// snapshot arrives, while it loads (the shell reads between keys), and
/// while it applies the backlog (a slice per loop turn, `.continueStream`).
/// The master's per-replica buffer only holds what the replica has not read
/// yet, which stays near empty while the replica's own buffer has room.
///
/// On the wire: the replica adds `capa vigil-dual-channel` to its
/// `REPLCONF capa` (a Redis master ignores unknown capabilities); a Vigil
/// master that must full-sync it answers PSYNC with `+VIGILDUALSYNC <token>`
/// (a line only a replica that asked for it receives); the replica opens a
/// second connection, sends `REPLCONF capa eof vigil-snapshot <token>`, then
/// `PSYNC ? -1`, and receives `+FULLRESYNC <replid> <offset>` and the payload
/// there. The main link's bytes after `+VIGILDUALSYNC` are the stream from
/// `<offset> + 1` on.
///
/// Where the stream waits: on the replica, which by default sets it no limit
/// of its own. That is Redis's rule for what a replica reads from its
/// master (the master client's query buffer is exempt from
/// client-query-buffer-limit): the bound on a replica's stream is the
/// master's `client-output-buffer-limit replica`, which protects the master
/// from a replica that does not read. This buffer is that same stream, read
/// before the snapshot is loaded rather than after, and the replica holds it
/// only for the snapshot phase (fork to load); its cost is the replica's
/// memory, the write rate times that phase. A replica given a limit
/// (`vigil-dual-channel-buffer-limit`) stops reading the main link when its
/// buffer reaches it, until the snapshot is loaded, and the rest waits in the
/// master's buffer for it under the master's own limits (as Valkey 8 does,
/// whose replica limit is its replica hard limit): the two together then
/// hold the replica's limit plus the master's, where the plain protocol
/// holds the master's alone; the master's soft-limit timer runs only from
/// the moment its buffer passes the soft limit, not from the fork.
public enum DualChannel {
    public static let capability = "vigil-dual-channel"
    public static let offerReply = "+VIGILDUALSYNC"
    /// The REPLCONF option naming the main link a snapshot connection serves.
    public static let snapshotOption = "vigil-snapshot"

    /// Whether a master answers a full resync with the dual-channel offer:
    /// its own directive is on, the replica announced the capability, and it
    /// asked with PSYNC (an old SYNC replica knows nothing of it).
    public static func masterOffers(enabled: Bool, replicaAnnounced: Bool, psync: Bool) -> Bool {
        enabled && replicaAnnounced && psync
    }

    /// Whether `buffered` bytes of stream fill `limit` (0: no limit).
    public static func isFull(buffered: Int, limit: Int) -> Bool {
        limit > 0 && buffered >= limit
    }
}

/// The replica's side of one dual-channel sync: the snapshot connection's
/// progress and what it received and has not used yet.
public struct DualChannelSync: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        /// The snapshot connection is opening.
        case connecting
        /// Waiting for the replies to AUTH / REPLCONF (`pending` left).
        case replies(pending: Int)
        /// `PSYNC ? -1` sent: newlines until `+FULLRESYNC`.
        case awaitingFullResync
        /// Receiving the payload (its header, then its bytes).
        case payload
        /// The payload is complete and being loaded; the connection is closed.
        case loaded
    }

    public let token: String
    public internal(set) var phase: Phase = .connecting
    /// The buffered stream filled our limit: the main link is not read
    /// until the snapshot is loaded (the master holds what follows).
    public internal(set) var holdingMainLink = false
    var input: [UInt8] = []

    public init(token: String) { self.token = token }
}
