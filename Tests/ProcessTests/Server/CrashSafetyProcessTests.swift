import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// A SIGKILL at any point of SAVE, BGSAVE or an AOF rewrite leaves files the
/// next start-up loads: the hidden `debug-sigstop-after-bytes` knob stops the
/// writing process at a chosen byte of its temp file (or just after its
/// rename), the test SIGKILLs the writer or its parent there, restarts the
/// server in the same directory and compares DEBUG DIGEST with what the
/// files must hold. `VIGIL_CRASH_POINTS=N` tries N points per scenario (10 by default).
final class CrashSafetyProcessTests: XCTestCase {
    private let points = Int(ProcessInfo.processInfo.environment["VIGIL_CRASH_POINTS"] ?? "") ?? 10
    private let rdbArgs = ["--rdbcompression", "no"]
    private lazy var aofArgs = rdbArgs + ["--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "yes"]

    private enum Victim {
        /// The process writing the file (SAVE's server, the forked child).
        case writer
        /// The server while its child writes; the child is then killed too
        /// or left to finish, point by point.
        case parent
    }

    func testSaveKilledAtAnyPointLeavesTheLastFileLoadable() throws {
        try crashRDBSaves(command: "SAVE", victim: .writer)
    }

    func testBgsaveChildKilledAtAnyPointLeavesTheLastFileLoadable() throws {
        try crashRDBSaves(command: "BGSAVE", victim: .writer)
    }

    func testBgsaveParentKilledAtAnyPointLeavesTheLastFileLoadable() throws {
        try crashRDBSaves(command: "BGSAVE", victim: .parent)
    }

    func testAofRewriteChildKilledAtAnyPointLosesNoAcknowledgedWrite() throws {
        try crashAOFRewrites(victim: .writer)
    }

    func testAofRewriteParentKilledAtAnyPointLosesNoAcknowledgedWrite() throws {
        try crashAOFRewrites(victim: .parent)
    }

    // MARK: - RDB

    /// Each point: change the dataset, start the save, stop it at the point,
    /// kill, restart. The digest is the one of the last complete file, or the
    /// new dataset's when the stop came after the rename.
    private func crashRDBSaves(command: String, victim: Victim) throws {
        let d = try PersistentDirectory("crash-\(command.lowercased())")
        var node = try d.startVigil(rdbArgs)
        var c = try node.connect()
        try populate(c)
        XCTAssertEqual(try c.call("SAVE"), .simpleString(Array("OK".utf8)))
        let size = try XCTUnwrap(d.read("dump.rdb", aofDir: nil)).count
        var onDisk = try PersistenceDataset.fingerprint(c)
        var forks = 0  // BGSAVEs in this server's log
        for (round, point) in stopPoints(fileSize: size).enumerated() {
            try mutate(c, round)
            let inMemory = try PersistenceDataset.fingerprint(c)
            XCTAssertNotEqual(inMemory, onDisk)
            _ = try c.call("CONFIG", "SET", "debug-sigstop-after-bytes", String(point))
            let writer: pid_t
            if command == "SAVE" {
                try c.send(["SAVE"])
                writer = node.process.pid
            } else {
                XCTAssertEqual(try c.call("BGSAVE"), .simpleString(Array("Background saving started".utf8)))
                forks += 1
                writer = try startedChild(node, "Background saving started by pid ", count: forks)
            }
            try waitForState(writer, stopped: true)
            let temp = d.file("temp-\(writer).rdb", aofDir: nil)
            // No temp file: the stop came after the rename.
            let stoppedInside = fileSize(temp) != nil
            if stoppedInside { XCTAssertEqual(fileSize(temp), point, "stopped at the byte asked for") }
            let finishing = victim == .parent && round % 2 == 1
            let context = "\(command), \(victim), stop after \(point) of about \(size) bytes"

            switch (command, victim) {
            case ("SAVE", _):
                node.process.kill(signal: SIGKILL)
            case (_, .writer):
                kill(writer, SIGKILL)
                try waitUntil("the parent to reap the killed child") { try c.infoField("rdb_bgsave_in_progress", section: "persistence") == "0" }
                XCTAssertEqual(try c.infoField("rdb_last_bgsave_status", section: "persistence"), "err", context)
                XCTAssertNil(fileSize(temp), "the parent removes a killed child's temp file")
                node.process.kill(signal: SIGKILL)
            case (_, .parent):
                node.process.kill(signal: SIGKILL)
                try endOrphan(writer, finishing: finishing)
            }
            node.process.waitUntilExit()
            let expected = !stoppedInside || finishing ? inMemory : onDisk
            let abandoned = stoppedInside && (command == "SAVE" || victim == .parent && !finishing)
            XCTAssertEqual(fileSize(temp) != nil, abandoned,
                           "a temp file is left exactly when its writer died before the rename with no parent to clean up; \(context)")

            forks = 0
            node = try d.startVigil(rdbArgs)
            c = try node.connect()
            XCTAssertEqual(try PersistenceDataset.fingerprint(c), expected, context)
            onDisk = expected
        }
    }

    // MARK: - AOF

    /// Each point: write, start the rewrite, stop the child at the point,
    /// write more (into the new incr file), kill, restart. Under `appendfsync
    /// always` every acknowledged write comes back, whatever the point.
    private func crashAOFRewrites(victim: Victim) throws {
        let d = try PersistentDirectory("crash-aofrw-\(victim)")
        var node = try d.startVigil(aofArgs)
        var c = try node.connect()
        try populate(c)
        XCTAssertEqual(try c.call("BGREWRITEAOF"),
                       .simpleString(Array("Background append only file rewriting started".utf8)))
        try waitUntil("the first rewrite") { try c.infoField("aof_rewrite_in_progress", section: "persistence") == "0" && c.infoField("aof_rewrites", section: "persistence") == "1" }
        let base = try XCTUnwrap(d.files().first { $0.hasSuffix(".base.rdb") })
        let size = try XCTUnwrap(d.read(base)).count
        var forks = 1  // rewrites in this server's log
        for (round, point) in stopPoints(fileSize: size).enumerated() {
            try mutate(c, round)
            _ = try c.call("CONFIG", "SET", "debug-sigstop-after-bytes", String(point))
            XCTAssertEqual(try c.call("BGREWRITEAOF"),
                           .simpleString(Array("Background append only file rewriting started".utf8)))
            forks += 1
            let child = try startedChild(node, "Background append only file rewriting started by pid ", count: forks)
            try waitForState(child, stopped: true)
            if let written = fileSize(d.file("temp-rewriteaof-\(child).aof", aofDir: nil)) {
                XCTAssertEqual(written, point, "stopped at the byte asked for")
            }
            _ = try c.call("SET", "during-rewrite:\(round)", "1")
            let context = "BGREWRITEAOF, \(victim), stop after \(point) of about \(size) bytes"

            switch victim {
            case .writer:
                kill(child, SIGKILL)
                try waitUntil("the parent to reap the killed child") { try c.infoField("aof_rewrite_in_progress", section: "persistence") == "0" }
                XCTAssertEqual(try c.infoField("aof_last_bgrewrite_status", section: "persistence"), "err", context)
                _ = try c.call("SET", "after-failed-rewrite:\(round)", "1")
            case .parent:
                break
            }
            let acknowledged = try PersistenceDataset.fingerprint(c)
            node.process.kill(signal: SIGKILL)
            if victim == .parent { try endOrphan(child, finishing: round % 2 == 1) }
            node.process.waitUntilExit()

            forks = 0
            node = try d.startVigil(aofArgs)
            c = try node.connect()
            XCTAssertEqual(try PersistenceDataset.fingerprint(c), acknowledged, context)
        }
    }

    // MARK: - helpers

    /// Every type plus enough uncompressed strings that the file takes more
    /// than one 64 KiB write, yet few keys: DEBUG DIGEST is slow in a debug build.
    private func populate(_ c: RedisConnection) throws {
        try PersistenceDataset.populate(c)
        XCTAssertEqual(try c.call("DEBUG", "POPULATE", "800", "crash", "100"), .simpleString(Array("OK".utf8)))
    }

    private func mutate(_ c: RedisConnection, _ round: Int) throws {
        _ = try c.call("SET", "round:\(round)", String(repeating: "r", count: round + 1))
        _ = try c.call("INCR", "counter")
        _ = try c.call("RPUSH", "list:big", "round-\(round)")
        _ = try c.call("DEL", "crash:\(round)")
    }

    /// Byte offsets spread over the file from its first byte to its last,
    /// then one past its end: the stop after the rename.
    private func stopPoints(fileSize size: Int) -> [Int] {
        let inside = max(1, points - 1)
        return (0..<inside).map { 1 + $0 * (size - 2) / max(1, inside - 1) } + [size * 4]
    }

    /// The pid in the count-th "... started by pid N" line of the log.
    private func startedChild(_ node: PersistentDirectory.Running, _ marker: String, count: Int) throws -> pid_t {
        var pid: pid_t?
        try waitUntil("the log to name child \(count)") {
            let hits = Array(node.process.logText.components(separatedBy: marker).dropFirst())
            guard hits.count >= count else { return false }
            pid = pid_t(hits[count - 1].prefix { $0.isNumber })
            return pid != nil
        }
        return try XCTUnwrap(pid)
    }

    /// A server's child left behind by its killed parent: killed as well, or
    /// let go on to the end of its save (it is no longer ours to reap).
    private func endOrphan(_ pid: pid_t, finishing: Bool) throws {
        kill(pid, finishing ? SIGCONT : SIGKILL)
        try waitForState(pid, stopped: false, gone: true)
    }

    /// Waits until pid is stopped (state T), or has ended (gone or a zombie).
    private func waitForState(_ pid: pid_t, stopped: Bool, gone: Bool = false) throws {
        try waitUntil("process \(pid) to \(gone ? "end" : "stop")") {
            let state = Self.processState(pid)
            return gone ? (state == nil || state == "Z" || state == "X") : state == "T"
        }
    }

    /// The state letter of /proc/PID/stat (the field after the command's closing parenthesis).
    private static func processState(_ pid: pid_t) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")"), stat.distance(from: close, to: stat.endIndex) > 2 else { return nil }
        return stat[stat.index(close, offsetBy: 2)]
    }

    private func fileSize(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }

    private func waitUntil(_ what: String, timeout: Double = 20, _ cond: () throws -> Bool) throws {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try cond() { return }
            usleep(5_000)
        }
        throw TimedOut(what: what)
    }

    private struct TimedOut: Error, CustomStringConvertible {
        let what: String
        var description: String { "timed out waiting for \(what)" }
    }
}
