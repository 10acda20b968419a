import CVigilShim
import Glibc
import Protocol
import Reactor
import ServerKit

/// The data node: one event loop, its clients and its databases.
public final class Server {
    /// Any change (CONFIG SET, tests) refreshes the values read per command.
    public var config: ServerConfig {
        didSet {
            hot = HotConfig(config)
            syncAccessPolicy()
        }
    }
    /// Config values read on every command, cached: the config table is keyed by name.
    private(set) var hot: HotConfig
    public let configFile: String?
    public let loop: EventLoop
    public let log: Logger
    public let keyspace = KeyspaceContext()
    public private(set) var databases: [Database]
    public let commands: CommandTable
    public var stats = ServerStats()
    public var slowlog = Slowlog()
    /// LATENCY events above latency-monitor-threshold.
    public var latency = LatencyMonitor()
    /// INFO's sampled figures (instantaneous rates, memory peak).
    public var infoSampler = InfoSampler()
    /// 40 hex chars, new at every start.
    public let runId: String
    /// Replication history ids (40 hex chars); the first is new at every start.
    public var replicationId: String
    public var replicationId2 = String(repeating: "0", count: 40)
    public var masterReplOffset: Int64 = 0
    public var secondReplOffset: Int64 = -1
    public let startUnixMs: Int64
    public let startMonotonicMs: Int64
    /// Changes since the last save.
    public var dirty = 0
    public var lastSaveUnix: Int
    public var activeExpireEnabled = true
    /// The last clock reading (µs) and whether it is still "now" (set by a
    /// command's end, cleared whenever other work may have run in between).
    var lastClockUs: Int64 = 0
    var clockFresh = false
    /// Added to the wall clock for key expiry: lets tests move time without sleeping.
    public var clockOffsetMs: Int64 = 0
    var activeExpire = ActiveExpire()
    public var rng = FastRandom()

    // Clients
    public private(set) var clients: [Int: Client] = [:]
    private var nextClientId = 1
    var pendingWrites: [Client] = []
    public var monitors: [Client] = []
    /// Pub/sub subscribers: channels, patterns, shard channels.
    public var pubsub = PubSubRegistry<Key, Client>()
    /// WATCHed keys per database index.
    var watchers: [[Key: [Client]]]
    /// CLIENT PAUSE: until (monotonic ms) and whether only writes are paused.
    public var pauseUntilMs: Int64 = 0
    public var pauseWritesOnly = false
    var pausedClients: [(client: Client, argv: [[UInt8]])] = []
    /// Clients blocked on keys (Blocking.swift).
    public let blocking = BlockingRegistry()
    /// The write stream a replica or an AOF replays (Propagation/).
    public let feed = PropagationFeed()
    /// How many call()s are running: EXEC's queue runs inside EXEC's call(),
    /// and only the outermost ends the propagation unit.
    var callDepth = 0

    private var tcpListeners: [Listener] = []
    private var unixListener: Listener?
    /// listen() ran: a server driven in-process by tests has no sockets to move.
    private var listening = false
    public private(set) var port = 0
    public var shutdownRequested = false
    /// Set by SHUTDOWN or a signal; the loop stops after the current iteration.
    public private(set) var exiting = false
    public var exitCode: Int32 = 0
    private var cronLoops = 0

