import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Starting vigil-sentinel: required writable config, errors naming file,
/// line and directive, command-line options, and a state file it cannot write.
final class StartupProcessTests: XCTestCase {
    func run(_ vigil: String, _ args: [String], in dir: String) throws -> (Int32, String) {
        let p = try NodeProcess.launch(executable: vigil, arguments: args, workingDirectory: dir)
        let deadline = Date().addingTimeInterval(10)
        while p.isRunning && Date() < deadline { usleep(20_000) }
        if p.isRunning {
            p.terminate()
            XCTFail("still running: \(args)")
        }
        let out = p.logText
        p.removeLog()
        return (p.terminationStatus ?? -1, out)
    }

    func testConfigFileIsRequired() throws {
        let vigil = try Interop.built("vigil-sentinel")
        let d = try LocalDeployment()
        defer { d.tearDown() }
        let (status, out) = try run(vigil, ["--port", "0"], in: d.dir)
        XCTAssertEqual(status, 1)
        XCTAssertTrue(out.contains("# Sentinel needs config file on disk to save state. Exiting..."), out)
    }

    func testBadLinesStopStartupNamingFileLineAndDirective() throws {
        let vigil = try Interop.built("vigil-sentinel")
        let d = try LocalDeployment()
        defer { d.tearDown() }
        let cases: [(String, String)] = [
            ("port 1\nfoobar 1\n", "s.conf:2: directive 'foobar': Bad directive or wrong number of arguments"),
            ("port 1\nsentinel monitor m 127.0.0.1 6379 0\n", "s.conf:2: directive 'sentinel monitor': Quorum must be 1 or greater."),
            ("sentinel bogus x\n", "s.conf:1: directive 'sentinel bogus': Unrecognized sentinel configuration statement."),
            ("sentinel down-after-milliseconds nope 10\n", "s.conf:1: directive 'sentinel down-after-milliseconds': No such master with specified name."),
            ("port \"unbalanced\n", "s.conf:1: Unbalanced quotes in configuration line"),
        ]
        for (text, expected) in cases {
            let path = d.dir + "/s.conf"
            FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
            let (status, out) = try run(vigil, [path], in: d.dir)
            XCTAssertEqual(status, 1, text)
            XCTAssertTrue(out.contains(expected), "expected \(expected) in:\n\(out)")
            XCTAssertTrue(out.contains("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***"), out)
        }
        // A bad option on the command line is reported as such.
        let path = d.dir + "/ok.conf"
        FileManager.default.createFile(atPath: path, contents: Data("sentinel monitor m 127.0.0.1 6379 2\n".utf8))
        let (status, out) = try run(vigil, [path, "--port", "1", "2"], in: d.dir)
        XCTAssertEqual(status, 1)
        XCTAssertTrue(out.contains("(command line): directive 'port': wrong number of arguments"), out)
        XCTAssertTrue(out.contains(">>> 'port \"1\" \"2\"'"), out)
    }

    func testUnwritableConfigIsRefused() throws {
        let vigil = try Interop.built("vigil-sentinel")
        if getuid() == 0 { throw XCTSkip("root can write any file; the check cannot fail here") }
        let d = try LocalDeployment()
        defer { d.tearDown() }
        let path = d.dir + "/ro.conf"
        FileManager.default.createFile(atPath: path, contents: Data("port 0\n".utf8))
        chmod(path, 0o444)
        let (status, out) = try run(vigil, [path], in: d.dir)
        XCTAssertEqual(status, 1)
        XCTAssertTrue(out.contains("is not writable"), out)
    }

    func testFlushFailureIsReported() throws {
        let vigil = try Interop.built("vigil-sentinel")
        let d = try LocalDeployment()
        defer { d.tearDown() }
        d.masterPort = Ports.free()
        let stateDir = d.dir + "/statedir"
        try FileManager.default.createDirectory(atPath: stateDir, withIntermediateDirectories: true)
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 60000, extra: ["sentinel state-config-file \(stateDir)/s.state"])
        try FileManager.default.removeItem(atPath: stateDir)
        XCTAssertEqual(try v.call("SENTINEL", "FLUSHCONFIG"), .err("ERR Failed to save config file. Check server logs."))
        XCTAssertTrue(v.process.logText.contains("WARNING: Sentinel was not able to save the new configuration on disk!!!"))
    }
}

/// Scripts run by the real process.
final class ScriptProcessTests: XCTestCase {
    func testNotificationScriptGetsWarningEvents() throws {
        let vigil = try Interop.built("vigil-sentinel")
        let d = try LocalDeployment()
        defer { d.tearDown() }
        d.masterPort = Ports.free()
        let out = d.dir + "/events.txt"
        let script = d.dir + "/notify.sh"
        FileManager.default.createFile(atPath: script, contents: Data("#!/bin/sh\necho \"$1 $2\" >> \(out)\n".utf8))
        chmod(script, 0o755)
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 300, extra: ["sentinel notification-script mymaster \(script)"])
        try LocalDeployment.waitUntil(5, "+sdown in the script's output") {
            ((try? String(contentsOfFile: out, encoding: .utf8)) ?? "").contains("+sdown master mymaster 127.0.0.1 \(d.masterPort)")
        }
        let text = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
        XCTAssertTrue(text.hasPrefix("+monitor master mymaster 127.0.0.1 \(d.masterPort) quorum 2\n"), text)
        try LocalDeployment.waitUntil(3, "scripts reaped") { try v.call("SENTINEL", "PENDING-SCRIPTS") == .array([]) }
        let info = try v.call("INFO", "sentinel").string ?? ""
        XCTAssertTrue(info.contains("sentinel_running_scripts:0\r\nsentinel_scripts_queue_length:0\r\n"), info)
    }
}
