import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// The sentinel failover matrix over vigil-server data nodes: a SIGKILLed
/// master replaced by the best replica, the other replica following it by
/// partial resync, the old master restarted from its files and turned into a
/// replica, under vigil-sentinels and under real redis-sentinels, and with
/// vigil and redis data nodes mixed. The same scenario over redis-server data
/// nodes is the reference: its sync counts are what the other runs must show.
final class VigilDataNodeFailoverTests: XCTestCase {
    /// After the switch the new master served one partial resync (the other
    /// replica) and no full one; the returning old master, whose history
    /// continues neither id the new master knows, gets one full resync.
    static let afterSwitch = (full: 0, partial: 1)
    static let afterReturn = (full: 1, partial: 1)

    func testVigilSentinelsFailOverAKilledVigilMasterAndTheOldMasterRejoinsFromItsFiles() throws {
        try killedMasterRejoins(sentinels: [.vigil, .vigil, .vigil], data: .vigil)
    }

    func testRedisSentinelsFailOverAKilledVigilMasterAndTheOldMasterRejoinsFromItsFiles() throws {
        try killedMasterRejoins(sentinels: [.real, .real, .real], data: .vigil)
    }

    /// The reference: redis-server nodes through the same steps.
    func testVigilSentinelsFailOverAKilledRedisMasterWithTheSameSyncCounts() throws {
        try killedMasterRejoins(sentinels: [.vigil, .vigil, .vigil], data: .redis)
    }

    /// Mixed data nodes under a mixed quorum: a vigil master replaced by a
    /// redis-server replica, which the other (vigil) replica and the returning
    /// vigil master then follow.
    func testMixedQuorumFailsOverAVigilMasterToARedisReplica() throws {
        try killedMasterRejoins(sentinels: [.vigil, .real, .vigil], nodes: [.vigil, .redis, .vigil])
    }

    /// The other way round: a redis-server master replaced by a vigil replica,
    /// followed by the other (redis) replica and the returning redis master.
    func testMixedQuorumFailsOverARedisMasterToAVigilReplica() throws {
        try killedMasterRejoins(sentinels: [.real, .vigil, .real], nodes: [.redis, .vigil, .redis])
    }

    func killedMasterRejoins(sentinels kinds: [LocalDeployment.Node.Kind], data: DataNodeKind) throws {
        try killedMasterRejoins(sentinels: kinds, nodes: [data, data, data])
    }

    /// Writes, a SAVE (the files the old master restarts from), more writes;
    /// SIGKILL; the switch to the priority-10 replica; the other replica
    /// follows it; writes on the new master; the old master restarted from
    /// its directory is converted and catches up. DEBUG DIGEST equal at each
    /// stage, the new master's sync counters as the reference's.
    /// `nodes`: the master's kind, then the best replica's, then the other's.
    func killedMasterRejoins(sentinels kinds: [LocalDeployment.Node.Kind], nodes: [DataNodeKind]) throws {
        let vigil = try LocalDeployment.requireBinaries()
        let (d, sentinels) = try FailoverProcessTests.deploy(priorities: [10, 20], vigil, kinds: kinds, dataKinds: nodes)
        let data = nodes.map { "\($0)" }.joined(separator: "/")
        defer { d.tearDown() }
        let (best, other) = (d.replicaPorts[0], d.replicaPorts[1])
        let m = try RedisConnection(host: "127.0.0.1", port: d.masterPort)
        try ReplicationSync.writeLoad(m, rounds: 30, tag: "before-save")
        XCTAssertEqual(try m.call("SAVE"), .simple("OK"))
        try ReplicationSync.writeLoad(m, rounds: 10, tag: "after-save")
        m.close()
        try LocalDeployment.expectSameData(master: d.masterPort, replicas: [best, other], "before the kill")

        let (watcher, killed) = try d.killMasterExpectingSwitch(sentinels, from: d.masterPort, to: best)
        defer {
            watcher.printTraceIfAsked(since: killed)
            watcher.close()
        }
        XCTAssertEqual(try LocalDeployment.replication(port: best)["role"], "master")
        try d.waitForReplica(other, following: best, pumping: watcher)
        print("\(data) nodes: the other replica follows the new master \(String(format: "%.2f", Date().timeIntervalSince(killed))) s after the kill")
        let n = try RedisConnection(host: "127.0.0.1", port: best)
        try ReplicationSync.writeLoad(n, rounds: 10, tag: "new-master")
        n.close()
        try LocalDeployment.expectSameData(master: best, replicas: [other], "after the switch")
        let switched = try LocalDeployment.syncCounts(port: best)
        print("\(data) nodes: new master after the switch: sync_full \(switched.full), sync_partial_ok \(switched.partial)")
        // A surplus full sync is the other replica's doing: its log says why.
        let otherLog = d.replicas[1].0.logTail(lines: 30)
        XCTAssertEqual(switched.full, Self.afterSwitch.full, "full resyncs served by the new master; the other replica's log:\n\(otherLog)")
        XCTAssertEqual(switched.partial, Self.afterSwitch.partial, "partial resyncs served by the new master")

        try d.restartOldMasterFromItsFiles()
        let back = Date()
        try d.waitForReplica(d.masterPort, following: best, seconds: 20, pumping: watcher)
        print("\(data) nodes: old master a replica again \(String(format: "%.2f", Date().timeIntervalSince(back))) s after its restart")
        watcher.pump(for: 0.2)
        XCTAssertTrue(watcher.events.contains {
            $0.type == "+convert-to-slave" && $0.message.hasPrefix("slave 127.0.0.1:\(d.masterPort) 127.0.0.1 \(d.masterPort) @ \(d.masterName) 127.0.0.1 \(best)")
        }, "no +convert-to-slave for the old master")
        try LocalDeployment.expectSameData(master: best, replicas: [other, d.masterPort], "after the old master returned")
        let returned = try LocalDeployment.syncCounts(port: best)
        print("\(data) nodes: new master after the return: sync_full \(returned.full), sync_partial_ok \(returned.partial)")
        XCTAssertEqual(returned.full, Self.afterReturn.full, "full resyncs served by the new master")
        XCTAssertEqual(returned.partial, Self.afterReturn.partial, "partial resyncs served by the new master")
        for s in sentinels { XCTAssertEqual(try d.masterPortSeen(by: s), best, s.label) }
        d.expectNewMasterStaysUp(watcher, sentinels, port: best, since: killed)
    }
}
