import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// One SentinelCore (through CoreHarness) among scripted data nodes and
/// sentinels that answer at once: just enough of a deployment to walk the
/// election and the failover state by state. Nodes are known by port.
final class FailoverWorld {
    final class Node {
        let port: Int
        var up = true
        var isMaster: Bool
        var masterPort: Int?
        var linkUp = true
        var priority = 100
        var offset = 100
        var runid: String
        /// While set, SLAVEOF <host> <port> leaves the link down until cleared.
        var holdSync = false
        /// The reply to FAILOVER TO (nil: perform the hand-over, +OK).
        var failoverError: String?
        /// While set, SLAVEOF NO ONE is acknowledged but not applied.
        var ignoreSlaveofNoOne = false
        var queued: [[String]]?

        init(port: Int, isMaster: Bool, masterPort: Int?, runid: String) {
            self.port = port
            self.isMaster = isMaster
            self.masterPort = masterPort
            self.runid = runid
        }
    }

    final class Peer {
        let port: Int
        let runid: String
        var saysDown = true
        /// Whom this sentinel votes for when asked: nil = for the asker.
        var votesFor: String?
        /// Answers "*" (no vote) when false.
        var votes = true
        var votedEpoch: UInt64 = 0
        var vote: String?

        init(port: Int, runid: String) {
            self.port = port
            self.runid = runid
        }
    }

    let h: CoreHarness
    var nodes: [Int: Node] = [:]
    var peers: [Int: Peer] = [:]
    /// Every command the core sent, with the port it went to.
    var sent: [(port: Int, args: [String])] = []
    /// Connection id → the port it goes to.
    private(set) var portOf: [Int: Int] = [:]

    var core: SentinelCore { h.core }
    var master: Instance { h.master }
    static func runid(_ n: Int) -> String { String(repeating: "0", count: 36) + String(n, radix: 10).leftPad(4) }

    /// A master on 6379 with replicas on `replicaPorts`, `sentinels` other
    /// sentinels (ports 26400...), all connected and their INFO read.
    init(quorum: Int = 2, sentinels: Int = 2, replicaPorts: [Int] = [7001, 7002], extraConfig: String = "") throws {
        h = try CoreHarness(config: """
            sentinel monitor mymaster 127.0.0.1 6379 \(quorum)
            sentinel down-after-milliseconds mymaster 5000
            sentinel failover-timeout mymaster 20000
            \(extraConfig)
            """)
        nodes[6379] = Node(port: 6379, isMaster: true, masterPort: nil, runid: String(repeating: "a", count: 40))
        for p in replicaPorts {
            nodes[p] = Node(port: p, isMaster: false, masterPort: 6379, runid: Self.runid(p))
        }
        for i in 0..<sentinels {
            let p = Peer(port: 26400 + i, runid: "ffffffffffffffffffffffffffffffffffff" + String(i).leftPad(4))
            peers[p.port] = p
            h.receiveHello("127.0.0.1,\(p.port),\(p.runid),0,mymaster,127.0.0.1,6379,0")
        }
        h.drain()
        run(300)
    }

    func node(_ port: Int) -> Node { nodes[port]! }
    func replica(_ port: Int) -> Instance? { master.replicas["127.0.0.1:\(port)"] }

    /// Advances `ms` in 100 ms ticks, answering everything as the nodes would.
    @discardableResult
    func run(_ ms: Int64) -> [SentinelEffect] {
        var all: [SentinelEffect] = []
        var left = ms
        while left > 0 {
            left -= 100
            var e = h.advance(100)
            all += e
            // Replies can make the core send more (INFO after EXEC...): answer until quiet.
            while !e.isEmpty {
                e = answer(e)
                all += e
            }
        }
        return all
    }

    /// Runs until `event` appears (prefix match), at most `limit` ms; the events seen.
    @discardableResult
    func run(until event: String, limit: Int64 = 60000) -> [String] {
        var seen: [String] = []
        var left = limit
        while left > 0 {
            let ev = h.events(in: run(100))
            seen += ev
            if ev.contains(where: { $0.hasPrefix(event) }) { return seen }
            left -= 100
        }
        XCTFail("no \(event) within \(limit) ms; saw \(seen)")
        return seen
    }

