import Deployment
import Foundation
import Glibc
@testable import Operator
import TestSupport
import XCTest

/// `vigil up` and `vigil down` with the built `vigil`, on free ports.
final class UpProcessTests: XCTestCase {
    var fixture: UpFixture!

    override func setUpWithError() throws {
        fixture = try UpFixture()
    }

    override func tearDown() {
        fixture?.tearDown()
    }

    func testDetachedUpStartsSixProcessesAndTheSentinelsAgree() throws {
        let up = try fixture.up(["--detach"])
        XCTAssertEqual(up.status, 0, up.stdout + up.stderr)
        let children = fixture.children
        XCTAssertEqual(children.map(\.name), ["node-1", "node-2", "node-3", "sentinel-1", "sentinel-2", "sentinel-3"])
        XCTAssertTrue(children.allSatisfy(LocalProcesses.isOurs))
        for port in fixture.sentinelPorts {
            let view = try fixture.sentinelView(port)
            XCTAssertEqual(view["port"], String(fixture.dataPorts[0]))
            XCTAssertEqual(view["num-slaves"], "2")
            XCTAssertEqual(view["num-other-sentinels"], "2")
        }
        XCTAssertTrue(up.stdout.contains("Healthy after"), up.stdout)
    }

    func testDownStopsEveryProcessItStarted() throws {
        let up = try fixture.up(["--detach"])
        XCTAssertEqual(up.status, 0, up.stdout + up.stderr)
        let pids = fixture.children.map(\.pid)
        XCTAssertEqual(pids.count, 6)
        let down = try fixture.down()
        XCTAssertEqual(down.status, 0, down.stdout + down.stderr)
        XCTAssertTrue(down.stdout.contains("Stopped 6 processes"), down.stdout)
        XCTAssertTrue(UpFixture.allGone(pids, within: 1), "still running after vigil down: \(pids.filter(LocalProcesses.isAlive))")
        XCTAssertFalse(fixture.run.exists)
    }

    func testDownWithoutDeploymentFails() throws {
        let down = try fixture.down()
        XCTAssertEqual(down.status, 1)
        XCTAssertTrue(down.stderr.contains("no deployment in"), down.stderr)
    }

    func testTakenPortIsReportedBeforeAnythingStarts() throws {
        let holder = try PortHolder()
        let up = try ToolRun.run(fixture.vigil, ["up", fixture.dir, "--ports", "\(fixture.dataPorts[0]),\(holder.port),\(fixture.dataPorts[2])",
                                                 "--sentinel-ports", fixture.sentinelPorts.map(String.init).joined(separator: ","),
                                                 "--configs", UpFixture.configs, "--detach"])
        XCTAssertEqual(up.status, 1)
        XCTAssertTrue(up.stderr.contains("\(holder.port) (node-2) already in use"), up.stderr)
        XCTAssertFalse(fixture.run.exists)
        XCTAssertFalse(FileManager.default.fileExists(atPath: fixture.run.logPath("node-1")))
    }

    func testRunDirectoryWithLiveProcessesIsRefused() throws {
        XCTAssertEqual(try fixture.up(["--detach"]).status, 0)
        let again = try fixture.up(["--detach"])
        XCTAssertEqual(again.status, 1)
        XCTAssertTrue(again.stderr.contains("already running"), again.stderr)
        XCTAssertTrue(again.stderr.contains("vigil down"), again.stderr)
        XCTAssertTrue(fixture.children.allSatisfy(LocalProcesses.isOurs), "the running deployment was touched")
    }

    func testRunDirectoryOfACrashedUpIsCleanedAndReused() throws {
        // Processes on record that are gone: a pid that exited, with a start time no process has.
        let gone = try ToolRun.run("/bin/sh", ["-c", "echo $$"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try fixture.run.write([RunRecord(name: "node-1", role: "master", port: fixture.dataPorts[0], pid: Int32(gone)!,
                                         startTime: 1, argv: [fixture.vigil, "server", fixture.run.configPath("node-1")])])
        let up = try fixture.up(["--detach"])
        XCTAssertEqual(up.status, 0, up.stdout + up.stderr)
        XCTAssertTrue(up.stdout.contains("did not stop (pids \(gone) are gone): cleaned"), up.stdout)
        XCTAssertEqual(fixture.children.count, 6)
    }

    func testDeploymentThatDoesNotConvergeIsStoppedAndNamed() throws {
        // Sentinels need a hello round (2 s) to find each other: never within 1 s.
        // Where it stops (replicas still syncing, or sentinels not yet agreed)
        // depends on the machine; what it names and what it stops does not.
        let up = try fixture.up(["--detach", "--timeout", "1"])
        XCTAssertEqual(up.status, 1)
        XCTAssertTrue(up.stderr.contains("did not converge within 1.0s"), up.stderr)
        XCTAssertTrue(up.stderr.contains("master_link_status") || up.stderr.contains("other sentinels"), up.stderr)
        let stopped = up.stdout.split(separator: "\n").filter { $0.hasPrefix("stopped ") }
        XCTAssertTrue(up.stdout.contains("Stopped \(stopped.count) processes"), up.stdout)
        XCTAssertGreaterThanOrEqual(stopped.count, 3, up.stdout)
        XCTAssertFalse(fixture.run.exists)
    }

    func testProcessFailingHalfWayStopsTheOthers() throws {
        let configs = fixture.dir + "-configs"
        try FileManager.default.copyItem(atPath: UpFixture.configs, toPath: configs)
        defer { try? FileManager.default.removeItem(atPath: configs) }
        try "sentinel no-such-directive 1\n".write(toFile: configs + "/sentinel-3.conf", atomically: true, encoding: .utf8)
        let up = try ToolRun.run(fixture.vigil, ["up", fixture.dir, "--detach"] + fixture.portArguments.dropLast(2) + ["--configs", configs])
        XCTAssertEqual(up.status, 1)
        XCTAssertTrue(up.stderr.contains("sentinel-3"), up.stderr)
        XCTAssertTrue(up.stderr.contains("during start-up"), up.stderr)
        XCTAssertTrue(up.stdout.contains("Stopped 5 processes"), up.stdout)
    }

    func testForegroundUpKilledTakesItsProcessesWithIt() throws {
        let up = try fixture.upInForeground()
        let pids = fixture.children.map(\.pid)
        XCTAssertEqual(pids.count, 6)
        up.kill(signal: SIGKILL)
        up.waitUntilExit()
        XCTAssertTrue(UpFixture.allGone(pids), "outlived a killed vigil up: \(pids.filter(LocalProcesses.isAlive))")
    }

    func testForegroundUpStopsItsProcessesOnSigterm() throws {
        let up = try fixture.upInForeground()
        let pids = fixture.children.map(\.pid)
        up.kill(signal: SIGTERM)
        up.waitUntilExit()
        XCTAssertEqual(up.terminationStatus, 0, up.logText)
        XCTAssertTrue(up.logText.contains("Stopped 6 processes"), up.logText)
        XCTAssertTrue(UpFixture.allGone(pids, within: 1))
    }
}
