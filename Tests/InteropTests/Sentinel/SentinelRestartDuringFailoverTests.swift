import Foundation
import Glibc
import RESPClient
import Deployment
import TestSupport
import XCTest

/// The sentinel leading a failover over vigil-server data nodes is restarted
/// the moment it has chosen the replica to promote: the failover is finished
/// (by it or by another sentinel once the failover timeout allows), every
/// sentinel agrees on one master, and every data node, the SIGKILLed old
/// master included once restarted from its files, follows it with identical
/// data. redis-server data nodes through the same steps are the reference.
final class SentinelRestartDuringFailoverTests: XCTestCase {
    func testVigilSentinelLeaderRestartedMidFailoverOverVigilNodes() throws {
        try leaderRestartedMidFailover(sentinels: [.vigil, .vigil, .vigil], data: .vigil)
    }

    func testRedisSentinelLeaderRestartedMidFailoverOverVigilNodes() throws {
        try leaderRestartedMidFailover(sentinels: [.real, .real, .real], data: .vigil)
    }

    /// The reference: the same with redis-server data nodes.
    func testVigilSentinelLeaderRestartedMidFailoverOverRedisNodes() throws {
        try leaderRestartedMidFailover(sentinels: [.vigil, .vigil, .vigil], data: .redis)
    }

    func leaderRestartedMidFailover(sentinels kinds: [LocalDeployment.Node.Kind], data: DataNodeKind) throws {
        let vigil = try LocalDeployment.requireBinaries()
        let (d, sentinels) = try FailoverProcessTests.deploy(priorities: [10, 20], vigil, kinds: kinds,
                                                            vigilDataNodes: data == .vigil)
        defer { d.tearDown() }
        let replicas = d.replicaPorts
        let m = try RedisConnection(host: "127.0.0.1", port: d.masterPort)
        try ReplicationSync.writeLoad(m, rounds: 30, tag: "before-save")
        XCTAssertEqual(try m.call("SAVE"), .simple("OK"))
        m.close()
        try LocalDeployment.expectSameData(master: d.masterPort, replicas: replicas, "before the kill")

        let watcher = try EventWatcher(sentinels)
        let killed = d.killMaster()
        watcher.pump(for: 20) { ev in ev.contains { $0.type == "+selected-slave" && $0.at >= killed } }
        guard let selected = watcher.events.first(where: { $0.type == "+selected-slave" && $0.at >= killed }),
              let leader = sentinels.first(where: { $0.label == selected.node }) else {
            watcher.close()
            return XCTFail("no sentinel selected a replica within 20 s of the kill")
        }
        let watcherTrace = watcher.events.map { "\(String(format: "%7.3f", $0.at.timeIntervalSince(killed))) \($0.node) \($0.type) \($0.message)" }
        watcher.close()
        try d.restart(leader, vigil: vigil)
        try d.quicken(leader)
        let restarted = Date()
        // Events from here on, read only if the failover does not end (then they say why).
        let after = try EventWatcher(sentinels)
        defer {
            after.printTraceIfAsked(since: killed)
            after.close()
        }
        print("\(data) nodes: restarted the leader \(leader.label) \(String(format: "%.2f", restarted.timeIntervalSince(killed))) s after the kill (\(selected.message))")

        // Two failover timeouts may pass before another sentinel tries again.
        // Either replica may end up master: a sentinel restarted after the
        // promotion reads no priority from a replica that already reports
        // role master (INFO prints slave_priority only for replicas), so it
        // counts the default 100 and prefers the other, as redis-sentinel does.
        var agreed: Int?
        do {
            try LocalDeployment.waitUntil(40, "every sentinel names the same replica as the master") {
                let seen = Set(try sentinels.map { try d.masterPortSeen(by: $0) })
                guard seen.count == 1, let port = seen.first ?? nil, replicas.contains(port) else { return false }
                agreed = port
                return true
            }
        } catch {
            after.pump(for: 0.3)
            let trace = after.events.map { "\(String(format: "%7.3f", $0.at.timeIntervalSince(killed))) \($0.node) \($0.type) \($0.message)" }
            XCTFail("no agreement on a new master; before the restart:\n"
                    + watcherTrace.joined(separator: "\n") + "\nafter it (times as read):\n" + trace.joined(separator: "\n")
                    + "\n" + d.failoverState(sentinels))
            throw error
        }
        let best = try XCTUnwrap(agreed)
        let other = replicas.first { $0 != best }!
        print("\(data) nodes: every sentinel names \(best) (\(best == replicas[0] ? "the priority-10 replica" : "the priority-20 replica")) \(String(format: "%.2f", Date().timeIntervalSince(restarted))) s after the restart")
        XCTAssertEqual(try LocalDeployment.replication(port: best)["role"], "master")
        try d.waitForReplica(other, following: best, seconds: 20)
        let n = try RedisConnection(host: "127.0.0.1", port: best)
        try ReplicationSync.writeLoad(n, rounds: 10, tag: "new-master")
        n.close()
        try d.restartOldMasterFromItsFiles()
        try d.waitForReplica(d.masterPort, following: best, seconds: 20)
        try LocalDeployment.expectSameData(master: best, replicas: [other, d.masterPort], "after the restarted failover")
        for s in sentinels { XCTAssertEqual(try d.masterPortSeen(by: s), best, s.label) }
    }
}

extension LocalDeployment {
    /// What each sentinel and data node says, for a failover that did not end.
    func failoverState(_ sentinels: [Node]) -> String {
        var out: [String] = []
        for n in sentinels {
            let addr = (try? masterPortSeen(by: n)).flatMap { $0 }.map(String.init) ?? "?"
            let master = (try? n.call("SENTINEL", "MASTER", masterName)).map { Self.pairs($0) } ?? []
            let wanted = ["flags", "config-epoch", "failover-state", "num-slaves"]
            let fields = master.filter { wanted.contains($0.0) }.map { "\($0.0)=\($0.1)" }.joined(separator: " ")
            out.append("\(n.label): master port \(addr) \(fields)\n" + n.process.logTail(lines: 25))
        }
        for port in [masterPort] + replicaPorts {
            let r = (try? Self.replication(port: port)) ?? [:]
            out.append("node \(port): role \(r["role"] ?? "down") master_port \(r["master_port"] ?? "-") link \(r["master_link_status"] ?? "-")")
        }
        return out.joined(separator: "\n")
    }
}
