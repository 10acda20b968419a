/// What a master answers to `PSYNC <replid> <offset>` (replication.md §3.1,
/// 7.0's masterTryPartialResynchronization), with the lines Redis logs.
public enum PsyncDecision: Sendable, Equatable {
    /// `+CONTINUE`: send the backlog from `offset` on.
    case partial(offset: Int64)
    /// `+FULLRESYNC`; `reason` is the line logged (nil for `PSYNC ?`, which
    /// is logged as "Full resync requested by replica ...").
    case full(reason: String?)

    public static func decide(replid requested: String, offset: Int64, history: ReplicationHistory,
                              backlog: ReplicationBacklog?, replica: String) -> PsyncDecision {
        if requested == "?" { return .full(reason: nil) }
        let asked = requested.lowercased()
        let sameHistory = asked == history.replid.lowercased()
        let previousHistory = asked == history.replid2.lowercased()
        if !sameHistory && !(previousHistory && offset <= history.secondReplOffset) {
            if !previousHistory {
                return .full(reason: "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '\(requested)', my replication IDs are '\(history.replid)' and '\(history.replid2)')")
            }
            return .full(reason: "Partial resynchronization not accepted: Requested offset for second ID was \(offset), but I can reply up to \(history.secondReplOffset)")
        }
        guard let backlog, backlog.holds(from: offset) else {
            return .full(reason: "Unable to partial resync with replica \(replica) for lack of backlog (Replica request was: \(offset)).")
        }
        return .partial(offset: offset)
    }

    /// The line a master logs for an accepted request.
    public static func acceptedLine(replica: String, bytes: Int, offset: Int64) -> String {
        "Partial resynchronization request from \(replica) accepted. Sending \(bytes) bytes of backlog starting from offset \(offset)."
    }
}
