import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Loading an AOF directory at start-up side by side with redis-server 7.0:
/// the same directory loads with the same INFO persistence fields meanwhile.
final class AOFLoadingInteropTests: XCTestCase {
    /// INFO persistence's field names (in order) and the values that must agree
    /// while both servers load the same AOF directory slowly.
    private func loadingInfo(_ d: PersistentDirectory, vigil: Bool) throws -> [(String, String)] {
        let args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--key-load-delay", "1000"]
        let node = vigil ? try d.startVigil(args, waitForPing: false) : try d.startRedis(args, waitForPing: false)
        defer { node.process.terminate() }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if let c = try? node.connect(ioTimeoutMs: 5000), case .bulkString(let b?) = try c.call("INFO", "persistence") {
                return String(decoding: b, as: UTF8.self).split(separator: "\r\n").dropFirst().compactMap { line in
                    line.firstIndex(of: ":").map { (String(line[..<$0]), String(line[line.index(after: $0)...])) }
                }
            }
            usleep(20_000)
        }
        throw RedisClientError.timeout
    }

    func testInfoWhileAnAofLoadsHasRedisFields() throws {
        let d = try PersistentDirectory("aof-loading-interop")
        let writer = try d.startVigil(["--appendonly", "yes", "--aof-use-rdb-preamble", "no"])
        _ = try writer.connect().call("EVAL", "for i = 1, 3000 do redis.call('SET', 'k' .. i, i) end", "0")
        writer.process.terminate()
        let theirs = try loadingInfo(d, vigil: false)
        let ours = try loadingInfo(d, vigil: true)
        XCTAssertEqual(ours.map(\.0), theirs.map(\.0))
        let same = ["loading", "aof_enabled", "loading_total_bytes", "aof_rewrites", "aof_last_write_status"]
        for name in same {
            XCTAssertEqual(ours.first { $0.0 == name }?.1, theirs.first { $0.0 == name }?.1, name)
        }
        XCTAssertEqual(ours.first { $0.0 == "loading" }?.1, "1")
    }
}
