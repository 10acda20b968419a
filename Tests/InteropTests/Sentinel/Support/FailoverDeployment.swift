import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import XCTest

/// What the failover process tests add to a LocalDeployment: a quorum of
/// sentinels made quick and fully discovered, the address each sentinel
/// gives for the master, the data nodes' own view (INFO replication), and
/// the killed master brought back on its port.
extension LocalDeployment {
    var replicaPorts: [Int] { replicas.map(\.1) }

    /// Starts one sentinel per kind (all with `downAfter`), makes each quick
    /// and waits until every one knows every replica and every other sentinel.
    /// The vigil one at `serverIndex` runs as `vigil-server --sentinel` (when built).
    func startQuorum(_ kinds: [Node.Kind], vigil: String, downAfter: Int = 1000, serverIndex: Int? = nil) throws -> [Node] {
        var nodes: [Node] = []
        for (i, kind) in kinds.enumerated() {
            let n = try startSentinel(kind, vigil: vigil, downAfter: downAfter, useVigilServer: i == serverIndex)
            try quicken(n)
            nodes.append(n)
        }
        try waitForDiscovery(nodes)
        return nodes
    }

    /// INFO every second and hellos every half second, on both kinds alike:
    /// a returning old master is then converted 2–3 s after it comes back
    /// instead of 8–18 s (the wait is 4 hello periods, seen at an INFO reply).
    ///
    /// redis-sentinel also gets a 300 ms ping period (vigil-sentinel connects
    /// to a new address at once). It keeps the old master's reconnect
    /// throttle (one attempt per ping period) across an address switch, so a
    /// switch that lands just after an attempt to the dead master reaches the
    /// new one only after down-after: +sdown, then at once +odown (the other
    /// sentinels' down answers about the old master are still fresh) and a
    /// second failover. A fast leader makes that landing likely for a
    /// redis-sentinel whose own +sdown completed the quorum. Not shorter than
    /// 300 ms: replica selection wants INFO younger than 5 ping periods, and
    /// INFO comes every second.
    func quicken(_ n: Node) throws {
        var args = ["SENTINEL", "DEBUG", "info-period", "1000", "publish-period", "500"]
        if n.kind == .real { args += ["ping-period", "300"] }
        let c = try n.connect()
        defer { c.close() }
        let reply = try c.call(args)
        guard reply == .simple("OK") else { throw RedisClientError.io("\(n.label): SENTINEL DEBUG answered \(reply)") }
    }

    func waitForDiscovery(_ nodes: [Node], seconds: Double = 10) throws {
        let replicaNames = Set(replicaPorts.map { "127.0.0.1:\($0)" })
        try Self.waitUntil(seconds, "every sentinel knows every replica and sentinel") {
            try nodes.allSatisfy { n in
                let reps = Set((try n.call("SENTINEL", "REPLICAS", masterName).elements ?? []).map { Self.pairs($0)[0].1 })
                let sents = Set((try n.call("SENTINEL", "SENTINELS", masterName).elements ?? []).map { Self.pairs($0)[0].1 })
                return reps == replicaNames && sents == Set(nodes.filter { $0 !== n }.map(\.myid))
            }
        }
    }

    /// The master port a sentinel answers to GET-MASTER-ADDR-BY-NAME.
    func masterPortSeen(by n: Node) throws -> Int? {
        guard let items = try n.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName).elements, items.count == 2 else { return nil }
        return items[1].string.flatMap { Int($0) }
    }

    /// Waits until every node names `port` as the master's.
    func waitForAgreement(_ nodes: [Node], on port: Int, seconds: Double = 10) throws {
        try Self.waitUntil(seconds, "every sentinel names port \(port) as the master's") {
            try nodes.allSatisfy { try masterPortSeen(by: $0) == port }
        }
        for n in nodes { XCTAssertEqual(try masterPortSeen(by: n), port, n.label) }
    }

    /// `INFO replication` of a data node as field → value.
    static func replication(port: Int) throws -> [String: String] {
        let c = try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 500, ioTimeoutMs: 2000)
        defer { c.close() }
        var out: [String: String] = [:]
        for line in (try c.call("INFO", "replication").string ?? "").split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            out[String(line[..<colon])] = String(line[line.index(after: colon)...])
        }
        return out
    }

    /// Waits until the data node on `port` replicates from `masterPort` with
    /// its link up, reading `watcher`'s events meanwhile so their times are right.
    func waitForReplica(_ port: Int, following masterPort: Int, seconds: Double = 10, pumping watcher: EventWatcher? = nil) throws {
        let start = Date()
        while Date().timeIntervalSince(start) < seconds {
            if let r = try? Self.replication(port: port),
               r["role"] == "slave" && r["master_port"] == String(masterPort) && r["master_link_status"] == "up" {
                return
            }
            if let watcher { watcher.pump(for: 0.05) } else { usleep(50_000) }
        }
        XCTFail("timed out after \(seconds)s waiting for \(port) replicating from \(masterPort) with its link up")
    }

    /// SIGKILL the master and reap it; returns when it died.
    @discardableResult
    func killMaster() -> Date {
        let at = Date()
        master.kill(signal: SIGKILL)
        master.waitUntilExit()
        return at
    }

    /// The killed master again, on its port and with its original arguments,
    /// so it comes back believing it is a master.
    func restartOldMaster() throws {
        retired.append(master)
        master = try NodeProcess.startRedisServer(port: masterPort, extraArguments: Self.dataNodeArguments)
    }

    /// Who led a failover, from +elected-leader events.
    static func leaders(_ watcher: EventWatcher) -> [String] {
        watcher.events.filter { $0.type == "+elected-leader" }.map(\.node)
    }

    /// The events of one node as "type message" lines, for failure messages.
    static func trace(_ watcher: EventWatcher, _ n: Node) -> String {
        watcher.events.filter { $0.node == n.label }.map { "\($0.type) \($0.message)" }.joined(separator: "\n")
    }
}

