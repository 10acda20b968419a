import Foundation
import Protocol
import XCTest
@testable import DataNode
import TestSupport

/// CONFIG replies on a real redis-server and on Vigil (in process): byte-identical.
final class ConfigCommandRealRedisTests: XCTestCase {
    func testRepliesMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        let script: [[String]] = [
            ["CONFIG"], ["CONFIG", "HELP"], ["CONFIG", "help", "x"], ["CONFIG", "foo"], ["CONFIG", "GET"],
            ["CONFIG", "GET", "maxmemory", "foo"], ["CONFIG", "GET", "*max-*-entries*"], ["CONFIG", "GET", "nosuch"],
            ["CONFIG", "SET"], ["CONFIG", "SET", "foo", "bar"], ["CONFIG", "SET", "maxmemory"],
            ["CONFIG", "SET", "maxmemory", "10", "hz"], ["CONFIG", "SET", "maxmemory", "abc"],
            ["CONFIG", "SET", "maxmemory", "10", "maxmemory", "20"], ["CONFIG", "SET", "hz", "5", "foo", "bar"],
            ["CONFIG", "SET", "daemonize", "yes"], ["CONFIG", "SET", "hz", "20", "loglevel", "verbose"],
            ["CONFIG", "GET", "hz"], ["CONFIG", "GET", "loglevel"], ["CONFIG", "SET", "loglevel", "notice"],
            ["CONFIG", "REWRITE"], ["CONFIG", "REWRITE", "x"], ["CONFIG", "RESETSTAT"], ["CONFIG", "RESETSTAT", "1"],
            ["CONFIG", "SET", "latency-monitor-threshold", "100"], ["CONFIG", "GET", "latency-monitor-threshold"],
            ["CONFIG", "SET", "dir", "/nonexistent-dir-for-vigil"], ["CONFIG", "SET", "dbfilename", "x.rdb"],
        ]
        for args in script {
            let want = try redis.raw(args)
            let got = h.raw(args)
            if args.count > 2 && args[1] == "GET" {
                // Redis answers in hash-table order: compare the pairs.
                XCTAssertEqual(Self.pairs(got), Self.pairs(want), "\(args)")
                continue
            }
            XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: want, as: UTF8.self), "\(args)")
        }
    }

    static func pairs(_ raw: [UInt8]) -> [String] {
        guard let (v, _) = try? ReplyParser().parse(raw), case .array(let items?) = v else { return ["<not an array>"] }
        var out: [String] = []
        var i = 0
        while i + 1 < items.count {
            if case .bulkString(let k?) = items[i], case .bulkString(let v?) = items[i + 1] {
                out.append(String(decoding: k, as: UTF8.self) + "=" + String(decoding: v, as: UTF8.self))
            }
            i += 2
        }
        return out.sorted()
    }
}
