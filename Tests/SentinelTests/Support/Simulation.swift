import Protocol
@testable import Sentinel

/// A deterministic simulation: several SentinelCores and modelled Redis data
/// nodes on a simulated network and clock, all driven from one seed in one
/// thread. The same seed gives the same trace.
final class Simulation {
    /// A modelled redis-server: answers what sentinels send.
    final class DataNode {
        let port: Int
        var runid: String
        var masterPort: Int?          // nil = master
        var paused = false
        var replicaPorts: [Int] = []
        var offset = 1000
        init(port: Int, runid: String) { self.port = port; self.runid = runid }

        func info() -> String {
            var l = ["# Server", "run_id:\(runid)", "tcp_port:\(port)", "", "# Replication"]
            if let m = masterPort {
                l += ["role:slave", "master_host:127.0.0.1", "master_port:\(m)", "master_link_status:up",
                      "slave_repl_offset:\(offset)", "slave_priority:100", "replica_announced:1", "connected_slaves:0"]
            } else {
                l += ["role:master", "connected_slaves:\(replicaPorts.count)"]
                for (i, p) in replicaPorts.enumerated() { l.append("slave\(i):ip=127.0.0.1,port=\(p),state=online,offset=\(offset),lag=0") }
            }
            return l.joined(separator: "\r\n") + "\r\n"
        }
    }

    struct Conn {
        let owner: Int       // sentinel index
        let targetPort: Int
        var subscribed = false
    }

    struct Scheduled {
        let at: Int64
        let seq: Int
        let action: () -> Void
    }

    var now: Int64 = 1_000_000
    var rng: SentinelRandom
    var sentinels: [SentinelCore] = []
    var sentinelPorts: [Int] = []
    var nodes: [Int: DataNode] = [:]
    var conns: [Int: [Int: Conn]] = [:]       // sentinel index → conn id → conn
    /// Pairs (a, b) of ports that cannot talk (both directions).
    var cut: Set<[Int]> = []
    private var queue: [Scheduled] = []
    private var seq = 0
    /// Every event any sentinel emitted: "t=<ms> s<i> <type> <message>".
    var trace: [String] = []

    init(seed: UInt64, sentinels count: Int, replicas: Int, downAfter: Int = 2000) throws {
        rng = SentinelRandom(seed: seed)
        let master = DataNode(port: 6379, runid: rng.runID())
        nodes[6379] = master
        for i in 0..<replicas {
            let r = DataNode(port: 7001 + i, runid: rng.runID())
            r.masterPort = 6379
            nodes[r.port] = r
            master.replicaPorts.append(r.port)
        }
        for i in 0..<count {
            let core = SentinelCore(seed: rng.next(), now: now)
            core.port = 26379 + i
            for line in ["monitor mymaster 127.0.0.1 6379 2", "down-after-milliseconds mymaster \(downAfter)"] {
                if let err = core.applyConfig(line.split(separator: " ").map(String.init), now: now) { throw SimError(err) }
            }
            core.start(now: now)
            sentinels.append(core)
            sentinelPorts.append(core.port)
            conns[i] = [:]
            run(i)
            let delay = core.nextTickDelay()
            schedule(after: delay) { [unowned self] in self.tick(i) }
        }
    }

    struct SimError: Error { let text: String; init(_ t: String) { text = t } }

    func schedule(after ms: Int64, _ action: @escaping () -> Void) {
        seq += 1
        queue.append(Scheduled(at: now + ms, seq: seq, action: action))
    }

    /// Runs until `ms` of simulated time have passed.
    func advance(_ ms: Int64) {
        let end = now + ms
        while true {
            guard let i = queue.indices.min(by: { (queue[$0].at, queue[$0].seq) < (queue[$1].at, queue[$1].seq) }),
                  queue[i].at <= end else { break }
            let s = queue.remove(at: i)
            now = s.at
            s.action()
        }
        now = end
    }

