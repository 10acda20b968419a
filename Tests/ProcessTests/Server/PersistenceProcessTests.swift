import Foundation
import Glibc
import Persistence
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Saving and loading with the built vigil-server: files survive restarts,
/// BGSAVE runs while the server serves, failures are visible.
final class PersistenceProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func waitUntil(_ what: String, timeout: Double = 20, _ cond: () throws -> Bool) throws {
        let end = Date().addingTimeInterval(timeout)
        while Date() < end {
            if try cond() { return }
            usleep(20_000)
        }
        XCTFail("timed out waiting for \(what)")
    }

    private func waitForExit(_ p: NodeProcess, timeout: Double = 20) throws {
        try waitUntil("the process to exit", timeout: timeout) { !p.isRunning }
    }

    /// A second server on the first one's directory (its dump.rdb).
    private func restart(in dir: String, _ args: [String] = [], waitForPing: Bool = true) throws -> ProcessFixture.Started {
        try fixture.startVigil(["--dir", dir] + args, waitForPing: waitForPing)
    }

    func testSavedKeysAreLoadedAfterARestart() throws {
        let s = try fixture.startVigil(["--save", ""])
        let c = try ProcessFixture.connect(s.port)
        _ = try c.call("SET", "s", "v")
        _ = try c.call("HSET", "h", "f", "1")
        _ = try c.call("RPUSH", "l", "a", "b")
        _ = try c.call("SET", "t", "x", "EX", "1000")
        XCTAssertEqual(try c.call("SAVE"), .simple("OK"))
        XCTAssertEqual(try c.infoField("rdb_changes_since_last_save", section: "persistence"), "0")
        _ = try? c.call("SHUTDOWN", "NOSAVE")
        try waitForExit(s.process)
        let r = try restart(in: s.dir, ["--save", ""])
        let c2 = try ProcessFixture.connect(r.port)
        XCTAssertEqual(try c2.call("GET", "s"), .bulk("v"))
        XCTAssertEqual(try c2.call("HGET", "h", "f"), .bulk("1"))
        XCTAssertEqual(try c2.call("LRANGE", "l", "0", "-1"), .array([.bulk("a"), .bulk("b")]))
        if case .integer(let ttl) = try c2.call("TTL", "t") { XCTAssertGreaterThan(ttl, 900) } else { XCTFail("TTL") }
        XCTAssertEqual(try c2.infoField("rdb_last_load_keys_loaded", section: "persistence"), "4")
        let log = r.process.logText
        XCTAssertTrue(log.contains("Loading RDB produced by version 7.0.15"), log)
        XCTAssertTrue(log.contains("Done loading RDB, keys loaded: 4, keys expired: 0."), log)
        XCTAssertTrue(log.contains("DB loaded from disk: "), log)
    }

    func testBgsaveRunsInAChildWhileTheServerServes() throws {
        let s = try fixture.startVigil(["--save", "", "--enable-debug-command", "yes"])
        let c = try ProcessFixture.connect(s.port)
        _ = try c.call("DEBUG", "POPULATE", "500")
        // 2 ms per key: about a second of saving.
        _ = try c.call("CONFIG", "SET", "rdb-key-save-delay", "2000")
        XCTAssertEqual(try c.call("BGSAVE"), .simple("Background saving started"))
        XCTAssertEqual(try c.infoField("rdb_bgsave_in_progress", section: "persistence"), "1")
        XCTAssertEqual(try c.call("SET", "during", "1"), .simple("OK"), "the parent keeps serving")
        XCTAssertEqual(try c.call("BGSAVE"), .err("ERR Background save already in progress"))
        XCTAssertEqual(try c.call("BGSAVE", "SCHEDULE"), .err("ERR Background save already in progress"))
        XCTAssertEqual(try c.call("SAVE"), .err("ERR Background save already in progress"))
        try waitUntil("the BGSAVE to end") { try c.infoField("rdb_bgsave_in_progress", section: "persistence") == "0" }
        XCTAssertEqual(try c.infoField("rdb_last_bgsave_status", section: "persistence"), "ok")
        XCTAssertEqual(try c.infoField("rdb_changes_since_last_save", section: "persistence"), "1", "the write made during the save stays dirty")
        XCTAssertNotEqual(try c.infoField("rdb_last_cow_size", section: "persistence"), "0", "the child reports its copy-on-write size")
        let log = s.process.logText
        XCTAssertTrue(log.contains("Background saving started by pid "), log)
        XCTAssertTrue(log.contains(":C ") && log.contains("DB saved on disk"), log)
        XCTAssertTrue(log.contains("Background saving terminated with success"), log)
        XCTAssertTrue(FileManager.default.fileExists(atPath: s.dir + "/dump.rdb"))
    }

    func testShutdownSaveWritesTheFinalSnapshot() throws {
        let s = try fixture.startVigil(["--save", ""])
        let c = try ProcessFixture.connect(s.port)
        _ = try c.call("SET", "k", "v")
        _ = try? c.call("SHUTDOWN", "SAVE")
        try waitForExit(s.process)
        let log = s.process.logText
        XCTAssertTrue(log.contains("User requested shutdown..."), log)
        XCTAssertTrue(log.contains("Saving the final RDB snapshot before exiting."), log)
        XCTAssertTrue(log.contains("DB saved on disk"), log)
        let r = try restart(in: s.dir, ["--save", ""])
        XCTAssertEqual(try ProcessFixture.connect(r.port).call("GET", "k"), .bulk("v"))
    }

    func testSigtermSavesWhenSavePointsAreSet() throws {
        let s = try fixture.startVigil(["--save", "3600 1"])
        let c = try ProcessFixture.connect(s.port)
        _ = try c.call("SET", "k", "v")
        s.process.kill(signal: SIGTERM)
        try waitForExit(s.process)
        XCTAssertEqual(s.process.terminationStatus, 0)
        XCTAssertTrue(s.process.logText.contains("Saving the final RDB snapshot before exiting."), s.process.logText)
        let r = try restart(in: s.dir, ["--save", ""])
        XCTAssertEqual(try ProcessFixture.connect(r.port).call("GET", "k"), .bulk("v"))
    }

    func testSigtermWithoutSavePointsDoesNotSave() throws {
        let s = try fixture.startVigil(["--save", ""])
        _ = try ProcessFixture.connect(s.port).call("SET", "k", "v")
        s.process.kill(signal: SIGTERM)
        try waitForExit(s.process)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.dir + "/dump.rdb"))
    }

    /// The child cannot create its temp file (the directory is gone): the
    /// status turns err, the log says why, writes get MISCONF until a save works.
    func testAFailedBgsaveRefusesWritesWithMisconf() throws {
        let s = try fixture.startVigil(["--save", "3600 1", "--enable-protected-configs", "yes"])
        let c = try ProcessFixture.connect(s.port)
        let gone = s.dir + "/gone"
        try FileManager.default.createDirectory(atPath: gone, withIntermediateDirectories: false)
        XCTAssertEqual(try c.call("CONFIG", "SET", "dir", gone), .simple("OK"))
        try FileManager.default.removeItem(atPath: gone)
        XCTAssertEqual(try c.call("BGSAVE"), .simple("Background saving started"))
        try waitUntil("the BGSAVE to fail") { try c.infoField("rdb_last_bgsave_status", section: "persistence") == "err" }
        let misconf = RESPValue.err("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.")
        XCTAssertEqual(try c.call("SET", "k", "v"), misconf)
        XCTAssertEqual(try c.call("GET", "k"), .bulkString(nil))
        let log = s.process.logText
        XCTAssertTrue(log.contains("Failed opening the temp RDB file temp-"), log)
        XCTAssertTrue(log.contains("No such file or directory"), log)
        XCTAssertTrue(log.contains("Background saving error"), log)
        XCTAssertEqual(try c.call("CONFIG", "SET", "dir", s.dir), .simple("OK"))
        XCTAssertEqual(try c.call("SAVE"), .simple("OK"))
        XCTAssertEqual(try c.call("SET", "k", "v"), .simple("OK"), "a successful save lifts the refusal")
    }

    func testClientsGetLoadingDuringASlowLoad() throws {
        let s = try fixture.startVigil(["--save", "", "--enable-debug-command", "yes"])
        let c = try ProcessFixture.connect(s.port)
        _ = try c.call("DEBUG", "POPULATE", "3000")
        XCTAssertEqual(try c.call("SAVE"), .simple("OK"))
        _ = try? c.call("SHUTDOWN", "NOSAVE")
        try waitForExit(s.process)
        // 1 ms per key: three seconds of loading, events served every KiB.
        let r = try restart(in: s.dir, ["--save", "", "--key-load-delay", "1000",
                                        "--loading-process-events-interval-bytes", "1024"], waitForPing: false)
        var loadingSeen = false
        try waitUntil("a -LOADING reply") {
            guard let c2 = try? ProcessFixture.connect(r.port, ioTimeoutMs: 5000) else { return false }
            let reply = try c2.call("GET", "key:1")
            if reply == .err("LOADING Redis is loading the dataset in memory") {
                loadingSeen = true
                let text = try c2.call("INFO", "persistence").string ?? ""
                XCTAssertTrue(text.contains("loading:1\r\n"), text)
                XCTAssertTrue(text.contains("loading_total_bytes:"), text)
            }
            return true
        }
        XCTAssertTrue(loadingSeen, "the first reply came after the load ended")
        try waitUntil("the load to end") { (try? ProcessFixture.connect(r.port).call("DBSIZE")) == .integer(3000) }
    }

    func testACorruptFileStopsStartUpNamingFileAndOffset() throws {
        let s = try fixture.startVigil(["--save", "", "--enable-debug-command", "yes"])
        let c = try ProcessFixture.connect(s.port)
        _ = try c.call("DEBUG", "POPULATE", "100")
        XCTAssertEqual(try c.call("SAVE"), .simple("OK"))
        _ = try? c.call("SHUTDOWN", "NOSAVE")
        try waitForExit(s.process)
        let path = s.dir + "/dump.rdb"
        let whole = try Data(contentsOf: URL(fileURLWithPath: path))
        let truncated = whole.prefix(whole.count / 2)
        try truncated.write(to: URL(fileURLWithPath: path))
        let r = try restart(in: s.dir, ["--save", ""], waitForPing: false)
        try waitForExit(r.process)
        XCTAssertEqual(r.process.terminationStatus, 1)
        let log = r.process.logText
        XCTAssertTrue(log.contains("Internal error in RDB reading offset "), log)
        XCTAssertTrue(log.contains(path), log)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), truncated, "the file is left as it was")
    }

    /// As redis-server does when its dump does not load: the checker's
    /// report of the file on standard output, then the server stops; both
    /// servers print the same report for the same damaged files.
    func testAnUnloadableFileGetsTheCheckersReportAsRedisPrintsIt() throws {
        let redis = try Interop.tool("redis-server", purpose: "comparing the start-up report on a damaged dump")
        let vigil = try Interop.built("vigil-server")
        let dir = try makeScratchDirectory("damaged-dump")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // SELECT 0, "k" -> "v", "s" -> a set of one member, then the checksum.
        let body: [UInt8] = Array("REDIS0010".utf8) + [0xFE, 0] + [0, 1, 0x6B, 1, 0x76] + [2, 1, 0x73, 1, 1, 0x6D, 0xFF]
        var crc = CRC64.checksum(body)
        var good = body
        for _ in 0..<8 { good.append(UInt8(crc & 0xFF)); crc >>= 8 }
        var badChecksum = good
        badChecksum[badChecksum.count - 1] ^= 1
        var badValue = good
        badValue[20] = 0  // the set's member count: an empty set is corrupt
        for (name, file) in [("bad checksum", badChecksum), ("empty set", badValue)] {
            try Data(file).write(to: URL(fileURLWithPath: dir + "/dump.rdb"))
            var outputs: [[String]] = []
            for exe in [redis, vigil] {
                let run = try ToolRun.run(exe, ["--port", String(Ports.free()), "--dir", dir, "--save", ""], timeout: 20)
                XCTAssertEqual(run.status, 1, "\(name): \(exe) exit status")
                let lines = run.stdout.split(separator: "\n").map(String.init)
                outputs.append(lines.filter { $0.hasPrefix("[") || $0.hasPrefix("---") }
                               + lines.filter { $0.hasSuffix("Terminating server after rdb file reading failure.") }.map { _ in "terminating" })
            }
            XCTAssertEqual(outputs[1], outputs[0], name)
            XCTAssertTrue(outputs[1].contains("--- RDB ERROR DETECTED ---"), "\(name): \(outputs[1])")
        }
    }

    /// Keys are inserted a few keys after they are read (the loader
    /// prefetches ahead): a refused one is still named by its own offset.
    func testADuplicatedKeyStopsStartUpNamingItsOffset() throws {
        let s = try fixture.startVigil(["--save", ""])
        _ = try? ProcessFixture.connect(s.port).call("SHUTDOWN", "NOSAVE")
        try waitForExit(s.process)
        // Header, SELECTDB 0, then "a" twice: the second record starts at 16.
        let file: [UInt8] = Array("REDIS0010".utf8) + [0xFE, 0] + [0, 1, 0x61, 1, 0x31] + [0, 1, 0x61, 1, 0x32]
            + [0xFF] + [UInt8](repeating: 0, count: 8)
        try Data(file).write(to: URL(fileURLWithPath: s.dir + "/dump.rdb"))
        let r = try restart(in: s.dir, ["--save", ""], waitForPing: false)
        try waitForExit(r.process)
        XCTAssertEqual(r.process.terminationStatus, 1)
        let log = r.process.logText
        XCTAssertTrue(log.contains("Internal error in RDB reading offset 16 of file "), log)
        XCTAssertTrue(log.contains("RDB has duplicated key 'a' in DB 0"), log)
    }

    /// SIGKILL of the saving child: the temp file goes, the status turns
    /// err, and the previous dump.rdb still loads.
    func testKillingTheSavingChildLeavesThePreviousDumpLoadable() throws {
        let s = try fixture.startVigil(["--save", "", "--enable-debug-command", "yes"])
        let c = try ProcessFixture.connect(s.port)
        _ = try c.call("DEBUG", "POPULATE", "200")
        XCTAssertEqual(try c.call("SAVE"), .simple("OK"))
        _ = try c.call("DEBUG", "POPULATE", "1000", "more")
        _ = try c.call("CONFIG", "SET", "rdb-key-save-delay", "5000")
        XCTAssertEqual(try c.call("BGSAVE"), .simple("Background saving started"))
        var childPid: Int32 = 0
        try waitUntil("the child's pid in the log") {
            guard let line = s.process.logText.split(separator: "\n").first(where: { $0.contains("Background saving started by pid ") }),
                  let pid = Int32(line.split(separator: " ").last ?? "") else { return false }
            childPid = pid
            return true
        }
        try waitUntil("the temp file") { FileManager.default.fileExists(atPath: s.dir + "/temp-\(childPid).rdb") }
        usleep(200_000)
        XCTAssertEqual(Glibc.kill(childPid, SIGKILL), 0)
        try waitUntil("the parent to see the kill") { try c.infoField("rdb_bgsave_in_progress", section: "persistence") == "0" }
        XCTAssertEqual(try c.infoField("rdb_last_bgsave_status", section: "persistence"), "err")
        XCTAssertTrue(s.process.logText.contains("Background saving terminated by signal 9"), s.process.logText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: s.dir + "/temp-\(childPid).rdb"))
        s.process.kill(signal: SIGKILL)
        try waitForExit(s.process)
        let r = try restart(in: s.dir, ["--save", ""])
        XCTAssertEqual(try ProcessFixture.connect(r.port).call("DBSIZE"), .integer(200))
    }

    func testAlwaysShowLogoPrintsPortAndPid() throws {
        let s = try fixture.startVigil(["--save", "", "--always-show-logo", "yes"])
        let log = s.process.logText
        XCTAssertTrue(log.contains("Port: \(s.port)\n"), log)
        XCTAssertTrue(log.contains("PID: \(s.process.pid)\n"), log)
        XCTAssertFalse(log.contains("Running mode=standalone"), log)
    }
}
