import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// A sentinel that comes back with a new run id on the same address replaces
/// its old entry everywhere (+sentinel-invalid-addr), as redis-sentinel does.
final class SentinelRestartProcessTests: XCTestCase {
    func testNewRunIDOnSameAddressDoesNotRaiseTheCount() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        try d.startDataNodes(replicaCount: 0)
        let v1 = try d.startSentinel(.vigil, vigil: vigil)
        let v2 = try d.startSentinel(.vigil, vigil: vigil)
        let real = try d.startSentinel(.real, vigil: vigil)
        func sentinelIDs(_ n: LocalDeployment.Node) throws -> Set<String> {
            Set((try n.call("SENTINEL", "SENTINELS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 })
        }
        try LocalDeployment.waitUntil(6, "discovery") { try sentinelIDs(v1).count == 2 && sentinelIDs(real).count == 2 }
        let watcher = try EventWatcher([v1, real])
        defer { watcher.close() }
        // Forget v2's identity and start it again on the same port.
        v2.process.terminate()
        let conf = try String(contentsOfFile: v2.configPath, encoding: .utf8)
        try conf.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("sentinel myid ") }
            .joined(separator: "\n").write(toFile: v2.configPath, atomically: true, encoding: .utf8)
        let oldID = v2.myid
        try d.restart(v2, vigil: vigil)
        let newID = try v2.call("SENTINEL", "MYID").string ?? ""
        XCTAssertNotEqual(newID, oldID)
        try LocalDeployment.waitUntil(6, "the new id replaces the old one") {
            try sentinelIDs(v1) == [real.myid, newID] && sentinelIDs(real) == [v1.myid, newID]
        }
        watcher.pump(for: 0.5)
        for n in [v1, real] {
            let invalid = watcher.events.first { $0.node == n.label && $0.type == "+sentinel-invalid-addr" }
            XCTAssertEqual(invalid?.message, "sentinel \(oldID) 127.0.0.1 \(v2.port) @ \(d.masterName) 127.0.0.1 \(d.masterPort)", n.label)
            XCTAssertNotNil(watcher.events.first { $0.node == n.label && $0.type == "+sentinel" && $0.message.contains(newID) })
        }
    }

    func testACLFileUsers() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        d.masterPort = Ports.free()
        let aclPath = d.dir + "/users.acl"
        try "user default on nopass ~* &* +@all\nuser ops on >opspw ~* &* +@all\n".write(toFile: aclPath, atomically: true, encoding: .utf8)
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 60000, extra: ["aclfile \(aclPath)"])
        let c = try v.connect()
        defer { c.close() }
        XCTAssertEqual(try c.call("AUTH", "ops", "opspw"), .simple("OK"))
        XCTAssertEqual(try c.call("ACL", "WHOAMI"), .bulk("ops"))
        XCTAssertEqual(try c.call("ACL", "SETUSER", "extra", "on", ">x", "+ping"), .simple("OK"))
        XCTAssertEqual(try c.call("ACL", "SAVE"), .simple("OK"))
        let saved = try String(contentsOfFile: aclPath, encoding: .utf8)
        XCTAssertTrue(saved.contains("user extra on #"), saved)
        XCTAssertTrue(saved.contains(" +ping\n"), saved)
        // Users in the ACL file are not written to the config file.
        XCTAssertEqual(try c.call("SENTINEL", "FLUSHCONFIG"), .simple("OK"))
        XCTAssertFalse(try String(contentsOfFile: v.configPath, encoding: .utf8).contains("\nuser "))
    }
}
