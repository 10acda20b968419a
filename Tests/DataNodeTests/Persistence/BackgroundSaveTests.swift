import Glibc
import TestSupport
import XCTest
@testable import DataNode

/// In-process parts of saving: dirty counting, the MISCONF refusal after a
/// failed BGSAVE, the child-info message and the smaps sum. (Saves that
/// write files are process tests: an in-process SAVE would write into the
/// test's working directory.)
final class BackgroundSaveTests: XCTestCase {
    private func harness(save: [(Int, Int)] = [(3600, 1)]) throws -> Harness {
        var c = ServerConfig()
        c.saveParams = save.map { (seconds: $0.0, changes: $0.1) }
        return try Harness(config: c)
    }

    private func field(_ h: Harness, _ name: String) -> String? {
        h.server.infoPersistence().first { $0.0 == name }?.1
    }

    func testWritesCountAsChangesSinceTheLastSave() throws {
        let h = try harness()
        h.call("SET", "a", "1")
        h.call("RPUSH", "l", "x", "y", "z")
        h.call("GET", "a")
        h.call("DEL", "missing")
        XCTAssertEqual(field(h, "rdb_changes_since_last_save"), "4", "SET 1 + RPUSH of 3; reads and no-op deletes 0")
    }

    func testForkFailureFailsBgsaveVisibly() throws {
        let h = try harness()
        h.server.forkProcess = {
            errno = EAGAIN
            return -1
        }
        XCTAssertEqual(h.rawString("BGSAVE"), "-ERR\r\n")
        XCTAssertEqual(field(h, "rdb_last_bgsave_status"), "err")
        XCTAssertEqual(field(h, "rdb_bgsave_in_progress"), "0")
    }

    func testWritesAndPingAreRefusedAfterAFailedBgsave() throws {
        let h = try harness()
        h.server.forkProcess = { -1 }
        h.call("BGSAVE")
        let misconf = "-" + PersistenceState.misconfError + "\r\n"
        XCTAssertEqual(h.rawString("SET", "k", "v"), misconf)
        XCTAssertEqual(h.rawString("PING"), misconf)
        XCTAssertEqual(h.rawString("GET", "k"), "$-1\r\n", "reads are served")
    }

    func testNoRefusalWithoutSavePoints() throws {
        let h = try harness(save: [])
        h.server.forkProcess = { -1 }
        h.call("BGSAVE")
        XCTAssertEqual(h.rawString("SET", "k", "v"), "+OK\r\n")
    }

    func testNoRefusalWhenStopWritesIsOff() throws {
        let h = try harness()
        h.server.forkProcess = { -1 }
        h.call("BGSAVE")
        h.call("CONFIG", "SET", "stop-writes-on-bgsave-error", "no")
        XCTAssertEqual(h.rawString("SET", "k", "v"), "+OK\r\n")
    }

    func testBgsaveRejectsUnknownArguments() throws {
        let h = try harness()
        XCTAssertEqual(h.rawString("BGSAVE", "NOW"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BGSAVE", "SCHEDULE", "X"), "-ERR syntax error\r\n")
    }

    func testClientsGetLoadingWhileTheDatasetLoads() throws {
        let h = try harness()
        h.server.persistence.loading = true
        XCTAssertEqual(h.rawString("GET", "k"), "-LOADING Redis is loading the dataset in memory\r\n")
        XCTAssertTrue(h.rawString("INFO", "persistence").contains("loading:1"), "INFO is allowed while loading")
    }

    func testChildInfoRoundTrips() {
        for kind in [ChildInfo.Kind.current, .final] {
            let info = ChildInfo(kind: kind, copyOnWriteBytes: 123_456_789, keysProcessed: 200_000)
            XCTAssertEqual(info.bytes.count, ChildInfo.size)
            XCTAssertEqual(ChildInfo(info.bytes), info)
        }
        XCTAssertNil(ChildInfo([1, 2, 3]))
    }

    func testPrivateDirtyIsSummedOverMappings() {
        let smaps = """
        00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/x
        Private_Clean:       100 kB
        Private_Dirty:         8 kB
        7f00-7f10 rw-p 00000000 00:00 0
        Private_Dirty:      1024 kB
        """
        XCTAssertEqual(CopyOnWrite.sum(Array(smaps.utf8)), (8 + 1024) * 1024)
    }
}
