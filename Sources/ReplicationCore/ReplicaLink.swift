import CoreKit
import Protocol

/// The replica side of replication as a state machine with no IO
/// (replication.md §2-6, 7.0's replication.c): the operator feeds it what
/// happened on the link and the passing of time; it returns what to do.
///
/// It owns the node's replication history while the node is a replica:
/// the ids it asks PSYNC with, the offset of what it applied.
public struct ReplicaLink: Sendable {
    public internal(set) var masterHost: String?
    public internal(set) var masterPort = 0
    public internal(set) var state: ReplicaLinkState = .none
    public var history: ReplicationHistory
    public var settings: ReplicaLinkSettings

    /// A dataset that continues `history` exists, so PSYNC can name it
    /// (7.0's cached master, or the master synthesized from ourselves).
    public internal(set) var hasCachedMaster = false
    /// A coordinated FAILOVER demoted this node: its PSYNC carries `FAILOVER`
    /// so that the target promotes itself first.
    public var failoverPsync = false
    /// The last PSYNC's outcome: true for +FULLRESYNC or +CONTINUE, false for
    /// anything else, nil while none was answered since it was cleared.
    public var psyncAccepted: Bool?
    /// slave_read_repl_offset: stream bytes read from the master.
    public internal(set) var readOffset: Int64 = 0
    /// When the link last went down (nil: it never was up, or is up).
    public internal(set) var linkDownSinceMs: Int64?
    /// The last bytes (or connect) seen from the master.
    public internal(set) var lastIOMs: Int64 = 0
    /// A master that answered SYNC rather than PSYNC: no ACKs, no PSYNC later.
    public internal(set) var prePsync = false
    /// The dual-channel sync in progress (DualChannelSync.swift), nil otherwise.
    public internal(set) var dual: DualChannelSync?
    /// A dual-channel sync failed: the next attempt uses the plain protocol.
    public internal(set) var plainNextAttempt = false
    /// This attempt's handshake announced `capa vigil-dual-channel`.
    var announcedDual = false

    /// Bytes received and not yet used (handshake replies, stream).
    var input: [UInt8] = []
    /// The offset FULLRESYNC named (-1 after SYNC) and the master's id then.
    var fullSyncOffset: Int64 = -1
    var fullSyncId = ""
    public internal(set) var payload: PayloadFraming?
    /// Where the payload being received is loaded from (fixed at its header).
    public internal(set) var payloadTarget: PayloadLoadTarget = .disk
    var lastAckMs: Int64 = 0
    var lastConnectMs: Int64?
    /// Stream parsing: where the parser resumes, where the current command began.
    var parser = RequestParser()
    var parsePos = 0
    var commandStart = 0
    /// Applied bytes of the stream in `input`: credited to the offset up to
    /// `creditEnd` (a transaction's at its EXEC), handed on (`.forward`)
    /// up to `forwardStart`.
    var creditEnd = 0
    var forwardStart = 0
    var forwardBuffer: [UInt8] = []
    /// A `.continueStream` is outstanding: what arrives meanwhile is only
    /// buffered, so that reading the link costs nothing and keeps the
    /// master's buffer for us empty while the backlog is applied.
    var catchingUp = false
    /// Inside the master's MULTI: applied bytes are credited at EXEC.
    var inMulti = false
    /// The open transaction's commands (name and subcommand): what a pause
    /// that began inside it judges its EXEC by.
    var queued: [[[UInt8]]] = []
    /// The replica's CLIENT PAUSE, nil when none (StreamPause.swift).
    public internal(set) var streamPause: StreamPause?
    /// The command the pause holds, parsed and not applied: nothing after it
    /// is applied until the pause ends.
    var heldCommand: [[UInt8]]?

    public init(history: ReplicationHistory, settings: ReplicaLinkSettings) {
        self.history = history
        self.settings = settings
        parser.isMaster = true
    }

    // MARK: what INFO and ROLE read

    /// slave_read_repl_offset and slave_repl_offset: from the live or cached
    /// master, else 1 as 7.0 prints.
    public var infoOffsets: (read: Int64, applied: Int64) {
        if state == .connected { return (readOffset, history.offset) }
        if hasCachedMaster { return (history.offset, history.offset) }
        return (1, 1)
    }

