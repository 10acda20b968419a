import Protocol
import ReplicationCore
import SentinelCore

/// A simulated redis-server: what sentinels send it (PING, INFO, pub/sub,
/// the MULTI/SLAVEOF/CONFIG REWRITE/CLIENT KILL/EXEC transaction, FAILOVER TO)
/// answered as Redis 7.0 does, the writing clients' SET and WAIT, and
/// replication through the real ReplicationCore: the replica side is a
/// ReplicaLink fed the bytes of a simulated connection, the master side
/// answers PSYNC with PsyncDecision from a ReplicationBacklog and counts
/// ACKs in AttachedReplicas (WAIT, min-replicas-to-write). The stream is
/// applied to a SimulationKeyspace.
///
/// A crash keeps the dataset (as with appendfsync always); a master comes
/// back under a new replication id, a replica with its history cached so it
/// may continue with a partial resync (Redis 7.0 with the RDB's aux fields).
final class SimulationDataNode {
    let port: Int
    var runid: String
    var alive = true
    var paused = false
    var priority = 100
    /// Bumped at every crash, so what an earlier life scheduled does nothing.
    var life = 0
    /// Bad behaviour for scenario tests: SLAVEOF is an unknown command (renamed away).
    var refusesSlaveOf = false
    /// Bad behaviour: SLAVEOF NO ONE answers +OK and changes nothing.
    var ignoresPromotion = false
    /// A FAILOVER TO in progress (target port).
    var failingOverTo: Int?
    /// Connections accepted (sentinels, writers, replicas), by simulation connection id.
    var clients: [Int: SimulationConnection] = [:]

    /// The replication state machine; its history is the node's in either role.
    var link: ReplicaLink
    var backlog: ReplicationBacklog?
    var attached = AttachedReplicas()
    /// The connections of the replicas attached to us, by connection id (the AttachedReplicas id).
    var replicaConns: [Int: SimulationConnection] = [:]
    /// The link's connection to our master, while one is open.
    var linkConn: SimulationConnection?
    /// The full sync payload being received.
    var payload: [UInt8]?
    var data = SimulationKeyspace()
    /// min-replicas-to-write and min-replicas-max-lag (seconds).
    var minReplicas = 0
    var minReplicasMaxLag = 10
    /// Clients blocked in WAIT.
    var waiting: [(conn: SimulationConnection, tag: ReplyTag, offset: Int64, wanted: Int)] = []
    private var pingSchedule = ReplicaPingSchedule()
    private var lastCronMs: Int64 = 0

    static let backlogSize = 1024 * 1024

    init(port: Int, runid: String, history: ReplicationHistory) {
        self.port = port
        self.runid = runid
        link = ReplicaLink(history: history, settings: ReplicaLinkSettings(listeningPort: port))
    }

    /// nil: a master.
    var masterPort: Int? { link.masterHost == nil ? nil : link.masterPort }
    var isMaster: Bool { link.masterHost == nil }
    /// The replication link is up (a replica that finished its sync).
    var linkUp: Bool { link.state == .connected }
    /// master_repl_offset (slave_repl_offset on a replica).
    var offset: Int64 { link.history.offset }

    // MARK: roles

    func becomeReplica(of port: Int, _ sim: Simulation) {
        run(link.replicaOf(host: "127.0.0.1", port: port, nowMs: sim.now), sim)
        // replicationSetMaster: our own replicas resync with us, blocked clients are released.
        disconnectReplicas(sim)
        unblockWaiting(sim, "UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)")
    }

    func becomeMaster(_ sim: Simulation) {
        run(link.becomeMaster(newId: sim.rng.runID(), nowMs: sim.now), sim)
        if backlog == nil { backlog = ReplicationBacklog(size: Self.backlogSize, startingAfter: offset) }
    }

    // MARK: the cron