    private func tick(_ i: Int) {
        sentinels[i].tick(now: now)
        run(i)
        schedule(after: sentinels[i].nextTickDelay()) { [unowned self] in self.tick(i) }
    }

    private func latency() -> Int64 { Int64(1 + rng.below(3)) }

    private func reachable(_ a: Int, _ b: Int) -> Bool { !cut.contains([a, b]) && !cut.contains([b, a]) }

    /// Carries out sentinel i's effects.
    private func run(_ i: Int) {
        let core = sentinels[i]
        for e in core.drainEffects() {
            switch e {
            case .connect(let conn, _, let port):
                conns[i]![conn] = Conn(owner: i, targetPort: port)
                let ok = (nodes[port] != nil || sentinelPorts.contains(port)) && reachable(sentinelPorts[i], port)
                schedule(after: latency()) { [unowned self] in
                    guard self.conns[i]![conn] != nil else { return }
                    if ok {
                        core.connected(conn: conn, localIP: "127.0.0.1", now: self.now)
                    } else {
                        self.conns[i]![conn] = nil
                        core.closed(conn: conn, reason: "connection refused", now: self.now)
                    }
                    self.run(i)
                }
            case .send(let conn, let args, let tag):
                deliver(i, conn, args, tag)
            case .close(let conn):
                conns[i]![conn] = nil
            case .event(_, let type, let message):
                trace.append("t=\(now - 1_000_000) s\(i) \(type) \(message)")
            case .log, .flushConfig, .spawnScript, .killScript, .exit:
                break
            }
        }
    }

    private func deliver(_ i: Int, _ conn: Int, _ args: [String], _ tag: ReplyTag) {
        guard let c = conns[i]![conn] else { return }
        let from = sentinelPorts[i], to = c.targetPort
        let core = sentinels[i]
        func reply(_ v: RESPValue) {
            schedule(after: latency() * 2) { [unowned self] in
                guard self.conns[i]![conn] != nil else { return }
                core.reply(conn: conn, tag: tag, value: v, now: self.now)
                self.run(i)
            }
        }
        // A partition or a paused node: the request is never answered.
        guard reachable(from, to) else { return }
        if let node = nodes[to] {
            if node.paused { return }
            switch args[0].uppercased() {
            case "PING": reply(.simple("PONG"))
            case "INFO": reply(.bulk(node.info()))
            case "SUBSCRIBE":
                conns[i]![conn]!.subscribed = true
                reply(.array([.bulk("subscribe"), .bulk(args[1]), .integer(1)]))
            case "PUBLISH":
                reply(.integer(1))
                // Every subscriber on this node (the sender included) gets the message.
                // Sorted: dictionary order differs between runs, the trace must not.
                for j in conns.keys.sorted() {
                    let table = conns[j]!
                    for cid in table.keys.sorted() {
                        let sc = table[cid]!
                        guard sc.subscribed && sc.targetPort == to && reachable(sentinelPorts[j], to) else { continue }
                        let payload = args[2]
                        schedule(after: latency()) { [unowned self] in
                            guard self.conns[j]![cid] != nil else { return }
                            self.sentinels[j].push(conn: cid, value: .array([.bulk("message"), .bulk(args[1]), .bulk(payload)]), now: self.now)
                            self.run(j)
                        }
                    }
                }
            default: reply(.simple("OK"))
            }
        } else if let j = sentinelPorts.firstIndex(of: to) {
            let peer = sentinels[j]
            schedule(after: latency()) { [unowned self] in
                var v: RESPValue = .simple("OK")
                switch args[0].uppercased() {
                case "PING": v = .simple("PONG")
                case "PUBLISH":
                    peer.receiveHello(args[2], now: self.now)
                    v = .integer(1)
                case "SENTINEL":
                    if case .value(let r) = peer.sentinelCommand(args, now: self.now) { v = r }
                default: break
                }
                self.run(j)
                reply(v)
            }
        }
    }

    func events(_ type: String) -> [String] { trace.filter { $0.split(separator: " ")[2] == type } }
}
