import Foundation
import Glibc
import Protocol
import RESPClient
import XCTest

/// Two vigil-sentinels and one real redis-sentinel fail over one real
/// deployment together: whichever kind leads, all three agree.
final class MixedFailoverProcessTests: XCTestCase {
    func testMixedQuorumAgreesAfterKillAndFollowsARedisSentinelLeader() throws {
        let vigil = try SentinelDeployment.requireBinaries()
        let d = try SentinelDeployment()
        defer { d.tearDown() }
        d.failoverTimeout = FailoverProcessTests.failoverTimeout
        try d.startDataNodes(replicaCount: 2, priorities: [10, 20])
        let (best, other) = (d.replicaPorts[0], d.replicaPorts[1])
        let sentinels = try d.startQuorum([.vigil, .vigil, .real], vigil: vigil, downAfter: FailoverProcessTests.downAfter)
        let real = sentinels[2]

        // 1. SIGKILL: the election may go either way; the outcome may not.
        let (watcher, killed) = try d.killMasterExpectingSwitch(sentinels, from: d.masterPort, to: best)
        defer {
            watcher.printTraceIfAsked(since: killed)
            watcher.close()
        }
        XCTAssertEqual(SentinelDeployment.leaders(watcher).count, 1, "one leader")
        try d.waitForReplica(other, following: best)

        // 2. The real sentinel leads a forced failover; the vigil-sentinels follow its hello.
        try SentinelDeployment.waitUntil(10, "redis-sentinel sees \(other) as a promotable replica of \(best)") {
            (try real.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).contains {
                let p = SentinelDeployment.pairs($0)
                return p.contains { $0 == ("name", "127.0.0.1:\(other)") } && p.contains { $0 == ("master-port", String(best)) }
                    && p.contains { $0 == ("master-link-status", "ok") }
            }
        }
        let start = Date()
        XCTAssertEqual(try real.call("SENTINEL", "FAILOVER", d.masterName), .simple("OK"))
        try d.expectSwitch(watcher, sentinels, from: best, to: other, since: start)
        XCTAssertEqual(watcher.events.filter { $0.type == "+elected-leader" && $0.at >= start }.map(\.node), [real.label])
        for n in sentinels.prefix(2) {
            XCTAssertNotNil(watcher.first(n.label, "+config-update-from", after: start), "\(n.label) switched on the leader's hello")
        }
        XCTAssertEqual(try SentinelDeployment.replication(port: other)["role"], "master")
    }
}
