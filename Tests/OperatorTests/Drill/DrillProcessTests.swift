import Deployment
import Foundation
import TestSupport
import XCTest
@testable import Operator

/// Drills against Vigil's data nodes and sentinels, on loopback. Figures are
/// printed; what is asserted is that the failover happened, was measured and,
/// where the protocol promises it, that no acknowledged write was lost.
final class DrillProcessTests: XCTestCase {
    func testKillMasterReportsTimeToWritableAndTheLostCount() throws {
        let d = try DrillDeployment.start(vigilDataNodes: true, sentinels: .vigil)
        defer { d.tearDown() }
        let (report, failure) = DrillCommand.execute(DrillDeployment.options(.killMaster, d))
        let run = try DrillDeployment.completedRun(report, failure)
        XCTAssertTrue(run.fault.hasPrefix("SIGKILL pid \(d.master.pid)"), run.fault)
        XCTAssertNotNil(run.timeToWritableMs)
        XCTAssertNotNil(run.lost)
        XCTAssertNotEqual(run.newMaster, "127.0.0.1:\(d.masterPort)")
        let steps = run.timeline.map(\.what)
        for step in ["fault", "+sdown", "+odown", "+switch-master", DrillTimeline.firstWriteLabel] {
            XCTAssertTrue(steps.contains(step), "\(step) missing from \(steps)")
        }
    }

    func testKillMasterWithWaitOneLosesNoAcknowledgedWrite() throws {
        let d = try DrillDeployment.start(vigilDataNodes: true, sentinels: .vigil)
        defer { d.tearDown() }
        let (report, failure) = DrillCommand.execute(DrillDeployment.options(.killMaster, d, wait: 1))
        let run = try DrillDeployment.completedRun(report, failure)
        XCTAssertGreaterThan(run.acknowledged, 0)
        XCTAssertEqual(run.lost, 0, "lost: \(run.lostSample)")
    }

    func testCoordinatedFailoverLosesNoAcknowledgedWrite() throws {
        let d = try DrillDeployment.start(vigilDataNodes: true, sentinels: .vigil)
        defer { d.tearDown() }
        let (report, failure) = DrillCommand.execute(DrillDeployment.options(.coordinated, d))
        let run = try DrillDeployment.completedRun(report, failure)
        XCTAssertTrue(run.fault.hasPrefix("SENTINEL FAILOVER mymaster COORDINATED"), run.fault)
        XCTAssertNotNil(run.timeToWritableMs)
        XCTAssertEqual(run.lost, 0, "lost: \(run.lostSample)")
    }

    func testManualFailoverIsMeasured() throws {
        let d = try DrillDeployment.start(vigilDataNodes: true, sentinels: .vigil)
        defer { d.tearDown() }
        let (report, failure) = DrillCommand.execute(DrillDeployment.options(.manual, d))
        let run = try DrillDeployment.completedRun(report, failure)
        XCTAssertTrue(run.timeline.contains { $0.what == "+switch-master" })
        XCTAssertNotNil(run.timeToWritableMs)
        XCTAssertNotNil(run.lost)
    }

    func testPauseMasterFailsOverAndContinuesTheOldMaster() throws {
        let d = try DrillDeployment.start(vigilDataNodes: true, sentinels: .vigil)
        defer { d.tearDown() }
        var o = DrillDeployment.options(.pauseMaster, d)
        o.pauseMs = 3000
        let (report, failure) = DrillCommand.execute(o)
        let run = try DrillDeployment.completedRun(report, failure)
        XCTAssertTrue(run.fault.hasPrefix("SIGSTOP pid \(d.master.pid)"), run.fault)
        XCTAssertNotNil(run.timeToWritableMs)
        // Continued: it answers again (as the new master's replica, once a sentinel turned it).
        try NodeProcess.waitForPing(port: d.masterPort, timeout: 5)
    }

    func testASentinelThatDoesNotAnswerIsBadInput() {
        var o = DrillOptions(kind: .killMaster)
        o.sentinels = [Address(host: "127.0.0.1", port: Ports.free())]
        let (report, failure) = DrillCommand.execute(o)
        XCTAssertTrue(report.runs.isEmpty)
        guard case .badInput(let m)? = failure else { return XCTFail("\(String(describing: failure))") }
        XCTAssertTrue(m.contains("cannot reach sentinel 127.0.0.1:\(o.sentinels[0].port)"), m)
    }

    func testAMasterNameNoSentinelMonitorsIsBadInput() throws {
        let d = try DrillDeployment.start(vigilDataNodes: true, sentinels: .vigil)
        defer { d.tearDown() }
        var o = DrillDeployment.options(.killMaster, d)
        o.masterName = "nosuchmaster"
        let (report, failure) = DrillCommand.execute(o)
        XCTAssertTrue(report.runs.isEmpty)
        guard case .badInput(let m)? = failure else { return XCTFail("\(String(describing: failure))") }
        XCTAssertTrue(m.contains("monitors no master named 'nosuchmaster'"), m)
        XCTAssertTrue(d.master.isRunning, "bad input must break nothing")
    }
}
