import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import XCTest

/// One data directory that servers are started in, stopped, and started in
/// again (ours or real Redis's, one after the other), for persistence tests.
/// Stops only the processes it started and removes the directory at the end.
public final class PersistentDirectory {
    public let path: String
    public private(set) var processes: [NodeProcess] = []

    public init(_ tag: String) throws {
        path = try makeScratchDirectory(tag)
    }

    deinit { stopAll() }

    /// Stops its servers and removes the directory (again harmless). For a
    /// test whose teardown must run first: XCTest keeps a test's teardown
    /// blocks, and what they capture, until the process exits, so a
    /// directory captured by one never reaches its deinit.
    public func stopAll() {
        for p in processes.reversed() {
            p.terminate()
            p.removeLog()
        }
        processes.removeAll()
        // A BGSAVE or rewrite child outlives a server killed mid-save (as
        // Redis's does: it finishes its file); it runs in this directory.
        ScratchDirectoryProcesses.stop(in: path)
        try? FileManager.default.removeItem(atPath: path)
    }

    public struct Running {
        public let process: NodeProcess
        public let port: Int
        public func connect(ioTimeoutMs: Int = 10_000) throws -> RedisConnection {
            try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: ioTimeoutMs)
        }
    }

    /// vigil-server in this directory on a free port, RDB saving off; waits for PING unless told not to.
    @discardableResult
    public func startVigil(_ args: [String], waitForPing: Bool = true) throws -> Running {
        let exe = try Interop.built("vigil-server")
        return try start(exe, args, waitForPing: waitForPing)
    }

    /// A real redis-server in this directory (skips, or fails under VIGIL_REQUIRE_INTEROP=1, without one).
    @discardableResult
    public func startRedis(_ args: [String], waitForPing: Bool = true) throws -> Running {
        let exe = try Interop.tool("redis-server", purpose: "persistence interop")
        return try Interop.talking(to: "redis-server") { try start(exe, args, waitForPing: waitForPing) }
    }

    private func start(_ exe: String, _ args: [String], waitForPing: Bool) throws -> Running {
        let port = Ports.free()
        let argv = ["--port", String(port), "--bind", "127.0.0.1", "--dir", path, "--save", "", "--enable-debug-command", "local"] + args
        let p = try NodeProcess.launch(executable: exe, arguments: argv, workingDirectory: path)
        processes.append(p)
        if waitForPing { try p.waitForPing(port: port, timeout: 20) }
        return Running(process: p, port: port)
    }

    /// Waits for the process to end by itself (a refused start-up); its exit status.
    public func waitForExit(_ r: Running, timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while r.process.isRunning && Date() < deadline { usleep(20_000) }
        return r.process.terminationStatus
    }

    /// A file of the AOF directory (or of this directory with `aofDir` nil).
    public func file(_ name: String, aofDir: String? = "appendonlydir") -> String {
        aofDir.map { "\(path)/\($0)/\(name)" } ?? "\(path)/\(name)"
    }

    public func read(_ name: String, aofDir: String? = "appendonlydir") -> [UInt8]? {
        FileManager.default.contents(atPath: file(name, aofDir: aofDir)).map { Array($0) }
    }

    public func write(_ bytes: [UInt8], to name: String, aofDir: String? = "appendonlydir") {
        FileManager.default.createFile(atPath: file(name, aofDir: aofDir), contents: Data(bytes))
    }

    public func append(_ bytes: [UInt8], to name: String, aofDir: String? = "appendonlydir") {
        write((read(name, aofDir: aofDir) ?? []) + bytes, to: name, aofDir: aofDir)
    }

    public func files(aofDir: String = "appendonlydir") -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: "\(path)/\(aofDir)")) ?? []).sorted()
    }
}

