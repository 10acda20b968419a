import Foundation
import Protocol
import XCTest
@testable import DataNode
import TestSupport

/// DEBUG replies on a real redis-server and on Vigil (in process): byte-identical.
final class DebugRealRedisTests: XCTestCase {
    /// PROTOCOL shapes, OBJECT/DIGEST on string data and the help text,
    /// byte for byte against redis-server in RESP2 and RESP3.
    func testRepliesMatchRealRedis() throws {
        let redis = try ServerRealRedis(extraArgs: ["--enable-debug-command", "yes"])
        var config = ServerConfig()
        config.enableDebugCommand = "yes"
        let h = try Harness(config: config)
        let types = ["string", "integer", "double", "bignum", "null", "array", "set", "map", "attrib", "push",
                     "verbatim", "true", "false", "foo"]
        var script: [[String]] = [
            ["DEBUG"], ["DEBUG", "foo"], ["DEBUG", "sleep"], ["DEBUG", "object", "nokey"], ["DEBUG", "change-repl-id", "x"],
            ["SET", "k", "v"], ["SET", "n", "7"], ["SET", "e", "v", "EX", "100"], ["SELECT", "3"], ["SET", "other", "x"],
            ["SELECT", "0"], ["DEBUG", "DIGEST"], ["DEBUG", "DIGEST-VALUE", "k", "n", "e", "nokey"],
            ["DEBUG", "ERROR", "MYERR something"], ["DEBUG", "POPULATE", "5", "pp", "12"], ["DEBUG", "DIGEST"],
            ["DEBUG", "POPULATE", "x"], ["DEBUG", "POPULATE", "-3"], ["DEBUG", "SET-ACTIVE-EXPIRE", "1"],
            ["RPUSH", "l", "a", "b", "12"], ["SADD", "s", "x", "y"], ["SADD", "si", "1", "2", "3"],
            ["HSET", "h", "f", "v", "g", "12"], ["ZADD", "z", "1.5", "a", "0.1", "b", "-inf", "c"],
            ["DEBUG", "DIGEST-VALUE", "l", "s", "si", "h", "z"], ["DEBUG", "DIGEST"],
            ["CONFIG", "SET", "zset-max-listpack-entries", "0"], ["ZADD", "zs", "3", "m", "1e300", "n"],
            ["DEBUG", "DIGEST-VALUE", "zs"], ["DEBUG", "DIGEST"],
        ]
        script += types.map { ["DEBUG", "PROTOCOL", $0] }
        script += [["HELLO", "3"]] + types.map { ["DEBUG", "PROTOCOL", $0] }
        var resp3 = false
        for args in script {
            if args.first == "HELLO" { resp3 = true }
            // In RESP3 a push comes before the real reply: two frames.
            let want = try redis.raw(args, frames: resp3 && args.last == "push" ? 2 : 1)
            let got = h.raw(args)
            if args.first == "HELLO" { continue }
            XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: want, as: UTF8.self), "\(args)")
        }
        // HELP: every line Vigil prints is one of Redis's, in Redis's order.
        guard case .array(let real?) = try redis.call(["DEBUG", "HELP"]), case .array(let ours?) = h.call("DEBUG", "HELP") else {
            return XCTFail("HELP shape")
        }
        var it = real.makeIterator()
        for line in ours {
            var found = false
            while let r = it.next() { if r == line { found = true; break } }
            XCTAssertTrue(found, "\(line) not in Redis's DEBUG HELP order")
        }
    }
}
