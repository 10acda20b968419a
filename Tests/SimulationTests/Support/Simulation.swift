import Protocol
@testable import Sentinel
@testable import SentinelCore

/// A deterministic simulation: several SentinelCores and modelled Redis data
/// nodes on a simulated network and clock, all driven from one seed in one
/// thread. The same seed gives the same trace.
///
/// Hosts are named by port: data nodes 6379, 6380, ... (6379 starts as the
/// master), sentinels 26379, 26380, ...
final class Simulation {
    struct Config {
        var sentinels = 3
        /// Data nodes: the first is the master, the others its replicas.
        var nodes = 2
        var quorum = 2
        var downAfter: Int64 = 2000
        var failoverTimeout: Int64 = 6000
        /// TILT length; redis-sentinel's 30 s makes runs long, so runs may shorten it.
        var tiltPeriod: Int64 = 30000
        /// Start as a deployment restarted from its own config files: every
        /// sentinel's file already names its id, the replicas and the other
        /// sentinels (known-replica / known-sentinel), so no hello round is needed.
        var preDiscovered = false
    }

    /// A sentinel process: its core, its clock and what it last flushed.
    final class SentinelProcess {
        let index: Int
        let port: Int
        var core: SentinelCore
        var alive = true
        var paused = false
        /// Added to the simulated time to give this process's clock (clock jumps).
        var clockOffset: Int64 = 0
        /// The state file as the config writer would have written it at the last flush.
        var savedState = ""
        /// Connections this sentinel opened, by the core's connection id.
        var conns: [Int: SimulationConnection] = [:]
        /// Connections other sentinels opened to this one, by simulation id.
        var served: [Int: SimulationConnection] = [:]
        /// Bumped at every crash, so timers of an earlier life do nothing.
        var life = 0
        var tickDue = false
        init(index: Int, port: Int, core: SentinelCore) { self.index = index; self.port = port; self.core = core }
    }

    static let start: Int64 = 1_000_000
    let config: Config
    private(set) var now: Int64 = Simulation.start
    var rng: SentinelRandom
    var network = SimulationNetwork()
    var procs: [SentinelProcess] = []
    var nodes: [Int: SimulationDataNode] = [:]
    private var queue = SimulationQueue()
    private var nextConnID = 1
    /// What happened, for the checker and for the failure report.
    private(set) var events: [SimulationEvent] = []
    /// Called for every event as it is recorded (scenario tests crash a leader at the right moment).
    var onEvent: ((SimulationEvent) -> Void)?
    /// Set while a client command runs, so the events it causes are marked forced.
    private var forcedCommand = false

    var sentinels: [SentinelCore] { procs.map(\.core) }
    var sentinelPorts: [Int] { procs.map(\.port) }
    var nodePorts: [Int] { nodes.keys.sorted() }
    /// Simulated milliseconds since the start.
    var elapsed: Int64 { now - Simulation.start }
    var trace: [String] { events.map(\.line) }

    convenience init(seed: UInt64, sentinels count: Int, replicas: Int, downAfter: Int64 = 2000) throws {
        var c = Config()
        c.sentinels = count
        c.nodes = replicas + 1
        c.downAfter = downAfter
        try self.init(seed: seed, config: c)
    }

    init(seed: UInt64, config: Config) throws {
        self.config = config
        rng = SentinelRandom(seed: seed)
        for i in 0..<config.nodes {
            let n = SimulationDataNode(port: 6379 + i, runid: rng.runID())
            if i > 0 {
                n.masterPort = 6379
                n.linkUp = true
            }
            nodes[n.port] = n
        }
        let initial = ["sentinel monitor mymaster 127.0.0.1 6379 \(config.quorum)",
                       "sentinel down-after-milliseconds mymaster \(config.downAfter)",
                       "sentinel failover-timeout mymaster \(config.failoverTimeout)"].joined(separator: "\n")
        let ids = (0..<config.sentinels).map { _ in rng.runID() }
        for i in 0..<config.sentinels {
            let p = SentinelProcess(index: i, port: 26379 + i, core: SentinelCore(seed: 0, now: now))
            p.savedState = initial
            if config.preDiscovered {
                var known = ["sentinel myid \(ids[i])"]
                known += (1..<config.nodes).map { "sentinel known-replica mymaster 127.0.0.1 \(6379 + $0)" }
                known += (0..<config.sentinels).filter { $0 != i }.map { "sentinel known-sentinel mymaster 127.0.0.1 \(26379 + $0) \(ids[$0])" }
                p.savedState += "\n" + known.joined(separator: "\n")
            }
            procs.append(p)
            try boot(p)
        }
        scheduleReplication()
    }

