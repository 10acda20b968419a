import Foundation
import Glibc
import RESPClient
import TestSupport
import Deployment
import XCTest

final class NodeProcessTests: XCTestCase {
    func testFreePortsAreDistinctAndBindable() {
        var seen = Set<Int>()
        for _ in 0..<20 {
            let p = Ports.free()
            XCTAssertTrue(p > 0 && p <= 55535)
            XCTAssertTrue(seen.insert(p).inserted, "port \(p) handed out twice")
        }
    }

    func testLaunchLogAndTerminate() throws {
        let p = try NodeProcess.launch(executable: "/bin/sh", arguments: ["-c", "echo out; echo err >&2; exec sleep 30"])
        XCTAssertTrue(p.isRunning)
        var waited = 0
        while !p.logText.contains("err") && waited < 500 { usleep(10_000); waited += 1 }
        XCTAssertTrue(p.logText.contains("out\n"))
        XCTAssertTrue(p.logText.contains("err\n"))
        p.terminate()
        XCTAssertFalse(p.isRunning)
        p.removeLog()
    }

    func testTerminateEscalatesToSigkill() throws {
        let p = try NodeProcess.launch(executable: "/bin/sh", arguments: ["-c", "trap '' TERM; echo ready; while :; do sleep 0.05; done"])
        while !p.logText.contains("ready") { usleep(10_000) }
        p.terminate(grace: 0.2)
        XCTAssertFalse(p.isRunning)
        p.removeLog()
    }

    func testWaitForPingFailsWhenTheProcessExits() throws {
        let p = try NodeProcess.launch(executable: "/bin/sh", arguments: ["-c", "echo bye; exit 3"])
        XCTAssertThrowsError(try p.waitForPing(port: Ports.free(), timeout: 10))
        p.removeLog()
    }

    func testFindExecutables() {
        XCTAssertNotNil(Executables.onPath("sh"))
        XCTAssertNil(Executables.onPath("no-such-binary-\(getpid())"))
    }
}
