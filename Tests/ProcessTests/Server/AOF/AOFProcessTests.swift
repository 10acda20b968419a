import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// vigil-server's append-only file across restarts: what was acknowledged
/// comes back, rewrites rotate the files as 7.0 does, and damaged files are
/// loaded or refused as aof-load-truncated says.
final class AOFProcessTests: XCTestCase {
    private let resp = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"]

    private func waitForRewrite(_ c: RedisConnection, rewrites: Int) throws {
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if try c.infoField("aof_rewrite_in_progress", section: "persistence") == "0", try c.infoField("aof_rewrites", section: "persistence") == String(rewrites),
               try c.infoField("aof_rewrite_scheduled", section: "persistence") == "0" { return }
            usleep(20_000)
        }
        XCTFail("rewrite \(rewrites) did not finish")
    }

    private func manifest(_ d: PersistentDirectory) -> String {
        String(decoding: d.read("appendonly.aof.manifest") ?? [], as: UTF8.self)
    }

    func testAppendedWritesComeBackAfterRestart() throws {
        let d = try PersistentDirectory("aof-restart")
        let first = try d.startVigil(resp)
        let c = try first.connect()
        try PersistenceDataset.populate(c)
        let before = try PersistenceDataset.fingerprint(c)
        first.process.terminate()
        XCTAssertEqual(manifest(d), "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        let second = try d.startVigil(resp)
        XCTAssertEqual(try PersistenceDataset.fingerprint(second.connect()), before)
        XCTAssertTrue(second.process.logText.contains("DB loaded from incr file appendonly.aof.1.incr.aof: "), second.process.logTail())
        XCTAssertTrue(second.process.logText.contains("Opening AOF incr file appendonly.aof.1.incr.aof on server start"))
    }

    func testRewriteRotatesFilesAndManifest() throws {
        let d = try PersistentDirectory("aof-rewrite")
        let node = try d.startVigil(resp)
        let c = try node.connect()
        try PersistenceDataset.populate(c)
        XCTAssertEqual(try c.call("BGREWRITEAOF"), .simpleString(Array("Background append only file rewriting started".utf8)))
        try waitForRewrite(c, rewrites: 1)
        XCTAssertEqual(manifest(d), "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
        XCTAssertEqual(d.files(), ["appendonly.aof.2.base.aof", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"])
        _ = try c.call("SET", "after", "rewrite")
        let before = try PersistenceDataset.fingerprint(c)
        node.process.terminate()
        for line in ["Background append only file rewriting started by pid", "Background AOF rewrite terminated with success",
                     "Removing the history file appendonly.aof.1.incr.aof in the background",
                     "Background AOF rewrite finished successfully"] {
            XCTAssertTrue(node.process.logText.contains(line), line)
        }
        let again = try d.startVigil(resp)
        XCTAssertEqual(try PersistenceDataset.fingerprint(again.connect()), before)
    }

    func testSecondRewriteWhileOneRunsIsRefused() throws {
        let d = try PersistentDirectory("aof-busy")
        // 10 keys at 50 ms each: the child is still writing when the second request comes.
        let c = try d.startVigil(resp + ["--rdb-key-save-delay", "50000"]).connect()
        for i in 0..<10 { _ = try c.call("SET", "k\(i)", "v") }
        XCTAssertEqual(try c.call("BGREWRITEAOF"), .simpleString(Array("Background append only file rewriting started".utf8)))
        XCTAssertEqual(try c.infoField("aof_rewrite_in_progress", section: "persistence"), "1")
        XCTAssertEqual(try c.call("BGREWRITEAOF"), .error(Array("ERR Background append only file rewriting already in progress".utf8)))
        try waitForRewrite(c, rewrites: 1)
    }

    private let partialCommand = Array("*3\r\n$3\r\nSET\r\n$4\r\nlost".utf8)

    private func damagedTail(_ loadTruncated: String) throws -> (PersistentDirectory, PersistentDirectory.Running, Int) {
        let d = try PersistentDirectory("aof-trunc")
        let first = try d.startVigil(resp)
        try first.connect().call("SET", "kept", "1")
        first.process.terminate()
        let whole = d.read("appendonly.aof.1.incr.aof")?.count ?? 0
        d.append(partialCommand, to: "appendonly.aof.1.incr.aof")
        let second = try d.startVigil(resp + ["--aof-load-truncated", loadTruncated], waitForPing: loadTruncated == "yes")
        return (d, second, whole)
    }

    func testTruncatedTailLoadsWhenAllowed() throws {
        let (d, node, whole) = try damagedTail("yes")
        XCTAssertEqual(try node.connect().call("GET", "kept"), .bulkString(Array("1".utf8)))
        let log = node.process.logText
        XCTAssertTrue(log.contains("!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!"), log)
        XCTAssertTrue(log.contains("!!! Truncating the AOF appendonly.aof.1.incr.aof at offset \(whole) !!!"), log)
        XCTAssertTrue(log.contains("AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled"), log)
        XCTAssertEqual(d.read("appendonly.aof.1.incr.aof")?.count, whole)
    }

    func testTruncatedTailIsRefusedWhenNotAllowed() throws {
        let (d, node, whole) = try damagedTail("no")
        XCTAssertNotEqual(d.waitForExit(node), 0)
        XCTAssertTrue(node.process.logText.contains("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>."), node.process.logTail())
        XCTAssertEqual(d.read("appendonly.aof.1.incr.aof")?.count, whole + partialCommand.count, "the file is left as it was")
    }

    func testCorruptFileStopsStartupNamingIt() throws {
        let d = try PersistentDirectory("aof-corrupt")
        let first = try d.startVigil(resp)
        try first.connect().call("SET", "a", "1")
        first.process.terminate()
        // Garbage in the middle of the incr file, whole commands after it.
        d.write(Array("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\ngarbage\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n".utf8), to: "appendonly.aof.1.incr.aof")
        let node = try d.startVigil(resp, waitForPing: false)
        XCTAssertNotEqual(d.waitForExit(node), 0)
        XCTAssertTrue(node.process.logText.contains("Bad file format reading the append only file appendonly.aof.1.incr.aof: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>"), node.process.logTail())
    }

    /// A limited approximate trim is written `MAXLEN = <length> LIMIT n`; the
    /// loader obeys it without the `~` check a client gets (stream.tcl "XADD
    /// with ~ MAXLEN and LIMIT can propagate correctly").
    func testLimitedApproximateTrimIsReplayedFromTheAOF() throws {
        let d = try PersistentDirectory("aof-xadd-limit")
        let first = try d.startVigil(resp + ["--stream-node-max-entries", "10"])
        let c = try first.connect()
        for id in 1...100 { _ = try c.call("XADD", "s", "\(id)", "f", "v") }
        _ = try c.call("XADD", "s", "MAXLEN", "~", "55", "LIMIT", "30", "*", "f", "v")
        XCTAssertEqual(try c.call("XLEN", "s"), .integer(71))
        first.process.terminate()
        let second = try d.startVigil(resp + ["--stream-node-max-entries", "1"])
        XCTAssertEqual(try second.connect().call("XLEN", "s"), .integer(71), second.process.logTail())
    }

    func testOpenTransactionAtEndIsRolledBack() throws {
        let d = try PersistentDirectory("aof-multi")
        let first = try d.startVigil(resp)
        try first.connect().call("SET", "a", "1")
        first.process.terminate()
        d.append(Array("*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n".utf8), to: "appendonly.aof.1.incr.aof")
        let node = try d.startVigil(resp)
        let c = try node.connect()
        XCTAssertEqual(try c.call("GET", "a"), .bulkString(Array("1".utf8)))
        XCTAssertEqual(try c.call("GET", "b"), .bulkString(nil))
        XCTAssertTrue(node.process.logText.contains("Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof"))
    }

    /// While an AOF replays no key is expired yet (keyIsExpired while
    /// loading): a PEXPIREAT in the past keeps the key for the commands after
    /// it, which extend it, and the key goes once loaded; as redis-server does
    /// with the same file (aof.tcl "AOF+EXPIRE").
    func testAPastExpireInTheAofAppliesToTheKeyAsWrittenThenExpiresAfterLoading() throws {
        let d = try PersistentDirectory("aof-past-expire")
        func command(_ args: String...) -> String {
            "*\(args.count)\r\n" + args.map { "$\($0.utf8.count)\r\n\($0)\r\n" }.joined()
        }
        let file = command("SELECT", "0") + command("RPUSH", "list", "foo") + command("PEXPIREAT", "list", "1000")
            + command("RPUSH", "list", "bar") + command("SET", "s", "v", "PXAT", "1000") + command("APPEND", "s", "w")
            + command("SET", "kept", "1")
        var answers: [[RESPValue]] = []
        try FileManager.default.createDirectory(atPath: d.path + "/appendonlydir", withIntermediateDirectories: true)
        for real in [true, false] {
            d.write(Array(file.utf8), to: "appendonly.aof.1.incr.aof")
            d.write(Array("file appendonly.aof.1.incr.aof seq 1 type i\n".utf8), to: "appendonly.aof.manifest")
            let args = resp + ["--aof-load-truncated", "no"]
            let node = real ? try d.startRedis(args) : try d.startVigil(args)
            let c = try node.connect()
            answers.append([try c.call("EXISTS", "kept"), try c.call("LLEN", "list"), try c.call("GET", "s"),
                            try c.call("DBSIZE")])
            node.process.terminate()
        }
        XCTAssertEqual(answers[1], answers[0], "vigil-server (second) vs redis-server (first)")
        XCTAssertEqual(answers[1], [.integer(1), .integer(0), .bulkString(nil), .integer(1)])
    }

    func testTurningAppendonlyOnAtRuntimeRewritesFirst() throws {
        let d = try PersistentDirectory("aof-runtime")
        let node = try d.startVigil(["--aof-use-rdb-preamble", "no"])
        let c = try node.connect()
        try PersistenceDataset.populate(c)
        XCTAssertEqual(try c.call("CONFIG", "SET", "appendonly", "yes"), .simpleString(Array("OK".utf8)))
        try waitForRewrite(c, rewrites: 1)
        XCTAssertEqual(try c.infoField("aof_enabled", section: "persistence"), "1")
        XCTAssertEqual(manifest(d), "file appendonly.aof.1.base.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
        _ = try c.call("SET", "later", "x")
        let before = try PersistenceDataset.fingerprint(c)
        node.process.terminate()
        XCTAssertEqual(try PersistenceDataset.fingerprint(d.startVigil(resp).connect()), before)
    }

    func testGrowthPastMinSizeStartsARewrite() throws {
        let d = try PersistentDirectory("aof-auto")
        let node = try d.startVigil(resp + ["--auto-aof-rewrite-min-size", "4kb", "--auto-aof-rewrite-percentage", "100"])
        let c = try node.connect()
        for i in 0..<100 { _ = try c.call("SET", "key:\(i)", String(repeating: "v", count: 100)) }
        try waitForRewrite(c, rewrites: 1)
        XCTAssertTrue(node.process.logText.contains("Starting automatic rewriting of AOF on "), node.process.logTail())
        XCTAssertEqual(manifest(d), "file appendonly.aof.2.base.aof seq 2 type b\nfile appendonly.aof.2.incr.aof seq 2 type i\n")
    }

    func testOldSingleFileIsMigratedIntoTheDirectory() throws {
        let d = try PersistentDirectory("aof-upgrade")
        d.write(Array("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$1\r\n1\r\n".utf8), to: "appendonly.aof", aofDir: nil)
        let node = try d.startVigil(resp)
        XCTAssertEqual(try node.connect().call("GET", "old"), .bulkString(Array("1".utf8)))
        XCTAssertTrue(node.process.logText.contains("Successfully migrated an old-style AOF file (appendonly.aof) into the AOF directory (appendonlydir)."))
        XCTAssertEqual(manifest(d), "file appendonly.aof seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
    }

    /// SIGKILL while a client writes: with `always` every acknowledged write
    /// is in the file; with `everysec` at most about a second of them is lost.
    private func killUnderLoad(fsync: String) throws -> (acked: [Date], present: Set<Int>) {
        let d = try PersistentDirectory("aof-kill-\(fsync)")
        let node = try d.startVigil(resp + ["--appendfsync", fsync])
        let c = try node.connect()
        var acked: [Date] = []
        let stop = Date().addingTimeInterval(1.5)
        var i = 0
        while Date() < stop {
            if try c.call("SET", "k\(i)", String(i)) == .simpleString(Array("OK".utf8)) { acked.append(Date()) }
            i += 1
        }
        node.process.kill(signal: SIGKILL)
        node.process.waitUntilExit()
        let again = try d.startVigil(resp).connect()
        var present = Set<Int>()
        for j in 0..<i where try again.call("EXISTS", "k\(j)") == .integer(1) { present.insert(j) }
        return (acked, present)
    }

    func testSigkillWithFsyncAlwaysLosesNoAcknowledgedWrite() throws {
        let (acked, present) = try killUnderLoad(fsync: "always")
        XCTAssertGreaterThan(acked.count, 10)
        XCTAssertEqual(present, Set(0..<acked.count), "every acknowledged SET (\(acked.count)) is back")
    }

    func testSigkillWithFsyncEverysecLosesAtMostAboutASecond() throws {
        let (acked, present) = try killUnderLoad(fsync: "everysec")
        guard let last = acked.last else { return XCTFail("no write acknowledged") }
        let lastSecond = acked.filter { last.timeIntervalSince($0) <= 1.0 }.count
        let lost = Set(0..<acked.count).subtracting(present).count
        XCTAssertLessThanOrEqual(lost, lastSecond, "lost \(lost) of \(acked.count) acknowledged writes")
    }
}
