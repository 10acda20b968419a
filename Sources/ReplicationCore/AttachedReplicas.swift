/// A master's view of the replicas attached to it (replication.md §10, §13):
/// their state, what they acknowledged and when, and the counts WAIT and
/// min-replicas-to-write take from them. Times are milliseconds on the
/// caller's clock; nothing here reads one.
public struct AttachedReplicas: Sendable {
    public enum State: String, Sendable {
        /// Waiting for the snapshot to start or end.
        case waitBgsave = "wait_bgsave"
        /// The disk payload is being sent.
        case sendBulk = "send_bulk"
        case online
    }

    public struct Replica: Sendable, Equatable {
        public var id: Int
        /// The announced ip-address, else the peer address.
        public var ip: String
        /// The announced listening-port (0 when none was sent).
        public var port: Int
        public var state: State
        public var ackOffset: Int64 = 0
        public var ackTimeMs: Int64
        /// SYNC (not PSYNC): never timed out for missing ACKs.
        public var prePsync = false

        /// INFO's lag: seconds since the last ACK, for online replicas.
        public func lag(nowMs: Int64) -> Int64 { state == .online ? (nowMs - ackTimeMs) / 1000 : 0 }
    }

    public private(set) var replicas: [Replica] = []

    public init() {}

    public mutating func attach(id: Int, ip: String, port: Int, state: State, nowMs: Int64, prePsync: Bool = false) {
        replicas.removeAll { $0.id == id }
        replicas.append(Replica(id: id, ip: ip, port: port, state: state, ackTimeMs: nowMs, prePsync: prePsync))
    }

    public mutating func detach(id: Int) { replicas.removeAll { $0.id == id } }

    public mutating func setState(id: Int, _ state: State, nowMs: Int64) {
        guard let i = replicas.firstIndex(where: { $0.id == id }) else { return }
        replicas[i].state = state
        // A replica going online starts its lag from now (replicaPutOnline).
        if state == .online { replicas[i].ackTimeMs = nowMs }
    }

    /// REPLCONF ACK: the offset only moves forward; the time always refreshes.
    public mutating func acknowledged(id: Int, offset: Int64, nowMs: Int64) {
        guard let i = replicas.firstIndex(where: { $0.id == id }) else { return }
        replicas[i].ackOffset = max(replicas[i].ackOffset, offset)
        replicas[i].ackTimeMs = nowMs
    }

    /// refreshGoodSlavesCount: online replicas whose last ACK is at most `maxLagSeconds` old.
    public func goodCount(nowMs: Int64, maxLagSeconds: Int) -> Int {
        replicas.filter { $0.state == .online && (nowMs - $0.ackTimeMs) / 1000 <= Int64(maxLagSeconds) }.count
    }

    /// Whether min-replicas-to-write refuses writes now (`-NOREPLICAS`).
    public func refusesWrites(minReplicas: Int, maxLagSeconds: Int, nowMs: Int64) -> Bool {
        guard minReplicas > 0 && maxLagSeconds > 0 else { return false }
        return goodCount(nowMs: nowMs, maxLagSeconds: maxLagSeconds) < minReplicas
    }

    /// replicationCountAcksByOffset: online replicas that acknowledged `offset`.
    public func acknowledgedCount(atLeast offset: Int64) -> Int {
        replicas.filter { $0.state == .online && $0.ackOffset >= offset }.count
    }

    /// Replicas that have not acknowledged for longer than repl-timeout
    /// (online PSYNC replicas only), to be disconnected with "Disconnecting
    /// timedout replica (streaming sync): <name>".
    public func timedOut(nowMs: Int64, timeoutSeconds: Int) -> [Int] {
        replicas.filter { $0.state == .online && !$0.prePsync && nowMs - $0.ackTimeMs > Int64(timeoutSeconds) * 1000 }.map(\.id)
    }
}

/// When a master puts `ping` into its stream (repl-ping-replica-period),
/// counted in cron ticks of one second as replicationCron does.
public struct ReplicaPingSchedule: Sendable {
    private var cronLoops = 0
    public init() {}

    /// One replication cron (once a second). True when a PING is due: only
    /// with replicas attached, never while clients are paused for a failover.
    public mutating func cron(periodSeconds: Int, hasReplicas: Bool, pausedForFailover: Bool = false) -> Bool {
        defer { cronLoops += 1 }
        return hasReplicas && !pausedForFailover && cronLoops % max(periodSeconds, 1) == 0
    }

    /// The 14 bytes of the stream's ping (lowercase, as 7.0 sends it).
    public static let ping: [UInt8] = Array("*1\r\n$4\r\nping\r\n".utf8)
}
