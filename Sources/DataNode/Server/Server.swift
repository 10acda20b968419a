import ACL
import CoreKit
import Keyspace
import Reactor
import ServerKit

/// The data node: one event loop, its clients and its databases.
public final class Server {
    /// Any change (CONFIG SET, tests) refreshes the values read per command.
    public var config: ServerConfig {
        didSet {
            hot = HotConfig(config)
            syncAccessPolicy()
            keyspace.replicaReadOnly = config.replicaReadOnly
        }
    }
    /// Config values read on every command, cached: the config table is keyed by name.
    private(set) var hot: HotConfig

    /// Rebuilds `hot` when something it reads besides the config changed
    /// (DEBUG QUICKLIST-PACKED-THRESHOLD).
    func refreshHotConfig() { hot = HotConfig(config) }
    public let configFile: String?
    public let loop: EventLoop
    public let log: Logger
    public let keyspace = KeyspaceContext()
    public private(set) var databases: [Database]
    public let commands: CommandTable
    /// Users and their permissions (ACL), and the ACL log.
    public let acl = ACLUsers(catalog: Server.aclCatalog)
    public var aclLog = ACLLog()
    public var stats = ServerStats()
    public var slowlog = Slowlog()
    /// LATENCY events above latency-monitor-threshold.
    public var latency = LatencyMonitor()
    /// INFO's sampled figures (instantaneous rates, memory peak).
    public var infoSampler: InfoSampler
    /// 40 hex chars, new at every start.
    public let runId: String
    /// Ids, offsets, role and attached replicas (Replication/).
    public let replication: ReplicationState
    /// The link to our master, when we are a replica (Replication/).
    lazy var replicaLinkDriver = ReplicaLinkDriver(server: self)
    public let startUnixMs: Int64
    public let startMonotonicMs: Int64
    /// Changes since the last save.
    public var dirty = 0
    public var lastSaveUnix: Int
    /// RDB saving and loading state (Persistence/).
    var persistence = PersistenceState()
    /// The forked BGSAVE or AOF rewrite, if one runs.
    var backgroundChild: BackgroundChild? {
        didSet { updateDictResizePolicy() }
    }
    /// What oom-score-adj changed in /proc/self/oom_score_adj (Server+OOMScore).
    var oomScore = OOMScoreAdjuster()
    /// fork(2), replaceable so tests can make it fail.
    public var forkProcess: () -> Int32 = BackgroundChild.systemFork
    public var activeExpireEnabled = true
    /// DEBUG SET-SKIP-CHECKSUM-VALIDATION: RDB files and RESTORE payloads load without their CRC checked.
    public var skipChecksumValidation = false
    /// Writable replica: keys its own clients gave a TTL, by database (Server+WritableReplicaExpiry).
    var writableReplicaExpires: [Key: Set<Int>] = [:]
    /// DEBUG PAUSE-CRON: the cron runs but skips all its work.
    public var cronPaused = false
    /// Where every time reading comes from (the real clocks unless a test injects one).
    public let clock: NodeClock
    /// Added to the wall clock for key expiry: lets tests move time without sleeping.
    public var clockOffsetMs: Int64 {
        get { clock.keyspaceOffsetMs }
        set { clock.keyspaceOffsetMs = newValue }
    }
    var activeExpire = ActiveExpire()
    public var rng = FastRandom()