    /// ROLE's offset: -1 without a live master connection.
    public var roleOffset: Int64 { state == .connected ? history.offset : -1 }

    /// master_last_io_seconds_ago: -1 without a live master connection.
    public func lastIOSecondsAgo(nowMs: Int64) -> Int64 { state == .connected ? (nowMs - lastIOMs) / 1000 : -1 }

    // MARK: operator commands

    /// Whether REPLICAOF host port names the master already followed
    /// ("+OK Already connected to specified master").
    public func follows(host: String, port: Int) -> Bool {
        masterHost?.lowercased() == host.lowercased() && masterPort == port
    }

    /// REPLICAOF host port (or `replicaof` in the config, `fromConfig`):
    /// replicationSetMaster.
    public mutating func replicaOf(host: String, port: Int, nowMs: Int64, fromConfig: Bool = false) -> [ReplicaLinkEffect] {
        var fx: [ReplicaLinkEffect] = []
        let wasMaster = masterHost == nil
        if state == .connected { fx += linkLost(reconnect: false, nowMs: nowMs) } else { fx += cancelHandshake() }
        masterHost = host
        masterPort = port
        if wasMaster && !fromConfig {
            fx += discardCachedMaster()
            fx.append(.log(.notice, "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer."))
            hasCachedMaster = true
        }
        state = .connect
        fx += connect(nowMs: nowMs, reconnecting: false)
        return fx
    }

    /// replicationCacheMasterUsingMyself at start-up: the history loaded
    /// from the RDB is what the next PSYNC asks to continue.
    public mutating func cacheMasterUsingMyself() -> [ReplicaLinkEffect] {
        hasCachedMaster = true
        return [.log(.notice, "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.")]
    }

    /// REPLICAOF NO ONE: replicationUnsetMaster. `newId` starts this node's
    /// own history; the one it followed stays valid as replid2.
    public mutating func becomeMaster(newId: String, nowMs: Int64) -> [ReplicaLinkEffect] {
        guard masterHost != nil else { return [] }
        var fx: [ReplicaLinkEffect] = []
        if state == .connected { fx += linkLost(reconnect: false, nowMs: nowMs) } else { fx += cancelHandshake() }
        fx += discardCachedMaster()
        history.shift(to: newId)
        fx.append(.log(.warning, history.shiftLogLine))
        fx.append(.disconnectReplicas)
        masterHost = nil
        masterPort = 0
        state = .none
        linkDownSinceMs = nil
        return fx
    }

    // MARK: the connection

    public mutating func connected(nowMs: Int64) -> [ReplicaLinkEffect] {
        guard state == .connecting else { return [] }
        lastIOMs = nowMs
        state = .receivePong
        // PING alone first: the reply tells whether we may go on (or must AUTH).
        return [.log(.notice, "Non blocking connect for SYNC fired the event."), .send(Wire.command("PING"))]
    }

    /// The connection failed or was closed by the master (`reason` as strerror says it).
    public mutating func closed(reason: String, nowMs: Int64) -> [ReplicaLinkEffect] {
        switch state {
        case .none, .connect:
            return []
        case .connecting:
            state = .connect
            return [.log(.warning, "Error condition on socket for SYNC: \(reason)")]
        case .receivePong, .receiveAuth, .receivePort, .receiveIP, .receiveCapa, .receivePsync:
            state = .connect
            input.removeAll()
            return [.log(.warning, "Master did not respond to command during SYNC handshake")]
        case .transfer, .loading:
            var fx: [ReplicaLinkEffect] = [.log(.warning, "I/O error trying to sync with MASTER: connection lost")]
            if dual != nil {
                fx.append(.log(.warning, "Dual-channel sync abandoned: the master connection was lost; retrying"))
                fx.append(.closeSnapshot)
                dual = nil
            }
            if payload != nil { fx.append(.discardPayload) }
            payload = nil
            input.removeAll()
            state = .connect
            return fx
        case .connected:
            return linkLost(reconnect: true, nowMs: nowMs, alreadyClosed: true)
        }
    }

