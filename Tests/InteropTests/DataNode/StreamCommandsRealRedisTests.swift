import Foundation
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Streams on a real redis-server and on Vigil (in process): the node layout
/// XINFO reports (radix-tree keys and nodes) under several node limits, the
/// dataset digest, and the bad-input errors, byte for byte.
final class StreamCommandsRealRedisTests: XCTestCase {
    private func pair() throws -> (ServerRealRedis, Harness) {
        let redis = try ServerRealRedis(extraArgs: ["--enable-debug-command", "yes"])
        var config = ServerConfig()
        config.enableDebugCommand = "yes"
        return (redis, try Harness(config: config))
    }

    private func same(_ redis: ServerRealRedis, _ h: Harness, _ args: [String], _ note: String) throws -> Bool {
        let want = try redis.raw(args)
        let got = h.raw(args)
        XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: want, as: UTF8.self), "\(note) \(args)")
        return got == want
    }

    /// Seeded adds (same and other fields, small and large values), deletions
    /// and trims under each node limit; XINFO and the digests after every step.
    func testNodeLayoutAndDigestsMatchRealRedis() throws {
        let (redis, h) = try pair()
        let limits = [("100", "4096"), ("5", "4096"), ("0", "300"), ("3", "0"), ("1", "1")]
        for (entries, bytes) in limits {
            for args in [["FLUSHALL"], ["CONFIG", "SET", "stream-node-max-entries", entries],
                         ["CONFIG", "SET", "stream-node-max-bytes", bytes]] {
                _ = try redis.raw(args)
                _ = h.raw(args)
            }
            var rng = SeededRandom(seed: 20261206)
            var ms = 0
            let values = ["1", "-7", "100000", "hello", String(repeating: "v", count: 70), String(repeating: "w", count: 5000), ""]
            for step in 0..<300 {
                var cmd: [String]
                switch rng.int(0..<10) {
                case 0..<6:
                    ms += rng.int(0...2)
                    cmd = ["XADD", "s", "\(ms)-*", rng.chance(0.7) ? "f" : "g", rng.pick(values)]
                    if rng.chance(0.3) { cmd += ["h", rng.pick(values)] }
                case 6: cmd = ["XDEL", "s", "\(rng.int(0...ms))-\(rng.int(0...3))"]
                case 7: cmd = ["XTRIM", "s", "MAXLEN", rng.pick(["~", "="]), String(rng.int(0...60))]
                case 8: cmd = ["XTRIM", "s", "MINID", rng.pick(["~", "="]), "\(rng.int(0...ms))"]
                default: cmd = ["XRANGE", "s", "-", "+", "COUNT", "3"]
                }
                let note = "limits \(entries)/\(bytes) step \(step):"
                guard try same(redis, h, cmd, note),
                      try same(redis, h, ["XINFO", "STREAM", "s"], note),
                      try same(redis, h, ["DEBUG", "DIGEST-VALUE", "s"], note) else { return }
            }
            guard try same(redis, h, ["XINFO", "STREAM", "s", "FULL", "COUNT", "0"], "limits \(entries)/\(bytes)"),
                  try same(redis, h, ["DEBUG", "DIGEST"], "limits \(entries)/\(bytes)") else { return }
        }
    }

    /// Bad input: the exact error, and the stream unchanged afterwards.
    func testBadInputErrorsMatchRealRedis() throws {
        let (redis, h) = try pair()
        let script: [[String]] = [
            ["XADD", "s", "1-1", "a", "1"], ["XADD", "s", "1-1", "a", "1"], ["XADD", "s", "1-0", "a", "1"],
            ["XADD", "s", "0-0", "a", "1"], ["XADD", "s", "1-x", "a", "1"], ["XADD", "s", "1-1", "a"], ["XADD", "s", "*", "a", "1", "b"],
            ["XADD", "s", "MAXLEN", "-1", "*", "a", "1"], ["XADD", "s", "LIMIT", "5", "*", "a", "1"],
            ["XADD", "s", "MAXLEN", "5", "LIMIT", "5", "*", "a", "1"], ["XADD", "s", "MAXLEN", "5", "MINID", "5", "*", "a", "1"],
            ["XADD", "s", "MAXLEN", "~", "5", "LIMIT", "-1", "*", "a", "1"], ["XADD", "s", "1-18446744073709551615", "a", "1"],
            ["XADD", "s", "1-*", "a", "1"], ["XADD", "s", "18446744073709551616-1", "a", "1"], ["XTRIM", "s"],
            ["XTRIM", "s", "FOO", "1"], ["XTRIM", "s", "MAXLEN"], ["XRANGE", "s", "-", "(0-0"],
            ["XRANGE", "s", "(18446744073709551615-18446744073709551615", "+"], ["XRANGE", "s", "(-", "+"],
            ["XRANGE", "s", "-", "+", "COUNT"], ["XRANGE", "s", "-", "+", "COUNT", "9223372036854775807"],
            ["XRANGE", "s", "-", "+", "COUNT", "-1"], ["XREVRANGE", "s", "+", "-", "LIMIT", "1"],
            ["XREAD", "STREAMS", "s"], ["XREAD", "COUNT", "1"], ["XREAD", "GROUP", "g", "c", "STREAMS", "s", "0"],
            ["XREAD", "STREAMS", "s", ">"], ["XREAD", "BLOCK", "-1", "STREAMS", "s", "0"], ["XREAD", "BLOCK", "x", "STREAMS", "s", "0"],
            ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">"], ["XREADGROUP", "COUNT", "1", "STREAMS", "s", "0", "x"],
            ["XGROUP", "CREATE", "s", "g", "$"], ["XGROUP", "CREATE", "s", "g", "$"], ["XGROUP", "CREATE", "nokey", "g", "$"],
            ["XGROUP", "CREATE", "s", "g2", "$", "ENTRIESREAD", "-2"], ["XGROUP", "CREATE", "s", "g2", "$", "FOO"],
            ["XGROUP", "SETID", "s", "nog", "0"], ["XGROUP", "CREATECONSUMER", "s", "nog", "c"],
            ["XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "$"], ["XACK", "s", "g", "1-1", "bad"],
            ["XPENDING", "s", "g", "-", "+"], ["XPENDING", "s", "nog"], ["XPENDING", "s", "g", "IDLE", "x", "-", "+", "1"],
            ["XCLAIM", "s", "g", "c", "x", "1-1"], ["XCLAIM", "s", "g", "c", "0", "1-1", "IDLE", "x"],
            ["XCLAIM", "s", "g", "c", "0", "1-1", "BOGUS"], ["XCLAIM", "s", "nog", "c", "0", "1-1"],
            ["XAUTOCLAIM", "s", "g", "c", "x", "0"], ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "0"],
            ["XAUTOCLAIM", "s", "g", "c", "0", "0", "COUNT", "2305843009213693952"], ["XAUTOCLAIM", "s", "g", "c", "0", "0", "FOO"],
            ["XINFO", "STREAM", "nokey"], ["XINFO", "STREAM", "s", "FULL", "COUNT"], ["XINFO", "CONSUMERS", "s", "nog"],
            ["XSETID", "s", "0-1"], ["XSETID", "s", "9-9", "ENTRIESADDED", "-1"], ["XSETID", "s", "9-9", "ENTRIESADDED", "0"],
            ["XSETID", "s", "9-9", "MAXDELETEDID", "10-0"], ["XSETID", "nokey", "1-1"],
            ["SET", "str", "x"], ["XADD", "str", "*", "a", "1"], ["XRANGE", "str", "-", "+"], ["XREAD", "STREAMS", "str", "0"],
            ["XINFO", "STREAM", "s"], ["DEBUG", "DIGEST-VALUE", "s"],
        ]
        for args in script { guard try same(redis, h, args, "") else { return } }
    }
}
