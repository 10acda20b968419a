import Foundation
import Glibc
import Protocol
import XCTest
@testable import DataNode
import TestSupport

/// Server command replies on a real redis-server and on Vigil (in process): byte-identical.
final class ServerCommandsRealRedisTests: XCTestCase {
    /// Deterministic replies and error texts, byte for byte against redis-server.
    func testRepliesMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        let script: [[String]] = [
            ["FLUSHALL"], ["DBSIZE"], ["SET", "a", "1"], ["DBSIZE"],
            ["FLUSHDB", "foo"], ["FLUSHDB", "ASYNC"], ["FLUSHDB", "async", "sync"], ["FLUSHALL", "foo", "bar"],
            ["FLUSHALL", "SYNC"], ["SWAPDB", "0"], ["SWAPDB", "a", "b"], ["SWAPDB", "0", "b"], ["SWAPDB", "0", "100"],
            ["SWAPDB", "-1", "0"], ["SWAPDB", "0", "16"], ["SWAPDB", "0", "1"], ["SWAPDB", "1", "1"],
            ["SWAPDB", "0", "2147483648"], ["SWAPDB", "+1", "0"], ["ROLE"], ["ROLE", "x"],
            ["SHUTDOWN", "foo"], ["SHUTDOWN", "abort"], ["SHUTDOWN", "ABORT", "now"], ["SHUTDOWN", "save", "NOSAVE"],
            ["SHUTDOWN", "force", "abort"], ["SLOWLOG"], ["SLOWLOG", "HELP"], ["SLOWLOG", "help", "x"],
            ["SLOWLOG", "get", "-2"], ["SLOWLOG", "get", "a"], ["SLOWLOG", "get", "1", "2"], ["SLOWLOG", "len", "1"],
            ["SLOWLOG", "foo"], ["SLOWLOG", "RESET"], ["LATENCY"], ["LATENCY", "HELP"], ["LATENCY", "LATEST"],
            ["LATENCY", "HISTORY"], ["LATENCY", "HISTORY", "command"], ["LATENCY", "RESET"],
            ["LATENCY", "RESET", "a", "b"], ["LATENCY", "DOCTOR"], ["LATENCY", "GRAPH", "command"],
            ["LATENCY", "HISTOGRAM", "nosuch"], ["LATENCY", "nope"], ["TIME", "x"], ["LASTSAVE", "x"], ["DBSIZE", "x"],
        ]
        for args in script {
            let want = try redis.raw(args)
            let got = h.raw(args)
            XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: want, as: UTF8.self), "\(args)")
        }
    }
}
