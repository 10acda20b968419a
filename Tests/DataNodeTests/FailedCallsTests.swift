import TestSupport
import XCTest
@testable import DataNode

/// commandstats' failed_calls goes to the command that replied the error:
/// errors of commands run inside EXEC or a script are theirs, not EXEC's or
/// EVAL's (Redis's incrCommandStatsOnError).
final class FailedCallsTests: XCTestCase {
    private func stat(_ h: Harness, _ name: String) -> String {
        guard case .bulkString(let b?) = h.call("INFO", "commandstats") else { return "" }
        let line = String(decoding: b, as: UTF8.self).split(separator: "\r\n").first { $0.hasPrefix("cmdstat_\(name):") }
        return line.map { String($0) } ?? ""
    }

    func testAFailedCommandInsideExecCountsForItNotForExec() throws {
        let h = try Harness()
        h.call("MULTI")
        h.call("SET", "a", "b")
        h.call("AUTH", "a")
        h.call("EXEC")
        XCTAssertTrue(stat(h, "auth").hasSuffix("rejected_calls=0,failed_calls=1"), stat(h, "auth"))
        XCTAssertTrue(stat(h, "exec").hasSuffix("rejected_calls=0,failed_calls=0"), stat(h, "exec"))
        XCTAssertEqual(h.server.stats.totalErrorReplies, 1)
    }

    func testExecsOwnErrorStillCountsForExec() throws {
        let h = try Harness()
        h.call("EXEC")
        XCTAssertTrue(stat(h, "exec").hasSuffix("failed_calls=1"), stat(h, "exec"))
    }
}