    /// replicationCron, called every 100 ms of simulated time: the link's own
    /// timer (reconnect, ACK once a second, timeouts) and, once a second, the
    /// master's stream PING and dropping replicas that stopped acknowledging.
    func replicationStep(_ sim: Simulation) {
        guard alive && !paused else { return }
        run(link.tick(nowMs: sim.now), sim)
        guard sim.now - lastCronMs >= 1000 else { return }
        lastCronMs = sim.now
        if pingSchedule.cron(periodSeconds: 10, hasReplicas: !replicaConns.isEmpty) && isMaster {
            feed(ReplicaPingSchedule.ping, sim)
        }
        for id in attached.timedOut(nowMs: sim.now, timeoutSeconds: 60) {
            if let c = replicaConns[id] { dropReplica(c, sim) }
        }
    }

    // MARK: the replica side

    /// Carries out the link's effects, in order.
    func run(_ effects: [ReplicaLinkEffect], _ sim: Simulation) {
        for e in effects {
            switch e {
            case .connect(_, let p):
                linkConn = sim.openReplicationLink(from: self, to: p)
            case .send(let bytes):
                if let c = linkConn { sim.send(c, toServer: .bytes(bytes)) }
            case .close:
                if let c = linkConn { sim.closeClientSide(c) }
                linkConn = nil
            case .log:
                break
            case .beginPayload:
                payload = []
            case .appendPayload(let bytes):
                payload? += bytes
            case .loadPayload:
                let loaded = payload.flatMap { SimulationKeyspace(snapshot: $0) }
                payload = nil
                if let d = loaded { data = d }
                run(link.payloadLoaded(success: loaded != nil, nowMs: sim.now), sim)
            case .discardPayload:
                payload = nil
            case .apply(let argv):
                apply(argv)
            case .forward(let bytes):
                backlog?.append(bytes)
                for id in replicaConns.keys.sorted() { sim.send(replicaConns[id]!, toClient: .bytes(bytes)) }
            case .resetBacklog(let o):
                backlog = ReplicationBacklog(size: Self.backlogSize, startingAfter: o)
            case .ensureBacklog(let o):
                if backlog == nil { backlog = ReplicationBacklog(size: Self.backlogSize, startingAfter: o) }
            case .disconnectReplicas:
                disconnectReplicas(sim)
            case .continueStream:
                // Simulated time does not pass within a step: the rest applies now.
                run(link.continueStream(nowMs: sim.now), sim)
            case .connectSnapshot, .sendSnapshot, .closeSnapshot, .holdMainLink, .releaseMainLink:
                // Simulated links keep ReplicaLinkSettings' default (dual channel
                // off): they never announce the capability, so no master offers it.
                preconditionFailure("dual-channel effect without the capability: \(e)")
            }
        }
    }

    private func apply(_ argv: [[UInt8]]) {
        let name = String(decoding: argv[0], as: UTF8.self).uppercased()
        if name == "SET" && argv.count >= 3 {
            data.set(String(decoding: argv[1], as: UTF8.self), String(decoding: argv[2], as: UTF8.self))
        } else if name == "DEL" && argv.count >= 2 {
            data.delete(String(decoding: argv[1], as: UTF8.self))
        }
    }

    func linkConnected(_ sim: Simulation) { run(link.connected(nowMs: sim.now), sim) }

    func linkClosed(_ reason: String, _ sim: Simulation) {
        linkConn = nil
        run(link.closed(reason: reason, nowMs: sim.now), sim)
    }

    func linkReceived(_ bytes: [UInt8], _ sim: Simulation) { run(link.received(bytes, nowMs: sim.now), sim) }

    // MARK: the master side

    /// Stream bytes this node produces as a master: counted in its offset,
    /// kept in the backlog, sent to every attached replica.
    private func feed(_ bytes: [UInt8], _ sim: Simulation) {
        link.history.offset += Int64(bytes.count)
        if backlog == nil && !replicaConns.isEmpty {
            backlog = ReplicationBacklog(size: Self.backlogSize, startingAfter: offset - Int64(bytes.count))
        }
        backlog?.append(bytes)
        for id in replicaConns.keys.sorted() { sim.send(replicaConns[id]!, toClient: .bytes(bytes)) }
    }

