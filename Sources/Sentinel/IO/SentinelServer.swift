import ACL
import CVigilShim
import Glibc
import Protocol
import Reactor
import SentinelCore
import ServerKit

/// The sentinel process: the core, the event loop that drives it (timer,
/// links), and the server side (clients, the command table, pub/sub for events).
final class SentinelServer {
    let loop: EventLoop
    let core: SentinelCore
    let log: Logger
    var options: SentinelServerOptions
    let configFile: String
    let commands = CommandTable()
    lazy var acl = ACLUsers(catalog: commands.makeACLCatalog())
    let startTimeMs: Int64
    let runID: String

    var listeners: [Listener] = []
    var clients: [Int: ClientSession] = [:]
    var nextClientID = 1
    var links: [Int: LinkConnection] = [:]
    /// Effects not yet carried out, and whether `execute` is working through them.
    var pendingEffects: [SentinelEffect] = []
    var executingEffects = false
    /// Who listens to which event channel or pattern.
    var pubsub = PubSubRegistry<String, ClientSession>()
    /// Result of the last flush, for replies that depend on it.
    var lastFlushError: String?
    var shuttingDown = false
    /// CLIENT PAUSE: until when, whether it holds every command, and who waits.
    var pause = ClientPauseState()
    var pauseTimer: EventLoop.TimerID?
    var postponedClients: [ClientSession] = []
    var exitCode: Int32 = 0

    // Stats for INFO.
    var totalConnections = 0
    var totalCommands = 0
    var rejectedConnections = 0
    var totalErrorReplies = 0
    /// ACL LOG: denied commands and failed logins.
    var aclLog = ACLLog()

    init(options: SentinelServerOptions, configFile: String, core: SentinelCore, seed: UInt64) throws {
        loop = try EventLoop()
        self.options = options
        self.configFile = configFile
        self.core = core
        log = Logger(level: options.loglevel, path: options.logfile, role: "X")
        startTimeMs = EventLoop.unixMs()
        var rng = SentinelRandom(seed: seed ^ 0x5bd1_e995)
        runID = rng.runID()
        for u in options.users {
            do { try acl.setUser(u[0], Array(u.dropFirst())) } catch {
                let err = error.text
                throw SentinelConfigError(source: configFile, line: nil, directive: "user", reason: err,
                                          redisText: "Error in user declaration '\(u[0])': \(err)")
            }
        }
        if !options.aclfile.isEmpty {
            if !options.users.isEmpty {
                throw SentinelConfigError(source: configFile, line: nil, directive: "aclfile", reason: "users in both the config file and an ACL file",
                                          redisText: "Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both.")
            }
            if let err = loadACLFile() {
                throw SentinelConfigError(source: options.aclfile, line: nil, directive: "aclfile", reason: err,
                                          redisText: "Aborting Redis startup because of ACL errors: \(err)")
            }
        }
        if options.users.isEmpty || options.requirepass != nil { acl.setRequirePass(options.requirepass.map { Array($0.utf8) }) }
        core.requirePass = options.requirepass
        core.port = options.port
    }

    func clockMs() -> Int64 { EventLoop.unixMs() }

    // MARK: Listening

    func listen() throws {
        var addrs = options.bind
        if addrs.isEmpty { addrs = ["*"] }
        for raw in addrs {
            let optional = raw.hasPrefix("-")
            var host = optional ? String(raw.dropFirst()) : raw
            if host == "*" { host = "0.0.0.0" }
            if host == "::*" { host = "::" }
            do {
                let fd = try Socket.listenTCP(host: host, port: options.port)
                listeners.append(Listener(fd: fd, loop: loop) { [unowned self] fd, addr in self.accept(fd, addr) })
            } catch {
                if optional { continue }
                throw error
            }
        }
        if !options.unixsocket.isEmpty {
            let fd: Int32
            do {
                fd = try Socket.listenUnix(path: options.unixsocket, permissions: options.unixsocketperm)
            } catch {
                log.log(.warning, "Failed opening Unix socket: \(error)")
                throw error
            }
            // genClientAddrString: a unix client is "<unixsocket>:0".
            let addr = options.unixsocket + ":0"
            listeners.append(Listener(fd: fd, loop: loop) { [unowned self] fd, _ in self.accept(fd, addr) })
        }
    }

    private func accept(_ fd: Int32, _ addr: String) {
        if clients.count >= options.maxclients {
            rejectedConnections += 1
            CommandRejection.refuseOverMaxClients(fd: fd)
            return
        }
        Socket.setNoDelay(fd)
        totalConnections += 1
        let needsAuth = !(acl.defaultUser.enabled && acl.defaultUser.nopass)
        let c = ClientSession(id: nextClientID, fd: fd, addr: addr, server: self, now: clockMs(), authenticated: !needsAuth)
        nextClientID += 1
        clients[c.id] = c
    }

