import Foundation
import Glibc
import Protocol
import Deployment
import TestSupport
import XCTest

/// A real redis-server for differential config tests: started on a free
/// loopback port in a temporary directory, killed and removed at the end.
final class ConfigRealRedis {
    let port: Int
    let directory: String
    private let process: NodeProcess
    private var fd: Int32 = -1

    static func makeTempDir() -> String {
        var template = Array("/tmp/vigil-cfgtest-XXXXXX".utf8CString)
        _ = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        return template.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }

    /// Starts redis-server on `configFile`, which must set port, bind and dir.
    init(configFile: String) throws {
        let exe = try RealRedisLauncher.executable()
        let text = try String(contentsOfFile: configFile, encoding: .utf8)
        guard let portLine = text.split(separator: "\n").first(where: { $0.hasPrefix("port ") }),
              let port = Int(portLine.dropFirst(5)) else { throw DeploymentError("\(configFile) has no port line") }
        directory = ConfigRealRedis.makeTempDir()
        let started = try RealRedisLauncher.start(exe, attempts: 1, port: { port }, { _ in [configFile] })
        process = started.process
        self.port = port
        fd = started.fd
    }

    init(extraArgs: [String] = []) throws {
        let exe = try RealRedisLauncher.executable()
        let dir = ConfigRealRedis.makeTempDir()
        directory = dir
        let started = try RealRedisLauncher.start(exe, directory: dir, {
            ["--port", "\($0)", "--bind", "127.0.0.1", "--dir", dir] + extraArgs
        })
        process = started.process
        port = started.port
        fd = started.fd
    }

    deinit {
        if fd >= 0 { close(fd) }
        process.cleanUp()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// Sends one command and returns its decoded reply.
    func call(_ args: [String]) throws -> RESPValue {
        guard RealRedisLauncher.send(fd, RESPWriter.command(args)) else { throw NSError(domain: "ConfigRealRedis", code: 2) }
        var buf: [UInt8] = []
        guard let reply = try RealRedisLauncher.readReply(fd, &buf) else { throw NSError(domain: "ConfigRealRedis", code: 3) }
        return try ReplyParser().parse(reply)!.0
    }

    /// CONFIG GET as name -> value.
    func configGet(_ pattern: String) throws -> [String: String] {
        let v = try call(["CONFIG", "GET", pattern])
        let items = v.elements ?? []
        var out: [String: String] = [:]
        var i = 0
        while i + 1 < items.count {
            out[items[i].string ?? ""] = items[i + 1].string ?? ""
            i += 2
        }
        return out
    }

    /// CONFIG SET's reply as the server core would return it: nil for +OK,
    /// else the error line.
    func configSet(_ pairs: [(String, String)]) throws -> String? {
        let v = try call(["CONFIG", "SET"] + pairs.flatMap { [$0.0, $0.1] })
        if case .error(let e) = v { return String(decoding: e, as: UTF8.self) }
        return nil
    }

    /// What `redis-server <args>` prints on stderr when its configuration is
    /// rejected, and whether it was rejected (exit 1 before listening).
    static func startupError(_ args: [String], cwd: String) throws -> (rejected: Bool, stderr: String) {
        let run = try ToolRun.run(try RealRedisLauncher.executable(), args, timeout: 10, workingDirectory: cwd)
        return (run.stderr.contains("*** FATAL CONFIG FILE ERROR"), run.stderr)
    }
}
