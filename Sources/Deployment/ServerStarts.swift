import Foundation
import Glibc
import RESPClient

/// Failures to find or start a process of a deployment.
public struct DeploymentError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A fresh directory under the temp dir, named for what it holds.
public func makeScratchDirectory(_ tag: String) throws -> String {
    let dir = NSTemporaryDirectory() + "vigil-\(tag)-\(getpid())-\(UUID().uuidString.prefix(8))"
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

extension NodeProcess {
    /// The arguments every data node of ours runs with: loopback only, its
    /// own dir, no persistence (tests and drills decide about that).
    static func dataNodeArguments(port: Int, dir: String) -> [String] {
        ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir]
    }

    /// redis-server on `port` with persistence off, in a fresh scratch dir,
    /// answering PING. Extra arguments go after the defaults.
    public static func startRedisServer(port: Int, extraArguments: [String] = []) throws -> NodeProcess {
        guard let exe = Executables.redisServer else { throw DeploymentError("redis-server not found on PATH") }
        return try startServer(exe, tag: "redis-\(port)", port: port,
                               arguments: { dataNodeArguments(port: port, dir: $0) + extraArguments })
    }

    /// The built vigil-server on `port` in a fresh scratch dir (config file
    /// first when given, then port, bind and dir, then `arguments`); waits
    /// for PING unless told not to.
    public static func startVigilServer(port: Int, configFile: String? = nil, arguments: [String] = [],
                                        waitForPing: Bool = true) throws -> NodeProcess {
        guard let exe = Executables.built("vigil-server") else {
            throw DeploymentError("vigil-server is not built (swift build)")
        }
        return try startServer(exe, tag: "vigil-\(port)", port: waitForPing ? port : nil, arguments: { dir in
            (configFile.map { [$0] } ?? []) + ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir] + arguments
        })
    }

    /// Starts `exe` in a scratch dir of its own (removed by cleanUp) and, with
    /// a port, waits until it answers there; a process that does not is stopped.
    static func startServer(_ exe: String, tag: String, port: Int?, arguments: (String) -> [String]) throws -> NodeProcess {
        let dir = try makeScratchDirectory(tag)
        let p: NodeProcess
        do {
            p = try launch(executable: exe, arguments: arguments(dir), workingDirectory: dir)
        } catch {
            try? FileManager.default.removeItem(atPath: dir)
            throw error
        }
        p.scratchDirectory = dir
        guard let port else { return p }
        do {
            try p.waitForPing(port: port)
        } catch {
            p.cleanUp()
            throw error
        }
        return p
    }
}
