import Protocol
@testable import Sentinel
@testable import SentinelCore

/// A modelled redis-server: what sentinels send it (PING, INFO, pub/sub,
/// the MULTI/SLAVEOF/CONFIG REWRITE/CLIENT KILL/EXEC transaction, FAILOVER TO)
/// answered as Redis 7.0 does, and a replication link whose offset follows
/// its master's while the path between them is up.
final class SimulationDataNode {
    let port: Int
    var runid: String
    /// nil: a master.
    var masterPort: Int?
    var alive = true
    var paused = false
    var offset: Int64 = 1000
    var priority = 100
    /// The replication link is up (a replica that finished its sync).
    var linkUp = false
    var linkDownSince: Int64?
    /// Time left in the sync after the link (re)connects.
    var syncLeft: Int64 = 0
    /// Bad behaviour for scenario tests: SLAVEOF is an unknown command (renamed away).
    var refusesSlaveOf = false
    /// Bad behaviour: SLAVEOF NO ONE answers +OK and changes nothing.
    var ignoresPromotion = false
    /// A FAILOVER TO in progress (target port).
    var failingOverTo: Int?
    /// Connections accepted from sentinels, by simulation connection id.
    var clients: [Int: SimulationConnection] = [:]

    static let syncTime: Int64 = 800

    init(port: Int, runid: String) {
        self.port = port
        self.runid = runid
    }

    var isMaster: Bool { masterPort == nil }

    func becomeReplica(of port: Int, now: Int64) {
        if masterPort == port && !isMaster { return }
        masterPort = port
        linkUp = false
        linkDownSince = linkDownSince ?? now
        syncLeft = Self.syncTime
    }

    func becomeMaster() {
        masterPort = nil
        linkUp = false
        linkDownSince = nil
    }

    /// Replicas whose link to us is up, by port (INFO's slaveN lines).
    func connectedReplicas(_ sim: Simulation) -> [SimulationDataNode] {
        sim.nodes.keys.sorted().compactMap { p in
            let n = sim.nodes[p]!
            return n.alive && n.masterPort == port && n.linkUp ? n : nil
        }
    }

    /// One step of the replication clock: a master's offset grows, a replica
    /// syncs and then follows while its master is reachable.
    func replicationStep(_ sim: Simulation, elapsed: Int64) {
        guard alive && !paused else { return }
        guard let mp = masterPort else {
            offset += Int64(1 + sim.rng.below(64))
            return
        }
        guard let m = sim.nodes[mp], m.alive, sim.network.bothWays(port, mp) else {
            if linkUp { linkUp = false }
            if linkDownSince == nil { linkDownSince = sim.now }
            return
        }
        // A paused master neither sends nor drops the link (the replica's timeout is longer).
        if m.paused { return }
        if !linkUp {
            syncLeft -= elapsed
            if syncLeft > 0 { return }
            linkUp = true
            linkDownSince = nil
        }
        offset = m.offset
    }

    func info(now: Int64, _ sim: Simulation) -> String {
        var l = ["# Server", "redis_version:7.0.15", "run_id:\(runid)", "tcp_port:\(port)", "", "# Replication"]
        if let m = masterPort {
            l += ["role:slave", "master_host:127.0.0.1", "master_port:\(m)", "master_link_status:\(linkUp ? "up" : "down")",
                  "master_last_io_seconds_ago:\(linkUp ? 0 : -1)", "master_sync_in_progress:0"]
            if let since = linkDownSince, !linkUp { l.append("master_link_down_since_seconds:\((now - since) / 1000)") }
            l += ["slave_read_repl_offset:\(offset)", "slave_repl_offset:\(offset)", "slave_priority:\(priority)",
                  "slave_read_only:1", "replica_announced:1"]
        } else {
            l.append("role:master")
        }
        let replicas = connectedReplicas(sim)
        l.append("connected_slaves:\(replicas.count)")
        for (i, r) in replicas.enumerated() {
            l.append("slave\(i):ip=127.0.0.1,port=\(r.port),state=online,offset=\(r.offset),lag=0")
        }
        l += ["master_failover_state:\(failingOverTo == nil ? "no-failover" : "failover-in-progress")",
              "master_repl_offset:\(offset)", ""]
        return l.joined(separator: "\r\n")
    }

    // MARK: Commands

    /// The reply to one command on connection `c` (nil: no reply).
    func handle(_ args: [String], on c: SimulationConnection, _ sim: Simulation) -> RESPValue? {
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
        default:
            return execute(args, on: c, sim)
        }
    }

    private func victims(of type: String, except c: SimulationConnection) -> [SimulationConnection] {
        clients.keys.sorted().compactMap { id in
            let v = clients[id]!
            if v === c { return nil }
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
                if !ignoresPromotion && !isMaster { becomeMaster() }
            } else if let p = Int(args[2]) {
                if p == port { return .err("ERR Can't replicate to self") }
                becomeReplica(of: p, now: sim.now)
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

    /// FAILOVER TO host port [TIMEOUT ms]: after the target catches up the
    /// roles swap (the target is promoted by the PSYNC ... FAILOVER handshake).
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
        let replicas = connectedReplicas(sim)
        if replicas.isEmpty { return .err("ERR FAILOVER requires connected replicas.") }
        let to = target ?? replicas[0].port
        guard replicas.contains(where: { $0.port == to }) else { return .err("ERR FAILOVER target HOST and PORT is not a replica.") }
        failingOverTo = to
        sim.schedule(after: 200 + Int64(sim.rng.below(800)), trace: "node \(port) FAILOVER TO \(to) completes") { [unowned self, unowned sim] in
            self.failingOverTo = nil
            guard self.alive, let t = sim.nodes[to], t.alive, t.masterPort == self.port, t.linkUp,
                  sim.network.bothWays(self.port, to) else { return }
            t.becomeMaster()
            self.becomeReplica(of: to, now: sim.now)
        }
        return .simple("OK")
    }
}
