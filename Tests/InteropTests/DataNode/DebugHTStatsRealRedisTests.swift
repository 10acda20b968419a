import XCTest
@testable import DataNode
import TestSupport

/// DEBUG HTSTATS against a real redis-server: the same table sizes and
/// element counts for the same keys (chain lengths depend on each server's
/// hash function, so those lines are left out), and the same errors.
final class DebugHTStatsRealRedisTests: XCTestCase {
    /// The lines that do not depend on where keys hash to.
    private func sizeLines(_ reply: [UInt8]) -> [String] {
        String(decoding: reply, as: UTF8.self).split(separator: "\n").map(String.init).filter {
            $0.hasPrefix("[") || $0.hasPrefix("Hash table") || $0.hasPrefix("No stats")
                || $0.hasPrefix(" table size:") || $0.hasPrefix(" number of elements:")
        }
    }

    func testTableSizesAndCountsMatchRealRedis() throws {
        let redis = try ServerRealRedis(extraArgs: ["--enable-debug-command", "yes"])
        var config = ServerConfig()
        config.enableDebugCommand = "yes"
        let h = try Harness(config: config)
        let steps: [[String]] = [
            ["DEBUG", "POPULATE", "3"], ["DEBUG", "POPULATE", "4097"], ["EXPIRE", "key:1", "100"],
            ["EXPIRE", "key:2", "100"], ["SET", "extra", "1"],
        ]
        for step in steps {
            _ = try redis.raw(step)
            _ = h.raw(step)
            let want = try redis.raw(["DEBUG", "HTSTATS", "0"])
            let got = h.raw(["DEBUG", "HTSTATS", "0"])
            XCTAssertEqual(sizeLines(got), sizeLines(want), "after \(step)")
            XCTAssertGreaterThan(sizeLines(got).count, 3)
        }
        for args in [["DEBUG", "HTSTATS", "1"], ["DEBUG", "HTSTATS", "16"], ["DEBUG", "HTSTATS", "-1"],
                     ["DEBUG", "HTSTATS", "x"], ["DEBUG", "HTSTATS"]] {
            XCTAssertEqual(String(decoding: h.raw(args), as: UTF8.self), String(decoding: try redis.raw(args), as: UTF8.self), "\(args)")
        }
    }
}