    struct SimError: Error, CustomStringConvertible {
        let description: String
        init(_ t: String) { description = t }
    }

    // MARK: Clock

    func schedule(after ms: Int64, trace: String? = nil, _ action: @escaping () -> Void) {
        queue.push(at: now + max(0, ms)) { [unowned self] in
            if let trace { self.note(trace) }
            action()
        }
    }

    /// Runs until `ms` of simulated time have passed.
    func advance(_ ms: Int64) {
        let end = now + ms
        while let t = queue.nextTime, t <= end {
            let item = queue.pop()!
            now = item.at
            item.action()
        }
        now = end
    }

    /// Runs until `done` holds (checked after every step) or `limit` ms pass. True if it held.
    @discardableResult
    func advance(until done: () -> Bool, limit: Int64) -> Bool {
        let end = now + limit
        if done() { return true }
        while let t = queue.nextTime, t <= end {
            let item = queue.pop()!
            now = item.at
            item.action()
            if done() { return true }
        }
        now = end
        return done()
    }

    func localTime(_ i: Int) -> Int64 { now + procs[i].clockOffset }

    private func scheduleReplication() {
        schedule(after: 100) { [unowned self] in
            for p in self.nodePorts { self.nodes[p]!.replicationStep(self, elapsed: 100) }
            self.scheduleReplication()
        }
    }

    // MARK: Sentinel processes

    /// Starts a sentinel from its saved state, as vigil-sentinel loads its config.
    private func boot(_ p: SentinelProcess) throws {
        let core = SentinelCore(seed: rng.next(), now: localTime(p.index))
        core.port = p.port
        core.timings.tiltPeriod = config.tiltPeriod
        let loaded = try SentinelConfigLoader.load(text: p.savedState + "\n", file: "sim-s\(p.index).conf", cwd: "/")
        try SentinelConfigApplier.apply(loaded.directives, to: core, now: localTime(p.index))
        p.core = core
        p.conns = [:]
        p.alive = true
        p.paused = false
        runEffects(p.index, core.start(now: localTime(p.index)))
        scheduleTick(p)
    }

    private func scheduleTick(_ p: SentinelProcess) {
        let life = p.life
        schedule(after: p.core.nextTickDelay()) { [unowned self, unowned p] in
            guard p.life == life, p.alive else { return }
            if p.paused { p.tickDue = true; return }
            self.tick(p)
        }
    }

    private func tick(_ p: SentinelProcess) {
        runEffects(p.index, p.core.advance(now: localTime(p.index)))
        scheduleTick(p)
    }

    /// A client command to sentinel i (SENTINEL ...). Events it causes are marked forced.
    @discardableResult
    func command(_ i: Int, _ args: [String]) -> RESPValue {
        let p = procs[i]
        guard p.alive && !p.paused else { return .err("ERR simulated sentinel is not running") }
        note("s\(i) command \(args.joined(separator: " "))")
        forcedCommand = true
        let (r, effects) = p.core.sentinelCommand(args, now: localTime(i))
        runEffects(i, effects)
        forcedCommand = false
        switch r {
        case .value(let v): return v
        case .okAfterFlush: return .simple("OK")
        }
    }

