import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// redis-server 7.0 and vigil-server whose fork(2) really fails (each put in
/// a pids cgroup of its own that allows no new task: EAGAIN): BGSAVE and
/// BGREWRITEAOF get the same replies, INFO the same statuses, the log the
/// same lines, and writes the same MISCONF refusal. The injected-fault test
/// (PersistenceFaultProcessTests) pins the same on Vigil alone.
final class ForkFailureInteropTests: XCTestCase {
    /// A pids cgroup (v1) holding one process, capped at the tasks it has now.
    private final class NoForkCgroup {
        let path: String
        init(holding pid: Int32) throws {
            let root = "/sys/fs/cgroup/pids"
            path = "\(root)/vigil-nofork-\(getpid())-\(pid)"
            guard mkdir(path, 0o755) == 0 || errno == EEXIST,
                  Self.write("\(pid)", to: path + "/cgroup.procs"),
                  let current = try? String(contentsOfFile: path + "/pids.current", encoding: .utf8),
                  Self.write(current.trimmingCharacters(in: .whitespacesAndNewlines), to: path + "/pids.max") else {
                rmdir(path)
                throw Interop.machineLacks("a pids cgroup that stops fork(2) can't be made here (it needs root and \(root))")
            }
        }

        /// Lets it fork again.
        func lift() { _ = Self.write("max", to: path + "/pids.max") }

        /// Once its process is gone.
        func remove() { rmdir(path) }

        static func write(_ text: String, to file: String) -> Bool {
            let fd = open(file, O_WRONLY)
            guard fd >= 0 else { return false }
            defer { close(fd) }
            return text.withCString { Glibc.write(fd, $0, strlen($0)) } > 0
        }
    }

    private func info(_ c: RedisConnection, _ field: String) throws -> String {
        guard case .bulkString(let b?) = try c.call("INFO", "persistence") else { return "none" }
        for line in String(decoding: b, as: UTF8.self).split(separator: "\r\n") where line.hasPrefix(field + ":") {
            return String(line.dropFirst(field.count + 1))
        }
        return "absent"
    }

    private func withoutFork(vigil: Bool) throws -> [String] {
        let d = try PersistentDirectory("no-fork")
        let args = ["--appendonly", "yes"]
        let node = vigil ? try d.startVigil(args) : try d.startRedis(args)
        let c = try node.connect()
        let cgroup = try NoForkCgroup(holding: node.process.pid)
        defer {
            cgroup.lift()
            node.process.terminate()
            cgroup.remove()
        }
        _ = try c.call("SET", "a", "b")
        _ = try c.call("CONFIG", "SET", "save", "3600 1")
        var seen = ["\(try c.call("BGSAVE"))", "\(try c.call("BGREWRITEAOF"))"]
        for field in ["rdb_last_bgsave_status", "aof_last_bgrewrite_status", "aof_rewrites", "aof_rewrites_consecutive_failures"] {
            seen.append("\(field):\(try info(c, field))")
        }
        seen.append("\(try c.call("SET", "c", "d"))")
        seen += node.process.logText.split(separator: "\n").filter { $0.contains("fork") }.compactMap { line in
            line.range(of: "# ").map { String(line[$0.lowerBound...]) }
        }
        _ = try c.call("CONFIG", "SET", "save", "")
        return seen
    }

    func testFailedForkRefusesBgsaveAndRewriteAsRedis() throws {
        let theirs = try withoutFork(vigil: false)
        let ours = try withoutFork(vigil: true)
        XCTAssertEqual(ours, theirs)
        XCTAssertTrue(ours.contains("# Can't save in background: fork: Resource temporarily unavailable"), "\(ours)")
        XCTAssertTrue(ours.contains("# Can't rewrite append only file in background: fork: Resource temporarily unavailable"), "\(ours)")
    }
}
