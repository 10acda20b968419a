
import SentinelCore

/// One seeded run with random faults: a deployment drawn from the seed runs,
/// faults hit it for a while, everything heals, then the run must converge.
///
/// The convergence bound: once everything has healed (network whole, every
/// process running, no loss, short delays), all sentinels give the same
/// master address within 2 × failover-timeout + 10 s of simulated time. A
/// failover in flight at the heal ends or aborts within failover-timeout (each
/// state has that timeout), a hello reaches every sentinel within a
/// publish-period or two after the links reconnect (a ping-period), and a
/// master that reports role:slave is failed over again within down-after +
/// 2 × info-period. The run then also checks that no failover state has
/// outlived failover-timeout (+ the jitter and a TILT).
///
/// The data nodes then have to follow: sentinels re-point nodes only from
/// INFO replies, so they get a further max(failover-timeout, 8 s) + 3 ×
/// info-period (`reconfBound`), by which the node at the agreed address reports role
/// master and every live node any sentinel lists as its replica replicates
/// from it.
public struct SimulationFaultRun {
    public let seed: UInt64
    var config = Simulation.Config()
    var faultTime: Int64 = 0
    /// The deployment starts from config files that know every instance, so
    /// this only has to cover the first connections and INFO replies.
    static let warmup: Int64 = 2000
    var keepTrace = false
    /// The writing client's configuration (nil: no writes).
    public var writes: WriteConfig?
    /// Which faults hit the deployment.
    public var faultKind = FaultKind.mixed

    public enum FaultKind: String, CaseIterable, Sendable {
        /// Every kind below and the rest (sentinel crashes and pauses, clock jumps, resets, delays, forced failovers).
        case mixed
        case masterCrash = "master-crash"
        /// The master cut off, both ways, from the sentinels and the other data nodes (clients still reach it).
        case masterPartitioned = "master-partitioned"
        case masterPaused = "master-paused"
        /// Single directions cut between the master and the others.
        case oneWay = "one-way"
    }

    /// What a write needs to count as acknowledged.
    public enum WriteConfig: String, CaseIterable, Sendable {
        case plain = "default"
        case wait1 = "WAIT 1"
        case minReplicas = "min-replicas 1 + max-lag 10"
    }

    var bound: Int64 { 2 * config.failoverTimeout + 10_000 }

    /// The lag of reconfiguration after the sentinels agree. `+fix-slave-config`
    /// waits until the replica has followed the wrong master for failover-timeout
    /// (and its last SDOWN start, before the heal, is that old), then acts on the
    /// next INFO, at most an info-period later. `+convert-to-slave` waits 8 s
    /// (4 × publish-period) after the master role was first seen, then the next
    /// INFO. One more info-period covers the INFO that sees the SLAVEOF applied.
    /// The longest path seen: the sentinels agree at the heal on a master that a
    /// crashed leader's FAILOVER TO had already turned into a replica; it is
    /// failed over down-after + 2 × info-period later, then re-pointed by
    /// `+fix-slave-config` (seed 71954: 33.5 s of its 56 s). Counted from the
    /// heal, 2 × failover-timeout + 10 s + this leaves room for one more
    /// election round (2 × failover-timeout) on that path.
    var reconfBound: Int64 {
        let t = SentinelTimings()
        return max(config.failoverTimeout, 4 * t.publishPeriod) + 3 * t.infoPeriod
    }

    public struct Result {
        public let seed: UInt64
        public var violations: [String] = []
        public var trace: [String] = []
        /// Simulated ms from the heal to the first moment all sentinels agreed.
        var convergedAfter: Int64?
        /// Simulated ms from the heal to the first moment the data nodes followed the agreed master.
        var reconfiguredAfter: Int64?
        /// The limit for `reconfiguredAfter`: bound + reconfBound.
        var reconfLimit: Int64 = 0
        var summary = ""
        var failoverEnds = 0
        public var writes: WriteConfig?
        /// Writes the client was told succeeded, and those of them the agreed master does not hold at the end.
        public var acknowledged = 0
        public var lost = 0
        public var ok: Bool { violations.isEmpty }

        public var report: String {
            (["seed=\(seed) \(summary)", "violations:"] + violations.map { "  " + $0 }
             + ["trace:"] + trace.map { "  " + $0 })
                .joined(separator: "\n")
        }
    }

