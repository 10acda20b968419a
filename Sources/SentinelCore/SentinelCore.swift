import CoreKit
/// The sentinel as a deterministic state machine (sentinel.c without the
/// sockets): the masters, replicas and sentinels it knows, driven only by the
/// inputs below and answering only with `SentinelEffect`s: every input
/// returns the effects it caused, in the order the IO layer must carry them
/// out. It reads no clock (every input carries `now`, wall-clock ms, as
/// mstime()), draws randomness only from its seeded generator, and owns no socket.
public final class SentinelCore {
    public internal(set) var masters = InstanceTable()
    /// Empty until loaded from the config or picked at start.
    public internal(set) var myid = ""
    public internal(set) var currentEpoch: UInt64 = 0
    public var timings = SentinelTimings()

    public internal(set) var tilt = false
    public internal(set) var tiltStartTime: Int64 = 0
    var previousTime: Int64

    // Global sentinel options.
    public internal(set) var announceIP: String?
    public internal(set) var announcePort = 0
    public internal(set) var denyScriptsReconfig = true
    public internal(set) var resolveHostnames = false
    public internal(set) var announceHostnames = false
    public internal(set) var sentinelAuthUser: String?
    public internal(set) var sentinelAuthPass: String?
    /// The server's requirepass: the legacy password for links to other sentinels.
    public var requirePass: String?
    /// Our own port, announced in hellos unless announce-port is set.
    public var port = 26379
    public internal(set) var simulateFailureFlags: SimulateFailure = []

    /// Resolves a hostname when resolve-hostnames is on (injected: the core does no DNS).
    public var resolver: (String) -> String? = { _ in nil }
    /// Whether a script path may be run (access X_OK), injected like the resolver.
    public var isExecutable: (String) -> Bool = { _ in false }
    /// ctime text of a wall-clock ms for log lines. Local time needs the time
    /// zone files, so the shell injects it; the default is UTC.
    public var timeText: (Int64) -> String = CTimeText.utc

    var rng: SentinelRandom
    var now: Int64
    /// What the input being handled has caused so far (see `input`).
    var effects: [SentinelEffect] = []
    private var nextUID = 1
    private var nextConnID = 1
    /// Open connections: which link they belong to and which instance opened them.
    var connections: [Int: Connection] = [:]
    var instancesByUID: [Int: Instance] = [:]
    /// Notification and reconfig scripts, oldest first.
    var scriptQueue: [ScriptJob] = []
    var nextScriptJob = 1
    /// Bad peer input already logged (instance uid + reason), so it is logged once.
    var loggedBadInput: Set<String> = []

    struct Connection {
        let link: InstanceLink
        let isPubsub: Bool
        let ownerUID: Int
    }