    // Clients
    public internal(set) var clients: [Int: Client] = [:]
    var nextClientId = 1
    var pendingWrites: [Client] = []
    /// The memory normal and pub/sub clients hold, as last counted (maxmemory-clients).
    var clientsMemoryTotal = 0
    /// The client whose input processInput is running (0: none).
    var inputClientId = 0
    /// Client ids clientsCron has still to visit this round.
    var clientsCronQueue: [Int] = []
    /// DEBUG REPLYBUFFER RESIZING / PEAK-RESET-TIME (ms, -1 never).
    var replyBufferResizing = true
    var replyBufferPeakResetMs: Int64 = Client.replyBufferPeakResetDefaultMs
    public var monitors: [Client] = []
    /// Pub/sub subscribers: channels, patterns, shard channels.
    public var pubsub = PubSubRegistry<Key, Client>()
    /// WATCHed keys per database index.
    var watchers: [[Key: [Client]]]
    /// Client-side caching: who read what, BCAST prefixes (Server+Tracking.swift).
    public let tracking = TrackingTable()
    /// Id of the client whose command (or pre-command work) is running, 0 if
    /// none: NOLOOP and the order of a client's own invalidations depend on
    /// it. An id rather than a reference: no retain and release per command.
    var currentClientId = 0
    /// CLIENT PAUSE: until (monotonic ms) and whether only writes are paused.
    public var pause = ClientPauseState() {
        didSet {
            keyspace.keepsExpiredKeys = pause.isSet
            // The master client is paused too: the link holds its stream.
            if pause.isSet { pauseReplicationStream() }
        }
    }
    var pausedClients: [(client: Client, argv: [[UInt8]])] = []
    /// Clients blocked on keys (Blocking.swift).
    public let blocking = BlockingRegistry()
    /// The write stream a replica or an AOF replays (Propagation/).
    public let feed = PropagationFeed()
    /// The append-only file (AOF/).
    public let aof = AppendOnlyFile()
    /// maxmemory enforcement (Server+Eviction.swift) and deferred frees (LazyFree.swift).
    public let eviction = EvictionState()
    public let lazyfree = LazyFreeQueue()
    /// MIGRATE's connections to its targets.
    public let migrateSockets = MigrateSocketCache()
    /// EVAL's script cache and VM, the function libraries, the running script (Scripting/).
    public let scripting = ScriptingState()
    /// How many call()s are running: EXEC's queue runs inside EXEC's call(),
    /// and only the outermost ends the propagation unit.
    var callDepth = 0
    /// The error count when a command's stats last took their errors
    /// (server.c incrCommandStatsOnError's prev_err_count): a call fails by
    /// the errors since, not by those of the calls nested in it.
    var commandStatsErrorMark = 0
    /// A script replied with an error already counted (ERR_REPLY_FLAG_NO_STATS_UPDATE): its call failed all the same.
    var failedCallUncounted = false
    /// A blocked client is being served (Redis raises fixed_time_expire and
    /// makes it current_client): what it invalidates for itself follows its reply.
    var servingBlockedClient = false

    var tcpListeners: [Listener] = []
    var unixListener: Listener?
    /// listen() ran: a server driven in-process by tests has no sockets to move.
    var listening = false
    public internal(set) var port = 0
    public var shutdownRequested = false
    /// Set by SHUTDOWN or a signal; the loop stops after the current iteration.
    public internal(set) var exiting = false
    public var exitCode: Int32 = 0
    var cronLoops = 0

