import Deployment
import Foundation
import TestSupport
import XCTest
@testable import Operator

/// The same drills against real redis-server and redis-sentinel processes:
/// the drill works on any Redis-protocol deployment.
final class DrillInteropTests: XCTestCase {
    func startRedisDeployment() throws -> LocalDeployment {
        _ = try LocalDeployment.requireBinaries()
        return try Interop.talking(to: "redis-server/redis-sentinel") {
            try DrillDeployment.start(vigilDataNodes: false, sentinels: .real)
        }
    }

    func testKillMasterOfARedisDeploymentIsMeasured() throws {
        let d = try startRedisDeployment()
        defer { d.tearDown() }
        let (report, failure) = DrillCommand.execute(DrillDeployment.options(.killMaster, d))
        let run = try DrillDeployment.completedRun(report, failure)
        XCTAssertTrue(run.fault.hasPrefix("SIGKILL pid \(d.master.pid)"), run.fault)
        XCTAssertNotNil(run.timeToWritableMs)
        XCTAssertNotNil(run.lost)
        XCTAssertTrue(run.timeline.contains { $0.what == "+switch-master" })
    }

    func testCoordinatedAgainstRedisSentinelIsRefusedClearly() throws {
        let d = try startRedisDeployment()
        defer { d.tearDown() }
        let (_, failure) = DrillCommand.execute(DrillDeployment.options(.coordinated, d))
        guard case .badInput(let m)? = failure else { return XCTFail("\(String(describing: failure))") }
        XCTAssertTrue(m.contains("COORDINATED is vigil-sentinel's extension"), m)
        XCTAssertEqual(try d.sentinels[0].call("SENTINEL", "GET-MASTER-ADDR-BY-NAME", d.masterName).elements?[1].string,
                       String(d.masterPort),
            "the refused drill must not fail the master over")
    }
}
