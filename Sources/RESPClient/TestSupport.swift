import CVigilShim
import Foundation
import Glibc
import Protocol

/// A child process for tests (redis-server, vigil-server, sentinels...):
/// output goes to a temp log file, and `terminate()` / deinit make sure
/// nothing outlives the test. Tests may hand it between threads, never use
/// it from two at once.
public final class TestProcess: @unchecked Sendable {
    public let executable: String
    public let arguments: [String]
    public let logPath: String
    /// A directory made for this process (launchRedisServer's --dir), removed by cleanUp().
    public private(set) var scratchDirectory: String?
    private let process: Process

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    /// Exit status once the process has ended (or the signal that ended it).
    public var terminationStatus: Int32? { process.isRunning ? nil : process.terminationStatus }

    /// Everything the process wrote to stdout and stderr so far.
    public var logText: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    private init(executable: String, arguments: [String], logPath: String, process: Process) {
        self.executable = executable
        self.arguments = arguments
        self.logPath = logPath
        self.process = process
    }

    deinit {
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    /// Starts `executable` with stdout and stderr in a fresh temp log file.
    public static func launch(executable: String, arguments: [String],
                              workingDirectory: String? = nil,
                              environment: [String: String]? = nil) throws -> TestProcess {
        let name = (executable as NSString).lastPathComponent
        let logPath = NSTemporaryDirectory() + "vigil-\(name)-\(getpid())-\(UUID().uuidString.prefix(8)).log"
        guard FileManager.default.createFile(atPath: logPath, contents: nil),
              let log = FileHandle(forWritingAtPath: logPath) else {
            throw RedisClientError.io("cannot create log file \(logPath)")
        }
        defer { try? log.close() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        p.standardOutput = log
        p.standardError = log
        p.standardInput = FileHandle.nullDevice
        if let workingDirectory { p.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        if let environment { p.environment = environment }
        try p.run()
        return TestProcess(executable: executable, arguments: arguments, logPath: logPath, process: p)
    }

    /// Waits until the process answers PING on `port` (any reply but LOADING
    /// counts: a server requiring AUTH answers NOAUTH). Throws if the process
    /// exits or the timeout passes, with the log tail in the message.
    public func waitForPing(port: Int, host: String = "127.0.0.1", timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !isRunning {
                throw RedisClientError.io("\(executable) exited (status \(process.terminationStatus)) before answering PING on \(port):\n\(logTail())")
            }
            if Self.answersPing(host: host, port: port) { return }
            usleep(20_000)
        }
        throw RedisClientError.io("\(executable) did not answer PING on \(port) within \(timeout)s:\n\(logTail())")
    }

    /// Waits for something already running on `port` to answer PING.
    public static func waitForPing(port: Int, host: String = "127.0.0.1", timeout: Double = 10) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if answersPing(host: host, port: port) { return }
            usleep(20_000)
        }
        throw RedisClientError.timeout
    }

    private static func answersPing(host: String, port: Int) -> Bool {
        guard let c = try? RedisConnection(host: host, port: port, connectTimeoutMs: 500, ioTimeoutMs: 1000) else {
            return false
        }
        defer { c.close() }
        guard let reply = try? c.call("PING") else { return false }
        if case .error(let e) = reply, e.starts(with: Array("LOADING".utf8)) { return false }
        return true
    }

    /// SIGTERM, then SIGKILL if still running after `grace` seconds; waits for exit.
    public func terminate(grace: Double = 5) {
        guard process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(grace)
        while process.isRunning && Date() < deadline { usleep(10_000) }
        if process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
        }
        process.waitUntilExit()
    }

    /// Sends `signal` (SIGKILL, SIGSTOP, SIGCONT...) without waiting.
    public func kill(signal: Int32) {
        if process.isRunning { Glibc.kill(process.processIdentifier, signal) }
    }

    public func waitUntilExit() { process.waitUntilExit() }

    public func logTail(lines: Int = 30) -> String {
        logText.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    public func removeLog() { try? FileManager.default.removeItem(atPath: logPath) }

    /// Stops the process if needed, then removes its log and scratch directory.
    public func cleanUp() {
        terminate()
        removeLog()
        if let dir = scratchDirectory { try? FileManager.default.removeItem(atPath: dir) }
        scratchDirectory = nil
    }

    // MARK: Ports and executables

    private final class PortLedger: @unchecked Sendable {
        let lock = NSLock()
        var handedOut: Set<Int> = []
    }
    private static let ledger = PortLedger()

    /// A TCP port nothing listens on now, chosen by the kernel, never handed
    /// out twice in this process. Ports above 55535 are skipped so that
    /// port+10000 (Redis's cluster bus) stays valid too.
    public static func freePort() -> Int {
        for _ in 0..<200 {
            let fd = vigil_listen_tcp("127.0.0.1", 0, 1)
            if fd < 0 { continue }
            let port = Int(vigil_local_port(fd))
            Glibc.close(fd)
            if port <= 0 || port > 55535 { continue }
            ledger.lock.lock()
            let fresh = ledger.handedOut.insert(port).inserted
            ledger.lock.unlock()
            if fresh { return port }
        }
        fatalError("no free TCP port found")
    }

    /// Full path of `name` found on PATH, if executable.
    public static func findExecutable(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for dir in path.split(separator: ":") where !dir.isEmpty {
            let candidate = "\(dir)/\(name)"
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    public static func findRedisServer() -> String? { findExecutable(named: "redis-server") }
    public static func findRedisCli() -> String? { findExecutable(named: "redis-cli") }

    /// True when tests needing real Redis must fail instead of skipping.
    public static var interopRequired: Bool {
        ProcessInfo.processInfo.environment["VIGIL_REQUIRE_INTEROP"] == "1"
    }

    /// A binary built by this package (vigil-server, vigil-cli...), looked up
    /// next to the running test bundle, then in .build/debug and .build/release.
    public static func builtExecutable(named name: String) -> String? {
        var dirs: [String] = []
        var url = Bundle.main.bundleURL
        for _ in 0..<3 {
            dirs.append(url.path)
            url = url.deletingLastPathComponent()
        }
        let exe = URL(fileURLWithPath: CommandLine.arguments.first ?? "").deletingLastPathComponent()
        dirs.append(exe.path)
        dirs.append(exe.deletingLastPathComponent().path)
        let cwd = FileManager.default.currentDirectoryPath
        dirs.append(cwd + "/.build/debug")
        dirs.append(cwd + "/.build/release")
        for d in dirs {
            let candidate = d + "/" + name
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate, isDirectory: &isDir), !isDir.boolValue,
               access(candidate, X_OK) == 0 {
                return candidate
            }
        }
        return nil
    }

    /// Starts redis-server on `port` with persistence off, in a fresh temp dir,
    /// and waits for it to answer. Extra arguments go after the defaults.
    public static func launchRedisServer(port: Int, extraArguments: [String] = []) throws -> TestProcess {
        guard let exe = findRedisServer() else { throw RedisClientError.io("redis-server not found on PATH") }
        let dir = NSTemporaryDirectory() + "vigil-redis-\(port)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                    "--dir", dir] + extraArguments
        let p = try launch(executable: exe, arguments: args, workingDirectory: dir)
        p.scratchDirectory = dir
        do {
            try p.waitForPing(port: port)
        } catch {
            p.terminate()
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        return p
    }
}
