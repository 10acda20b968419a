import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// What a rewrite leaves in the manifest when it fails and when history is
/// kept: the same scenario on redis-server and on vigil-server, whose
/// manifests must match (aof.c's openNewIncrAofForAppend, aofDelHistoryFiles).
final class AOFHistoryProcessTests: XCTestCase {
    private func manifest(_ d: PersistentDirectory) -> String {
        String(decoding: d.read("appendonly.aof.manifest") ?? [], as: UTF8.self)
    }

    /// Runs `scenario` on redis-server, then on vigil-server, each in a directory of its own.
    private func onBoth(_ args: [String], _ scenario: (PersistentDirectory, PersistentDirectory.Running) throws -> String) throws -> (redis: String, vigil: String) {
        let real = try PersistentDirectory("aof-history-redis")
        let redis = try scenario(real, real.startRedis(args))
        real.stopAll()
        let ours = try PersistentDirectory("aof-history-vigil")
        let vigil = try scenario(ours, ours.startVigil(args))
        ours.stopAll()
        return (redis, vigil)
    }

    /// The pid the server logged for its `n`th rewrite child (1-based).
    private func rewriteChildPid(_ node: PersistentDirectory.Running, _ n: Int) throws -> pid_t {
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            let lines = node.process.logText.split(separator: "\n").filter { $0.contains("Background append only file rewriting started by pid ") }
            if lines.count >= n, let pid = pid_t(lines[n - 1].split(separator: " ").last ?? "") { return pid }
            usleep(20_000)
        }
        XCTFail("no rewrite child \(n) in the log: \(node.process.logTail())")
        return -1
    }

    /// A child slowed by rdb-key-save-delay while it writes an RDB base, so
    /// it is killed mid-write: each failure leaves the incr file it opened.
    func testEachKilledRdbPreambleRewriteLeavesANewIncrFile() throws {
        let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "yes"]
        let result = try onBoth(args) { d, node in
            let c = try node.connect()
            _ = try c.call("SET", "k", "v")
            _ = try c.call("CONFIG", "SET", "rdb-key-save-delay", "10000000")
            for n in 1...2 {
                _ = try c.call("BGREWRITEAOF")
                let pid = try rewriteChildPid(node, n)
                XCTAssertEqual(Glibc.kill(pid, SIGKILL), 0)
                try c.waitForInfo("aof_rewrite_in_progress", "0", section: "persistence")
            }
            XCTAssertEqual(try c.infoField("aof_last_bgrewrite_status", section: "persistence"), "err")
            return manifest(d) + d.files().joined(separator: ",")
        }
        XCTAssertEqual(result.vigil, result.redis)
        XCTAssertEqual(result.vigil, """
            file appendonly.aof.1.base.rdb seq 1 type b
            file appendonly.aof.1.incr.aof seq 1 type i
            file appendonly.aof.2.incr.aof seq 2 type i
            file appendonly.aof.3.incr.aof seq 3 type i

            """ + "appendonly.aof.1.base.rdb,appendonly.aof.1.incr.aof,appendonly.aof.2.incr.aof,appendonly.aof.3.incr.aof,appendonly.aof.manifest")
    }

    /// CONFIG SET aof-disable-auto-gc no deletes the history kept while it was yes, at once.
    func testTurningAutoGcBackOnDeletesTheKeptHistory() throws {
        let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--aof-disable-auto-gc", "yes"]
        let result = try onBoth(args) { d, node in
            let c = try node.connect()
            _ = try c.call("SET", "k", "v")
            _ = try c.call("BGREWRITEAOF")
            try c.waitForInfo("aof_rewrite_in_progress", "0", section: "persistence")
            let kept = manifest(d)
            XCTAssertEqual(try c.call("CONFIG", "SET", "aof-disable-auto-gc", "no"), .simpleString(Array("OK".utf8)))
            // The files themselves go in the background, as Redis's bio does.
            let deadline = Date().addingTimeInterval(10)
            while d.files().count > 3 && Date() < deadline { usleep(20_000) }
            return kept + "--\n" + manifest(d) + d.files().joined(separator: ",")
        }
        XCTAssertEqual(result.vigil, result.redis)
        XCTAssertEqual(result.vigil, """
            file appendonly.aof.2.base.aof seq 2 type b
            file appendonly.aof.1.incr.aof seq 1 type h
            file appendonly.aof.1.base.aof seq 1 type h
            file appendonly.aof.2.incr.aof seq 2 type i
            --
            file appendonly.aof.2.base.aof seq 2 type b
            file appendonly.aof.2.incr.aof seq 2 type i

            """ + "appendonly.aof.2.base.aof,appendonly.aof.2.incr.aof,appendonly.aof.manifest")
    }
}
