import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Starts the built vigil-server and real Redis binaries for one test, each on
/// a free port with a temp dir of its own, and stops exactly those processes
/// (and removes their dirs) in `stopAll`.
public final class ProcessFixture {
    public init() {}

    public struct Started {
        public let process: NodeProcess
        public let port: Int
        public let dir: String
    }

    public private(set) var started: [Started] = []

    deinit { stopAll() }

    /// SIGTERM (then SIGKILL) for everything this fixture started, newest first.
    public func stopAll() {
        for s in started.reversed() {
            s.process.terminate()
            s.process.removeLog()
            try? FileManager.default.removeItem(atPath: s.dir)
        }
        started.removeAll()
    }

    /// Starts vigil-server on a free port (unless `args` name one) and waits for PING.
    @discardableResult
    public func startVigil(_ args: [String] = [], configFile: String? = nil, port fixedPort: Int? = nil,
                    waitForPing: Bool = true) throws -> Started {
        _ = try Interop.built("vigil-server")
        let port = fixedPort ?? Ports.free()
        let p = try NodeProcess.startVigilServer(port: port, configFile: configFile, arguments: args, waitForPing: false)
        let s = Started(process: p, port: port, dir: p.scratchDirectory ?? "")
        started.append(s)
        if waitForPing { try p.waitForPing(port: port) }
        return s
    }

    /// Launches vigil-server with exactly `argv` (no port or dir added), for start-up tests.
    public func launchVigilRaw(_ argv: [String]) throws -> Started {
        let exe = try Interop.built("vigil-server")
        let dir = try makeScratchDirectory("vigil-raw")
        let p = try NodeProcess.launch(executable: exe, arguments: argv, workingDirectory: dir)
        let s = Started(process: p, port: 0, dir: dir)
        started.append(s)
        return s
    }

    /// Runs `executable` (a load generator) in the background until `stopAll`.
    public func launchBackground(_ executable: String, _ arguments: [String]) throws -> Started {
        let dir = try makeScratchDirectory("tool")
        let p = try NodeProcess.launch(executable: executable, arguments: arguments, workingDirectory: dir)
        let s = Started(process: p, port: 0, dir: dir)
        started.append(s)
        return s
    }

    /// Starts a real redis-server with persistence off, in its own temp dir.
    @discardableResult
    public func startRedis(_ args: [String] = []) throws -> Started {
        let (p, port) = try startRealRedis(extraArguments: args)
        let s = Started(process: p, port: port, dir: p.scratchDirectory ?? "")
        started.append(s)
        return s
    }

    /// A real redis-server for an optional cross-check, or nil (noted) when
    /// none is installed; under VIGIL_REQUIRE_INTEROP=1 a missing one fails.
    public func optionalRedis(_ args: [String] = [], purpose: String) throws -> Started? {
        guard Executables.redisServer != nil else {
            if Interop.required {
                XCTFail("redis-server is not on PATH and VIGIL_REQUIRE_INTEROP=1: \(purpose) cannot run")
            } else {
                print("note: redis-server not on PATH: \(purpose) skipped")
            }
            return nil
        }
        return try startRedis(args)
    }

    public static func connect(_ port: Int, ioTimeoutMs: Int = 10_000) throws -> RedisConnection {
        try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: ioTimeoutMs)
    }
}

/// Printable form of raw reply bytes for failure messages.
public func visible(_ bytes: [UInt8], limit: Int = 400) -> String {
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

extension NodeProcess {
    /// The interesting part of a log: a Swift crash report's headline and
    /// first frames when there is one (register dumps left out), else the tail.
    public func crashExcerpt(maxLines: Int = 60) -> String {
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