    /// Carries out sentinel i's effects, in order.
    func runEffects(_ i: Int, _ effects: [SentinelEffect]) {
        let p = procs[i]
        for e in effects {
            guard p.alive else { return }
            switch e {
            case .connect(let conn, _, let port):
                let c = SimulationConnection(id: nextConnID, sentinel: i, coreConn: conn, clientPort: p.port,
                                             serverPort: port, startedAt: now)
                nextConnID += 1
                p.conns[conn] = c
                let life = p.life
                schedule(after: network.delay(&rng)) { [unowned self] in self.attemptConnect(c, life: life) }
            case .send(let conn, let args, let tag):
                if let c = p.conns[conn] { send(c, toServer: .command(args, tag)) }
            case .close(let conn):
                if let c = p.conns.removeValue(forKey: conn) {
                    c.clientGone = true
                    send(c, toServer: .eof("client closed"))
                }
            case .event(let level, let type, let message):
                if level != .debug { record(i, type, message) }
            case .persist(let snapshot):
                p.savedState = SentinelConfigWriter.stateContent(snapshot)
            case .exit(let code):
                note("s\(i) exits with code \(code)")
                crashSentinel(i)
                return
            case .log, .spawnScript, .killScript:
                break
            }
        }
    }

    // MARK: Connections

    private func attemptConnect(_ c: SimulationConnection, life: Int) {
        let p = procs[c.sentinel]
        guard p.life == life, !c.clientGone else { return }
        if network.bothWays(c.clientPort, c.serverPort) {
            if serverAlive(c.serverPort) {
                c.open = true
                if let n = nodes[c.serverPort] { n.clients[c.id] = c } else { procs[sentinelIndex(c.serverPort)!].served[c.id] = c }
                runEffects(c.sentinel, p.core.connected(conn: c.coreConn, localIP: "127.0.0.1", now: localTime(c.sentinel)))
                pump(c, toServer: true)
            } else {
                clientLearnsClosed(c, "Connection refused")
            }
        } else if now - c.startedAt >= SimulationNetwork.connectTimeout {
            clientLearnsClosed(c, "Connection timed out")
        } else {
            // SYN retransmission.
            schedule(after: SimulationNetwork.retransmit) { [unowned self] in self.attemptConnect(c, life: life) }
        }
    }

    private func serverAlive(_ port: Int) -> Bool {
        if let n = nodes[port] { return n.alive }
        if let j = sentinelIndex(port) { return procs[j].alive }
        return false
    }

    func sentinelIndex(_ port: Int) -> Int? {
        let j = port - 26379
        return j >= 0 && j < procs.count ? j : nil
    }

    private func clientLearnsClosed(_ c: SimulationConnection, _ reason: String) {
        let p = procs[c.sentinel]
        guard !c.clientGone, p.alive else { return }
        c.clientGone = true
        p.conns[c.coreConn] = nil
        runEffects(c.sentinel, p.core.closed(conn: c.coreConn, reason: reason, now: localTime(c.sentinel)))
    }

    func send(_ c: SimulationConnection, toServer m: SimulationConnection.Message) {
        if c.serverGone { return }
        enqueue(c, toServer: true, m)
    }

    func send(_ c: SimulationConnection, toClient m: SimulationConnection.Message) {
        if c.clientGone { return }
        enqueue(c, toServer: false, m)
    }

    private func enqueue(_ c: SimulationConnection, toServer: Bool, _ m: SimulationConnection.Message) {
        let ready = now + network.delay(&rng)
        if toServer {
            c.toServer.lastReady = max(ready, c.toServer.lastReady)
            c.toServer.queue.append((c.toServer.lastReady, m))
        } else {
            c.toClient.lastReady = max(ready, c.toClient.lastReady)
            c.toClient.queue.append((c.toClient.lastReady, m))
        }
        pump(c, toServer: toServer)
    }

    /// The server side drops a connection (crash, CLIENT KILL): the client
    /// gets EOF after what was already on its way.
    func dropServerSide(_ c: SimulationConnection, reason: String) {
        guard !c.serverGone else { return }
        c.serverGone = true
        c.toServer.removeAll()
        if let n = nodes[c.serverPort] { n.clients[c.id] = nil } else if let j = sentinelIndex(c.serverPort) { procs[j].served[c.id] = nil }
        send(c, toClient: .eof(reason))
    }