    public init(seed: UInt64) {
        self.seed = seed
        var r = SentinelRandom(seed: seed ^ 0x5EED_0F_FA17)
        config.sentinels = 3 + r.below(3)
        config.nodes = 2 + r.below(3)
        config.quorum = 1 + r.below(config.sentinels)
        config.downAfter = [1000, 2000, 3000][r.below(3)]
        config.failoverTimeout = [3000, 4000, 6000][r.below(3)]
        config.tiltPeriod = 5000
        config.preDiscovered = true
        faultTime = 3000 + Int64(r.below(8000))
        writes = WriteConfig.allCases[Int(seed % 3)]
    }

    public func run() -> Result {
        var result = Result(seed: seed)
        result.summary = "sentinels=\(config.sentinels) nodes=\(config.nodes) quorum=\(config.quorum) down-after=\(config.downAfter) failover-timeout=\(config.failoverTimeout) faults=\(faultTime)ms bound=\(bound)ms"
        let sim: Simulation
        do { sim = try Simulation(seed: seed, config: config) } catch {
            result.violations = ["cannot start: \(error)"]
            return result
        }
        var r = SentinelRandom(seed: seed ^ 0xFA_17_5C_4E_D0)
        sim.advance(Self.warmup)
        if let w = writes {
            sim.nodePorts.forEach { sim.nodes[$0]!.minReplicas = w == .minReplicas ? 1 : 0 }
            result.writes = w
            let writer = SimulationWriter(index: 0, mode: w == .wait1 ? .wait(replicas: 1, timeoutMs: 1000) : .plain)
            sim.writers = [writer]
            writer.start(sim)
        }
        let faultsEnd = sim.now + faultTime
        while true {
            let step = Int64(300 + r.below(2500))
            if sim.now + step >= faultsEnd { break }
            sim.advance(step)
            if faultKind == .mixed { inject(sim, &r) } else { injectTargeted(sim, &r) }
        }
        sim.advance(faultsEnd - sim.now)
        for w in sim.writers { w.stop(sim) }
        sim.healAll()
        let healedAt = sim.now
        var disagreement: String?
        if sim.advance(until: { Self.agree(sim) }, limit: bound) {
            result.convergedAfter = sim.now - healedAt
            // Past the first agreement only failovers still running matter; most runs stop here.
            sim.advance(until: { !Self.failoverRunning(sim) }, limit: healedAt + bound - sim.now)
        } else {
            let views = sim.procs.indices.map { "s\($0)=\(sim.masterAddress($0) ?? "-")" }.joined(separator: " ")
            disagreement = "no agreement on the master address \(bound) ms after the heal: \(views)"
        }
        if disagreement == nil {
            result.reconfLimit = bound + reconfBound
            let deadline = healedAt + result.reconfLimit
            if sim.advance(until: { Self.replicationFollows(sim) }, limit: max(0, deadline - sim.now)) {
                result.reconfiguredAfter = sim.now - healedAt
            } else {
                result.violations.append("\(bound + reconfBound) ms after the heal the data nodes do not follow the sentinels: \(Self.replicationMismatch(sim)!)")
            }
            if result.reconfiguredAfter != nil && !sim.writers.isEmpty { checkData(sim, &result) }
        }
        result.violations += stuckFailovers(sim)
        result.violations += SimulationChecker.check(sim.events).map(\.description)
        if let d = disagreement { result.violations.append(d) }
        result.failoverEnds = sim.events.filter { $0.type == "+failover-end" || $0.type == "+failover-end-for-timeout" }.count
        if !result.ok || keepTrace { result.trace = sim.trace }
        return result
    }

    /// After convergence every node holds the agreed master's dataset, and no
    /// write WAIT confirmed on a majority of the replicas is missing anywhere.
    /// Counts the acknowledged writes the master lost.
    private func checkData(_ sim: Simulation, _ result: inout Result) {
        // The agreed master may still change (a failover that was running at the heal ends).
        if !sim.advance(until: { Self.dataConverged(sim) }, limit: 30_000) {
            result.violations.append("30000 ms after reconfiguration the datasets differ: \(Self.dataMismatch(sim)!)")
        }
        guard let master = Self.agreedMaster(sim) else { return }
        let majority = (config.nodes - 1) / 2 + 1
        for w in sim.writers {
            for a in w.acks {
                result.acknowledged += 1
                if master.data[a.key] == nil { result.lost += 1 }
                guard a.replicas >= majority else { continue }
                for p in sim.nodePorts where sim.nodes[p]!.data[a.key] == nil {
                    result.violations.append("write \(a.key) (t=\(a.time - Simulation.start), WAIT confirmed on \(a.replicas) replicas) is missing on node \(p)")
                }
            }
        }
    }

    /// How a node differs from the master, nil when every node replicates it with the same offset and digest.
    static func agreedMaster(_ sim: Simulation) -> SimulationDataNode? {
        guard agree(sim), let addr = sim.masterEndpoint(0) else { return nil }
        return sim.nodes[addr.port]
    }

