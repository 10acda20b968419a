import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Saving as redis-server 7.0.15 does it, asked of both servers alike:
/// INFO persistence's field names and order, the replies around a running
/// BGSAVE, and the MISCONF refusal after a failed one.
final class SavingInteropTests: XCTestCase {
    private let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
    }

    private let common = ["--save", "", "--enable-debug-command", "yes", "--enable-protected-configs", "yes"]

    private func both(_ extra: [String] = []) throws -> (real: ProcessFixture.Started, ours: ProcessFixture.Started) {
        (try fixture.startRedis(common + extra), try fixture.startVigil(common + extra))
    }

    private func field(_ c: RedisConnection, _ name: String) throws -> String? {
        let text = try c.call("INFO", "persistence").string ?? ""
        return text.split(separator: "\r\n").first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }

    private func waitUntil(_ what: String, _ cond: () throws -> Bool) throws {
        let end = Date().addingTimeInterval(20)
        while Date() < end {
            if try cond() { return }
            usleep(20_000)
        }
        XCTFail("timed out waiting for \(what)")
    }

    func testInfoPersistenceHasRedisFieldsInRedisOrder() throws {
        let (real, ours) = try both()
        func names(_ port: Int) throws -> [String] {
            let text = try ProcessFixture.connect(port).call("INFO", "persistence").string ?? ""
            return text.split(separator: "\r\n").map { String($0.split(separator: ":").first ?? "") }
        }
        XCTAssertEqual(try names(ours.port), try names(real.port))
    }

    func testInfoStatsCountsForks() throws {
        let (real, ours) = try both()
        for s in [real, ours] {
            let c = try ProcessFixture.connect(s.port)
            XCTAssertEqual(try c.call("BGSAVE"), .simple("Background saving started"))
            try waitUntil("the BGSAVE to end") { try field(c, "rdb_bgsave_in_progress") == "0" }
            let stats = try c.call("INFO", "stats").string ?? ""
            XCTAssertTrue(stats.contains("total_forks:1\r\n"), stats)
            XCTAssertFalse(stats.contains("latest_fork_usec:0\r\n"), stats)
        }
    }

    /// The replies to a second save while one runs, and to bad arguments.
    func testRepliesAroundARunningBgsave() throws {
        let (real, ours) = try both()
        var replies: [[RESPValue]] = []
        for s in [real, ours] {
            let c = try ProcessFixture.connect(s.port)
            _ = try c.call("DEBUG", "POPULATE", "300")
            _ = try c.call("CONFIG", "SET", "rdb-key-save-delay", "3000")
            var r: [RESPValue] = []
            r.append(try c.call("BGSAVE", "NOW"))
            r.append(try c.call("BGSAVE"))
            r.append(try c.call("BGSAVE"))
            r.append(try c.call("BGSAVE", "SCHEDULE"))
            r.append(try c.call("SAVE"))
            r.append(try c.call("DEBUG", "RELOAD", "FAST"))
            r.append(.simple(try field(c, "rdb_bgsave_in_progress") ?? "?"))
            _ = try c.call("CONFIG", "SET", "rdb-key-save-delay", "0")
            try waitUntil("the BGSAVE to end") { try field(c, "rdb_bgsave_in_progress") == "0" }
            r.append(.simple(try field(c, "rdb_last_bgsave_status") ?? "?"))
            r.append(try c.call("DEBUG", "RELOAD"))
            r.append(try c.call("DBSIZE"))
            replies.append(r)
        }
        XCTAssertEqual(replies[1], replies[0])
    }

    /// The child cannot create its file: both refuse writes and PING with
    /// MISCONF, serve reads, and accept writes again after a good SAVE.
    func testMisconfAfterAFailedBgsave() throws {
        let (real, ours) = try both(["--save", "3600 1"])
        var replies: [[RESPValue]] = []
        for s in [real, ours] {
            let c = try ProcessFixture.connect(s.port)
            let gone = s.dir + "/gone"
            try FileManager.default.createDirectory(atPath: gone, withIntermediateDirectories: false)
            _ = try c.call("CONFIG", "SET", "dir", gone)
            try FileManager.default.removeItem(atPath: gone)
            var r: [RESPValue] = [try c.call("BGSAVE")]
            try waitUntil("the BGSAVE to fail") { try field(c, "rdb_last_bgsave_status") == "err" }
            r.append(try c.call("SET", "k", "v"))
            r.append(try c.call("PING"))
            r.append(try c.call("GET", "k"))
            _ = try c.call("CONFIG", "SET", "dir", s.dir)
            r.append(try c.call("SAVE"))
            r.append(try c.call("SET", "k", "v"))
            replies.append(r)
            XCTAssertTrue(s.process.logText.contains("Failed opening the temp RDB file temp-"), s.process.logText)
            XCTAssertTrue(s.process.logText.contains("Background saving error"), s.process.logText)
        }
        XCTAssertEqual(replies[1], replies[0])
    }

    /// Each server loads the other's dump.rdb at start-up.
    func testEachServerLoadsTheOthersSave() throws {
        let (real, ours) = try both()
        for s in [real, ours] {
            let c = try ProcessFixture.connect(s.port)
            _ = try c.call("DEBUG", "POPULATE", "1000")
            _ = try c.call("HSET", "h", "a", "1", "b", "2")
            _ = try c.call("SET", "t", "v", "EX", "1000")
            XCTAssertEqual(try c.call("SAVE"), .simple("OK"))
        }
        let fromReal = try fixture.startVigil(common + ["--dir", real.dir])
        let fromOurs = try fixture.startRedis(common + ["--dir", ours.dir])
        for s in [fromReal, fromOurs] {
            let c = try ProcessFixture.connect(s.port)
            XCTAssertEqual(try c.call("DBSIZE"), .integer(1002))
            XCTAssertEqual(try c.call("HGET", "h", "b"), .bulk("2"))
            XCTAssertEqual(try c.call("GET", "key:999"), .bulk("value:999"))
        }
        XCTAssertTrue(fromReal.process.logText.contains("Done loading RDB, keys loaded: 1002, keys expired: 0."), fromReal.process.logText)
    }

    /// DEBUG DIGEST and each stream's XINFO STREAM FULL (times included: a
    /// file keeps delivery and seen times).
    private func streamState(_ c: RedisConnection) throws -> [RESPValue] {
        var out = [try c.call("DEBUG", "DIGEST")]
        for k in ["stream:small", "stream:big", "stream:empty"] {
            out.append(try c.call("XINFO", "STREAM", k, "FULL", "COUNT", "0"))
            out.append(try c.call("DEBUG", "DIGEST-VALUE", k))
        }
        return out
    }

    /// Streams with tombstones, groups, pending entries and consumers come
    /// back the same from DEBUG RELOAD on each server, and each server loads
    /// the other's dump.rdb into the same streams.
    func testStreamsSurviveDebugReloadAndEachOthersSave() throws {
        let (real, ours) = try both()
        var states: [[RESPValue]] = []
        for s in [real, ours] {
            let c = try ProcessFixture.connect(s.port)
            try PersistenceDataset.populate(c)
            let before = try streamState(c)
            XCTAssertEqual(try c.call("DEBUG", "RELOAD"), .simple("OK"))
            XCTAssertEqual(try streamState(c), before)
            XCTAssertEqual(try c.call("SAVE"), .simple("OK"))
            states.append(before)
        }
        XCTAssertEqual(states[1][0], states[0][0], "DEBUG DIGEST of the same commands")
        let fromReal = try fixture.startVigil(common + ["--dir", real.dir])
        let fromOurs = try fixture.startRedis(common + ["--dir", ours.dir])
        XCTAssertEqual(try streamState(ProcessFixture.connect(fromReal.port)), states[0], "vigil-server loading redis-server's file")
        XCTAssertEqual(try streamState(ProcessFixture.connect(fromOurs.port)), states[1], "redis-server loading vigil-server's file")
    }
}