    /// Bytes from a replica's link (its handshake, PSYNC, ACKs).
    func replicationBytes(_ bytes: [UInt8], on c: SimulationConnection, _ sim: Simulation) {
        c.serverInput += bytes
        var pos = 0
        while pos < c.serverInput.count {
            let (event, used) = c.serverInput.withUnsafeBytes { c.serverParser.parse(UnsafeRawBufferPointer(rebasing: $0[pos...])) }
            pos += used
            switch event {
            case .needMore: c.serverInput.removeFirst(pos); return
            case .skipped: continue
            case .error: sim.dropServerSide(c, reason: "Protocol error"); return
            case .command(let argv): replicaCommand(argv.map { String(decoding: $0, as: UTF8.self) }, on: c, sim)
            }
            if c.serverGone { return }
        }
        c.serverInput.removeAll()
    }

    private func replicaCommand(_ args: [String], on c: SimulationConnection, _ sim: Simulation) {
        func reply(_ s: String) { sim.send(c, toClient: .bytes(Array(s.utf8))) }
        switch args[0].uppercased() {
        case "PING": reply("+PONG\r\n")
        case "REPLCONF":
            if args.count >= 3 && args[1].uppercased() == "ACK" {
                attached.acknowledged(id: c.id, offset: Int64(args[2]) ?? 0, nowMs: sim.now)
                checkWaiting(sim)
            } else {
                if args.count >= 3 && args[1].lowercased() == "listening-port" { c.announcedPort = Int(args[2]) ?? 0 }
                reply("+OK\r\n")
            }
        case "PSYNC" where args.count >= 3:
            if !isMaster && link.state != .connected {
                reply("-NOMASTERLINK Can't SYNC while not connected with my master\r\n")
                return
            }
            let decision = PsyncDecision.decide(replid: args[1], offset: Int64(args[2]) ?? -1, history: link.history,
                                                backlog: backlog, replica: "127.0.0.1:\(c.announcedPort)")
            switch decision {
            case .partial(let from):
                reply("+CONTINUE \(link.history.replid)\r\n")
                sim.send(c, toClient: .bytes(backlog!.bytes(from: from)!))
            case .full:
                // The snapshot is taken at once (the simulation has no fork): it
                // holds everything up to the offset FULLRESYNC names.
                if backlog == nil { backlog = ReplicationBacklog(size: Self.backlogSize, startingAfter: offset) }
                let snap = data.snapshot
                reply("+FULLRESYNC \(link.history.replid) \(offset)\r\n$\(snap.count)\r\n")
                sim.send(c, toClient: .bytes(snap))
            }
            replicaConns[c.id] = c
            attached.attach(id: c.id, ip: "127.0.0.1", port: c.announcedPort, state: .online, nowMs: sim.now)
        default:
            reply("-ERR unknown command '\(args[0])'\r\n")
        }
    }

    private func dropReplica(_ c: SimulationConnection, _ sim: Simulation) {
        replicaGone(c)
        sim.dropServerSide(c, reason: "Server closed the connection")
    }

    /// A connection this node served went away: if it was a replica's, it is detached.
    func replicaGone(_ c: SimulationConnection) {
        guard replicaConns.removeValue(forKey: c.id) != nil else { return }
        attached.detach(id: c.id)
    }

    func disconnectReplicas(_ sim: Simulation) {
        for id in replicaConns.keys.sorted() { dropReplica(replicaConns[id]!, sim) }
    }

    // MARK: writes and WAIT

