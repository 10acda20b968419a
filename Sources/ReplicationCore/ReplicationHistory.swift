/// The replication history a node belongs to (replication.md §1, §8): the
/// ids a PSYNC can name and where they end. A master counts the stream it
/// produces into `offset`; a replica counts the stream it applied.
public struct ReplicationHistory: Sendable, Equatable {
    /// 40 hex chars: the history this node continues.
    public var replid: String
    /// The previous history, or 40 '0' when there is none.
    public var replid2: String
    /// The last offset a PSYNC naming `replid2` may ask for (inclusive); -1 without one.
    public var secondReplOffset: Int64
    /// master_repl_offset.
    public var offset: Int64

    public static let noId = String(repeating: "0", count: 40)

    public init(replid: String, replid2: String = ReplicationHistory.noId, secondReplOffset: Int64 = -1, offset: Int64 = 0) {
        self.replid = replid
        self.replid2 = replid2
        self.secondReplOffset = secondReplOffset
        self.offset = offset
    }

    /// shiftReplicationId: the current history becomes the previous one, still
    /// valid up to the next byte, and `newId` starts here (promotion, or a
    /// master that continued under a new id).
    public mutating func shift(to newId: String) {
        replid2 = replid
        secondReplOffset = offset + 1
        replid = newId
    }

    /// clearReplicationId2.
    public mutating func clearSecond() {
        replid2 = Self.noId
        secondReplOffset = -1
    }

    /// The log line shiftReplicationId writes.
    public var shiftLogLine: String {
        "Setting secondary replication ID to \(replid2), valid up to offset: \(secondReplOffset). New replication ID is \(replid)"
    }
}
