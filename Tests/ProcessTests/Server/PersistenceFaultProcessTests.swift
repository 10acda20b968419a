import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// A full disk, a failing fsync or a failed fork, injected with the hidden
/// debug-fault-* knobs: BGSAVE and the AOF fail visibly, as Redis 7.0.15 does
/// on a real full disk (the log lines and refusals were read from one on a
/// full 1 MB tmpfs): the INFO status says `err`, the log says why, writes are
/// refused with Redis's MISCONF text, and nothing acknowledged is lost.
final class PersistenceFaultProcessTests: XCTestCase {
    private let rdbMisconf = "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error."
    private let aofEverysec = ["--appendonly", "yes", "--appendfsync", "everysec"]

    private func waitForLog(_ node: PersistentDirectory.Running, _ line: String) {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if node.process.logText.contains(line) { return }
            usleep(20_000)
        }
        XCTFail("no log line \(line):\n\(node.process.logTail())")
    }

    private func error(_ text: String) -> RESPValue { .error(Array(text.utf8)) }
    private let ok = RESPValue.simpleString(Array("OK".utf8))

    /// A server with save points whose next BGSAVE meets `fault` (a knob and its value).
    private func failedBgsave(_ d: PersistentDirectory, fault: (String, String)) throws -> (PersistentDirectory.Running, RedisConnection) {
        let node = try d.startVigil([])
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "save", "3600 1"), ok)
        XCTAssertEqual(try c.call("SET", "k", "v"), ok)
        XCTAssertEqual(try c.call("CONFIG", "SET", fault.0, fault.1), ok)
        // With save points set and saving failing, SIGTERM would (rightly) not
        // stop it: they go before the directory stops its server, here rather
        // than in its deinit (XCTest holds this block, and `d`, to the end).
        addTeardownBlock {
            _ = try? c.call("CONFIG", "SET", "save", "")
            d.stopAll()
        }
        XCTAssertEqual(try c.call("BGSAVE"), .simpleString(Array("Background saving started".utf8)))
        try c.waitForInfo("rdb_bgsave_in_progress", "0", section: "persistence")
        return (node, c)
    }

    func testBgsaveOnFullDiskReportsErrLogsWhyAndLeavesNoFile() throws {
        let d = try PersistentDirectory("fault-bgsave-enospc")
        let (node, c) = try failedBgsave(d, fault: ("debug-fault-disk-write", "enospc"))
        XCTAssertEqual(try c.infoField("rdb_last_bgsave_status", section: "persistence"), "err")
        waitForLog(node, "Background saving error")
        XCTAssertTrue(node.process.logText.contains("# Write error saving DB on disk(rdbSaveRio): No space left on device"), node.process.logTail())
        let left = (try? FileManager.default.contentsOfDirectory(atPath: d.path)) ?? []
        XCTAssertFalse(left.contains { $0.hasSuffix(".rdb") }, "\(left)")
    }

    func testFailedBgsaveRefusesWritesAndPingWithMisconf() throws {
        let d = try PersistentDirectory("fault-bgsave-misconf")
        let (_, c) = try failedBgsave(d, fault: ("debug-fault-disk-write", "enospc"))
        XCTAssertEqual(try c.call("SET", "a", "b"), error(rdbMisconf))
        XCTAssertEqual(try c.call("PING"), error(rdbMisconf))
        XCTAssertEqual(try c.call("GET", "k"), .bulkString(Array("v".utf8)))
    }

    /// A script's write meets the refusal a client's would (scriptVerifyWriteCommandAllow), with the script's place appended.
    private func scriptWriteError(_ c: RedisConnection) throws -> String {
        guard case .error(let e) = try c.call("EVAL", "return redis.call('SET', 'x', '1')", "0") else { return "no error" }
        return String(decoding: e, as: UTF8.self)
    }

    func testScriptWriteIsRefusedAfterAFailedBgsave() throws {
        let d = try PersistentDirectory("fault-bgsave-script")
        let (_, c) = try failedBgsave(d, fault: ("debug-fault-disk-write", "enospc"))
        XCTAssertTrue(try scriptWriteError(c).hasPrefix(rdbMisconf + " script: "))
        XCTAssertEqual(try c.call("EVAL", "return redis.call('GET', 'k')", "0"), .bulkString(Array("v".utf8)))
    }

    func testScriptWriteIsRefusedWhileTheAofCantBeWritten() throws {
        let d = try PersistentDirectory("fault-aof-script")
        let c = try d.startVigil(aofEverysec).connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "enospc"), ok)
        XCTAssertEqual(try c.call("SET", "first", "1"), ok)
        XCTAssertTrue(try scriptWriteError(c).hasPrefix("MISCONF Errors writing to the AOF file: No space left on device script: "))
    }

    func testWritesAcceptedAgainOnceABgsaveSucceeds() throws {
        let d = try PersistentDirectory("fault-bgsave-recover")
        let (_, c) = try failedBgsave(d, fault: ("debug-fault-disk-write", "enospc"))
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "none"), ok)
        XCTAssertEqual(try c.call("BGSAVE"), .simpleString(Array("Background saving started".utf8)))
        try c.waitForInfo("rdb_last_bgsave_status", "ok", section: "persistence")
        XCTAssertEqual(try c.call("SET", "a", "b"), ok)
    }

    func testBgsaveFsyncFailureIsAFailedSave() throws {
        let d = try PersistentDirectory("fault-bgsave-fsync")
        let (node, c) = try failedBgsave(d, fault: ("debug-fault-fsync", "eio"))
        XCTAssertEqual(try c.infoField("rdb_last_bgsave_status", section: "persistence"), "err")
        waitForLog(node, "Background saving error")
        XCTAssertTrue(node.process.logText.contains("Write error saving DB on disk(fsync): Input/output error"), node.process.logTail())
    }

    func testSaveOnFullDiskRepliesErr() throws {
        let d = try PersistentDirectory("fault-save")
        let node = try d.startVigil([])
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "enospc"), ok)
        XCTAssertEqual(try c.call("SAVE"), error("ERR"))
        XCTAssertTrue(node.process.logText.contains("Write error saving DB on disk(rdbSaveRio): No space left on device"))
    }

    func testFailedForkRepliesErrAndMarksBgsaveFailed() throws {
        let d = try PersistentDirectory("fault-fork-rdb")
        let node = try d.startVigil([])
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-fork", "eagain"), ok)
        XCTAssertEqual(try c.call("BGSAVE"), error("ERR"))
        XCTAssertEqual(try c.infoField("rdb_last_bgsave_status", section: "persistence"), "err")
        XCTAssertTrue(node.process.logText.contains("# Can't save in background: fork: Resource temporarily unavailable"), node.process.logTail())
    }

    func testFailedForkRefusesBgrewriteaofAndMarksRewriteFailed() throws {
        let d = try PersistentDirectory("fault-fork-aof")
        let node = try d.startVigil(aofEverysec)
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-fork", "enomem"), ok)
        XCTAssertEqual(try c.call("BGREWRITEAOF"),
                       error("ERR Can't execute an AOF background rewriting. Please check the server logs for more information."))
        XCTAssertEqual(try c.infoField("aof_last_bgrewrite_status", section: "persistence"), "err")
        XCTAssertTrue(node.process.logText.contains("# Can't rewrite append only file in background: fork: Cannot allocate memory"), node.process.logTail())
    }

    /// The rewrite child can't write the new base: the rewrite fails, the old files stay, writes go on.
    func testBgrewriteaofOnFullDiskFailsInTheChildAndKeepsTheOldFiles() throws {
        for preamble in ["yes", "no"] {
            let d = try PersistentDirectory("fault-rewrite-\(preamble)")
            let node = try d.startVigil(aofEverysec + ["--aof-use-rdb-preamble", preamble])
            let c = try node.connect()
            XCTAssertEqual(try c.call("SET", "k", "v"), ok)
            let before = d.files()
            XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "enospc"), ok)
            XCTAssertEqual(try c.call("BGREWRITEAOF"), .simpleString(Array("Background append only file rewriting started".utf8)))
            try c.waitForInfo("aof_rewrite_in_progress", "0", section: "persistence")
            XCTAssertEqual(try c.infoField("aof_last_bgrewrite_status", section: "persistence"), "err", preamble)
            XCTAssertEqual(try c.infoField("aof_rewrites_consecutive_failures", section: "persistence"), "1", preamble)
            waitForLog(node, "# Background AOF rewrite terminated with error")
            XCTAssertTrue(node.process.logText.contains("# Write error writing append only file on disk: No space left on device"), node.process.logTail())
            XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "none"), ok)
            XCTAssertEqual(try c.call("SET", "k2", "v"), ok)
            // The base and manifest are the old ones; the rewrite's new incr file stays listed.
            XCTAssertTrue(Set(before).isSubset(of: Set(d.files())), "\(before) -> \(d.files())")
        }
    }

    func testAofWriteOnFullDiskRefusesWritesWithMisconf() throws {
        let d = try PersistentDirectory("fault-aof-enospc")
        let node = try d.startVigil(aofEverysec)
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "enospc"), ok)
        // Executed, and kept in the AOF buffer: its write fails after the reply is queued.
        XCTAssertEqual(try c.call("SET", "first", "1"), ok)
        let misconf = error("MISCONF Errors writing to the AOF file: No space left on device")
        XCTAssertEqual(try c.call("SET", "second", "2"), misconf)
        XCTAssertEqual(try c.call("PING"), misconf)
        XCTAssertEqual(try c.infoField("aof_last_write_status", section: "persistence"), "err")
        XCTAssertTrue(node.process.logText.contains("# Error writing to the AOF file: No space left on device"), node.process.logTail())
    }

    func testAofWritesResumeAndNothingIsLostWhenTheDiskIsBack() throws {
        let d = try PersistentDirectory("fault-aof-recover")
        let node = try d.startVigil(aofEverysec)
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "enospc"), ok)
        XCTAssertEqual(try c.call("SET", "first", "1"), ok)
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "none"), ok)
        // The cron retries the buffered write once a second.
        try c.waitForInfo("aof_last_write_status", "ok", section: "persistence")
        waitForLog(node, "AOF write error looks solved, Redis can write again.")
        XCTAssertEqual(try c.call("SET", "second", "2"), ok)
        node.process.terminate()
        let again = try d.startVigil(aofEverysec).connect()
        XCTAssertEqual(try again.call("MGET", "first", "second"), .array([.bulkString(Array("1".utf8)), .bulkString(Array("2".utf8))]))
    }

    func testAofWriteFailureUnderAlwaysExitsBeforeReplying() throws {
        let d = try PersistentDirectory("fault-aof-always-write")
        let node = try d.startVigil(["--appendonly", "yes", "--appendfsync", "always"])
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-disk-write", "eio"), ok)
        // The write can't be made durable: no OK may reach the client.
        XCTAssertNotEqual(try? c.call("SET", "lost", "1"), ok)
        XCTAssertEqual(d.waitForExit(node), 1)
        XCTAssertTrue(node.process.logText.contains("# Error writing to the AOF file: Input/output error"), node.process.logTail())
        XCTAssertTrue(node.process.logText.contains("# Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting..."))
    }

    func testAofFsyncFailureUnderAlwaysExitsBeforeReplying() throws {
        let d = try PersistentDirectory("fault-aof-always-fsync")
        let node = try d.startVigil(["--appendonly", "yes", "--appendfsync", "always"])
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-fsync", "eio"), ok)
        XCTAssertNotEqual(try? c.call("SET", "lost", "1"), ok)
        XCTAssertEqual(d.waitForExit(node), 1)
        XCTAssertTrue(node.process.logText.contains(
            "# Can't persist AOF for fsync error when the AOF fsync policy is 'always': Input/output error. Exiting..."), node.process.logTail())
    }

    func testAofBackgroundFsyncFailureRefusesWritesWithMisconf() throws {
        let d = try PersistentDirectory("fault-aof-everysec-fsync")
        let node = try d.startVigil(aofEverysec)
        let c = try node.connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "debug-fault-fsync", "eio"), ok)
        XCTAssertEqual(try c.call("SET", "a", "1"), ok)
        // The background fsync runs within a second or so of the write.
        try c.waitForInfo("aof_last_write_status", "err", section: "persistence")
        XCTAssertEqual(try c.call("SET", "b", "2"), error("MISCONF Errors writing to the AOF file: Input/output error"))
        waitForLog(node, "# Fail to fsync the AOF file: Input/output error")
    }
}
