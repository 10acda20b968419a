import Foundation
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// SENTINEL FAILOVER with the master alive, the one scenario behind each
/// forced-failover test (data nodes and sentinels of either kind): the best
/// replica by priority (0 never) is promoted without a vote, the other
/// replica and the old master follow it with identical data, and every
/// sentinel, restarted from the file it rewrote during the failover, reports
/// the same state again and agrees on the new master.
struct ForcedFailover {
    /// The replicas' replica-priority, in the order they are started.
    var priorities: [Int]
    var sentinels: [LocalDeployment.Node.Kind] = [.vigil, .vigil, .vigil]
    var vigilDataNodes = false

    /// The replica expected to be promoted: the lowest non-zero priority.
    var promotedIndex: Int {
        priorities.indices.filter { priorities[$0] > 0 }.min { priorities[$0] < priorities[$1] } ?? 0
    }

    func run(step: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let vigil = try LocalDeployment.requireBinaries()
        let (d, sentinels) = try FailoverProcessTests.deploy(priorities: priorities, vigil, kinds: self.sentinels,
                                                             vigilDataNodes: vigilDataNodes)
        defer { d.tearDown() }
        let chosen = d.replicaPorts[promotedIndex]
        let others = d.replicaPorts.indices.filter { $0 != promotedIndex }.map { d.replicaPorts[$0] }
        let m = try RedisConnection(host: "127.0.0.1", port: d.masterPort)
        try ReplicationSync.writeLoad(m, rounds: 30, tag: "before")
        m.close()
        let watcher = try EventWatcher(sentinels)
        let start = Date()
        defer {
            watcher.printTraceIfAsked(since: start)
            watcher.close()
        }
        XCTAssertEqual(try sentinels[0].call("SENTINEL", "FAILOVER", d.masterName), .simple("OK"), file: file, line: line)
        try d.expectSwitch(watcher, sentinels, from: d.masterPort, to: chosen, since: start)
        XCTAssertEqual(LocalDeployment.leaders(watcher), [sentinels[0].label], "a forced failover asks no one", file: file, line: line)
        XCTAssertEqual(try LocalDeployment.replication(port: chosen)["role"], "master", file: file, line: line)
        for port in others { try d.waitForReplica(port, following: chosen, pumping: watcher) }
        // The old master, alive all along, is converted once the others have had time to hear of the switch.
        try d.waitForReplica(d.masterPort, following: chosen, seconds: 15, pumping: watcher)
        let n = try RedisConnection(host: "127.0.0.1", port: chosen)
        try ReplicationSync.writeLoad(n, rounds: 10, tag: "after")
        n.close()
        try LocalDeployment.expectSameData(master: chosen, replicas: others + [d.masterPort], "after the forced failover (\(step))",
                                           file: file, line: line)
        // What each sentinel wrote during the failover brings it back the same, from another directory.
        try d.restartCheck(sentinels, vigil: vigil, step: step)
        try d.waitForAgreement(sentinels, on: chosen)
    }
}
