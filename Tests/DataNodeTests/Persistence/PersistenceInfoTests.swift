import TestSupport
import XCTest
@testable import DataNode

/// INFO persistence's fields, in redis-server 7.0.15's order.
final class PersistenceInfoTests: XCTestCase {
    static let redis70Names = [
        "loading", "async_loading", "current_cow_peak", "current_cow_size", "current_cow_size_age",
        "current_fork_perc", "current_save_keys_processed", "current_save_keys_total",
        "rdb_changes_since_last_save", "rdb_bgsave_in_progress", "rdb_last_save_time", "rdb_last_bgsave_status",
        "rdb_last_bgsave_time_sec", "rdb_current_bgsave_time_sec", "rdb_saves", "rdb_last_cow_size",
        "rdb_last_load_keys_expired", "rdb_last_load_keys_loaded", "aof_enabled", "aof_rewrite_in_progress",
        "aof_rewrite_scheduled", "aof_last_rewrite_time_sec", "aof_current_rewrite_time_sec",
        "aof_last_bgrewrite_status", "aof_rewrites", "aof_rewrites_consecutive_failures", "aof_last_write_status",
        "aof_last_cow_size", "module_fork_in_progress", "module_fork_last_cow_size",
    ]

    private func info(_ state: PersistenceState = PersistenceState(), child: (BackgroundChild.Kind, Int)? = nil) -> [String: String] {
        let h = try! Harness()
        var i = PersistenceInfo(state: state, dirty: 7, lastSaveUnix: 1000, child: child.map { (kind: $0.0, startUnix: $0.1) },
                                nowUnix: 1010, aofFields: [])
        i.aofFields = h.server.infoPersistence().filter { $0.0.hasPrefix("aof_") }
        return Dictionary(uniqueKeysWithValues: i.fields())
    }

    func testFieldsAreRedisFieldsInRedisOrder() throws {
        let h = try Harness()
        XCTAssertEqual(h.server.infoPersistence().map(\.0), Self.redis70Names)
    }

    func testIdleServerReportsNoSaveYet() {
        let f = info()
        XCTAssertEqual(f["rdb_changes_since_last_save"], "7")
        XCTAssertEqual(f["rdb_bgsave_in_progress"], "0")
        XCTAssertEqual(f["rdb_last_bgsave_status"], "ok")
        XCTAssertEqual(f["rdb_last_bgsave_time_sec"], "-1")
        XCTAssertEqual(f["rdb_current_bgsave_time_sec"], "-1")
    }

    func testRunningBgsaveShowsItsAge() {
        let f = info(child: (.rdb, 1004))
        XCTAssertEqual(f["rdb_bgsave_in_progress"], "1")
        XCTAssertEqual(f["rdb_current_bgsave_time_sec"], "6")
    }

    func testRunningChildReportsItsProgressAndCopyOnWrite() {
        var s = PersistenceState()
        s.currentSaveKeysTotal = 400
        s.currentSaveKeysProcessed = 100
        s.currentCowBytes = 4096
        s.currentCowPeak = 8192
        s.currentCowUpdatedUnix = 1008
        let f = info(s, child: (.rdb, 1004))
        XCTAssertEqual(f["current_fork_perc"], "25.00")
        XCTAssertEqual(f["current_save_keys_processed"], "100")
        XCTAssertEqual(f["current_save_keys_total"], "400")
        XCTAssertEqual(f["current_cow_size"], "4096")
        XCTAssertEqual(f["current_cow_peak"], "8192")
        XCTAssertEqual(f["current_cow_size_age"], "2")
    }

    func testAnAofRewriteIsNotABgsave() {
        XCTAssertEqual(info(child: (.aof, 1004))["rdb_bgsave_in_progress"], "0")
    }

    func testFailedBgsaveReportsErr() {
        var s = PersistenceState()
        s.lastBgsaveOK = false
        XCTAssertEqual(info(s)["rdb_last_bgsave_status"], "err")
    }

    func testLoadingAddsRedisLoadingFieldsAtTheEnd() {
        var s = PersistenceState()
        s.loading = true
        s.loadingStartUnix = 1000
        s.loadingTotalBytes = 400
        s.loadingLoadedBytes = 100
        s.loadingRdbUsedMem = 12345
        let i = PersistenceInfo(state: s, dirty: 0, lastSaveUnix: 0, child: nil, nowUnix: 1010, aofFields: [])
        let f = i.fields()
        XCTAssertEqual(f.suffix(6).map(\.0), ["loading_start_time", "loading_total_bytes", "loading_rdb_used_mem",
                                              "loading_loaded_bytes", "loading_loaded_perc", "loading_eta_seconds"])
        let d = Dictionary(uniqueKeysWithValues: f)
        XCTAssertEqual(d["loading"], "1")
        XCTAssertEqual(d["loading_loaded_perc"], "25.00")
        XCTAssertEqual(d["loading_eta_seconds"], "30", "10 s for a quarter: 30 s for the rest")
    }
}