    /// The replication cron (call it often; it acts once a second at most):
    /// reconnects, times the link out, sends the periodic ACK.
    public mutating func tick(nowMs: Int64) -> [ReplicaLinkEffect] {
        let timeoutMs = Int64(settings.timeoutSeconds) * 1000
        switch state {
        case .none, .loading:
            return []
        case .connect:
            if let last = lastConnectMs, nowMs - last < 1000 { return [] }
            return connect(nowMs: nowMs, reconnecting: false)
        case .connecting, .receivePong, .receiveAuth, .receivePort, .receiveIP, .receiveCapa, .receivePsync:
            guard nowMs - lastIOMs > timeoutMs else { return [] }
            var fx: [ReplicaLinkEffect] = [.log(.warning, "Timeout connecting to the MASTER...")]
            fx += cancelHandshake()
            fx += connect(nowMs: nowMs, afterFailure: true)
            return fx
        case .transfer:
            guard nowMs - lastIOMs > timeoutMs else { return [] }
            if payload != nil && payloadTarget != .disk && dual == nil { return socketLoadTimedOut(nowMs: nowMs) }
            var fx: [ReplicaLinkEffect] = [.log(.warning, "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.")]
            fx += cancelHandshake()
            fx += connect(nowMs: nowMs, afterFailure: true)
            return fx
        case .connected:
            if nowMs - lastIOMs > timeoutMs {
                var fx: [ReplicaLinkEffect] = [.log(.warning, "MASTER timeout: no data nor PING received...")]
                fx += linkLost(reconnect: true, nowMs: nowMs)
                return fx
            }
            guard !prePsync, nowMs - lastAckMs >= 1000 else { return [] }
            lastAckMs = nowMs
            return [.send(Wire.ack(history.offset))]
        }
    }

    // MARK: shared steps

    /// connectWithMaster.
    /// `afterFailure`: cancelReplicationHandshake(1) reconnects at once
    /// rather than at the next cron, and says so.
    mutating func connect(nowMs: Int64, reconnecting: Bool = false, afterFailure: Bool = false) -> [ReplicaLinkEffect] {
        guard let host = masterHost else { return [] }
        state = .connecting
        lastConnectMs = nowMs
        lastIOMs = nowMs
        input.removeAll()
        let verb = reconnecting || afterFailure ? "Reconnecting" : "Connecting"
        return [.log(.notice, "\(verb) to MASTER \(host):\(masterPort)\(afterFailure ? " after failure" : "")"),
                .connect(host: host, port: masterPort),
                .log(.notice, "MASTER <-> REPLICA sync started")]
    }

    /// cancelReplicationHandshake: drop a link that is not yet streaming; the cron retries.
    mutating func cancelHandshake() -> [ReplicaLinkEffect] {
        var fx: [ReplicaLinkEffect] = []
        if state == .transfer || state == .loading, payload != nil {
            fx.append(.discardPayload)
        }
        if state.hasConnection && state != .connected { fx.append(.close) }
        if dual != nil {
            fx.append(.closeSnapshot)
            dual = nil
        }
        payload = nil
        input.removeAll()
        if state != .none { state = .connect }
        return fx
    }

    /// The master client went away: its state is cached for a PSYNC.
    mutating func linkLost(reconnect: Bool, nowMs: Int64, alreadyClosed: Bool = false) -> [ReplicaLinkEffect] {
        var fx: [ReplicaLinkEffect] = alreadyClosed ? [] : [.close]
        fx.append(.log(.warning, "Connection with master lost."))
        fx.append(.log(.notice, "Caching the disconnected master state."))
        hasCachedMaster = !prePsync
        prePsync = false
        // A transaction cut short is dropped: its bytes were never credited,
        // so the PSYNC asks for them again.
        inMulti = false
        queued.removeAll()
        // A held command was never credited either.
        heldCommand = nil
        input.removeAll()
        parser = RequestParser()
        parser.isMaster = true
        parsePos = 0
        commandStart = 0
        creditEnd = 0
        forwardStart = 0
        catchingUp = false
        linkDownSinceMs = nowMs
        state = .connect
        if reconnect { fx += connect(nowMs: nowMs, reconnecting: true) }
        return fx
    }

    mutating func discardCachedMaster() -> [ReplicaLinkEffect] {
        guard hasCachedMaster else { return [] }
        hasCachedMaster = false
        return [.log(.notice, "Discarding previously cached master state.")]
    }
}