    static func dataMismatch(_ sim: Simulation) -> String? {
        guard let master = agreedMaster(sim) else { return "the sentinels do not agree on the master" }
        if !master.alive || !master.isMaster { return "the agreed master \(master.port) is not a running master" }
        for p in sim.nodePorts where p != master.port {
            let n = sim.nodes[p]!
            if !n.alive || n.masterPort != master.port || !n.linkUp { return "node \(p) does not replicate from \(master.port)" }
            if n.offset != master.offset { return "node \(p) at offset \(n.offset), master \(master.port) at \(master.offset)" }
            if n.data.digest != master.data.digest {
                return "node \(p) digest \(n.data.digest) (\(n.data.count) keys), master \(master.port) digest \(master.data.digest) (\(master.data.count) keys)"
            }
        }
        return nil
    }

    /// dataMismatch(sim) == nil, without making the text: asked after every event.
    static func dataConverged(_ sim: Simulation) -> Bool {
        guard let master = agreedMaster(sim), master.alive, master.isMaster else { return false }
        let digest = master.data.digest
        for p in sim.nodePorts where p != master.port {
            let n = sim.nodes[p]!
            if !n.alive || n.masterPort != master.port || !n.linkUp || n.offset != master.offset || n.data.digest != digest { return false }
        }
        return true
    }

    static func failoverRunning(_ sim: Simulation) -> Bool {
        sim.procs.contains { p in p.alive && p.core.masters.all.contains { $0.flags.contains(.failoverInProgress) } }
    }

    static func agree(_ sim: Simulation) -> Bool {
        guard !sim.procs.isEmpty, let first = sim.masterEndpoint(0) else { return false }
        for i in sim.procs.indices.dropFirst() {
            guard let a = sim.masterEndpoint(i), a.port == first.port, a.ip == first.ip else { return false }
        }
        return true
    }

    /// replicationMismatch(sim) == nil, without making the text: asked after every event.
    static func replicationFollows(_ sim: Simulation) -> Bool {
        guard agree(sim), let port = sim.masterEndpoint(0)?.port, let master = sim.nodes[port] else { return false }
        if !master.alive || master.masterPort != nil { return false }
        for p in sim.procs where p.alive {
            guard let m = p.core.masters["mymaster"] else { continue }
            for r in m.replicas where r.addr.port != port {
                if let n = sim.nodes[r.addr.port], n.alive, n.masterPort != port { return false }
            }
        }
        return true
    }

    /// How the data nodes differ from the sentinels' agreed view, nil when the
    /// node at the agreed address is a master and every live node a sentinel
    /// lists as its replica replicates from it.
    static func replicationMismatch(_ sim: Simulation) -> String? {
        guard agree(sim), let addr = sim.masterAddress(0) else { return "the sentinels do not agree on the master" }
        guard let port = addr.split(separator: ":").last.flatMap({ Int($0) }), let master = sim.nodes[port] else {
            return "the agreed master \(addr) is no data node"
        }
        var out: [String] = []
        if !master.alive { out.append("node \(port) (agreed master) is down") }
        if let mp = master.masterPort { out.append("node \(port) (agreed master) replicates from \(mp)") }
        var listed = Set<Int>()
        for p in sim.procs where p.alive {
            guard let m = p.core.masters["mymaster"] else { continue }
            for r in m.replicas { listed.insert(r.addr.port) }
        }
        for rp in listed.sorted() where rp != port {
            guard let n = sim.nodes[rp], n.alive, n.masterPort != port else { continue }
            out.append("node \(rp) (listed replica) " + (n.masterPort.map { "replicates from \($0)" } ?? "is a master"))
        }
        return out.isEmpty ? nil : out.joined(separator: ", ")
    }

    /// Every failover state is bounded by failover-timeout (plus the start
    /// jitter and a TILT that froze it).
    func stuckFailovers(_ sim: Simulation) -> [String] {
        var out: [String] = []
        for p in sim.procs where p.alive {
            let now = sim.localTime(p.index)
            for m in p.core.masters where m.flags.contains(.failoverInProgress) {
                let age = now - m.failoverStateChangeTime
                if age > config.failoverTimeout + 1000 + config.tiltPeriod {
                    out.append("s\(p.index) failover of \(m.name) stuck in \(m.failoverState.name) for \(age) ms")
                }
            }
        }
        return out
    }

