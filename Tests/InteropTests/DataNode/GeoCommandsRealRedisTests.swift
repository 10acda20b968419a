import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Seeded GEO searches, byte for byte against redis-server.
final class GeoCommandsRealRedisTests: XCTestCase {
    func testSearchesMatchRedisServerByteForByte() throws {
        let redis = try ZsetRealRedis()
        let h = try Harness()
        var lines: [[String]] = []
        for (seed, points) in [(1, 100), (2, 400)] as [(UInt64, Int)] {
            var g = GeoScriptGenerator(seed: seed)
            lines += g.script(points: points, queries: 500)
        }
        try redis.compare(lines, with: h)
    }
}