    /// Makes sure the stream's head is delivered when it is due.
    private func pump(_ c: SimulationConnection, toServer: Bool) {
        let s = toServer ? c.toServer : c.toClient
        guard s.pending else { return }
        let due = max(s.queue[s.head].readyAt, now)
        if let at = s.pumpAt, at <= due { return }
        setPumpAt(c, toServer, due)
        schedule(after: due - now) { [unowned self] in self.drain(c, toServer: toServer, scheduledFor: due) }
    }

    private func setPumpAt(_ c: SimulationConnection, _ toServer: Bool, _ at: Int64?) {
        if toServer { c.toServer.pumpAt = at } else { c.toClient.pumpAt = at }
    }

    private func blocked(_ c: SimulationConnection, toServer: Bool) -> Bool {
        if !c.open { return true }
        let from = toServer ? c.clientPort : c.serverPort, to = toServer ? c.serverPort : c.clientPort
        if !network.reachable(from, to) { return true }
        if let n = nodes[to] { return n.paused }
        if let j = sentinelIndex(to) { return procs[j].paused }
        return false
    }

    private func drain(_ c: SimulationConnection, toServer: Bool, scheduledFor: Int64) {
        let s = toServer ? c.toServer : c.toClient
        guard s.pumpAt == scheduledFor else { return }
        setPumpAt(c, toServer, nil)
        while true {
            let s = toServer ? c.toServer : c.toClient
            guard s.pending, s.queue[s.head].readyAt <= now else { break }
            // A connection that never opened and is abandoned carries nothing any more.
            if (toServer ? c.serverGone : c.clientGone) || (!c.open && c.clientGone) {
                if toServer { c.toServer.removeAll() } else { c.toClient.removeAll() }
                return
            }
            if blocked(c, toServer: toServer) {
                setPumpAt(c, toServer, now + SimulationNetwork.retransmit)
                let at = now + SimulationNetwork.retransmit
                schedule(after: SimulationNetwork.retransmit) { [unowned self] in self.drain(c, toServer: toServer, scheduledFor: at) }
                return
            }
            let m = s.queue[s.head].message
            if toServer {
                c.toServer.head += 1
                if c.toServer.head > 64 { c.toServer.queue.removeFirst(c.toServer.head); c.toServer.head = 0 }
            } else {
                c.toClient.head += 1
                if c.toClient.head > 64 { c.toClient.queue.removeFirst(c.toClient.head); c.toClient.head = 0 }
            }
            if network.shouldReset(&rng) {
                reset(c)
                return
            }
            if toServer { deliverToServer(c, m) } else { deliverToClient(c, m) }
        }
        pump(c, toServer: toServer)
    }

    /// A connection reset: both sides drop it; what was in flight is lost.
    private func reset(_ c: SimulationConnection) {
        if !c.serverGone {
            c.serverGone = true
            if let n = nodes[c.serverPort] { n.clients[c.id] = nil } else if let j = sentinelIndex(c.serverPort) { procs[j].served[c.id] = nil }
        }
        c.toServer.removeAll()
        c.toClient.removeAll()
        clientLearnsClosed(c, "Connection reset by peer")
    }

    private func deliverToClient(_ c: SimulationConnection, _ m: SimulationConnection.Message) {
        let p = procs[c.sentinel]
        guard p.alive, !c.clientGone else { return }
        switch m {
        case .reply(let tag, let v):
            runEffects(c.sentinel, p.core.reply(conn: c.coreConn, tag: tag, value: v, now: localTime(c.sentinel)))
        case .push(let v):
            runEffects(c.sentinel, p.core.push(conn: c.coreConn, value: v, now: localTime(c.sentinel)))
        case .eof(let reason):
            clientLearnsClosed(c, reason)
        case .command:
            break
        }
    }