    /// `commands` is the table dispatch looks commands up in (Commands/ builds it).
    public init(config: ServerConfig, configFile: String?, clock: NodeClock = NodeClock(), commands: CommandTable) throws {
        self.config = config
        self.hot = HotConfig(config)
        self.configFile = configFile
        self.clock = clock
        infoSampler = InfoSampler(nowMs: clock.monotonicMs())
        loop = try EventLoop()
        log = Logger(level: Logger.Level(name: config.loglevel) ?? .notice, path: config.logfile)
        self.commands = commands
        databases = []
        watchers = Array(repeating: [:], count: max(config.databases, 1))
        var g = SystemRandomNumberGenerator()
        runId = (0..<40).map { _ in String(Int.random(in: 0..<16, using: &g), radix: 16) }.joined()
        replication = ReplicationState(keyspace: keyspace, using: &g)
        latency.configure(thresholdMs: config.latencyMonitorThreshold, tracking: config.latencyTracking)
        startUnixMs = clock.wallMs()
        startMonotonicMs = clock.monotonicMs()
        lastSaveUnix = Int(startUnixMs / 1000)
        databases = (0..<max(config.databases, 1)).map { Database(id: $0, context: keyspace) }
        acl.pubsubDefaultAll = config.aclPubsubDefault == "allchannels"
        acl.setRequirePass(config.requirepassBytes)
        keyspace.nowMs = startUnixMs
        // Runs on every write. Unmanaged, not unowned(unsafe): loading the
        // latter retains atomically (even under -assume-single-threaded).
        let server = Unmanaged.passUnretained(self)
        keyspace.onModified = { db, key in
            server._withUnsafeGuaranteedRef { s in
                s.touchWatchedKey(db: db.id, key: key)
                if s.tracking.created { s.trackingInvalidateKey(key, bcast: true) }
                if s.blocking.hasWaiters { s.blocking.signal(db: db.id, key: key) }
            }
        }
        keyspace.onExpired = { db, key in
            server._withUnsafeGuaranteedRef { s in
                if s.tracking.created { s.tracking.clearModifier(of: key) }
                s.notifyKeyspaceEvent(ConfigNotifyFlags.expired, "expired", key, db: db.id)
                s.propagateExpired(db: db, key: key)
            }
        }
        keyspace.onKeyMiss = { db, key in
            server._withUnsafeGuaranteedRef { s in s.notifyKeyspaceEvent(ConfigNotifyFlags.keyMiss, "keymiss", key, db: db.id) }
        }
        keyspace.onNew = { db, key in
            server._withUnsafeGuaranteedRef { s in s.notifyKeyspaceEvent(ConfigNotifyFlags.new, "new", key, db: db.id) }
        }
        let replication = Unmanaged.passUnretained(self.replication)
        feed.onFed = { n in
            replication._withUnsafeGuaranteedRef { r in r.streamFed(bytes: n) }
        }
        loop.beforeSleep.append { [unowned(unsafe) self] in self.beforeSleep() }
        syncAccessPolicy()
        keyspace.replicaReadOnly = config.replicaReadOnly
        keyspace.createSharedIntegers()
        installKeyspaceGrowthCheck()
        updateDictResizePolicy()
        // The Swift runtime builds a generic type's metadata on first use and
        // keeps it, in 16 KB pages; lazily initialized statics (uname, the
        // executable path) stay too. Rendered once here, INFO's share of both
        // is start-up memory, as Redis's fixed structures are: otherwise the
        // first INFO grew used_memory just after reporting it.
        _ = infoText(InfoSelection(arguments: ["everything"]))
    }

    deinit {
        // Connections point at the loop without owning it: close them while it
        // still exists (stored properties are released after this body).
        for c in clients.values {
            if let conn = c.connection, !conn.isClosed {
                conn.delegate = nil
                conn.close(reason: "server released")
            }
        }
    }

    /// The last name looked up and its command: a pipeline repeats one command,
    /// and comparing its few bytes is cheaper than hashing them for the table.
    var lastLookupName: [UInt8] = []
    /// Strong: loading an unowned(unsafe) reference retains atomically even
    /// under -assume-single-threaded (commands live as long as the table anyway).
    var lastLookup: Command?

    // MARK: databases

    public func swapDatabases(_ a: Int, _ b: Int) {
        let da = databases[a], db = databases[b]
        // Before the swap: only watched keys present on either side are touched.
        touchWatchedKeysBeforeFlush(db: a, replacedWith: b)
        touchWatchedKeysBeforeFlush(db: b, replacedWith: a)
        swap(&da.dict, &db.dict)
        swap(&da.expires, &db.expires)
        swap(&da.avgTTL, &db.avgTTL)
        signalWaitedKeys(db: a)
        signalWaitedKeys(db: b)
    }
}

extension Server {
    /// Brings the keyspace's access tracking in line with maxmemory-policy,
    /// lfu-log-factor and lfu-decay-time. Meant to run at start-up and after
    /// CONFIG SET of those; OBJECT IDLETIME/FREQ also call it, so their
    /// answers always follow the configuration.
    public func syncAccessPolicy() {
        let policy = AccessPolicy(lfu: config.maxmemoryPolicy.hasSuffix("-lfu"),
                                  lfuLogFactor: config.int("lfu-log-factor"),
                                  lfuDecayTime: config.int("lfu-decay-time"),
                                  sharesIntegers: KeyCommands.sharesIntegers(self))
        if keyspace.accessPolicy != policy { keyspace.accessPolicy = policy }
    }
}