    private func write(_ args: [String], _ sim: Simulation) -> RESPValue {
        guard isMaster else { return .err("READONLY You can't write against a read only replica.") }
        if failingOverTo != nil { return .err("READONLY You can't write against a read only replica.") }
        if attached.refusesWrites(minReplicas: minReplicas, maxLagSeconds: minReplicasMaxLag, nowMs: sim.now) {
            return .err("NOREPLICAS Not enough good replicas to write.")
        }
        guard args.count == 3 else { return .err("ERR wrong number of arguments for 'set' command") }
        data.set(args[1], args[2])
        feed(Wire.command(args), sim)
        return .simple("OK")
    }

    /// WAIT numreplicas timeout: answered now if enough replicas acknowledged
    /// this offset, else when they do or the timeout passes (nil: blocked).
    private func wait(_ args: [String], on c: SimulationConnection, tag: ReplyTag, _ sim: Simulation) -> RESPValue? {
        guard isMaster else { return .err("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.") }
        guard args.count == 3, let wanted = Int(args[1]), let timeout = Int64(args[2]) else { return .err("ERR syntax error") }
        let target = offset
        let have = attached.acknowledgedCount(atLeast: target)
        if have >= wanted { return .integer(Int64(have)) }
        waiting.append((c, tag, target, wanted))
        // A blocked WAIT asks the replicas for an ACK through the stream.
        feed(Wire.command(["REPLCONF", "GETACK", "*"]), sim)
        let life = self.life
        sim.schedule(after: timeout) { [unowned self, unowned sim] in
            guard self.life == life, let i = self.waiting.firstIndex(where: { $0.conn === c && $0.offset == target }) else { return }
            self.waiting.remove(at: i)
            sim.send(c, toClient: .reply(tag, .integer(Int64(self.attached.acknowledgedCount(atLeast: target)))))
        }
        return nil
    }

    private func checkWaiting(_ sim: Simulation) {
        waiting.removeAll { w in
            let n = attached.acknowledgedCount(atLeast: w.offset)
            guard n >= w.wanted else { return false }
            sim.send(w.conn, toClient: .reply(w.tag, .integer(Int64(n))))
            return true
        }
    }

    private func unblockWaiting(_ sim: Simulation, _ error: String) {
        for w in waiting { sim.send(w.conn, toClient: .reply(w.tag, .err(error))) }
        waiting = []
    }

    /// The node crashes: everything not in its dataset or history is gone.
    func crash() {
        alive = false
        paused = false
        failingOverTo = nil
        life += 1
        waiting = []
        replicaConns = [:]
        attached = AttachedReplicas()
        linkConn = nil
        payload = nil
    }

    /// The node starts again in the role its config file had.
    func restart(_ sim: Simulation) {
        alive = true
        runid = sim.rng.runID()
        backlog = nil
        let history = link.history
        let master = masterPort
        link = ReplicaLink(history: history, settings: link.settings)
        if let m = master {
            run(link.cacheMasterUsingMyself(), sim)
            run(link.replicaOf(host: "127.0.0.1", port: m, nowMs: sim.now, fromConfig: true), sim)
        } else {
            link.history.replid = sim.rng.runID()
            link.history.clearSecond()
        }
    }

    // MARK: INFO

    func info(now: Int64, _ sim: Simulation) -> String {
        var l = ["# Server", "redis_version:7.0.15", "run_id:\(runid)", "tcp_port:\(port)", "", "# Replication"]
        if let m = masterPort {
            let syncing = link.state == .transfer || link.state == .loading
            l += ["role:slave", "master_host:127.0.0.1", "master_port:\(m)", "master_link_status:\(linkUp ? "up" : "down")",
                  "master_last_io_seconds_ago:\(link.lastIOSecondsAgo(nowMs: now))", "master_sync_in_progress:\(syncing ? 1 : 0)"]
            let offsets = link.infoOffsets
            l += ["slave_read_repl_offset:\(offsets.read)", "slave_repl_offset:\(offsets.applied)"]
            if let since = link.linkDownSinceMs, !linkUp { l.append("master_link_down_since_seconds:\((now - since) / 1000)") }
            l += ["slave_priority:\(priority)", "slave_read_only:1", "replica_announced:1"]
        } else {
            l.append("role:master")
        }
        let online = attached.replicas.filter { $0.state == .online }
        l.append("connected_slaves:\(online.count)")
        for (i, r) in online.enumerated() {
            l.append("slave\(i):ip=127.0.0.1,port=\(r.port),state=online,offset=\(r.ackOffset),lag=\(r.lag(nowMs: now))")
        }
        l += ["master_failover_state:\(failingOverTo == nil ? "no-failover" : "failover-in-progress")",
              "master_replid:\(link.history.replid)", "master_repl_offset:\(offset)", ""]
        return l.joined(separator: "\r\n")
    }