    private func deliverToServer(_ c: SimulationConnection, _ m: SimulationConnection.Message) {
        if case .eof = m {
            if let n = nodes[c.serverPort] { n.clients[c.id] = nil } else if let j = sentinelIndex(c.serverPort) { procs[j].served[c.id] = nil }
            c.serverGone = true
            return
        }
        guard case .command(let args, let tag) = m else { return }
        if let n = nodes[c.serverPort] {
            if let v = n.handle(args, on: c, self) { send(c, toClient: .reply(tag, v)) }
        } else if let j = sentinelIndex(c.serverPort) {
            send(c, toClient: .reply(tag, sentinelServes(j, args)))
        }
    }

    /// What a sentinel answers another sentinel: PING, the hello PUBLISH, and
    /// SENTINEL subcommands through the core's command entry point.
    private func sentinelServes(_ j: Int, _ args: [String]) -> RESPValue {
        let peer = procs[j].core
        var v: RESPValue
        var effects: [SentinelEffect] = []
        switch args[0].uppercased() {
        case "PING": v = .simple("PONG")
        case "AUTH", "CLIENT": v = .simple("OK")
        case "PUBLISH":
            guard args.count == 3 else { return .err("ERR wrong number of arguments for 'publish' command") }
            effects = peer.receiveHello(args[2], now: localTime(j))
            v = .integer(1)
        case "SENTINEL":
            let (r, e) = peer.sentinelCommand(args, now: localTime(j))
            effects = e
            switch r {
            case .value(let r): v = r
            case .okAfterFlush: v = .simple("OK")
            }
        default:
            v = .err("ERR unknown command '\(args[0])'")
        }
        runEffects(j, effects)
        return v
    }

    /// PUBLISH on a data node: every subscribed connection gets the message
    /// (the sender's pub/sub connection included), in connection order.
    func publish(on node: SimulationDataNode, channel: String, message: String) -> Int {
        var n = 0
        for id in node.clients.keys.sorted() {
            let c = node.clients[id]!
            guard c.subscribed else { continue }
            n += 1
            send(c, toClient: .push(.array([.bulk("message"), .bulk(channel), .bulk(message)])))
        }
        return n
    }

    // MARK: Faults

    func crashSentinel(_ i: Int) {
        let p = procs[i]
        guard p.alive else { return }
        note("s\(i) crashes")
        p.alive = false
        p.paused = false
        p.life += 1
        // The kernel still sends what was written, then FIN; peers get EOF.
        for k in p.conns.keys.sorted() {
            let c = p.conns[k]!
            c.clientGone = true
            send(c, toServer: .eof("client gone"))
        }
        p.conns = [:]
        for k in p.served.keys.sorted() { dropServerSide(p.served[k]!, reason: "Server closed the connection") }
    }

    func restartSentinel(_ i: Int) {
        let p = procs[i]
        guard !p.alive else { return }
        note("s\(i) restarts from its saved state")
        do { try boot(p) } catch { note("s\(i) cannot restart: \(error)") }
    }

    func pauseSentinel(_ i: Int) {
        guard procs[i].alive, !procs[i].paused else { return }
        note("s\(i) paused")
        procs[i].paused = true
    }

    func resumeSentinel(_ i: Int) {
        let p = procs[i]
        guard p.alive, p.paused else { return }
        note("s\(i) resumed")
        p.paused = false
        if p.tickDue {
            p.tickDue = false
            tick(p)
        }
    }

    /// Moves sentinel i's clock by `ms` (negative: backwards).
    func jumpClock(_ i: Int, by ms: Int64) {
        note("s\(i) clock jumps \(ms > 0 ? "+" : "")\(ms) ms")
        procs[i].clockOffset += ms
    }

    func crashNode(_ port: Int) {
        guard let n = nodes[port], n.alive else { return }
        note("node \(port) crashes")
        n.alive = false
        n.paused = false
        n.failingOverTo = nil
        for id in n.clients.keys.sorted() { dropServerSide(n.clients[id]!, reason: "Server closed the connection") }
    }

