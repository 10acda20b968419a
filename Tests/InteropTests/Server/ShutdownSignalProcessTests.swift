import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// SIGTERM and SIGINT as redis-server 7.0 takes them: the handler logs and
/// notes the signal, the cron acts on it (so SHUTDOWN ABORT can cancel it
/// meanwhile), shutdown-on-sigterm's flags apply, and a second SIGINT during
/// the final save exits at once without leaving the temp file. Every
/// scenario runs against vigil-server and a real redis-server alike.
final class ShutdownSignalProcessTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func both(_ args: [String] = []) throws -> [ProcessFixture.Started] {
        let args = args + ["--enable-debug-command", "yes"]
        return [try fixture.startVigil(args), try Interop.talking(to: "redis-server") { try fixture.startRedis(args) }]
    }

    private func waitUntil(_ what: String, _ s: ProcessFixture.Started, seconds: Double = 10,
                           file: StaticString = #filePath, line: UInt = #line, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return }
            usleep(20_000)
        }
        XCTFail("\(s.process.executable): timed out waiting until \(what)\n\(s.process.logTail())", file: file, line: line)
    }

    func testSigtermNotYetActedOnIsCancelledByShutdownAbort() throws {
        for s in try both() {
            let c = try ProcessFixture.connect(s.port)
            defer { c.close() }
            XCTAssertEqual(try c.call(["DEBUG", "PAUSE-CRON", "1"]).string, "OK")
            s.process.kill(signal: SIGTERM)
            waitUntil("the handler logged the signal", s) {
                s.process.logText.contains(":signal-handler (") && s.process.logText.contains(") Received SIGTERM scheduling shutdown...")
            }
            XCTAssertEqual(try c.call(["SHUTDOWN", "ABORT"]).string, "OK", s.process.executable)
            XCTAssertTrue(s.process.logText.contains("* Shutdown manually aborted."), s.process.executable)
            XCTAssertEqual(try c.call(["DEBUG", "PAUSE-CRON", "0"]).string, "OK")
            // A few cron runs later the server is still up.
            usleep(300_000)
            XCTAssertEqual(try c.call(["PING"]).string, "PONG", s.process.executable)
            XCTAssertTrue(try c.call(["SHUTDOWN", "ABORT"]).isError, "nothing left to abort")
        }
    }

    func testASecondSigintDuringTheFinalSaveExitsAtOnceRemovingTheTempFile() throws {
        for s in try both(["--save", "900 1"]) {
            let c = try ProcessFixture.connect(s.port)
            defer { c.close() }
            for i in 0..<20 { _ = try c.call(["SET", String(i), String(i)]) }
            // 100 ms a key: the final save takes two seconds.
            XCTAssertEqual(try c.call(["CONFIG", "SET", "rdb-key-save-delay", "100000"]).string, "OK")
            let temp = s.dir + "/temp-\(s.process.pid).rdb"
            s.process.kill(signal: SIGINT)
            waitUntil("the final save started", s) { FileManager.default.fileExists(atPath: temp) }
            s.process.kill(signal: SIGINT)
            s.process.waitUntilExit()
            XCTAssertEqual(s.process.terminationStatus, 1, s.process.executable)
            XCTAssertFalse(FileManager.default.fileExists(atPath: temp), s.process.executable)
            XCTAssertTrue(s.process.logText.contains(":signal-handler ("), s.process.executable)
            XCTAssertTrue(s.process.logText.contains(") You insist... exiting now."), s.process.executable)
        }
    }

    func testShutdownOnSigtermNosaveExitsWhereTheDefaultKeepsRunningOnAFailedSave() throws {
        for s in try both(["--save", "900 1"]) {
            let c = try ProcessFixture.connect(s.port)
            defer { c.close() }
            XCTAssertEqual(try c.call(["SET", "k", "v"]).string, "OK")
            // The save's rename onto a directory fails.
            try FileManager.default.createDirectory(atPath: s.dir + "/dump.rdb", withIntermediateDirectories: false)
            s.process.kill(signal: SIGTERM)
            waitUntil("the failed save was logged", s) { s.process.logText.contains("# Error trying to save the DB, can't exit.") }
            XCTAssertEqual(try c.call(["PING"]).string, "PONG", s.process.executable)

            XCTAssertEqual(try c.call(["CONFIG", "SET", "shutdown-on-sigterm", "nosave"]).string, "OK")
            s.process.kill(signal: SIGTERM)
            s.process.waitUntilExit()
            XCTAssertEqual(s.process.terminationStatus, 0, s.process.executable)
            XCTAssertTrue(s.process.logText.contains("ready to exit, bye bye..."), s.process.executable)
        }
    }
}
