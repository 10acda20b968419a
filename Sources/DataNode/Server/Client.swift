import ACL
import Keyspace
import Protocol
import Reactor

/// Per-connection state flags, as Redis's CLIENT_* flags.
public struct ClientFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let multi = ClientFlags(rawValue: 1 << 0)
    /// A WATCHed key was touched: EXEC will fail.
    public static let dirtyCAS = ClientFlags(rawValue: 1 << 1)
    /// A command failed to queue: EXEC answers EXECABORT.
    public static let dirtyExec = ClientFlags(rawValue: 1 << 2)
    public static let pubsub = ClientFlags(rawValue: 1 << 3)
    public static let monitor = ClientFlags(rawValue: 1 << 4)
    /// Our replication master's link.
    public static let master = ClientFlags(rawValue: 1 << 5)
    /// A replica attached to us.
    public static let replica = ClientFlags(rawValue: 1 << 6)
    public static let closeAfterReply = ClientFlags(rawValue: 1 << 7)
    public static let closeASAP = ClientFlags(rawValue: 1 << 8)
    public static let noEvict = ClientFlags(rawValue: 1 << 9)
    public static let noTouch = ClientFlags(rawValue: 1 << 10)
    public static let unixSocket = ClientFlags(rawValue: 1 << 11)
    public static let readonly = ClientFlags(rawValue: 1 << 12)
    /// The scripting client: blocking commands answer as on timeout (CLIENT_DENY_BLOCKING).
    public static let denyBlocking = ClientFlags(rawValue: 1 << 13)
    /// A replica in a full resync: its output (the stream since its
    /// snapshot's offset) waits until the snapshot went out.
    public static let streamHeld = ClientFlags(rawValue: 1 << 14)
    /// SCRIPT DEBUG YES or SYNC: its next EVAL runs under the debugger.
    public static let luaDebug = ClientFlags(rawValue: 1 << 15)
    /// SCRIPT DEBUG SYNC: the session blocks the server instead of forking.
    public static let luaDebugSync = ClientFlags(rawValue: 1 << 16)
}

/// CLIENT REPLY modes.
public enum ReplyMode: Sendable { case on, off, skip, skipNext }

/// A connected client: its connection, protocol state and session state.
public final class Client: ConnectionDelegate {
    public let id: Int
    public let connection: Connection?
    /// The server outlives its clients; unowned(unsafe) skips the per-access check on the hot path.
    public unowned(unsafe) let server: Server
    public var parser: RequestParser
    /// Replies not yet handed to the connection.
    public var out: RESPWriter
    /// What the reply buffer holds from the start, as Redis's per-client
    /// buffer (PROTO_REPLY_CHUNK_BYTES).
    public static let replyBufferBytes = 16 * 1024
    public var flags: ClientFlags = []
    /// The client the AOF loader replays commands through (Redis's CLIENT_ID_AOF).
    public var isAOFLoader = false
    /// mustObeyClient: commands from the master or the AOF were already
    /// checked and rewritten where they ran first, so limits do not apply again.
    @inline(__always) public var mustObey: Bool { isAOFLoader || flags.contains(.master) }
    public var dbIndex = 0 {
        didSet { db = server.databases[dbIndex] }
    }
    /// The selected database (SWAPDB swaps contents, not these objects).
    public private(set) var db: Database
    public var name: [UInt8]? = nil
    public var authenticated: Bool
    public var user = "default"
    /// The ACL user behind `user`; nil for the default user.
    public var aclUser: ACLUser?
    public var libName: [UInt8]? = nil
    public var libVersion: [UInt8]? = nil
    public let createdMs: Int64
    public var lastInteractionMs: Int64
    public let address: String
    public let localAddress: String
    public var replyMode: ReplyMode = .on
    /// Byte ranges of `out` written by the running command as pushes
    /// (subscribe confirmations, pub/sub messages): Redis flags them
    /// CLIENT_PUSHING, so CLIENT REPLY OFF/SKIP does not drop them.
    var keptPushes: [Range<Int>] = []
    /// Input bytes of the read batch being processed: Redis trims its query
    /// buffer only after the batch, so CLIENT LIST's qbuf counts the running
    /// command (and the batch's others) while they run.
    var inputBatchBytes = 0
    /// The last command run (commands live as long as the server's table).
    public unowned(unsafe) var lastCommand: Command?
    public var lastCommandName: String { lastCommand?.fullName ?? "NULL" }
    /// Commands queued by MULTI.
    public var multiQueue: [(command: Command, argv: [[UInt8]])] = []
    /// Keys this client WATCHes; `expired` when the key was already logically
    /// expired at WATCH time (its lazy deletion is then not a change, as in 7.0).
    public var watchedKeys: [(db: Int, key: Key, expired: Bool)] = []
    public var channels = Set<Key>()
    /// Patterns in subscription order (Redis keeps a list).
    public var patterns: [Key] = []
    /// SSUBSCRIBE channels: a namespace of their own, counted apart.
    public var shardChannels = Set<Key>()
    /// CLIENT TRACKING mode, redirect and prefixes.
    public var tracking = ClientTracking()
    /// Argument positions MONITOR and SLOWLOG show as "(redacted)" for the
    /// command being run (AUTH, HELLO AUTH passwords); call() clears it.
    public var redactedArgs: [Int] = []
    /// The replication offset after this client's last write (WAIT's target).
    public var replOffsetAfterWrite: Int64 = 0
    /// When the output first went over the soft limit (ms), 0 if below.
    public var softLimitReachedMs: Int64 = 0
    /// Queued in the server's pending-write list.
    var pendingWrite = false
    /// Why a client marked closeASAP while running its commands is closed.
    var closeReason = ""
    /// This client's share of Server.clientsMemoryTotal (maxmemory-clients).
    var countedMemory = 0
    /// The reply buffer's current size, its peak use this period, and when
    /// the period began (Client+ReplyBuffer).
    /// The most the query buffer held since clientsCron last looked.
    var queryBufferPeak = 0
    /// A new client's peak starts full, so its first visit only starts the
    /// first period (Redis's effective start: its first reset is due at once).
    var replyBufferSize = Client.replyBufferBytes
    var replyBufferPeak = Client.replyBufferBytes
    var replyBufferPeakResetMs: Int64 = .min / 2
    /// REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME.
    static let replyBufferPeakResetDefaultMs: Int64 = 5000
    /// Removed from the server (closed or being closed).
    public private(set) var isFreed = false

