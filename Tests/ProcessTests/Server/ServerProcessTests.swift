import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// vigil-server as a process: configuration file and argv overrides, start-up
/// errors, signals, --version/--help and the log format.
final class ServerProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// `pid:role dd Mon yyyy hh:mm:ss.mmm <level char> message`, as Redis's serverLogRaw.
    /// A line of serverLog, or of serverLogFromHandler (`pid:signal-handler (unix time) msg`).
    static let logLine = #"^([0-9]+):(?:[MSCX] [0-9]{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} [.*#-]|signal-handler \([0-9]+\)) \S.*$"#

    private func write(_ text: String, to path: String) throws {
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    func testConfigFileWithIncludeAndCommandLineOverrides() throws {
        let dir = try makeScratchDirectory("conf")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let filePort = Ports.free(), argvPort = Ports.free()
        try write("hz 20\nslowlog-max-len 77\n", to: dir + "/included.conf")
        try write("""
            # a redis.conf-style file
            port \(filePort)
            bind 127.0.0.1
            databases 4
            requirepass "s3cr et"
            include \(dir)/included.conf
            hz 15
            loglevel verbose
            logfile "\(dir)/vigil.log"
            dir \(dir)
            save ""
            """, to: dir + "/vigil.conf")
        let s = try fixture.launchVigilRaw([dir + "/vigil.conf", "--port", String(argvPort), "--databases", "8"])
        try s.process.waitForPing(port: argvPort)

        let c = try ProcessFixture.connect(argvPort)
        XCTAssertEqual(try c.call("GET", "x"), .err("NOAUTH Authentication required."), "requirepass from the file")
        XCTAssertEqual(try c.call("AUTH", "s3cr et"), .simple("OK"), "quoted value with a space")
        XCTAssertEqual(try c.call("SELECT", "7"), .simple("OK"), "--databases 8 overrides the file's 4")
        XCTAssertEqual(try c.call("SELECT", "8"), .err("ERR DB index is out of range"))

        let hz = try c.call("CONFIG", "GET", "hz")
        XCTAssertEqual(hz, .array([.bulk("hz"), .bulk("15")]), "the later `hz 15` wins over the included `hz 20`")
        XCTAssertEqual(try c.call("CONFIG", "GET", "slowlog-max-len"), .array([.bulk("slowlog-max-len"), .bulk("77")]))
        XCTAssertEqual(try c.call("CONFIG", "GET", "databases"), .array([.bulk("databases"), .bulk("8")]))
        XCTAssertEqual(try c.call("CONFIG", "GET", "port"), .array([.bulk("port"), .bulk(String(argvPort))]),
                       "--port \(argvPort) overrides the file's port \(filePort)")

        // logfile: the log goes to the file, in Redis's format.
        let log = (try? String(contentsOfFile: dir + "/vigil.log", encoding: .utf8)) ?? ""
        XCTAssertFalse(log.isEmpty, "logfile directive ignored; process output:\n\(s.process.logTail())")
        assertLogFormat(log, pid: s.process.pid)
        XCTAssertTrue(log.contains("Configuration loaded") || log.contains(dir + "/vigil.conf"), log)
    }

    func testUnknownDirectiveInFileExits1NamingFileLineAndDirective() throws {
        let dir = try makeScratchDirectory("badconf")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/bad.conf"
        try write("port \(Ports.free())\n# comment\n\nfrobnicate yes\n", to: path)
        let s = try fixture.launchVigilRaw([path])
        XCTAssertTrue(s.process.waitForExit(), "vigil-server kept running with an unknown directive")
        XCTAssertEqual(s.process.terminationStatus, 1)
        let out = s.process.logText
        XCTAssertTrue(out.contains(path), "message names the file:\n\(out)")
        XCTAssertTrue(out.contains("line 4") || out.contains(":4:"), "message names the line:\n\(out)")
        XCTAssertTrue(out.contains("frobnicate"), "message names the directive:\n\(out)")
        XCTAssertTrue(out.contains("Bad directive or wrong number of arguments"), out)

        // A bad value and an unknown --option fail the same way.
        try write("port notanumber\n", to: path)
        let s2 = try fixture.launchVigilRaw([path])
        XCTAssertTrue(s2.process.waitForExit())
        XCTAssertEqual(s2.process.terminationStatus, 1)
        XCTAssertTrue(s2.process.logText.contains("port"), s2.process.logText)

        let s3 = try fixture.launchVigilRaw(["--port", String(Ports.free()), "--no-such-directive", "1"])
        XCTAssertTrue(s3.process.waitForExit())
        XCTAssertEqual(s3.process.terminationStatus, 1)
        XCTAssertTrue(s3.process.logText.contains("no-such-directive"), s3.process.logText)

        // A missing file.
        let s4 = try fixture.launchVigilRaw([dir + "/missing.conf"])
        XCTAssertTrue(s4.process.waitForExit())
        XCTAssertEqual(s4.process.terminationStatus, 1)
    }

    func testSigtermAndSigintExitZeroWithReadyToExit() throws {
        for (sig, name) in [(SIGTERM, "SIGTERM"), (SIGINT, "SIGINT")] {
            let s = try fixture.startVigil()
            let c = try ProcessFixture.connect(s.port)
            XCTAssertEqual(try c.call("SET", "k", "v"), .simple("OK"))
            s.process.kill(signal: sig)
            XCTAssertTrue(s.process.waitForExit(), "\(name) did not stop vigil-server")
            XCTAssertEqual(s.process.terminationStatus, 0, "\(name) with a client connected: exit status\n\(s.process.crashExcerpt())")
            let log = s.process.logText
            XCTAssertTrue(log.contains("Received \(name) scheduling shutdown..."), "\(name):\n\(log)")
            XCTAssertTrue(log.contains("ready to exit, bye bye..."), "\(name):\n\(log)")
            assertLogFormat(log, pid: s.process.pid)
        }
    }

    func testShutdownCommandExitsZero() throws {
        let s = try fixture.startVigil()
        let c = try ProcessFixture.connect(s.port)
        try c.send(["SHUTDOWN", "NOSAVE"])
        XCTAssertThrowsError(try c.readReply(), "SHUTDOWN closes the connection without a reply")
        XCTAssertTrue(s.process.waitForExit())
        XCTAssertEqual(s.process.terminationStatus, 0)
        XCTAssertTrue(s.process.logText.contains("ready to exit"), s.process.logText)
    }

    func testVersionAndHelp() throws {
        let exe = try Interop.built("vigil-server")
        for flag in ["--version", "-v"] {
            let r = try ToolRun.run(exe, [flag], timeout: 10)
            XCTAssertEqual(r.status, 0, flag)
            XCTAssertNotNil(r.stdout.range(of: #"v=[0-9]+\.[0-9]+\.[0-9]+"#, options: .regularExpression), "\(flag): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains("7.0.15"), "\(flag) names the Redis version it speaks: \(r.stdout)")
        }
        for flag in ["--help", "-h"] {
            let r = try ToolRun.run(exe, [flag], timeout: 10)
            XCTAssertEqual(r.status, 0, flag)
            XCTAssertTrue(r.stdout.contains("Usage:"), "\(flag): \(r.stdout)")
            XCTAssertTrue(r.stdout.contains("--port 7777"), "\(flag): \(r.stdout)")
        }
    }

    func testLogLinesUseRedisFormat() throws {
        let s = try fixture.startVigil(["--loglevel", "verbose"])
        // A few events worth logging: connections, a protocol error, a shutdown.
        let raw = try RawSocket(port: s.port)
        raw.send(Array("*x\r\n".utf8))
        _ = raw.readUntilEOF(timeoutMs: 2000)
        let c = try ProcessFixture.connect(s.port)
        XCTAssertEqual(try c.call("PING"), .simple("PONG"))
        s.process.terminate()
        let log = s.process.logText
        XCTAssertTrue(log.contains("Ready to accept connections"), log)
        assertLogFormat(log, pid: s.process.pid)
    }

    private func assertLogFormat(_ log: String, pid: Int32, file: StaticString = #filePath, line: UInt = #line) {
        let lines = log.split(separator: "\n").map(String.init).filter { !$0.isEmpty }
        XCTAssertFalse(lines.isEmpty, "empty log", file: file, line: line)
        let re = try! NSRegularExpression(pattern: Self.logLine)
        var bad: [String] = []
        for l in lines {
            let m = re.firstMatch(in: l, range: NSRange(l.startIndex..., in: l))
            if let m, let r = Range(m.range(at: 1), in: l), String(l[r]) == String(pid) { continue }
            bad.append(l)
        }
        // One failure listing the first offenders (a crash report would otherwise give hundreds).
        XCTAssertEqual(bad.count, 0, "\(bad.count) of \(lines.count) log lines are not `\(pid):M dd Mon yyyy hh:mm:ss.mmm * msg`, first:\n"
                       + bad.prefix(6).joined(separator: "\n"), file: file, line: line)
    }
}