    func clientClosed(_ c: ClientSession) {
        clients[c.id] = nil
        postponedClients.removeAll { $0 === c }
        unsubscribeAll(c)
    }

    // MARK: Running

    /// Starts the sentinel timer and runs until SHUTDOWN or a signal.
    func run() -> Int32 {
        execute(core.start(now: clockMs()))
        loop.addTimer(afterMs: 1) { [unowned self] in self.timerTick() }
        while !shuttingDown {
            loop.runOnce(maxWaitMs: 100)
            if vigil_shutdown_requested() != 0 && !shuttingDown {
                log.log(.warning, "Received SIGTERM scheduling shutdown...")
                shutdown()
            }
        }
        // Let replies and the last writes go out.
        loop.runOnce(maxWaitMs: 0)
        return exitCode
    }

    private func timerTick() -> Int64? {
        collectScripts()
        execute(core.advance(now: clockMs()))
        return core.nextTickDelay()
    }

    func shutdown() {
        log.log(.warning, "User requested shutdown...")
        if !options.pidfile.isEmpty {
            log.log(.notice, "Removing the pid file.")
            unlink(options.pidfile)
        }
        if !options.unixsocket.isEmpty {
            log.log(.notice, "Removing the unix socket file.")
            unlink(options.unixsocket)
        }
        log.log(.warning, "Sentinel is now ready to exit, bye bye...")
        for l in links.values { l.close() }
        links = [:]
        for c in clients.values { c.connection.flush() }
        shuttingDown = true
    }

    // MARK: Commands

    func process(_ c: ClientSession, _ argv: [[UInt8]]) {
        guard !argv.isEmpty else { return }
        let args = argv.map { String(decoding: $0, as: UTF8.self) }
        let name = args[0].lowercased()
        guard let spec = commands.lookup(name) else {
            return replyError(c, bytes: CommandRejection.unknownCommand(argv))
        }
        var target = spec
        if !spec.subcommands.isEmpty && args.count >= 2 {
            guard let sub = spec.subcommands[args[1].lowercased()] else {
                return replyError(c, bytes: CommandRejection.unknownSubcommand(argv[1], container: name))
            }
            target = sub
        }
        // Redis's c->lastcmd: set on lookup, so a refused command is the one
        // CLIENT LIST and the ACL log's client info show.
        c.lastCommand = target.name
        // SENTINEL FAILOVER <name> takes Vigil's COORDINATED option: the core parses what follows the name.
        let failoverOptions = target.name == "sentinel|failover" && args.count > target.arity
        if !failoverOptions && ((target.arity > 0 && args.count != target.arity) || (target.arity < 0 && args.count < -target.arity)) {
            return replyError(c, CommandRejection.wrongArity(target.name))
        }
        if !c.authenticated && !target.flags.contains("no_auth") {
            return replyError(c, CommandRejection.noAuth)
        }
        if !aclPermits(c, target, argv) { return }
        if c.proto == 2 && c.inPubSub && !CommandRejection.subscribedContextAllowed.contains(name) {
            return replyError(c, CommandRejection.subscribedContext(target.name))
        }
        if postponeIfPaused(c, argv) { return }
        totalCommands += 1
        switch name {
        case "ping": ping(c, args)
        case "auth": auth(c, args)
        case "hello": hello(c, args)
        case "info": info(c, args)
        case "role": c.reply(.array([.bulk("sentinel"), .array(core.masters.all.map { .bulk($0.name) })]))
        case "sentinel": sentinel(c, args)
        case "publish": publish(c, args)
        case "subscribe": subscribe(c, args.dropFirst(), pattern: false)
        case "psubscribe": subscribe(c, args.dropFirst(), pattern: true)
        case "unsubscribe": unsubscribe(c, Array(args.dropFirst()), pattern: false)
        case "punsubscribe": unsubscribe(c, Array(args.dropFirst()), pattern: true)
        case "shutdown": shutdownCommand(c, args)
        case "command": commandCommand(c, args)
        case "client": clientCommand(c, args, argv)
        case "acl": aclCommand(c, args)
        default: replyError(c, "ERR unknown command '\(args[0])'")
        }
    }

    func replyError(_ c: ClientSession, _ text: String) {
        totalErrorReplies += 1
        c.reply(.err(text))
    }

    /// An error that echoes client bytes (built by CommandRejection or errorText).
    func replyError(_ c: ClientSession, bytes: [UInt8]) {
        totalErrorReplies += 1
        c.replyError(bytes: bytes)
    }

    private func sentinel(_ c: ClientSession, _ args: [String]) {
        let (r, effects) = core.sentinelCommand(args, now: clockMs())
        execute(effects)
        switch r {
        case .value(let v):
            if v.isError { totalErrorReplies += 1 }
            c.reply(v)
        case .okAfterFlush:
            if lastFlushError != nil {
                replyError(c, SentinelReply.flushFailedText)
            } else {
                c.reply(.simple("OK"))
            }
        }
    }
}
