import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// The crash report (crash-log-enabled) and the software watchdog
/// (watchdog-period), as Redis writes them to its log: the signal, the
/// faulting address or the sender, the stack with the functions named; then
/// the process dies of that signal.
final class CrashReportProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func waitForLog(_ p: NodeProcess, _ text: String, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while !p.logText.contains(text) && Date() < deadline { usleep(20_000) }
        return p.logText.contains(text)
    }

    func testDebugSegfaultLogsTheReportWithTheStackThenDiesOfSIGSEGV() throws {
        let s = try fixture.startVigil(["--enable-debug-command", "yes"])
        let c = try ProcessFixture.connect(s.port)
        try c.send(["DEBUG", "SEGFAULT"])
        XCTAssertTrue(s.process.waitForExit())
        XCTAssertEqual(s.process.terminationSignal, SIGSEGV)
        let log = s.process.logText
        for part in ["=== VIGIL BUG REPORT START", "crashed by signal: 11, si_code:", "# Accessing address: 0x",
                     "# Crashed running the instruction at: 0x", "------ STACK TRACE ------", "debugCommand",
                     "=== VIGIL BUG REPORT END"] {
            XCTAssertTrue(log.contains(part), "no '\(part)' in:\n\(log)")
        }
    }

    func testAnAbortSentByAnotherProcessNamesItsSender() throws {
        let s = try fixture.startVigil()
        s.process.kill(signal: SIGABRT)
        XCTAssertTrue(s.process.waitForExit())
        XCTAssertEqual(s.process.terminationSignal, SIGABRT)
        let log = s.process.logText
        XCTAssertTrue(log.contains("crashed by signal: 6, si_code: 0"), log)
        XCTAssertTrue(log.contains("# Killed by PID: \(getpid()), UID: \(getuid())"), log)
        XCTAssertTrue(log.contains("------ STACK TRACE ------"), log)
    }

    func testWithCrashLogDisabledTheProcessDiesWithoutAReport() throws {
        let started = try fixture.startVigil(["--enable-debug-command", "yes", "--crash-log-enabled", "no"])
        let turnedOff = try fixture.startVigil(["--enable-debug-command", "yes"])
        XCTAssertEqual(try ProcessFixture.connect(turnedOff.port).call("CONFIG", "SET", "crash-log-enabled", "no"), .simple("OK"))
        for s in [started, turnedOff] {
            try ProcessFixture.connect(s.port).send(["DEBUG", "SEGFAULT"])
            XCTAssertTrue(s.process.waitForExit())
            XCTAssertEqual(s.process.terminationSignal, SIGSEGV)
            XCTAssertFalse(s.process.logText.contains("BUG REPORT"), s.process.logText)
        }
    }

    func testTheWatchdogLogsTheStackOfABlockedLoopAndTheServerGoesOn() throws {
        let s = try fixture.startVigil(["--enable-debug-command", "yes"])
        let c = try ProcessFixture.connect(s.port)
        // Shorter than two cron periods (hz 10) is raised to 200 ms, as Redis does.
        XCTAssertEqual(try c.call("CONFIG", "SET", "watchdog-period", "50"), .simple("OK"))
        XCTAssertEqual(try c.call("CONFIG", "GET", "watchdog-period"), .array([.bulk("watchdog-period"), .bulk("200")]))
        XCTAssertEqual(try c.call("DEBUG", "SLEEP", "1"), .simple("OK"))
        XCTAssertTrue(waitForLog(s.process, "--- WATCHDOG TIMER EXPIRED ---"), s.process.logText)
        let log = s.process.logText
        XCTAssertTrue(log.contains(":signal-handler ("), log)
        XCTAssertTrue(log.contains("debugCommand"), "the stack names the running command's function:\n\(log)")
        XCTAssertEqual(try c.call("PING"), .simple("PONG"))

        // Off again: a long command is no longer reported.
        XCTAssertEqual(try c.call("CONFIG", "SET", "watchdog-period", "0"), .simple("OK"))
        let reports = s.process.logText.components(separatedBy: "WATCHDOG TIMER EXPIRED").count
        XCTAssertEqual(try c.call("DEBUG", "SLEEP", "0.5"), .simple("OK"))
        XCTAssertEqual(try c.call("PING"), .simple("PONG"))
        XCTAssertEqual(s.process.logText.components(separatedBy: "WATCHDOG TIMER EXPIRED").count, reports)
    }
}
