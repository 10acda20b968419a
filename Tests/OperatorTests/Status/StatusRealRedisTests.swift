import Deployment
import Foundation
import RESPClient
import TestSupport
import XCTest
@testable import Operator

/// `vigil status` reading from real redis-sentinel 7.0 processes watching
/// real redis-server nodes: only fields redis-sentinel has are used.
final class StatusRealRedisTests: XCTestCase {
    func testRedisSentinelDeploymentShowsOneMasterTwoReplicasAndThreeSentinels() throws {
        _ = try LocalDeployment.requireBinaries()
        let d = try Interop.talking(to: "redis-server/redis-sentinel") { try StatusDeployment.start(vigil: false) }
        defer { d.tearDown() }
        let run = try d.status(["--json", "--epochs"])
        XCTAssertEqual(run.status, 0, run.stderr)
        let root = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any], run.stdout)
        let m = try XCTUnwrap((root["masters"] as? [[String: Any]])?.first, run.stdout)
        XCTAssertEqual(m["name"] as? String, "mymaster")
        XCTAssertEqual(m["address"] as? String, "127.0.0.1:\(d.deployment.masterPort)")
        XCTAssertEqual(m["flags"] as? [String], ["master"])
        XCTAssertEqual(m["quorum"] as? Int, 2)
        XCTAssertEqual(m["otherSentinels"] as? Int, 2)
        XCTAssertEqual(m["replicaCount"] as? Int, 2)
        let serverInfo = try RedisConnection(host: "127.0.0.1", port: d.deployment.masterPort).call("INFO", "server").string ?? ""
        XCTAssertEqual(m["runId"] as? String, InfoFields.dictionary(serverInfo)["run_id"])
        let replicas = try XCTUnwrap(m["replicas"] as? [[String: Any]])
        XCTAssertEqual(replicas.compactMap { $0["address"] as? String }, d.replicaPorts.sorted().map { "127.0.0.1:\($0)" })
        XCTAssertEqual(Set(replicas.compactMap { $0["priority"] as? Int }), [100, 50])
        XCTAssertTrue(replicas.allSatisfy { $0["lagBytes"] is Int && $0["masterLinkStatus"] as? String == "ok" }, "\(replicas)")
        let sentinels = try XCTUnwrap(m["sentinels"] as? [[String: Any]])
        XCTAssertEqual(Set(sentinels.compactMap { $0["runId"] as? String }), Set(d.deployment.sentinels.map(\.myid)))
        XCTAssertEqual(sentinels.map { $0["currentEpoch"] as? Int }, [0, 0, 0], "\(sentinels)")
        XCTAssertTrue(sentinels.dropFirst().allSatisfy { $0["lastHelloMs"] is Int && $0["votedLeaderEpoch"] as? Int == 0 }, "\(sentinels)")

        let table = try d.status([])
        XCTAssertEqual(table.status, 0, table.stderr)
        XCTAssertTrue(table.stdout.contains("master mymaster  127.0.0.1:\(d.deployment.masterPort)  ok\n"), table.stdout)
    }

    func testUnknownMasterNameAtARedisSentinelFails() throws {
        _ = try LocalDeployment.requireBinaries()
        let d = try Interop.talking(to: "redis-server/redis-sentinel") { try StatusDeployment.start(vigil: false) }
        defer { d.tearDown() }
        let run = try d.status(["nosuch"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "vigil status: sentinel 127.0.0.1:\(d.sentinelPorts[0]) monitors no master named 'nosuch' (it monitors: mymaster)\n")
    }

    func testARealRedisServerAtTheAddressIsNotTakenForASentinel() throws {
        _ = try Interop.tool("redis-server", purpose: "a data node where a sentinel is expected")
        let port = Ports.free()
        let node = try Interop.talking(to: "redis-server") { try NodeProcess.startRedisServer(port: port) }
        defer { node.cleanUp() }
        let run = try StatusDeployment.vigilStatus(["--sentinel", "127.0.0.1:\(port)"])
        XCTAssertEqual(run.status, 1)
        XCTAssertEqual(run.stderr, "vigil status: 127.0.0.1:\(port) is not a sentinel: a server in redis_mode:standalone answered SENTINEL MYID with: ERR unknown command 'SENTINEL', with args beginning with: 'MYID' \n")
    }
}
