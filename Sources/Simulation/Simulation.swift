import Protocol
import ReplicationCore
import SentinelCore

/// A deterministic simulation: several SentinelCores, data nodes running the
/// ReplicationCore and writing clients on a simulated network and clock,
/// all driven from one seed in one thread. The same seed gives the same trace.
///
/// Hosts are named by port: data nodes 6379, 6380, ... (6379 starts as the
/// master), sentinels 26379, 26380, ..., writing clients 7000, 7001, ...
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
        /// min-replicas-to-write / min-replicas-max-lag on every data node (0: off).
        var minReplicasToWrite = 0
        var minReplicasMaxLag = 10
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
        /// The state file's `sentinel` lines as of the last flush.
        var savedState: [[String]] = []
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
    var writers: [SimulationWriter] = []
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
    /// The data nodes' ports in order (the nodes are all made at the start).
    private(set) var nodePorts: [Int] = []
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
        // The replicas start from the master's history (a restarted deployment):
        // their first PSYNC continues it.
        let history = ReplicationHistory(replid: rng.runID(), offset: 1000)
        for i in 0..<config.nodes {
            let n = SimulationDataNode(port: 6379 + i, runid: rng.runID(), history: history)
            n.minReplicas = config.minReplicasToWrite
            n.minReplicasMaxLag = config.minReplicasMaxLag
            nodes[n.port] = n
        }
        nodePorts = nodes.keys.sorted()
        nodes[6379]!.backlog = ReplicationBacklog(size: SimulationDataNode.backlogSize, startingAfter: history.offset)
        for p in nodePorts where p != 6379 {
            let n = nodes[p]!
            n.run(n.link.cacheMasterUsingMyself(), self)
            n.run(n.link.replicaOf(host: "127.0.0.1", port: 6379, nowMs: now, fromConfig: true), self)
        }
        let initial = [["monitor", "mymaster", "127.0.0.1", "6379", String(config.quorum)],
                       ["down-after-milliseconds", "mymaster", String(config.downAfter)],
                       ["failover-timeout", "mymaster", String(config.failoverTimeout)]]
        let ids = (0..<config.sentinels).map { _ in rng.runID() }
        for i in 0..<config.sentinels {
            let p = SentinelProcess(index: i, port: 26379 + i, core: SentinelCore(seed: 0, now: now))
            p.savedState = initial
            if config.preDiscovered {
                var known = [["myid", ids[i]]]
                known += (1..<config.nodes).map { ["known-replica", "mymaster", "127.0.0.1", String(6379 + $0)] }
                known += (0..<config.sentinels).filter { $0 != i }.map { ["known-sentinel", "mymaster", "127.0.0.1", String(26379 + $0), ids[$0]] }
                p.savedState += known
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
            for p in self.nodePorts { self.nodes[p]!.replicationStep(self) }
            self.scheduleReplication()
        }
    }

    // MARK: Sentinel processes

    /// Starts a sentinel from its saved state, as vigil-sentinel loads its config.
    private func boot(_ p: SentinelProcess) throws {
        let core = SentinelCore(seed: rng.next(), now: localTime(p.index))
        core.port = p.port
        core.timings.tiltPeriod = config.tiltPeriod
        try SimulationSentinelState.apply(p.savedState, to: core, now: localTime(p.index))
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
                p.conns[conn] = open(.sentinel(i), life: p.life, coreConn: conn, from: p.port, to: port)
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
                p.savedState = SimulationSentinelState.directives(snapshot)
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

    /// Opens a connection; the client hears of it (connected, or closed) after a network delay.
    func open(_ client: SimulationConnection.Client, life: Int, coreConn: Int = 0, from: Int, to: Int) -> SimulationConnection {
        let c = SimulationConnection(id: nextConnID, client: client, clientLife: life, coreConn: coreConn, clientPort: from,
                                     serverPort: to, startedAt: now)
        nextConnID += 1
        schedule(after: network.delay(&rng)) { [unowned self] in self.attemptConnect(c) }
        return c
    }

    /// A data node's replication link connects to its master.
    func openReplicationLink(from n: SimulationDataNode, to port: Int) -> SimulationConnection {
        open(.node(n.port), life: n.life, from: n.port, to: port)
    }

    /// The client closes its side: the server gets EOF after what is on its way.
    func closeClientSide(_ c: SimulationConnection) {
        guard !c.clientGone else { return }
        c.clientGone = true
        send(c, toServer: .eof("client closed"))
    }

    /// The process that opened `c` still runs the life that opened it.
    private func clientAlive(_ c: SimulationConnection) -> Bool {
        switch c.client {
        case .sentinel(let i): return procs[i].alive && procs[i].life == c.clientLife
        case .node(let p): return nodes[p]!.alive && nodes[p]!.life == c.clientLife
        case .writer(let w): return writers[w].life == c.clientLife
        }
    }

    private func attemptConnect(_ c: SimulationConnection) {
        guard clientAlive(c), !c.clientGone else { return }
        if network.bothWays(c.clientPort, c.serverPort) {
            if serverAlive(c.serverPort) {
                c.open = true
                if let n = nodes[c.serverPort] { n.clients[c.id] = c } else { procs[sentinelIndex(c.serverPort)!].served[c.id] = c }
                switch c.client {
                case .sentinel(let i):
                    runEffects(i, procs[i].core.connected(conn: c.coreConn, localIP: "127.0.0.1", now: localTime(i)))
                case .node(let p):
                    nodes[p]!.linkConnected(self)
                case .writer(let w):
                    writers[w].connected(c, self)
                }
                pump(c, toServer: true)
            } else {
                clientLearnsClosed(c, "Connection refused")
            }
        } else if now - c.startedAt >= SimulationNetwork.connectTimeout {
            clientLearnsClosed(c, "Connection timed out")
        } else {
            // SYN retransmission.
            schedule(after: SimulationNetwork.retransmit) { [unowned self] in self.attemptConnect(c) }
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
        guard !c.clientGone, clientAlive(c) else { return }
        c.clientGone = true
        switch c.client {
        case .sentinel(let i):
            let p = procs[i]
            p.conns[c.coreConn] = nil
            runEffects(i, p.core.closed(conn: c.coreConn, reason: reason, now: localTime(i)))
        case .node(let port):
            if nodes[port]!.linkConn === c { nodes[port]!.linkClosed(reason, self) }
        case .writer(let w):
            writers[w].closed(c, self)
        }
    }

    /// The server side of `c` is gone: a node forgets it (and detaches the replica on it).
    private func forgetServerSide(_ c: SimulationConnection) {
        if let n = nodes[c.serverPort] {
            n.clients[c.id] = nil
            n.replicaGone(c)
        } else if let j = sentinelIndex(c.serverPort) {
            procs[j].served[c.id] = nil
        }
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
        forgetServerSide(c)
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
            forgetServerSide(c)
        }
        c.toServer.removeAll()
        c.toClient.removeAll()
        clientLearnsClosed(c, "Connection reset by peer")
    }

    private func deliverToClient(_ c: SimulationConnection, _ m: SimulationConnection.Message) {
        guard clientAlive(c), !c.clientGone else { return }
        if case .eof(let reason) = m { clientLearnsClosed(c, reason); return }
        switch c.client {
        case .node(let port):
            if case .bytes(let b) = m, nodes[port]!.linkConn === c { nodes[port]!.linkReceived(b, self) }
            return
        case .writer(let w):
            if case .reply(_, let v) = m { writers[w].reply(v, on: c, self) }
            return
        case .sentinel:
            break
        }
        let p = procs[c.sentinel]
        switch m {
        case .reply(let tag, let v):
            runEffects(c.sentinel, p.core.reply(conn: c.coreConn, tag: tag, value: v, now: localTime(c.sentinel)))
        case .push(let v):
            runEffects(c.sentinel, p.core.push(conn: c.coreConn, value: v, now: localTime(c.sentinel)))
        case .eof(let reason):
            clientLearnsClosed(c, reason)
        case .command, .bytes:
            break
        }
    }

    private func deliverToServer(_ c: SimulationConnection, _ m: SimulationConnection.Message) {
        if case .eof = m {
            forgetServerSide(c)
            c.serverGone = true
            return
        }
        if case .bytes(let b) = m {
            nodes[c.serverPort]?.replicationBytes(b, on: c, self)
            return
        }
        guard case .command(let args, let tag) = m else { return }
        if let n = nodes[c.serverPort] {
            if let v = n.handle(args, tag: tag, on: c, self) { send(c, toClient: .reply(tag, v)) }
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
        if let l = n.linkConn { closeClientSide(l) }
        n.crash()
        for id in n.clients.keys.sorted() { dropServerSide(n.clients[id]!, reason: "Server closed the connection") }
    }

    /// The node starts again with a new run id, in the role its config file had.
    func restartNode(_ port: Int) {
        guard let n = nodes[port], !n.alive else { return }
        n.restart(self)
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
        masterEndpoint(i, name: name).map { "\($0.ip):\($0.port)" }
    }

    /// masterAddress without making the text: the fault runs ask after every event.
    func masterEndpoint(_ i: Int, name: String = "mymaster") -> (ip: String, port: Int)? {
        let p = procs[i]
        guard p.alive, let m = p.core.masters[name] else { return nil }
        let a = p.core.currentAddress(m)
        return (a.ip, a.port)
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
