import Glibc
import XCTest
@testable import ServerKit

final class ChildProcessTests: XCTestCase {
    /// Polls without a deadline of its own: the child ends by itself, and
    /// XCTest's time limit catches a child that never does.
    func waitForExit(_ pid: pid_t) -> ChildProcess.Exit {
        while true {
            if let ended = ChildProcess.reap(pid) { return ended }
            usleep(2_000)
        }
    }

    func spawned(_ argv: [String]) throws -> pid_t {
        try ChildProcess.spawn(argv).get()
    }

    func testReapReportsTheChildsExitCode() throws {
        let pid = try spawned(["/bin/sh", "-c", "exit 3"])
        XCTAssertEqual(waitForExit(pid), ChildProcess.Exit(code: 3, signal: 0))
    }

    func testReapReportsTheSignalThatKilledTheChild() throws {
        let pid = try spawned(["/bin/sh", "-c", "kill -9 $$"])
        XCTAssertEqual(waitForExit(pid).signal, SIGKILL)
    }

    func testReapOfARunningChildIsNilAndLeavesItRunning() throws {
        let pid = try spawned(["/bin/sleep", "100"])
        XCTAssertNil(ChildProcess.reap(pid))
        XCTAssertEqual(kill(pid, 0), 0)
        kill(pid, SIGKILL)
        XCTAssertEqual(waitForExit(pid).signal, SIGKILL)
    }

    func testSpawnOfAMissingProgramFailsWithENOENT() {
        XCTAssertEqual(ChildProcess.spawn(["/nonexistent/vigil-script"]), .failure(ChildProcess.Errno(code: ENOENT)))
    }

    func testChildSeesOurEnvironment() throws {
        setenv("VIGIL_CHILD_PROCESS_TEST", "7", 1)
        defer { unsetenv("VIGIL_CHILD_PROCESS_TEST") }
        let pid = try spawned(["/bin/sh", "-c", "exit $VIGIL_CHILD_PROCESS_TEST"])
        XCTAssertEqual(waitForExit(pid).code, 7)
    }
}