    private func answer(_ e: [SentinelEffect]) -> [SentinelEffect] {
        for c in h.connects(in: e) {
            portOf[c.conn] = c.port
            h.connected(conn: c.conn, localIP: "127.0.0.1")
        }
        for s in h.sends(in: e) {
            guard let port = portOf[s.conn] else { continue }
            sent.append((port, s.args))
            if let n = nodes[port] {
                if !n.up { continue }
                if let v = nodeReply(n, s.args) { h.reply(conn: s.conn, tag: s.tag, value: v) }
            } else if let p = peers[port] {
                h.reply(conn: s.conn, tag: s.tag, value: peerReply(p, s.args))
            }
        }
        return h.drain()
    }

    private func nodeReply(_ n: Node, _ args: [String]) -> RESPValue? {
        let cmd = args[0].uppercased()
        if var q = n.queued, cmd != "EXEC" {
            q.append(args)
            n.queued = q
            return .simple("QUEUED")
        }
        switch cmd {
        case "PING": return .simple("PONG")
        case "INFO": return .bulk(info(n))
        case "SUBSCRIBE": return .array([.bulk("subscribe"), .bulk(args[1]), .integer(1)])
        case "PUBLISH": return .integer(1)
        case "MULTI":
            n.queued = []
            return .simple("OK")
        case "EXEC":
            let q = n.queued ?? []
            n.queued = nil
            for c in q where c[0].uppercased() == "SLAVEOF" || c[0].uppercased() == "MYSLAVEOF" { slaveof(n, c) }
            return .array(q.map { _ in .simple("OK") })
        case "FAILOVER":
            if let err = n.failoverError { return .err(err) }
            let target = nodes[Int(args[3])!]!
            target.isMaster = true
            target.masterPort = nil
            n.isMaster = false
            n.masterPort = target.port
            n.linkUp = true
            return .simple("OK")
        default: return .simple("OK")
        }
    }

    private func slaveof(_ n: Node, _ c: [String]) {
        if c[1].uppercased() == "NO" {
            if n.ignoreSlaveofNoOne { return }
            n.isMaster = true
            n.masterPort = nil
        } else {
            n.isMaster = false
            n.masterPort = Int(c[2])
            n.linkUp = !n.holdSync
        }
    }

    private func peerReply(_ p: Peer, _ args: [String]) -> RESPValue {
        switch args[0].uppercased() {
        case "PING": return .simple("PONG")
        case "PUBLISH": return .integer(1)
        case "SENTINEL" where args.count == 6 && args[1].lowercased() == "is-master-down-by-addr":
            let epoch = UInt64(args[4])!
            var leader = "*"
            if args[5] != "*" && p.votes {
                if epoch > p.votedEpoch {
                    p.votedEpoch = epoch
                    p.vote = p.votesFor ?? args[5]
                }
                leader = p.vote ?? "*"
            }
            return .array([.integer(p.saysDown ? 1 : 0), .bulk(leader), .integer(Int64(p.votedEpoch))])
        default: return .simple("OK")
        }
    }

    func info(_ n: Node) -> String {
        if n.isMaster {
            let replicas = nodes.values.filter { !$0.isMaster && $0.masterPort == n.port && $0.up }
                .sorted { $0.port < $1.port }.map { ("127.0.0.1", $0.port) }
            return CoreHarness.masterInfo(runid: n.runid, replicas: replicas)
        }
        return CoreHarness.replicaInfo(runid: n.runid, masterPort: n.masterPort ?? 0, linkUp: n.linkUp,
                                       priority: n.priority, offset: n.offset)
    }

    /// The master stops answering; the failover follows (others say it is down and vote for us).
    func killMaster() {
        node(6379).up = false
    }

    /// Commands sent to `port`, MULTI...EXEC included, in order.
    func commands(to port: Int) -> [[String]] {
        sent.filter { $0.port == port }.map(\.args)
    }
}

extension String {
    func leftPad(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
