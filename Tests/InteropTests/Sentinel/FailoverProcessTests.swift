import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Failovers run by three vigil-sentinels (one redis-sentinel observer in one
/// case) over a real redis-server master and two real replicas with distinct
/// priorities, on free loopback ports.
/// down-after 1 s and failover-timeout 3 s keep each scenario to seconds.
final class FailoverProcessTests: XCTestCase {
    static let downAfter = 1000
    static let failoverTimeout = 3000

    /// Master and replicas with these priorities, three sentinels: vigil ones
    /// unless told (the third, if vigil, started as `vigil-server --sentinel`).
    static func deploy(priorities: [Int], _ vigil: String, kinds: [LocalDeployment.Node.Kind] = [.vigil, .vigil, .vigil],
                       vigilDataNodes: Bool = false, dataKinds: [DataNodeKind]? = nil, dataNodeArguments: [String] = [],
                       sentinelLines: [String] = []) throws -> (LocalDeployment, [LocalDeployment.Node]) {
        let d = try LocalDeployment()
        d.failoverTimeout = Self.failoverTimeout
        if !sentinelLines.isEmpty { d.perSentinelConfig = { _, _ in sentinelLines } }
        do {
            try d.startDataNodes(replicaCount: priorities.count, priorities: priorities, vigilDataNodes: vigilDataNodes,
                                 kinds: dataKinds, extraArguments: dataNodeArguments)
            return (d, try d.startQuorum(kinds, vigil: vigil, downAfter: Self.downAfter, serverIndex: 2))
        } catch {
            d.tearDown()
            throw error
        }
    }

    func testKilledMasterIsReplacedByTheBestPriorityReplicaAndRejoinsAsItsReplica() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let (d, sentinels) = try Self.deploy(priorities: [10, 20], vigil)
        defer { d.tearDown() }
        let (best, other) = (d.replicaPorts[0], d.replicaPorts[1])
        // A sentinel-aware writer during the crash; what asynchronous
        // replication loses is printed, never asserted.
        let load = CounterLoad(sentinelPorts: sentinels.map(\.port), masterName: d.masterName)
        load.start()
        defer { load.stop() }
        XCTAssertTrue(load.waitForAcknowledged(100), "the writer never got going")

        let (watcher, killed) = try d.killMasterExpectingSwitch(sentinels, from: d.masterPort, to: best)
        defer {
            watcher.printTraceIfAsked(since: killed)
            watcher.close()
        }
        XCTAssertEqual(try LocalDeployment.replication(port: best)["role"], "master")
        try d.waitForReplica(other, following: best, pumping: watcher)
        _ = load.waitForAcknowledged(load.tally.acknowledged + 100)
        let tally = load.stop()
        let kept = try load.value(onPort: best)
        print("SIGKILL failover: \(tally.acknowledged) INCRs acknowledged, \(kept) on the new master "
              + "(\(max(0, Int64(tally.acknowledged) - kept)) lost), \(tally.failures) failed attempts")

        // The old master comes back believing it is a master; a sentinel turns it into a replica of the new one.
        try d.restartOldMaster()
        try d.waitForReplica(d.masterPort, following: best, seconds: 15, pumping: watcher)
        watcher.pump(for: 0.2)
        XCTAssertTrue(watcher.events.contains {
            $0.type == "+convert-to-slave" && $0.message.hasPrefix("slave 127.0.0.1:\(d.masterPort) 127.0.0.1 \(d.masterPort) @ \(d.masterName) 127.0.0.1 \(best)")
        }, "no +convert-to-slave for the old master")
        print("old master rejoined as a replica \(String(format: "%.1f", Date().timeIntervalSince(killed))) s after the kill")
        for n in sentinels { XCTAssertEqual(try d.masterPortSeen(by: n), best, n.label) }
        d.expectNewMasterStaysUp(watcher, sentinels, port: best, since: killed)
    }

    func testForcedFailoverWithTheMasterAliveSkipsThePriorityZeroReplica() throws {
        // The priority-0 replica is listed first and is as up to date as the other.
        try ForcedFailover(priorities: [0, 50]).run(step: "forced failover")
    }

    func testPriorityZeroReplicaIsNotPromotedEvenWithTheBestOffset() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let (d, sentinels) = try Self.deploy(priorities: [0, 50], vigil)
        defer { d.tearDown() }
        let (ahead, behind) = (d.replicas[0], d.replicas[1])
        // Writes that only the priority-0 replica receives: the other is
        // stopped, its link cut by the master, until the master is gone.
        let link = try RedisConnection(host: "127.0.0.1", port: behind.1)
        let clients = try link.call("CLIENT", "LIST").string ?? ""
        link.close()
        guard let masterLink = clients.split(separator: "\n").first(where: { $0.contains(" flags=M ") }),
              let laddr = masterLink.split(separator: " ").first(where: { $0.hasPrefix("laddr=") })?.dropFirst(6) else {
            return XCTFail("no master link in the replica's CLIENT LIST:\n\(clients)")
        }
        behind.0.kill(signal: SIGSTOP)
        let c = try RedisConnection(host: "127.0.0.1", port: d.masterPort)
        XCTAssertEqual(try c.call("CLIENT", "KILL", "ADDR", String(laddr)), .integer(1), "the stopped replica's link cut")
        for i in 0..<100 { try c.call("SET", "k\(i)", "v") }
        try LocalDeployment.waitUntil(5, "the priority-0 replica has the writes") {
            try LocalDeployment.replication(port: ahead.1)["slave_repl_offset"]
                == LocalDeployment.replication(port: d.masterPort)["master_repl_offset"]
        }
        c.close()
        let watcher = try EventWatcher(sentinels)
        let killed = d.killMaster()
        behind.0.kill(signal: SIGCONT)
        defer {
            watcher.printTraceIfAsked(since: killed)
            watcher.close()
        }
        let offsets = try [ahead.1, behind.1].map { Int(try LocalDeployment.replication(port: $0)["slave_repl_offset"] ?? "") ?? 0 }
        XCTAssertGreaterThan(offsets[0], offsets[1], "the priority-0 replica is ahead")
        try d.expectSwitch(watcher, sentinels, from: d.masterPort, to: behind.1, since: killed)
        try d.waitForReplica(ahead.1, following: behind.1, pumping: watcher)
        d.expectNewMasterStaysUp(watcher, sentinels, port: behind.1, since: killed)
    }

    func testForcedFailoverWithOnlyPriorityZeroReplicasAnswersNoGoodSlave() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        try d.startDataNodes(replicaCount: 1, priorities: [0])
        let mine = try d.startSentinel(.vigil, vigil: vigil)
        let real = try d.startSentinel(.real, vigil: vigil)
        try LocalDeployment.waitUntil(5, "both sentinels read the replica's INFO") {
            try [mine, real].allSatisfy { n in
                (try n.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).contains {
                    LocalDeployment.pairs($0).contains { $0 == ("slave-priority", "0") }
                }
            }
        }
        let expected = RESPValue.err("NOGOODSLAVE No suitable replica to promote")
        XCTAssertEqual(try real.call("SENTINEL", "FAILOVER", d.masterName), expected, "redis-sentinel itself")
        XCTAssertEqual(try mine.call("SENTINEL", "FAILOVER", d.masterName), expected)
        XCTAssertEqual(try mine.call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", d.masterName),
                       .array([.bulk("127.0.0.1"), .bulk(String(d.masterPort))]))
    }

    func testCoordinatedFailoverUnderIncrLoadLosesNoAcknowledgedIncrement() throws {
        try coordinatedFailoverUnderIncrLoad(kinds: [.vigil, .vigil, .vigil])
    }

    func testRedisSentinelFollowsACoordinatedFailover() throws {
        try coordinatedFailoverUnderIncrLoad(kinds: [.vigil, .vigil, .real])
    }

    func testCoordinatedFailoverOverVigilDataNodesLosesNoAcknowledgedIncrement() throws {
        try coordinatedFailoverUnderIncrLoad(kinds: [.vigil, .vigil, .vigil], vigilDataNodes: true)
    }

    /// SENTINEL FAILOVER COORDINATED on the first sentinel (a vigil one)
    /// while a client INCRs through the sentinels: every sentinel switches, and
    /// every acknowledged increment is on the new master.
    func coordinatedFailoverUnderIncrLoad(kinds: [LocalDeployment.Node.Kind], vigilDataNodes: Bool = false) throws {
        let vigil = try LocalDeployment.requireBinaries()
        let (d, sentinels) = try Self.deploy(priorities: [10, 20], vigil, kinds: kinds, vigilDataNodes: vigilDataNodes)
        defer { d.tearDown() }
        let (best, other) = (d.replicaPorts[0], d.replicaPorts[1])
        let load = CounterLoad(sentinelPorts: sentinels.map(\.port), masterName: d.masterName)
        load.start()
        defer { load.stop() }
        XCTAssertTrue(load.waitForAcknowledged(200), "the writer never got going")
        let watcher = try EventWatcher(sentinels)
        let start = Date()
        defer {
            watcher.printTraceIfAsked(since: start)
            watcher.close()
        }
        XCTAssertEqual(try sentinels[0].call("SENTINEL", "FAILOVER", d.masterName, "COORDINATED"), .simple("OK"))
        try d.expectSwitch(watcher, sentinels, from: d.masterPort, to: best, since: start)
        // Keep writing to the new master for a while before counting.
        let before = load.tally.acknowledged
        XCTAssertTrue(load.waitForAcknowledged(before + 200), "no writes acknowledged after the switch")
        let tally = load.stop()
        let kept = try load.value(onPort: best)
        print("COORDINATED failover: \(tally.acknowledged) INCRs acknowledged (highest reply \(tally.highest)), "
              + "\(kept) on the new master, \(tally.failures) failed attempts")
        XCTAssertGreaterThanOrEqual(kept, Int64(tally.acknowledged), "acknowledged increments lost")
        XCTAssertGreaterThanOrEqual(kept, tally.highest, "an acknowledged value is missing on the new master")
        // The old master hands over and follows the new one; so does the other replica.
        try d.waitForReplica(d.masterPort, following: best, pumping: watcher)
        try d.waitForReplica(other, following: best, pumping: watcher)
    }
}