    /// The node starts again with a new run id, in the role its config file had.
    func restartNode(_ port: Int) {
        guard let n = nodes[port], !n.alive else { return }
        n.alive = true
        n.runid = rng.runID()
        if n.masterPort != nil {
            n.linkUp = false
            n.linkDownSince = now
            n.syncLeft = SimulationDataNode.syncTime
        }
        note("node \(port) restarts (\(n.isMaster ? "master" : "replica of \(n.masterPort!)"))")
    }

    func pauseNode(_ port: Int) {
        guard let n = nodes[port], n.alive, !n.paused else { return }
        note("node \(port) paused")
        n.paused = true
    }

    func resumeNode(_ port: Int) {
        guard let n = nodes[port], n.paused else { return }
        note("node \(port) resumed")
        n.paused = false
    }

    func cut(_ from: Int, _ to: Int) {
        note("cut \(from) -> \(to)")
        network.cut(from, to)
    }

    func partition(_ a: [Int], _ b: [Int]) {
        note("partition \(a) | \(b)")
        network.partition(a, b)
    }

    func isolate(_ port: Int) {
        let others = (sentinelPorts + nodePorts).filter { $0 != port }
        partition([port], others)
    }

    func healNetwork() {
        note("network heals")
        network.healAll()
    }

    /// Everything back: no cuts, no loss, short delays, every process running.
    func healAll() {
        healNetwork()
        network.resetRate = 0
        network.minDelay = 1
        network.maxDelay = 3
        for p in nodePorts {
            resumeNode(p)
            restartNode(p)
        }
        for i in procs.indices {
            resumeSentinel(i)
            restartSentinel(i)
        }
    }

    // MARK: Trace

    func note(_ text: String) {
        let e = SimulationEvent(time: elapsed, sentinel: nil, type: "sim", message: text, epoch: 0, forced: false)
        events.append(e)
        onEvent?(e)
    }

    private func record(_ i: Int, _ type: String, _ message: String) {
        var epoch: UInt64 = 0
        let core = procs[i].core
        // The epoch an event stands for, read as the core emits it (the event text has none).
        let words = message.split(separator: " ")
        let masterName = type == "+switch-master" ? words.first.map(String.init)
            : words.count > 1 && words[0] == "master" ? String(words[1]) : nil
        if let name = masterName, let m = core.masters[name] {
            epoch = type == "+switch-master" ? m.configEpoch : m.failoverEpoch
        }
        let e = SimulationEvent(time: elapsed, sentinel: i, type: type, message: message, epoch: epoch, forced: forcedCommand)
        events.append(e)
        onEvent?(e)
    }

    func events(_ type: String) -> [String] { events.filter { $0.type == type }.map(\.line) }

    /// The address sentinel i gives for the master (GET-MASTER-ADDR-BY-NAME), nil if it is down.
    func masterAddress(_ i: Int, name: String = "mymaster") -> String? {
        let p = procs[i]
        guard p.alive, let m = p.core.masters[name] else { return nil }
        let a = p.core.currentAddress(m)
        return "\(a.ip):\(a.port)"
    }
}

/// One line of the trace: a sentinel's event or something the simulation did.
struct SimulationEvent {
    /// Simulated ms since the start.
    let time: Int64
    /// nil for the simulation's own actions (faults, commands).
    let sentinel: Int?
    let type: String
    let message: String
    /// For +try-failover/+elected-leader the failover epoch, for +switch-master the config epoch.
    let epoch: UInt64
    /// Caused by a client command (SENTINEL FAILOVER) rather than by the sentinel's own judgement.
    let forced: Bool

    var line: String {
        guard let s = sentinel else { return "t=\(time) sim \(message)" }
        let e = ["+try-failover", "+elected-leader", "+switch-master"].contains(type) ? " (epoch \(epoch))" : ""
        return "t=\(time) s\(s) \(type) \(message)\(e)"
    }
}
