import Foundation
import Glibc
import Protocol
import RESPClient
import XCTest

/// Starts the built vigil-server and real Redis binaries for one test, each on
/// a free port with a temp dir of its own, and stops exactly those processes
/// (and removes their dirs) in `stopAll`.
final class ProcessFixture {
    static var packageRoot: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().path
    }

    /// The binary `./scripts/test.sh` builds; VIGIL_SERVER_BIN points elsewhere (another build dir).
    static var vigilServerPath: String {
        ProcessInfo.processInfo.environment["VIGIL_SERVER_BIN"] ?? packageRoot + "/.build/debug/vigil-server"
    }

    struct Started {
        let process: TestProcess
        let port: Int
        let dir: String
    }

    private(set) var started: [Started] = []

    deinit { stopAll() }

    /// SIGTERM (then SIGKILL) for everything this fixture started, newest first.
    func stopAll() {
        for s in started.reversed() {
            s.process.terminate()
            s.process.removeLog()
            try? FileManager.default.removeItem(atPath: s.dir)
        }
        started.removeAll()
    }

    static func makeTempDir(_ tag: String) throws -> String {
        let dir = NSTemporaryDirectory() + "vigil-it-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The built binary, or a test failure: `./scripts/test.sh` builds before testing.
    static func requireVigilBinary() throws -> String {
        let exe = vigilServerPath
        guard FileManager.default.isExecutableFile(atPath: exe) else {
            XCTFail("\(exe) is missing: run `swift build` first (./scripts/test.sh does)")
            throw XCTSkip("vigil-server not built")
        }
        return exe
    }

    /// Starts vigil-server on a free port (unless `args` name one) and waits for PING.
    @discardableResult
    func startVigil(_ args: [String] = [], configFile: String? = nil, port fixedPort: Int? = nil,
                    waitForPing: Bool = true) throws -> Started {
        let exe = try Self.requireVigilBinary()
        let port = fixedPort ?? TestProcess.freePort()
        let dir = try Self.makeTempDir("vigil-\(port)")
        var argv: [String] = []
        if let configFile { argv.append(configFile) }
        argv += ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir] + args
        let p = try TestProcess.launch(executable: exe, arguments: argv, workingDirectory: dir)
        let s = Started(process: p, port: port, dir: dir)
        started.append(s)
        if waitForPing { try p.waitForPing(port: port) }
        return s
    }

    /// Launches vigil-server with exactly `argv` (no port or dir added), for start-up tests.
    func launchVigilRaw(_ argv: [String]) throws -> Started {
        let exe = try Self.requireVigilBinary()
        let dir = try Self.makeTempDir("vigil-raw")
        let p = try TestProcess.launch(executable: exe, arguments: argv, workingDirectory: dir)
        let s = Started(process: p, port: 0, dir: dir)
        started.append(s)
        return s
    }

    /// Skips (or fails under VIGIL_REQUIRE_INTEROP=1) when `tool` is not on PATH.
    static func requireTool(_ tool: String, purpose: String) throws -> String {
        if let path = TestProcess.findExecutable(named: tool) { return path }
        if TestProcess.interopRequired {
            XCTFail("\(tool) is not on PATH and VIGIL_REQUIRE_INTEROP=1: \(purpose) cannot run")
            throw XCTSkip("\(tool) missing (failure recorded)")
        }
        throw XCTSkip("\(tool) is not on PATH: \(purpose) skipped (install redis-server/redis-tools, or set VIGIL_REQUIRE_INTEROP=1 to fail instead)")
    }

    /// Starts a real redis-server with persistence off, in its own temp dir.
    @discardableResult
    func startRedis(_ args: [String] = []) throws -> Started {
        let exe = try Self.requireTool("redis-server", purpose: "comparison with real Redis")
        let port = TestProcess.freePort()
        let dir = try Self.makeTempDir("redis-\(port)")
        let argv = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", dir] + args
        let p = try TestProcess.launch(executable: exe, arguments: argv, workingDirectory: dir)
        let s = Started(process: p, port: port, dir: dir)
        started.append(s)
        try p.waitForPing(port: port)
        return s
    }

    /// A real redis-server for an optional cross-check, or nil (noted) when
    /// none is installed; under VIGIL_REQUIRE_INTEROP=1 a missing one fails.
    func optionalRedis(_ args: [String] = [], purpose: String) throws -> Started? {
        guard TestProcess.findRedisServer() != nil else {
            if TestProcess.interopRequired {
                XCTFail("redis-server is not on PATH and VIGIL_REQUIRE_INTEROP=1: \(purpose) cannot run")
            } else {
                print("note: redis-server not on PATH: \(purpose) skipped")
            }
            return nil
        }
        return try startRedis(args)
    }

    static func connect(_ port: Int, ioTimeoutMs: Int = 10_000) throws -> RedisConnection {
        try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: ioTimeoutMs)
    }
}

/// Runs a child process to completion, capturing stdout and stderr.
struct ToolRun {
    let status: Int32
    let stdout: String
    let stderr: String

    static func run(_ exe: String, _ args: [String], stdin: String? = nil, timeout: Double = 60,
                    environment: [String: String]? = nil) throws -> ToolRun {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: exe)
        p.arguments = args
        if let environment { p.environment = environment }
        // Files, not pipes: a chatty child never blocks on a full pipe.
        let dir = try ProcessFixture.makeTempDir("tool")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let outPath = dir + "/out", errPath = dir + "/err", inPath = dir + "/in"
        FileManager.default.createFile(atPath: outPath, contents: nil)
        FileManager.default.createFile(atPath: errPath, contents: nil)
        FileManager.default.createFile(atPath: inPath, contents: Data((stdin ?? "").utf8))
        let out = FileHandle(forWritingAtPath: outPath)!, err = FileHandle(forWritingAtPath: errPath)!
        let input = FileHandle(forReadingAtPath: inPath)!
        defer { try? out.close(); try? err.close(); try? input.close() }
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(10_000) }
        if p.isRunning {
            Glibc.kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            let o = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
            throw RedisClientError.io("\(exe) \(args) timed out after \(timeout)s; output so far:\n\(o)")
        }
        p.waitUntilExit()
        return ToolRun(status: p.terminationStatus,
                       stdout: (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "",
                       stderr: (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? "")
    }
}

/// Printable form of raw reply bytes for failure messages.
func visible(_ bytes: [UInt8], limit: Int = 400) -> String {
    var s = ""
    for b in bytes.prefix(limit) {
        switch b {
        case 13: s += "\\r"
        case 10: s += "\\n"
        case 32...126: s.append(Character(Unicode.Scalar(b)))
        default: s += String(format: "\\x%02x", b)
        }
    }
    if bytes.count > limit { s += "…(\(bytes.count) bytes)" }
    return s
}

extension TestProcess {
    /// The interesting part of a log: a Swift crash report's headline and
    /// first frames when there is one (register dumps left out), else the tail.
    func crashExcerpt(maxLines: Int = 60) -> String {
        let lines = logText.split(separator: "\n", omittingEmptySubsequences: false)
        guard let start = lines.firstIndex(where: {
            $0.contains("Fatal error") || $0.contains("💣") || $0.contains("Program crashed") || $0.contains("crashed:")
        }) else { return logTail(lines: 30) }
        let useful = lines[max(0, start - 3)...].filter {
            !$0.isEmpty && !$0.hasPrefix("r") && !$0.hasPrefix(" r") && !$0.contains("0x0000000000000")
        }
        return useful.prefix(maxLines).joined(separator: "\n")
    }
}