    // MARK: Commands

    /// The reply to one command on connection `c` (nil: no reply, or a blocked WAIT).
    func handle(_ args: [String], tag: ReplyTag, on c: SimulationConnection, _ sim: Simulation) -> RESPValue? {
        let name = args[0].uppercased()
        if c.multi != nil && !["EXEC", "MULTI", "DISCARD"].contains(name) {
            if name == "SLAVEOF" && refusesSlaveOf {
                c.multiDirty = true
                return unknownCommand(args)
            }
            c.multi!.append(args)
            return .simple("QUEUED")
        }
        switch name {
        case "MULTI":
            if c.multi != nil { return .err("ERR MULTI calls can not be nested") }
            c.multi = []
            c.multiDirty = false
            return .simple("OK")
        case "EXEC":
            guard let queued = c.multi else { return .err("ERR EXEC without MULTI") }
            c.multi = nil
            if c.multiDirty { return .err("EXECABORT Transaction discarded because of previous errors.") }
            var out: [RESPValue] = []
            var kills: [String] = []
            for q in queued {
                // CLIENT KILL's victims go after the transaction, as Redis closes them asynchronously.
                if q[0].uppercased() == "CLIENT" && q.count >= 4 && q[1].uppercased() == "KILL" {
                    kills.append(q[3].lowercased())
                    out.append(.integer(Int64(victims(of: q[3].lowercased(), except: c).count)))
                } else {
                    out.append(execute(q, on: c, sim))
                }
            }
            for k in kills { for v in victims(of: k, except: c) { sim.dropServerSide(v, reason: "Server closed the connection") } }
            return .array(out)
        case "WAIT":
            return wait(args, on: c, tag: tag, sim)
        default:
            return execute(args, on: c, sim)
        }
    }

    /// CLIENT KILL TYPE normal|pubsub: replicas' links are of type slave, never killed here.
    private func victims(of type: String, except c: SimulationConnection) -> [SimulationConnection] {
        clients.keys.sorted().compactMap { id in
            let v = clients[id]!
            if v === c || v.isReplicationLink { return nil }
            return (type == "pubsub") == v.subscribed ? v : nil
        }
    }

    private func unknownCommand(_ args: [String]) -> RESPValue {
        let rest = args.dropFirst().map { "'\($0)'" }.joined(separator: " ")
        return .err("ERR unknown command '\(args[0])', with args beginning with: \(rest)\(rest.isEmpty ? "" : " ")")
    }