    public var proto: Int {
        get { out.proto }
        set { out.proto = newValue }
    }


    /// Channels + patterns, the count SUBSCRIBE/PSUBSCRIBE replies carry.
    public var subscriptionCount: Int { channels.count + patterns.count }
    /// Including shard channels: the client is in pub/sub mode while this is > 0.
    public var totalSubscriptionCount: Int { channels.count + patterns.count + shardChannels.count }

    init(id: Int, connection: Connection?, server: Server, address: String, localAddress: String) {
        self.id = id
        self.connection = connection
        self.server = server
        self.address = address
        self.localAddress = localAddress
        db = server.databases[0]
        parser = RequestParser(maxBulkLength: server.config.protoMaxBulkLen)
        out = RESPWriter(proto: 2, capacity: Self.replyBufferBytes)
        authenticated = ConnectionCommands.startsAuthenticated(server)
        parser.authRequired = !authenticated
        createdMs = server.clock.monotonicMs()
        lastInteractionMs = createdMs
        connection?.delegate = self
    }

    deinit {
        // The connection's delegate is unowned: detach before going away.
        if let c = connection, !c.isClosed {
            c.delegate = nil
            c.close(reason: "client released")
        }
    }

    /// Output bytes not yet written to the socket.
    public var pendingOutputBytes: Int { out.bytes.count + (connection?.pendingOutputBytes ?? 0) }

    // MARK: reply helpers

    public func replyError(_ message: String) {
        out.error(message)
        server.stats.noteError(message)
    }

    /// An error that echoes client bytes: build it with `errorText`.
    public func replyError(bytes message: [UInt8]) {
        out.error(bytes: message)
        server.stats.noteError(String(decoding: message.prefix { $0 != 32 }, as: UTF8.self))
    }

    /// Queues the client for the before-sleep flush.
    @inline(__always) func markPendingWrite() {
        if !pendingWrite {
            pendingWrite = true
            server.pendingWrites.append(self)
        }
    }

    // MARK: ConnectionDelegate

    public func connectionDidRead(_ connection: Connection) {
        lastInteractionMs = server.clock.monotonicMs()
        server.processInput(self)
    }

    public func connectionDidClose(_ connection: Connection, reason: String) {
        server.freeClient(self, reason: reason)
    }

    func markFreed() { isFreed = true }
}

extension Client {
    /// Records `out[start...]` as a push that CLIENT REPLY OFF/SKIP keeps.
    @inline(__always)
    func notePush(from start: Int) {
        if replyMode != .on { keptPushes.append(start..<out.bytes.count) }
    }

    /// Drops what the command replied since `start` (CLIENT REPLY OFF/SKIP),
    /// keeping the pushes written meanwhile, in order.
    func dropReply(from start: Int) {
        var kept: [UInt8] = []
        for r in keptPushes where r.lowerBound >= start && r.upperBound <= out.bytes.count {
            kept += out.bytes[r]
        }
        out.bytes.removeSubrange(start...)
        let base = out.bytes.count
        out.bytes += kept
        // An enclosing EXEC drops its own reply later: the pushes stay marked.
        keptPushes = kept.isEmpty ? [] : [base..<out.bytes.count]
    }
}