    public init(config: ServerConfig, configFile: String?) throws {
        self.config = config
        self.hot = HotConfig(config)
        self.configFile = configFile
        loop = try EventLoop()
        log = Logger(level: Logger.Level(name: config.loglevel) ?? .notice, path: config.logfile)
        commands = CommandTable()
        databases = []
        watchers = Array(repeating: [:], count: max(config.databases, 1))
        var g = SystemRandomNumberGenerator()
        runId = (0..<40).map { _ in String(Int.random(in: 0..<16, using: &g), radix: 16) }.joined()
        replicationId = Self.randomHexId(using: &g)
        latency.configure(thresholdMs: config.latencyMonitorThreshold, tracking: config.latencyTracking)
        startUnixMs = EventLoop.unixMs()
        startMonotonicMs = EventLoop.monotonicMs()
        lastSaveUnix = Int(startUnixMs / 1000)
        databases = (0..<max(config.databases, 1)).map { Database(id: $0, context: keyspace) }
        keyspace.nowMs = startUnixMs
        // Runs on every write. Unmanaged, not unowned(unsafe): loading the
        // latter retains atomically (even under -assume-single-threaded).
        let server = Unmanaged.passUnretained(self)
        keyspace.onModified = { db, key in
            server._withUnsafeGuaranteedRef { s in
                s.touchWatchedKey(db: db.id, key: key)
                if s.blocking.hasWaiters { s.blocking.signal(db: db.id, key: key) }
            }
        }
        keyspace.onExpired = { db, key in
            server._withUnsafeGuaranteedRef { s in s.propagateExpired(db: db, key: key) }
        }
        feed.onFed = { n in
            server._withUnsafeGuaranteedRef { s in s.masterReplOffset += Int64(n) }
        }
        loop.beforeSleep.append { [unowned(unsafe) self] in self.beforeSleep() }
        syncAccessPolicy()
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

    // MARK: start-up

    /// Opens the listening sockets. Throws with Redis's wording when a bind fails.
    public func listen() throws {
        (tcpListeners, port) = try openTCPListeners(port: config.port, bind: config.bind)
        listening = true
        if !config.unixSocket.isEmpty {
            let fd = try Socket.listenUnix(path: config.unixSocket, permissions: config.unixSocketPerm)
            unixListener = Listener(fd: fd, loop: loop) { [unowned self] cfd, _ in
                self.accept(fd: cfd, address: "/unixsocket:0", unix: true)
            }
        }
    }

    /// One listener per bind address ("-" marks one that may fail), all or
    /// none. Port 0 asks the kernel for one, which every address then shares.
    private func openTCPListeners(port: Int, bind: [String]) throws -> (listeners: [Listener], port: Int) {
        let addrs = bind.isEmpty ? ["*", "-::*"] : bind
        var opened: [Listener] = []
        var firstPort = port
        for raw in addrs {
            let optional = raw.hasPrefix("-")
            let host = optional ? String(raw.dropFirst()) : raw
            do {
                let fd = try Socket.listenTCP(host: host, port: firstPort, backlog: config.tcpBacklog)
                let l = Listener(fd: fd, loop: loop) { [unowned self] cfd, addr in self.accept(fd: cfd, address: addr, unix: false) }
                opened.append(l)
                if firstPort == 0 { firstPort = l.port }
            } catch {
                if optional { continue }
                for l in opened { l.close() }
                throw error
            }
        }
        return (opened, firstPort)
    }

    /// CONFIG SET port / bind, as 7.0's changeListenPort / changeBindAddr: the
    /// old sockets close first (a new bind may reuse the same port), port 0
    /// stops TCP, and a failure reopens the old ones and returns false.
    /// Established connections are not touched. `config` still holds the old values.
    func relisten(port newPort: Int, bind newBind: [String]) -> Bool {
        guard listening else { return true }
        for l in tcpListeners { l.close() }
        tcpListeners = []
        let oldPort = port
        if newPort == 0 {
            port = 0
            return true
        }
        do {
            (tcpListeners, port) = try openTCPListeners(port: newPort, bind: newBind)
            return true
        } catch {
            log.warning("Warning: \(error)")
            if oldPort != 0, let restored = try? openTCPListeners(port: oldPort, bind: config.bind) {
                (tcpListeners, port) = restored
            }
            return false
        }
    }

    /// Runs the loop until shutdown. Returns the exit code.
    public func run() -> Int32 {
        loop.addTimer(afterMs: 1) { [unowned self] in
            self.cron()
            return Int64(1000 / max(1, min(self.config.hz, 500)))
        }
        while !exiting {
            loop.runOnce(maxWaitMs: 100)
            if vigil_shutdown_requested() != 0 && !exiting {
                let sig = vigil_shutdown_requested()
                vigil_clear_shutdown()
                log.warning("Received \(sig == SIGINT ? "SIGINT" : "SIGTERM") scheduling shutdown...")
                if prepareForShutdown(save: nil, now: false, force: false) == nil { exiting = true }
            }
        }
        for l in tcpListeners { l.close() }
        unixListener?.close()
        if !config.unixSocket.isEmpty { unlink(config.unixSocket) }
        if !config.pidfile.isEmpty { unlink(config.pidfile) }
        log.warning("Vigil is now ready to exit, bye bye...")
        return exitCode
    }

    /// SHUTDOWN's work; returns an error text when the shutdown cannot proceed.
    public func prepareForShutdown(save: Bool?, now: Bool, force: Bool) -> String? {
        log.warning("User requested shutdown...")
        // Flush what clients are owed before closing (replicas, monitors).
        for c in clients.values { flushClient(c) }
        exiting = true
        return nil
    }

    // MARK: clients

    func accept(fd: Int32, address: String, unix: Bool) {
        if clients.count >= config.maxclients {
            CommandRejection.refuseOverMaxClients(fd: fd)
            stats.rejectedConnections += 1
            return
        }
        if !unix {
            Socket.setNoDelay(fd)
            if config.tcpKeepalive > 0 { Socket.setKeepAlive(fd, interval: config.tcpKeepalive) }
        }
        let conn = Connection(fd: fd, loop: loop)
        let local = unix ? config.unixSocket + ":0" : Socket.localName(fd)
        let client = Client(id: nextClientId, connection: conn, server: self, address: address, localAddress: local)
        nextClientId += 1
        if unix { client.flags.insert(.unixSocket) }
        conn.onOutputPending = { _ in }
        clients[client.id] = client
        if protectedModeRejects(client) {
            client.out.error(Self.deniedMessage)
            client.flags.insert(.closeAfterReply)
            flushClient(client)
            conn.closeAfterFlush()
            return
        }
        // As clientAcceptHandler: only a connection that became a client counts.
        stats.totalConnectionsReceived += 1
        log.verbose("Accepted \(address)")
    }

    /// Protected mode: no password, default bind, and a non-loopback peer.
    private func protectedModeRejects(_ c: Client) -> Bool {
        guard config.protectedMode, config.requirepass.isEmpty, !c.flags.contains(.unixSocket) else { return false }
        let explicitBind = !(config.bind.isEmpty || config.bind == ["*", "-::*"])
        if explicitBind { return false }
        let host = c.address.split(separator: ":").dropLast().joined(separator: ":")
        return !(host == "127.0.0.1" || host == "::1" || host.hasPrefix("127."))
    }

    static let deniedMessage = "DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."

    /// A client with no socket (tests, AOF loading): replies accumulate in `out`.
    public func createDetachedClient() -> Client {
        let c = Client(id: nextClientId, connection: nil, server: self, address: "127.0.0.1:0", localAddress: "127.0.0.1:0")
        nextClientId += 1
        clients[c.id] = c
        return c
    }

    /// Removes a client from every structure; closes its connection.
    public func freeClient(_ c: Client, reason: String) {
        guard !c.isFreed else { return }
        c.markFreed()
        clients[c.id] = nil
        unwatchAll(c)
        unsubscribeAll(c)
        if c.flags.contains(.monitor) { monitors.removeAll { $0 === c } }
        if c.flags.contains(.replica) { feed.detach(id: c.id) }
        pausedClients.removeAll { $0.client === c }
        if c.flags.contains(.blocked) { blockedClientFreed(c) }
        if let conn = c.connection, !conn.isClosed { conn.close(reason: reason) }
        log.verbose("Client closed connection id=\(c.id) addr=\(c.address): \(reason)")
    }

    /// Closes a client asynchronously (output limit, CLIENT KILL): no more replies.
    public func closeClientAsap(_ c: Client, reason: String) {
        c.flags.insert(.closeASAP)
        c.out.bytes.removeAll(keepingCapacity: false)
        freeClient(c, reason: reason)
    }

    /// Hands a client's replies to its connection and writes what the socket takes.
    func flushClient(_ c: Client) {
        c.pendingWrite = false
        guard let conn = c.connection, !c.isFreed else { return }
        // Already closing after its last reply: nothing more reaches it.
        if conn.closing { c.out.bytes.removeAll(keepingCapacity: true) }
        if !c.out.bytes.isEmpty {
            stats.netOutputBytes += c.out.bytes.count
            conn.enqueue(taking: &c.out.bytes)
        }
        let hadOutput = conn.pendingOutputBytes > 0
        if hadOutput {
            stats.totalWritesProcessed += 1
            conn.flush()
        }
        // Redis closes such a client when a write leaves nothing pending; one
        // with nothing to write (CLIENT REPLY OFF, then QUIT or a self-kill)
        // stays connected, reading but running nothing, until the peer leaves.
        if c.flags.contains(.closeAfterReply) && hadOutput && !conn.isClosed { conn.closeAfterFlush() }
    }

    func beforeSleep() {
        if blocking.hasWaiters || !blocking.unblocked.isEmpty { handleBlockedClientsBeforeSleep() }
        if activeExpireEnabled {
            activeExpire.run(.fast, dbs: databases, hz: hot.hz) { vigil_monotonic_us() }
        }
        if !pendingWrites.isEmpty {
            let list = pendingWrites
            pendingWrites.removeAll(keepingCapacity: true)
            for c in list { flushClient(c) }
        }
    }

    // MARK: input

    /// Parses and runs every complete command in the client's input buffer.
    func processInput(_ c: Client) {
        guard let conn = c.connection else { return }
        // Only commands of one read batch share readings: time passes while
        // the loop waits, and other callers of call() read the clock.
        clockFresh = false
        defer { clockFresh = false }
        stats.totalReadsProcessed += 1
        while !c.isFreed && !conn.closing && !conn.readPaused && !c.flags.contains(.closeAfterReply) && !c.flags.contains(.blocked) {
            let (ev, consumed) = conn.input.withReadableBytes { c.parser.parse($0) }
            if consumed > 0 {
                stats.netInputBytes += consumed
                conn.input.moveReaderIndex(forwardBy: consumed)
            }
            switch ev {
            case .command(let argv):
                processCommand(c, argv)
            case .skipped:
                continue
            case .needMore:
                conn.input.shrinkIfIdle()
                checkQueryBufferLimit(c)
                if !c.out.bytes.isEmpty { c.markPendingWrite() }
                return
            case .error(let message):
                log.verbose("Protocol error (\(message)) from client: id=\(c.id) addr=\(c.address)")
                c.replyError("ERR Protocol error: \(message)")
                c.flags.insert(.closeAfterReply)
            }
        }
        // A blocked (or closing) client's input piles up unprocessed: still bounded.
        if c.flags.contains(.blocked) || c.flags.contains(.closeAfterReply) { checkQueryBufferLimit(c) }
        if !c.isFreed { c.markPendingWrite() }
    }

    private func checkQueryBufferLimit(_ c: Client) {
        guard let conn = c.connection, !c.flags.contains(.master) else { return }
        if conn.input.readableBytes > hot.clientQueryBufferLimit {
            log.warning("Closing client that reached max query buffer length: id=\(c.id) addr=\(c.address) qbuf=\(conn.input.readableBytes)")
            stats.clientQueryBufferLimitDisconnections += 1
            closeClientAsap(c, reason: "query buffer limit")
        }
    }

    public func unpauseClients() {
        pauseUntilMs = 0
        let parked = pausedClients
        pausedClients.removeAll()
        for (c, argv) in parked where !c.isFreed {
            c.connection?.resumeReading()
            processCommand(c, argv)
            processInput(c)
        }
    }

    // MARK: dispatch

    static let multiPassThrough: Set<String> = ["exec", "discard", "multi", "watch", "quit", "reset"]

    /// Looks up, checks and runs (or queues) one command, as Redis's processCommand.
    public func processCommand(_ c: Client, _ argv: [[UInt8]]) {
        guard let first = argv.first else { return }
        // Cross-protocol scripting guard: an HTTP request is not a client.
        if argEquals(first, "post") || argEquals(first, "host:") {
            log.warning("Possible SECURITY ATTACK detected. It looks like somebody is sending POST or Host: commands to Redis. This is likely due to an attacker attempting to use Cross Protocol Scripting to compromise your Redis instance. Connection aborted.")
            freeClient(c, reason: "security attack")
            return
        }
        guard var cmd = lookupCommand(first) else {
            rejectCommand(c, bytes: CommandRejection.unknownCommand(argv))
            return
        }
        if cmd.isContainer && argv.count >= 2 {
            guard let sub = cmd.subcommands[asciiLowercased(argv[1])] else {
                rejectCommand(c, bytes: CommandRejection.unknownSubcommand(argv[1], container: cmd.fullName))
                return
            }
            cmd = sub
        }
        if !cmd.arityAccepts(argv.count) || (cmd.handler == nil && cmd.isContainer) {
            rejectCommand(c, CommandRejection.wrongArity(cmd.fullName), cmd)
            return
        }
        if cmd.flags.contains(.protected) && !protectedCommandAllowed(c, cmd) {
            let debug = cmd.fullName == "debug"
            rejectCommand(c, "ERR \(debug ? "DEBUG" : "MODULE") command not allowed. If the \(debug ? "enable-debug-command" : "enable-module-command") option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.", cmd)
            return
        }
        if !c.authenticated && !cmd.flags.contains(.noAuth) {
            rejectCommand(c, CommandRejection.noAuth, cmd)
            return
        }
        let inMulti = c.flags.contains(.multi)
        if inMulti && cmd.flags.contains(.noMulti) {
            rejectCommand(c, "ERR Command not allowed inside a transaction", cmd)
            return
        }
        // The container's name (CLIENT for CLIENT KILL); only the rare paths below need it.
        var base: String { cmd.parent?.fullName ?? cmd.fullName }
        if c.flags.contains(.pubsub) && c.proto == 2 && !CommandRejection.subscribedContextAllowed.contains(base) {
            rejectCommand(c, CommandRejection.subscribedContext(cmd.fullName), cmd)
            return
        }
        // Monitors are replicas to Redis 7.0: they may not touch the keyspace
        // (keeps them from sneaking past CLIENT PAUSE, which exempts replicas).
        if !c.flags.isDisjoint(with: [.monitor, .replica]) && touchesKeyspace(c, cmd) {
            rejectCommand(c, "ERR Replica can't interact with the keyspace", cmd)
            return
        }
        if pauseUntilMs > 0, let conn = c.connection {
            if EventLoop.monotonicMs() >= pauseUntilMs {
                unpauseClients()
            } else if !pauseWritesOnly || cmd.flags.contains(.write) || (inMulti && base == "exec") {
                pausedClients.append((c, argv))
                conn.pauseReading()
                return
            }
        }
        if inMulti && !Self.multiPassThrough.contains(base) {
            c.multiQueue.append((cmd, argv))
            c.out.simpleString("QUEUED")
            return
        }
        call(c, cmd, argv)
        if blocking.hasReadyKeys { handleClientsBlockedOnKeys() }
    }

    /// Reads, writes or may replicate; EXEC counts what it queued.
    private func touchesKeyspace(_ c: Client, _ cmd: Command) -> Bool {
        let keyspaceFlags: CommandFlags = [.readonly, .write, .mayReplicate]
        if !cmd.flags.isDisjoint(with: keyspaceFlags) { return true }
        guard cmd.fullName == "exec" else { return false }
        return c.multiQueue.contains { !$0.command.flags.isDisjoint(with: keyspaceFlags) }
    }

    /// The last name looked up and its command: a pipeline repeats one command,
    /// and comparing its few bytes is cheaper than hashing them for the table.
    private var lastLookupName: [UInt8] = []
    /// Strong: loading an unowned(unsafe) reference retains atomically even
    /// under -assume-single-threaded (commands live as long as the table anyway).
    private var lastLookup: Command?

    @inline(__always)
    private func lookupCommand(_ name: [UInt8]) -> Command? {
        if let hit = lastLookup, name == lastLookupName { return hit }
        guard let found = commands.lookup(name) else { return nil }
        // A copy: keeping the client's argument would stop the parser reusing its buffer.
        lastLookupName.removeAll(keepingCapacity: true)
        lastLookupName.append(contentsOf: name)
        lastLookup = found
        return found
    }

    /// Replies with an error before execution; inside MULTI it also dooms EXEC.
    func rejectCommand(_ c: Client, _ message: String, _ cmd: Command? = nil) {
        cmd?.rejectedCalls += 1
        if c.flags.contains(.multi) { c.flags.insert(.dirtyExec) }
        // A rejected EXEC itself discards the transaction, as Redis's execCommandAbort.
        if let cmd, cmd.handler != nil, cmd.fullName == "exec" {
            TransactionCommands.execAbort(self, c, message)
            return
        }
        c.replyError(message)
    }

    /// A rejection whose text echoes client bytes (no transaction abort path needed:
    /// only unknown commands and subcommands use it).
    func rejectCommand(_ c: Client, bytes message: [UInt8]) {
        if c.flags.contains(.multi) { c.flags.insert(.dirtyExec) }
        c.replyError(bytes: message)
    }

    /// Executes a command and does the bookkeeping around it (stats, slowlog, MONITOR, CLIENT REPLY).
    public func call(_ c: Client, _ cmd: Command, _ argv: [[UInt8]]) {
        // One wall-clock read gives both the command's frozen time and the
        // duration's start, as Redis's call() does with ustime().
        // In a pipelined batch the previous command's end reading is this
        // one's start: half the clock reads (they were ~10% of PING -P 16).
        let startUs = clockFresh ? lastClockUs : vigil_realtime_us()
        keyspace.nowMs = startUs / 1000 + clockOffsetMs
        let replyStart = c.out.bytes.count
        let errorsBefore = stats.totalErrorReplies
        // Whether the command wrote is decided here, for every command alike:
        // it moved the dirty counter (Redis's call() compares server.dirty).
        let dirtyBefore = dirty
        callDepth += 1
        cmd.handler?(self, c, argv)
        callDepth -= 1
        if feed.isActive { propagate(c, cmd, argv, wrote: dirty != dirtyBefore) }
        let endUs = vigil_realtime_us()
        lastClockUs = endUs
        clockFresh = true
        let duration = max(0, endUs - startUs)
        // A command that blocked records its statistics when it completes (Blocking.swift).
        let blocked = c.flags.contains(.blocked)
        if !blocked { latency.commandFinished(cmd, durationUs: duration) }
        // Passwords (AUTH, HELLO AUTH) never reach SLOWLOG or MONITOR.
        var redacted: [Int] = []
        if !c.redactedArgs.isEmpty {
            redacted = c.redactedArgs
            c.redactedArgs.removeAll()
        }
        if !blocked {
            cmd.calls += 1
            cmd.microseconds += duration
            if stats.totalErrorReplies != errorsBefore { cmd.failedCalls += 1 }
        }
        stats.totalCommandsProcessed += 1
        c.lastCommand = cmd
        if !blocked && hot.slowlogLogSlowerThan >= 0 && duration >= Int64(hot.slowlogLogSlowerThan) && !cmd.flags.contains(.skipSlowlog) {
            slowlog.push(args: Self.redacting(argv, redacted), durationUs: duration, unixTime: Int(keyspace.nowMs / 1000), client: c, maxLen: hot.slowlogMaxLen)
        }
        if !monitors.isEmpty && !cmd.flags.contains(.skipMonitor) && !cmd.flags.contains(.admin) {
            feedMonitors(c, Self.redacting(argv, redacted))
        }
        switch c.replyMode {
        case .off:
            c.out.bytes.removeSubrange(replyStart...)
        case .skip:
            c.out.bytes.removeSubrange(replyStart...)
            c.replyMode = .on
        case .skipNext:
            c.replyMode = .skip
        case .on:
            break
        }
        checkOutputBufferLimits(c)
    }

    static let redactedArg: [UInt8] = Array("(redacted)".utf8)

    static func redacting(_ argv: [[UInt8]], _ positions: [Int]) -> [[UInt8]] {
        if positions.isEmpty { return argv }
        var out = argv
        for i in positions where i < out.count { out[i] = redactedArg }
        return out
    }

    // MARK: MONITOR

    /// `+<unix.micro> [db addr] "arg" ...`, as Redis's replicationFeedMonitors.
    func feedMonitors(_ c: Client, _ argv: [[UInt8]]) {
        let us = vigil_realtime_us()
        let head = "+\(us / 1_000_000).\(String(us % 1_000_000).leftPadded(6)) [\(c.dbIndex) \(c.flags.contains(.unixSocket) ? "unix:" + config.unixSocket : c.address)]"
        var bytes = Array(head.utf8)
        for a in argv {
            bytes.append(UInt8(ascii: " "))
            appendSdsRepr(a, to: &bytes)
        }
        bytes.append(contentsOf: "\r\n".utf8)
        // A monitor that sent QUIT (or is being dropped) gets no more output.
        for m in monitors where !m.isFreed && m.flags.isDisjoint(with: [.closeAfterReply, .closeASAP]) {
            m.out.raw(bytes)
            m.markPendingWrite()
            checkOutputBufferLimits(m)
        }
    }

    // MARK: output limits

    /// Closes a client whose pending output crossed its class's hard limit, or
    /// stayed above the soft limit for longer than allowed.
    public func checkOutputBufferLimits(_ c: Client) {
        guard !c.isFreed, !c.flags.contains(.master) else { return }
        let cls = c.flags.contains(.replica) ? 1 : (c.flags.contains(.pubsub) ? 2 : 0)
        let limit = hot.outputLimits[cls]
        if limit.hard == 0 && limit.soft == 0 { return }
        let used = c.pendingOutputBytes
        var hard = false, soft = false
        if limit.hard > 0 && used >= limit.hard { hard = true }
        if limit.soft > 0 && used >= limit.soft {
            let now = EventLoop.monotonicMs()
            if c.softLimitReachedMs == 0 { c.softLimitReachedMs = now }
            else if now - c.softLimitReachedMs > Int64(limit.softSeconds) * 1000 { soft = true }
        } else {
            c.softLimitReachedMs = 0
        }
        if hard || soft {
            log.warning("Client id=\(c.id) addr=\(c.address) laddr=\(c.localAddress) name=\(String(decoding: c.name ?? [], as: UTF8.self)) scheduled to be closed ASAP for overcoming of output buffer limits.")
            stats.clientOutputBufferLimitDisconnections += 1
            closeClientAsap(c, reason: "output buffer limit")
        }
    }

    // MARK: WATCH

    func touchWatchedKey(db: Int, key: Key) {
        guard db < watchers.count, !watchers[db].isEmpty, let list = watchers[db][key] else { return }
        for c in list {
            // A key already expired at WATCH time whose (lazy) deletion is all
            // that happened is logically unchanged (Redis 7.0 touchWatchedKey).
            if let i = c.watchedKeys.firstIndex(where: { $0.db == db && $0.key == key }), c.watchedKeys[i].expired {
                if databases[db].dict[key] == nil {
                    c.watchedKeys[i].expired = false
                    continue
                }
            }
            c.flags.insert(.dirtyCAS)
        }
    }

    public func watch(_ c: Client, key: Key) {
        if c.watchedKeys.contains(where: { $0.db == c.dbIndex && $0.key == key }) { return }
        c.watchedKeys.append((c.dbIndex, key, c.db.isLogicallyExpired(key)))
        watchers[c.dbIndex][key, default: []].append(c)
    }

    public func unwatchAll(_ c: Client) {
        for (db, key, _) in c.watchedKeys {
            watchers[db][key]?.removeAll { $0 === c }
            if watchers[db][key]?.isEmpty == true { watchers[db][key] = nil }
        }
        c.watchedKeys.removeAll()
    }

    // MARK: pub/sub bookkeeping used by client teardown

    func unsubscribeAll(_ c: Client) {
        for ch in c.channels { pubsub.remove(c, channel: ch) }
        c.channels.removeAll()
        if !c.patterns.isEmpty {
            pubsub.removeAllPatterns(of: c)
            c.patterns.removeAll()
        }
        for ch in c.shardChannels { pubsub.remove(c, shardChannel: ch) }
        c.shardChannels.removeAll()
    }

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

    // MARK: cron

    func cron() {
        cronLoops += 1
        keyspace.nowMs = EventLoop.unixMs() + clockOffsetMs
        infoSampler.cron(stats: stats)
        if activeExpireEnabled && keyspace.isMaster {
            activeExpire.run(.slow, dbs: databases, hz: config.hz) { vigil_monotonic_us() }
        }
        if pauseUntilMs > 0 && EventLoop.monotonicMs() >= pauseUntilMs { unpauseClients() }
        if blocking.hasWaiters { handleBlockedClientsTimeout() }
        // Idle timeout and soft output limits, a slice of clients per call.
        let now = EventLoop.monotonicMs()
        let idleTimeout = hot.timeout
        if idleTimeout > 0 || cronLoops % max(hot.hz, 1) == 0 {
            for c in Array(clients.values) {
                if idleTimeout > 0 && !c.flags.contains(.master) && !c.flags.contains(.replica)
                    && !c.flags.contains(.pubsub) && !c.flags.contains(.blocked) && now - c.lastInteractionMs > Int64(idleTimeout) * 1000 {
                    log.verbose("Closing idle client")
                    freeClient(c, reason: "idle timeout")
                    continue
                }
                if c.softLimitReachedMs != 0 { checkOutputBufferLimits(c) }
            }
        }
    }
}

extension String {
    func leftPadded(_ n: Int, with ch: Character = "0") -> String {
        count >= n ? self : String(repeating: ch, count: n - count) + self
    }
}

/// The config values the command path reads, copied out of the config table.
struct HotConfig {
    var slowlogLogSlowerThan: Int
    var slowlogMaxLen: Int
    var hz: Int
    var timeout: Int
    var clientQueryBufferLimit: Int
    /// normal, replica, pubsub: numbers only, so reading one per command copies no String.
    var outputLimits: [ClassLimit]

    struct ClassLimit {
        var hard = 0
        var soft = 0
        var softSeconds = 0
    }
    /// list-max-listpack-size as node limits (every push reads it).
    var listFill: ListFill

    init(_ c: ServerConfig) {
        slowlogLogSlowerThan = c.slowlogLogSlowerThan
        slowlogMaxLen = c.slowlogMaxLen
        hz = c.hz
        timeout = c.timeout
        clientQueryBufferLimit = c.clientQueryBufferLimit
        listFill = ListFill(c.listMaxListpackSize)
        var limits = [ClassLimit](repeating: ClassLimit(), count: 3)
        for l in c.clientOutputBufferLimits {
            let limit = ClassLimit(hard: l.hard, soft: l.soft, softSeconds: l.softSeconds)
            switch l.className {
            case "normal": limits[0] = limit
            case "replica", "slave": limits[1] = limit
            case "pubsub": limits[2] = limit
            default: break
            }
        }
        outputLimits = limits
    }
}