extension LocalDeployment {
    /// Watches `nodes` while the current master (on `oldPort`) is SIGKILLed and
    /// expects every one to announce +switch-master to `newPort`, then to
    /// answer it to GET-MASTER-ADDR-BY-NAME. Returns the watcher (still open)
    /// and the kill time.
    func killMasterExpectingSwitch(_ nodes: [Node], from oldPort: Int, to newPort: Int,
                                   seconds: Double = 20) throws -> (EventWatcher, Date) {
        let watcher = try EventWatcher(nodes)
        let killed = killMaster()
        try expectSwitch(watcher, nodes, from: oldPort, to: newPort, since: killed, seconds: seconds)
        return (watcher, killed)
    }

    /// Pumps `watcher` until every node announced +switch-master from
    /// `oldPort` to `newPort`, prints when, and checks the address they answer.
    func expectSwitch(_ watcher: EventWatcher, _ nodes: [Node], from oldPort: Int, to newPort: Int,
                      since start: Date, seconds: Double = 20) throws {
        watcher.pump(for: seconds) { ev in
            nodes.allSatisfy { n in ev.contains { $0.node == n.label && $0.type == "+switch-master" && $0.at >= start } }
        }
        let expected = "\(masterName) 127.0.0.1 \(oldPort) 127.0.0.1 \(newPort)"
        for n in nodes {
            guard let sw = watcher.first(n.label, "+switch-master", after: start) else {
                XCTFail("\(n.label): no +switch-master within \(seconds) s; its events:\n\(Self.trace(watcher, n))\nlog:\n\(n.process.logTail())")
                continue
            }
            XCTAssertEqual(sw.message, expected, n.label)
            print("\(n.label): +switch-master \(String(format: "%.3f", sw.at.timeIntervalSince(start))) s after the start")
        }
        print("failover led by: \(Self.leaders(watcher).joined(separator: ", "))")
        try waitForAgreement(nodes, on: newPort)
    }
}

extension EventWatcher {
    /// With VIGIL_FAILOVER_TRACE=1, prints every event seen since `start`
    /// (seconds after it, node, type, message): what to read when a scenario is slow.
    func printTraceIfAsked(since start: Date) {
        guard ProcessInfo.processInfo.environment["VIGIL_FAILOVER_TRACE"] == "1" else { return }
        pump(for: 0.1)
        for e in events where e.at >= start {
            print(String(format: "%7.3f", e.at.timeIntervalSince(start)), e.node, e.type, e.message)
        }
    }
}

extension LocalDeployment {
    /// The new master stays up in every sentinel's eyes for `settle` seconds
    /// after the switch: no +sdown for it and no second failover (a new
    /// master's links come up late if the reconnect throttle of the old one
    /// is kept; with the old down answers still fresh that means ODOWN at once).
    func expectNewMasterStaysUp(_ watcher: EventWatcher, _ nodes: [Node], port: Int, since start: Date, settle: Double = 1.5) {
        let switched = nodes.compactMap { watcher.first($0.label, "+switch-master", after: start)?.at }.max() ?? start
        let left = settle - Date().timeIntervalSince(switched)
        if left > 0 { watcher.pump(for: left) }
        let master = "master \(masterName) 127.0.0.1 \(port)"
        for n in nodes {
            let bad = watcher.events.filter {
                $0.node == n.label && $0.at >= start
                    && (($0.type == "+sdown" && $0.message == master) || ($0.type == "+try-failover" && $0.message == master))
            }
            XCTAssertTrue(bad.isEmpty, "\(n.label): \(bad.map { "\($0.type) \($0.message)" }); its events:\n\(Self.trace(watcher, n))")
        }
    }
}