    private func execute(_ args: [String], on c: SimulationConnection, _ sim: Simulation) -> RESPValue {
        switch args[0].uppercased() {
        case "PING": return .simple("PONG")
        case "AUTH": return .simple("OK")
        case "INFO": return .bulk(info(now: sim.now, sim))
        case "SET": return write(args, sim)
        case "GET": return args.count == 2 ? (data[args[1]].map { .bulk($0) } ?? .null) : .err("ERR wrong number of arguments for 'get' command")
        case "CLIENT":
            if args.count >= 3 && args[1].uppercased() == "SETNAME" {
                c.name = args[2]
                return .simple("OK")
            }
            if args.count >= 4 && args[1].uppercased() == "KILL" {
                let v = victims(of: args[3].lowercased(), except: c)
                for x in v { sim.dropServerSide(x, reason: "Server closed the connection") }
                return .integer(Int64(v.count))
            }
            return .simple("OK")
        case "CONFIG": return .simple("OK")
        case "SUBSCRIBE":
            c.subscribed = true
            return .array([.bulk("subscribe"), .bulk(args[1]), .integer(1)])
        case "PUBLISH":
            return .integer(Int64(sim.publish(on: self, channel: args[1], message: args[2])))
        case "SLAVEOF", "REPLICAOF":
            if refusesSlaveOf { return unknownCommand(args) }
            if failingOverTo != nil { return .err("ERR REPLICAOF not allowed while failing over.") }
            guard args.count == 3 else { return .err("ERR wrong number of arguments for 'slaveof' command") }
            if args[1].uppercased() == "NO" && args[2].uppercased() == "ONE" {
                if !ignoresPromotion && !isMaster { becomeMaster(sim) }
            } else if let p = Int(args[2]) {
                if p == port { return .err("ERR Can't replicate to self") }
                if link.follows(host: "127.0.0.1", port: p) { return .simple("OK Already connected to specified master") }
                becomeReplica(of: p, sim)
            } else {
                return .err("ERR value is not an integer or out of range")
            }
            return .simple("OK")
        case "FAILOVER":
            return failover(args, sim)
        default:
            return unknownCommand(args)
        }
    }

    /// FAILOVER TO host port [TIMEOUT ms]: writes stop, and once the target
    /// has every byte the roles swap (the PSYNC ... FAILOVER handshake is
    /// modelled by the swap); after 5 s without that the failover is aborted.
    private func failover(_ args: [String], _ sim: Simulation) -> RESPValue {
        var target: Int?
        var i = 1
        while i < args.count {
            let a = args[i].uppercased()
            if a == "TO" && i + 2 < args.count { target = Int(args[i + 2]); i += 3 }
            else if a == "TIMEOUT" && i + 1 < args.count { i += 2 }
            else if a == "FORCE" { i += 1 }
            else { return .err("ERR syntax error") }
        }
        if failingOverTo != nil { return .err("ERR FAILOVER already in progress.") }
        if !isMaster { return .err("ERR FAILOVER is not valid when server is a replica.") }
        let replicas = attached.replicas.map(\.port).sorted()
        if replicas.isEmpty { return .err("ERR FAILOVER requires connected replicas.") }
        let to = target ?? replicas[0]
        guard replicas.contains(to) else { return .err("ERR FAILOVER target HOST and PORT is not a replica.") }
        failingOverTo = to
        scheduleFailoverAttempt(to: to, life: life, started: sim.now, sim)
        return .simple("OK")
    }

    /// A method, not a local function: a pending attempt must not keep the simulation alive.
    private func scheduleFailoverAttempt(to: Int, life: Int, started: Int64, _ sim: Simulation) {
        sim.schedule(after: 100) { [unowned self, unowned sim] in
            guard self.life == life, self.failingOverTo == to else { return }
            guard let t = sim.nodes[to], t.alive, t.masterPort == self.port, t.linkUp, sim.network.bothWays(self.port, to),
                  t.offset == self.offset else {
                if sim.now - started > 5000 {
                    self.failingOverTo = nil
                    sim.note("node \(self.port) FAILOVER TO \(to) aborted")
                } else {
                    self.scheduleFailoverAttempt(to: to, life: life, started: started, sim)
                }
                return
            }
            sim.note("node \(self.port) FAILOVER TO \(to) completes")
            self.failingOverTo = nil
            t.becomeMaster(sim)
            self.becomeReplica(of: to, sim)
        }
    }
}

/// RESP arrays of bulk strings, as a client or a master's stream writes commands.
enum Wire {
    static func command(_ args: [String]) -> [UInt8] {
        var out: [UInt8] = Array("*\(args.count)\r\n".utf8)
        for a in args {
            out += Array("$\(a.utf8.count)\r\n".utf8)
            out += Array(a.utf8)
            out += [13, 10]
        }
        return out
    }
}