/// A dataset with every type in its small and large encodings, expiries and
/// several databases, written through commands, and how to compare two servers' copies.
public enum PersistenceDataset {
    public static let commands: [[String]] = {
        var c: [[String]] = [
            ["SET", "str:int", "12345"], ["SET", "str:raw", "hello world"],
            ["SET", "str:long", String(repeating: "abcdefgh", count: 40)],
            ["SET", "str:ttl", "v", "PX", "900000"],
            ["RPUSH", "list:small", "a", "b", "1", "2"],
            ["SADD", "set:int", "1", "2", "3"], ["SADD", "set:str", "x", "y"],
            ["HSET", "hash:small", "f1", "v1", "f2", "2"],
            ["ZADD", "zset:small", "1.5", "a", "2", "b", "-3.25", "c"],
            ["EXPIRE", "list:small", "100000"],
            ["SELECT", "3"], ["SET", "db3:key", "three"], ["ZADD", "db3:z", "0.1", "m"],
            ["SELECT", "0"],
        ]
        c.append(["RPUSH", "list:big"] + (0..<300).map { "element-\($0)" })
        c.append(["SADD", "set:big"] + (0..<600).map { String($0) })
        c.append(["SADD", "set:bigstr"] + (0..<200).map { "member-\($0)" })
        c.append(["HSET", "hash:big"] + (0..<200).flatMap { ["field-\($0)", "value-\($0)"] })
        c.append(["ZADD", "zset:big"] + (0..<200).flatMap { [String(Double($0) / 3), "m-\($0)"] })
        // Streams: tombstones, several nodes, groups with pending entries and
        // consumers, and an empty stream with a group.
        c += [["XADD", "stream:small", "1-1", "a", "1", "b", "hello"], ["XADD", "stream:small", "1-2", "a", "2", "b", "x"],
              ["XADD", "stream:small", "2-0", "c", "3"], ["XDEL", "stream:small", "1-2"],
              ["XGROUP", "CREATE", "stream:small", "g", "0"],
              ["XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "stream:small", ">"],
              ["XGROUP", "CREATE", "stream:empty", "g", "$", "MKSTREAM"], ["XGROUP", "CREATECONSUMER", "stream:empty", "g", "idle"]]
        c += (0..<250).map { ["XADD", "stream:big", "\(100 + $0)-\($0 % 3)", "name", "user-\($0)", "n", String($0)] }
        c += [["XDEL", "stream:big", "100-0", "150-2", "151-0", "349-0"], ["XGROUP", "CREATE", "stream:big", "g1", "0"],
              ["XREADGROUP", "GROUP", "g1", "c1", "COUNT", "3", "STREAMS", "stream:big", ">"],
              ["XREADGROUP", "GROUP", "g1", "c2", "COUNT", "120", "STREAMS", "stream:big", ">"],
              ["XACK", "stream:big", "g1", "102-2"], ["XGROUP", "CREATE", "stream:big", "g0", "$"]]
        c.append(["MULTI"])
        c.append(["INCR", "counter"])
        c.append(["LPUSH", "list:tx", "q"])
        c.append(["EXEC"])
        return c
    }()

    /// Runs the commands on one connection.
    public static func populate(_ conn: RedisConnection) throws {
        for cmd in commands {
            let r = try conn.call(cmd)
            if case .error(let e) = r { XCTFail("\(cmd.prefix(3)): \(String(decoding: e, as: UTF8.self))") }
        }
    }

    /// DEBUG DIGEST (the same algorithm on both servers) and the key count per db.
    public static func fingerprint(_ conn: RedisConnection) throws -> String {
        var parts: [String] = []
        guard case .simpleString(let d) = try conn.call("DEBUG", "DIGEST") else { return "no digest" }
        parts.append(String(decoding: d, as: UTF8.self))
        for db in [0, 3] {
            _ = try conn.call("SELECT", String(db))
            if case .integer(let n) = try conn.call("DBSIZE") { parts.append("db\(db)=\(n)") }
        }
        _ = try conn.call("SELECT", "0")
        return parts.joined(separator: " ")
    }
}
