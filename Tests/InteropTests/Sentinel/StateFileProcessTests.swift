import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// `sentinel state-config-file`: learned state goes to the state file, the
/// operator's config stays untouched, and a restart reads both.
final class StateFileProcessTests: XCTestCase {
    func testStateConfigFileLeavesOperatorFileAlone() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        try d.startDataNodes(replicaCount: 1)
        let statePath = d.dir + "/learned.state"
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 1000, extra: ["sentinel state-config-file \(statePath)"])
        let original = d.sentinelConfig(port: v.port, downAfter: 1000, extra: ["sentinel state-config-file \(statePath)"])
        let replica = "127.0.0.1:\(d.replicas[0].1)"
        try LocalDeployment.waitUntil(5, "replica discovered") {
            (try v.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).count == 1
        }
        // Learned state went to the state file; the operator's file is untouched.
        XCTAssertEqual(try String(contentsOfFile: v.configPath, encoding: .utf8), original)
        let state = try String(contentsOfFile: statePath, encoding: .utf8)
        XCTAssertTrue(state.contains("sentinel myid \(v.myid)\n"), state)
        XCTAssertTrue(state.contains("sentinel known-replica \(d.masterName) 127.0.0.1 \(d.replicas[0].1)\n"), state)
        XCTAssertEqual(try v.call("SENTINEL", "FLUSHCONFIG"), .simple("OK"))
        XCTAssertEqual(try v.call("SENTINEL", "SET", d.masterName, "quorum", "1"), .simple("OK"))
        XCTAssertEqual(try String(contentsOfFile: v.configPath, encoding: .utf8), original)

        try d.restart(v, vigil: vigil)
        XCTAssertEqual(try v.call("SENTINEL", "MYID").string, v.myid)
        let reps = (try v.call("SENTINEL", "REPLICAS", d.masterName).elements ?? []).map { LocalDeployment.pairs($0)[0].1 }
        XCTAssertEqual(reps, [replica])
        let quorum = LocalDeployment.pairs(try v.call("SENTINEL", "MASTER", d.masterName)).first { $0.0 == "quorum" }?.1
        XCTAssertEqual(quorum, "1", "runtime SET kept in the state file")
        XCTAssertEqual(try String(contentsOfFile: v.configPath, encoding: .utf8), original)
    }
}