    /// One fault of `faultKind`, on the node that is the master now.
    private func injectTargeted(_ sim: Simulation, _ r: inout SentinelRandom) {
        guard let m = sim.nodePorts.first(where: { sim.nodes[$0]!.alive && sim.nodes[$0]!.isMaster }) else { return }
        let others = (sim.sentinelPorts + sim.nodePorts).filter { $0 != m }
        switch faultKind {
        case .mixed:
            inject(sim, &r)
        case .masterCrash:
            sim.crashNode(m)
            sim.schedule(after: Int64(2000 + r.below(15000))) { [unowned sim] in sim.restartNode(m) }
        case .masterPartitioned:
            sim.partition([m], others)
            sim.schedule(after: Int64(2000 + r.below(15000))) { [unowned sim] in sim.healNetwork() }
        case .masterPaused:
            sim.pauseNode(m)
            sim.schedule(after: Int64(1000 + r.below(8000))) { [unowned sim] in sim.resumeNode(m) }
        case .oneWay:
            for o in others where r.below(2) == 0 {
                if r.below(2) == 0 { sim.cut(m, o) } else { sim.cut(o, m) }
            }
            sim.schedule(after: Int64(2000 + r.below(15000))) { [unowned sim] in sim.healNetwork() }
        }
    }

    /// One random fault. The master node is hit more often: that is what makes failovers.
    private func inject(_ sim: Simulation, _ r: inout SentinelRandom) {
        let hosts = sim.sentinelPorts + sim.nodePorts
        let master = sim.nodePorts.first { sim.nodes[$0]!.alive && sim.nodes[$0]!.isMaster }
        switch r.below(20) {
        case 0, 1, 2:
            if let m = master {
                sim.crashNode(m)
                let back = Int64(2000 + r.below(15000))
                sim.schedule(after: back) { [unowned sim] in sim.restartNode(m) }
            }
        case 3, 4:
            if let m = master {
                sim.pauseNode(m)
                sim.schedule(after: Int64(1000 + r.below(8000))) { [unowned sim] in sim.resumeNode(m) }
            }
        case 5, 6:
            let h = r.below(2) == 0 ? (master ?? hosts[0]) : hosts[r.below(hosts.count)]
            sim.isolate(h)
        case 7, 8:
            var a: [Int] = [], b: [Int] = []
            for h in hosts { if r.below(2) == 0 { a.append(h) } else { b.append(h) } }
            if !a.isEmpty && !b.isEmpty { sim.partition(a, b) }
        case 9, 10:
            for _ in 0...r.below(3) {
                let x = hosts[r.below(hosts.count)], y = hosts[r.below(hosts.count)]
                if x != y { sim.cut(x, y) }
            }
        case 11, 12:
            sim.healNetwork()
        case 13:
            let i = r.below(sim.procs.count)
            sim.crashSentinel(i)
            sim.schedule(after: Int64(1000 + r.below(6000))) { [unowned sim] in sim.restartSentinel(i) }
        case 14:
            let i = r.below(sim.procs.count)
            sim.pauseSentinel(i)
            sim.schedule(after: Int64(500 + r.below(6000))) { [unowned sim] in sim.resumeSentinel(i) }
        case 15:
            let i = r.below(sim.procs.count)
            let ms = Int64(2500 + r.below(20000))
            sim.jumpClock(i, by: r.below(3) == 0 ? -ms : ms)
        case 16:
            sim.network.resetRate = [0, 0.002, 0.01, 0.03][r.below(4)]
            sim.note("connection reset rate \(sim.network.resetRate)")
        case 17:
            let (lo, hi): (Int64, Int64) = [(1, 3), (1, 30), (10, 300), (50, 1500)][r.below(4)]
            sim.network.minDelay = lo
            sim.network.maxDelay = hi
            sim.note("delays \(lo)..\(hi) ms")
        case 18:
            // An operator forcing a failover while the network is split makes two
            // configurations of one epoch on purpose; only do it on a whole network.
            guard sim.network.cuts.isEmpty else { break }
            sim.command(r.below(sim.procs.count), ["SENTINEL", "FAILOVER", "mymaster"] + (r.below(2) == 0 ? ["COORDINATED"] : []))
        default:
            let p = sim.nodePorts[r.below(sim.nodePorts.count)]
            if sim.nodes[p]!.alive {
                sim.crashNode(p)
                sim.schedule(after: Int64(1000 + r.below(10000))) { [unowned sim] in sim.restartNode(p) }
            } else {
                sim.restartNode(p)
            }
        }
    }
}

extension SimulationFaultRun {
    /// The run with its trace kept, passed or not (for VIGIL_SIM_SEED replays).
    public func traceOnly() -> Result {
        var copy = self
        copy.keepTrace = true
        return copy.run()
    }
}
