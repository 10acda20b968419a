import Foundation
import Glibc
import RESPClient
import Deployment
import TestSupport
import XCTest

/// SENTINEL FAILOVER over vigil-server data nodes with the master alive,
/// under each kind of sentinel: the best replica is promoted, the old master
/// and the other replica follow it with identical data, and every sentinel,
/// restarted from the file it rewrote during the failover, reports the same
/// state again.
final class VigilDataNodeForcedFailoverTests: XCTestCase {
    func testVigilSentinelsForceAFailoverOfALiveVigilMaster() throws {
        try forcedFailover(sentinels: [.vigil, .vigil, .vigil])
    }

    func testRedisSentinelsForceAFailoverOfALiveVigilMaster() throws {
        try forcedFailover(sentinels: [.real, .real, .real])
    }

    func forcedFailover(sentinels kinds: [LocalDeployment.Node.Kind]) throws {
        let vigil = try LocalDeployment.requireBinaries()
        let (d, sentinels) = try FailoverProcessTests.deploy(priorities: [10, 20], vigil, kinds: kinds, vigilDataNodes: true)
        defer { d.tearDown() }
        let (best, other) = (d.replicaPorts[0], d.replicaPorts[1])
        let m = try RedisConnection(host: "127.0.0.1", port: d.masterPort)
        try ReplicationSync.writeLoad(m, rounds: 30, tag: "before")
        m.close()
        let watcher = try EventWatcher(sentinels)
        let start = Date()
        defer {
            watcher.printTraceIfAsked(since: start)
            watcher.close()
        }
        XCTAssertEqual(try sentinels[0].call("SENTINEL", "FAILOVER", d.masterName), .simple("OK"))
        try d.expectSwitch(watcher, sentinels, from: d.masterPort, to: best, since: start)
        XCTAssertEqual(LocalDeployment.leaders(watcher), [sentinels[0].label], "a forced failover asks no one")
        XCTAssertEqual(try LocalDeployment.replication(port: best)["role"], "master")
        try d.waitForReplica(other, following: best, pumping: watcher)
        try d.waitForReplica(d.masterPort, following: best, seconds: 15, pumping: watcher)
        let n = try RedisConnection(host: "127.0.0.1", port: best)
        try ReplicationSync.writeLoad(n, rounds: 10, tag: "after")
        n.close()
        try LocalDeployment.expectSameData(master: best, replicas: [other, d.masterPort], "after the forced failover")
        try d.restartCheck(sentinels, vigil: vigil, step: "forced failover over vigil nodes")
        try d.waitForAgreement(sentinels, on: best)
    }
}