    public struct SimulateFailure: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let crashAfterElection = SimulateFailure(rawValue: 1)
        public static let crashAfterPromotion = SimulateFailure(rawValue: 2)
    }

    public init(seed: UInt64, now: Int64) {
        rng = SentinelRandom(seed: seed)
        self.now = now
        previousTime = now
    }

    /// Every input: the clock moves to the input's time, the body runs, and
    /// the effects it caused go back to the caller.
    func input(_ now: Int64, _ body: () -> Void) -> [SentinelEffect] {
        self.now = now
        body()
        return takeEffects()
    }

    /// Effects emitted since the last input returned (unit tests that call a
    /// step directly collect its effects with this).
    func takeEffects() -> [SentinelEffect] {
        let out = effects
        effects.removeAll(keepingCapacity: true)
        return out
    }

    /// Delay until the next `advance`: redis-sentinel moves hz to 10 +
    /// rand()%10 after every timer run, so sentinels drift out of step.
    public func nextTickDelay() -> Int64 {
        Int64(1000 / (10 + rng.below(10)))
    }

    /// The instance with this uid, if it still exists.
    public func instance(uid: Int) -> Instance? { instancesByUID[uid] }

    // MARK: Startup

    /// sentinelIsRunning: pick and save an id if none was configured, log it,
    /// and announce every configured master.
    public func start(now: Int64) -> [SentinelEffect] {
        input(now) {
            previousTime = now
            if myid.isEmpty {
                myid = rng.runID()
                flushConfig()
            }
            log(.warning, "Sentinel ID is \(myid)")
            for m in masters {
                event(.warning, "+monitor", m, "\(describe(m)) quorum \(m.quorum)")
            }
        }
    }

    // MARK: Instances

    func allocateUID() -> Int {
        defer { nextUID += 1 }
        return nextUID
    }

    /// createSentinelRedisInstance. Returns nil (with the reason) if the
    /// address is invalid or the name is taken in the table it goes to.
    func createInstance(name: String?, flags: InstanceFlags, host: String, port: Int, quorum: Int,
                        master: Instance?) -> Result<Instance, CreateError> {
        guard let addr = makeAddress(host: host, port: port) else {
            return .failure(port < 0 || port > 65535 ? .invalidPort : .invalidAddress)
        }
        let instName: String
        if flags.contains(.replica) {
            instName = SentinelAddress.format(host, port)
        } else {
            instName = name ?? ""
        }
        let taken: Bool
        if flags.contains(.master) {
            taken = masters[instName] != nil
        } else if flags.contains(.replica) {
            taken = master?.replicas[instName] != nil
        } else {
            taken = master?.sentinels[instName] != nil
        }
        if taken { return .failure(.duplicate) }
        let ri = Instance(uid: allocateUID(), flags: flags, name: instName, addr: addr, quorum: quorum,
                          master: master, timings: timings, now: now)
        if flags.contains(.master) {
            masters.insert(ri)
        } else if flags.contains(.replica) {
            master?.replicas.insert(ri)
        } else {
            master?.sentinels.insert(ri)
        }
        instancesByUID[ri.uid] = ri
        return .success(ri)
    }

    enum CreateError: Error {
        case invalidPort, invalidAddress, duplicate

        /// sentinelCheckCreateInstanceErrors: the config file's reason.
        func configReason(_ role: InstanceFlags) -> String {
            switch self {
            case .invalidPort: return "Invalid port number."
            case .invalidAddress: return "Can't resolve instance hostname."
            case .duplicate:
                if role.contains(.master) { return "Duplicate master name." }
                return role.contains(.replica) ? "Duplicate hostname and port for replica." : "Duplicate runid for sentinel."
            }
        }
    }

    /// createSentinelAddr: the port must be valid; the host must be an IP
    /// literal unless resolve-hostnames is on (then it is resolved).
    func makeAddress(host: String, port: Int) -> SentinelAddress? {
        if port < 0 || port > 65535 { return nil }
        if SentinelAddress.isIPLiteral(host) { return SentinelAddress(hostname: host, ip: host, port: port) }
        guard resolveHostnames, let ip = resolver(host) else { return nil }
        return SentinelAddress(hostname: host, ip: ip, port: port)
    }

    /// releaseSentinelRedisInstance: the instance, its replicas and sentinels.
    func release(_ ri: Instance) {
        for r in ri.replicas { release(r) }
        for s in ri.sentinels { release(s) }
        ri.replicas.removeAll()
        ri.sentinels.removeAll()
        releaseLink(ri)
        instancesByUID[ri.uid] = nil
    }

    /// releaseInstanceLink: a shared link stays open for its other users.
    func releaseLink(_ ri: Instance) {
        let link = ri.link
        link.refcount -= 1
        if link.refcount > 0 { return }
        if let cc = link.cc { closeConnection(link, cc) }
        if let pc = link.pc { closeConnection(link, pc) }
    }

    // MARK: Connections

    func openConnection(_ ri: Instance, pubsub: Bool) -> Int {
        let id = nextConnID
        nextConnID += 1
        connections[id] = Connection(link: ri.link, isPubsub: pubsub, ownerUID: ri.uid)
        effects.append(.connect(conn: id, host: ri.addr.ip, port: ri.addr.port))
        return id
    }

    /// instanceLinkCloseConnection: we close it ourselves.
    func closeConnection(_ link: InstanceLink, _ conn: Int) {
        forgetConnection(link, conn)
        effects.append(.close(conn: conn))
    }

    /// instanceLinkConnectionError: the connection is gone (either way).
    func forgetConnection(_ link: InstanceLink, _ conn: Int) {
        if link.cc == conn {
            link.cc = nil
            link.pendingCommands = 0
            link.ccLocalIP = nil
        }
        if link.pc == conn { link.pc = nil }
        link.disconnected = true
        connections[conn] = nil
    }

    func send(_ conn: Int, _ args: [String], _ tag: ReplyTag) {
        effects.append(.send(conn: conn, args: args, tag: tag))
    }

    // MARK: Events and log

    /// The `%@` of sentinelEvent: "<type> <name> <ip> <port>", plus
    /// " @ <master> <ip> <port>" for replicas and sentinels.
    func describe(_ ri: Instance) -> String {
        var s = "\(ri.typeName) \(ri.name) \(announceAddress(ri.addr)) \(ri.addr.port)"
        if !ri.isMaster, let m = ri.master {
            s += " @ \(m.name) \(announceAddress(m.addr)) \(m.addr.port)"
        }
        return s
    }

    public func announceAddress(_ a: SentinelAddress) -> String { announceHostnames ? a.hostname : a.ip }

    /// sentinelEvent: publish (unless debug), log, and for warnings tied to an
    /// instance, run its master's notification script.
    func event(_ level: LogLevel, _ type: String, _ ri: Instance?, _ message: String) {
        effects.append(.event(level: level, type: type, message: message))
        if level == .warning, let ri {
            let m = ri.isMaster ? ri : ri.master
            if let script = m?.notificationScript {
                scheduleScript([script, type, message])
            }
        }
    }

    func log(_ level: LogLevel, _ text: String) {
        effects.append(.log(level: level, text: text))
    }

    /// sentinelFlushConfig: the state as it is at this call goes to disk.
    func flushConfig() {
        effects.append(.persist(snapshot()))
    }

    // MARK: Lookups

    public func master(named name: String) -> Instance? { masters[name] }

    /// getSentinelRedisInstanceByAddrAndRunID over a table: by address (if
    /// given) and run id (if given).
    func lookup(in table: InstanceTable, ip: String?, port: Int, runid: String?) -> Instance? {
        for ri in table {
            if runid != nil && ri.runid == nil { continue }
            if (runid == nil || ri.runid == runid) && (ip == nil || (ri.addr.ip == ip && ri.addr.port == port)) {
                return ri
            }
        }
        return nil
    }

    /// Masters looked up by address for is-master-down-by-addr: IP or hostname.
    func lookupMaster(host: String, port: Int) -> Instance? {
        for m in masters where m.addr.port == port && (m.addr.ip == host || m.addr.hostname.lowercased() == host.lowercased()) {
            return m
        }
        return nil
    }

    /// sentinelGetCurrentMasterAddress: the promoted replica's address once a
    /// failover reaches reconf_slaves.
    public func currentAddress(_ master: Instance) -> SentinelAddress {
        if master.flags.contains(.failoverInProgress), let p = master.promotedReplica,
           master.failoverState >= .reconfSlaves {
            return p.addr
        }
        return master.addr
    }
}
