/// When a master produces the snapshot of a full resync (7.0's syncCommand
/// cases 1-3, shouldStartChildForReplication, startBgsaveForReplication):
/// whether a replica asking now can share the snapshot being written, must
/// wait for the next one, or starts one (at once, or after
/// repl-diskless-sync-delay so that more replicas share it).
public enum FullSyncPlan {
    /// The child process running when a replica asks.
    public enum Child: Equatable, Sendable {
        case none
        /// A BGSAVE to disk. `sharedWith` is the capa eof of the replica
        /// that waits for its end (the one whose buffer a newcomer copies), nil
        /// when no replica waits for it (a BGSAVE of the operator's).
        case rdbDisk(sharedWith: Bool?)
        /// An RDB streamed to the replicas that were waiting when it forked.
        case rdbSockets
        /// An AOF rewrite.
        case other
    }

    public enum OnRequest: Equatable, Sendable {
        /// Takes the running disk BGSAVE: `+FULLRESYNC` with its offset now.
        case attachToRunning
        /// Waits in wait_bgsave for a later child; the line says why.
        case waitForNext(log: String)
        /// Forks now.
        case startNow
        /// Diskless with a delay: the cron forks once the delay passed.
        case delay
    }

    public static func onRequest(child: Child, diskless: Bool, capaEof: Bool, delaySeconds: Int) -> OnRequest {
        switch child {
        case .rdbDisk(let sharedWith):
            // The newcomer needs at least the capabilities of the replica
            // whose buffer it copies (both get the same payload form).
            if let other = sharedWith, capaEof || !other { return .attachToRunning }
            return .waitForNext(log: "Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC")
        case .rdbSockets:
            return .waitForNext(log: "Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC")
        case .other:
            if diskless && capaEof && delaySeconds > 0 { return .delay }
            return .waitForNext(log: "No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed")
        case .none:
            if diskless && capaEof && delaySeconds > 0 { return .delay }
            return .startNow
        }
    }

    /// A replica in wait_bgsave whose snapshot has not started.
    public struct Waiting: Equatable, Sendable {
        public var capaEof: Bool
        /// Seconds since its last interaction (its PSYNC, as it sends nothing while waiting).
        public var idleSeconds: Int64
        public init(capaEof: Bool, idleSeconds: Int64) {
            self.capaEof = capaEof
            self.idleSeconds = idleSeconds
        }
    }

    /// shouldStartChildForReplication, with no child running: nil while
    /// nobody waits or the diskless delay runs; otherwise whether every
    /// waiting replica takes the EOF form (mincapa), which decides the target.
    public static func shouldStart(waiting: [Waiting], diskless: Bool, delaySeconds: Int, maxReplicas: Int) -> Bool? {
        guard !waiting.isEmpty else { return nil }
        let maxIdle = waiting.map(\.idleSeconds).max() ?? 0
        let due = !diskless || (maxReplicas > 0 && waiting.count >= maxReplicas) || maxIdle >= Int64(delaySeconds)
        return due ? waiting.allSatisfy(\.capaEof) : nil
    }

    /// startBgsaveForReplication's target: the replicas' sockets when all
    /// of them read the EOF form and repl-diskless-sync is on.
    public static func socketTarget(diskless: Bool, mincapaEof: Bool) -> Bool { diskless && mincapaEof }

    /// The line startBgsaveForReplication logs.
    public static func startLine(socketTarget: Bool) -> String {
        "Starting BGSAVE for SYNC with target: \(socketTarget ? "replicas sockets" : "disk")"
    }
}
