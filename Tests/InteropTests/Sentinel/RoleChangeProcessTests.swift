import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// A watched redis-server master that turns into a replica is reported down
/// (-role-change, +sdown) and comes back when it is a master again.
final class RoleChangeProcessTests: XCTestCase {
    func testMasterThatTurnsIntoAReplicaGoesDownAndComesBack() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        try d.startDataNodes(replicaCount: 0)
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 500)
        // Faster INFO so the role change is seen (and timed out) quickly: down-after + 2 × info-period.
        XCTAssertEqual(try v.call("SENTINEL", "DEBUG", "info-period", "300"), .simple("OK"))
        try LocalDeployment.waitUntil(3, "first INFO") {
            LocalDeployment.pairs(try v.call("SENTINEL", "MASTER", d.masterName)).first { $0.0 == "runid" }?.1.count == 40
        }
        let watcher = try EventWatcher([v])
        defer { watcher.close() }
        let m = try RedisConnection(host: "127.0.0.1", port: d.masterPort)
        defer { m.close() }
        XCTAssertEqual(try m.call("REPLICAOF", "127.0.0.1", String(Ports.free())), .simple("OK"))
        watcher.pump(for: 5) { ev in ev.contains { $0.type == "+sdown" } }
        let types = watcher.events.map(\.type)
        XCTAssertTrue(types.contains("-role-change"), "\(types)")
        XCTAssertTrue(types.contains("+sdown"), "\(types)")
        XCTAssertEqual(try m.call("REPLICAOF", "NO", "ONE"), .simple("OK"))
        watcher.pump(for: 5) { ev in ev.contains { $0.type == "-sdown" } }
        XCTAssertTrue(watcher.events.map(\.type).contains("+role-change"))
        XCTAssertTrue(watcher.events.map(\.type).contains("-sdown"))
    }
}
