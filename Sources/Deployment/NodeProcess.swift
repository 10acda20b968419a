import Foundation
import Glibc
import RESPClient

/// A server process this program started (redis-server, vigil-server, a
/// sentinel...): output goes to a log file of its own, and `terminate()` /
/// deinit make sure it does not outlive its owner. It may be handed between
/// threads, never used from two at once.
public final class NodeProcess: @unchecked Sendable {
    public let executable: String
    public let arguments: [String]
    public let logPath: String
    /// A directory made for this process (its --dir), removed by cleanUp().
    public internal(set) var scratchDirectory: String?
    private let process: Process

    public var pid: Int32 { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    /// Exit status once the process has ended (or the signal that ended it).
    public var terminationStatus: Int32? { process.isRunning ? nil : process.terminationStatus }
    /// The signal that ended the process, nil while it runs or when it exited.
    public var terminationSignal: Int32? {
        process.isRunning || process.terminationReason != .uncaughtSignal ? nil : process.terminationStatus
    }

    /// Everything the process wrote to stdout and stderr so far.
    public var logText: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    init(executable: String, arguments: [String], logPath: String, process: Process) {
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
                              environment: [String: String]? = nil) throws -> NodeProcess {
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
        return NodeProcess(executable: executable, arguments: arguments, logPath: logPath, process: p)
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

    /// Stops the process if needed (and whatever a drill restarted in its
    /// scratch directory), then removes its log and scratch directory.
    public func cleanUp() {
        terminate()
        removeLog()
        if let dir = scratchDirectory {
            ScratchDirectoryProcesses.stop(in: dir)
            try? FileManager.default.removeItem(atPath: dir)
        }
        scratchDirectory = nil
    }
}
