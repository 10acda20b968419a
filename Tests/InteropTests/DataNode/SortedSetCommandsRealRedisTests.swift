import Foundation
import Glibc
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Seeded sorted-set command sequences and hand-picked edge cases, byte for byte against redis-server.
final class SortedSetCommandsRealRedisTests: XCTestCase {
    func testRepliesMatchRedisServerByteForByte() throws {
        let redis = try ZsetRealRedis()
        let h = try Harness()
        var lines = Self.fixedScript
        for (seed, cfg) in [(1, nil), (2, "4"), (3, "0"), (4, nil)] as [(UInt64, String?)] {
            var g = ZsetScriptGenerator(seed: seed)
            lines += g.script(commands: 1500, maxEntries: cfg)
        }
        lines.append(["CONFIG", "SET", "zset-max-listpack-entries", "128"])
        try redis.compare(lines, with: h)
    }

    /// Hand-picked edge cases (errors, RESP3, NaN, inf, encodings).
    static let fixedScript: [[String]] = [
        "flushall", "zadd z 1 a 2 b 3 c", "zadd z incr +inf a", "zadd z incr -inf a", "zadd z -0 m", "zscore z m",
        "zadd z 1.5 h 0.1 t 1e200 big 4611686018427387904 e62 4611686018427387905 e62b", "zrange z 0 -1 withscores",
        "zscan z 0", "zincrby z 1 new", "zmscore z a nomember h", "zcount z ( (", "zcount z \"( 1\" 5", "zcount z 0x10 100",
        "zrangebyscore z -inf +inf limit 1 -1", "zrevrange z 0 2 withscores", "zrangestore d z 0 2",
        "zrange d 0 -1 withscores", "zpopmin z 0", "zpopmin z 1 2", "zmpop 1 z min count 1 count 1",
        "zrandmember z x", "zrandmember z 1 foo", "zscan z x", "zscan z -1", "zscan z 0 count 0",
        "hello 3", "zrange z 0 -1 withscores", "zpopmax z", "zpopmax z 2", "zmpop 1 z min", "zunion 2 z d withscores",
        "zrandmember z 100 withscores", "zscore z nomember", "zadd z incr nx 1 h", "hello 2",
        "config set zset-max-listpack-entries 2", "zadd s 1 a 2 b 3 c", "object encoding s", "zrange s 0 -1 withscores",
        "zrank s c", "zrevrank s a", "zremrangebyrank s 0 0", "zrange s 0 -1",
        "config set zset-max-listpack-entries 128", "del s", "zadd s 1 a 5 xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx -0 g",
        "zrangestore s s 0 -1", "zrange s 0 -1 withscores", "zadd s -0 g2", "zrangestore s s 0 -1 rev", "zrange s 0 -1 withscores",
        "zunionstore u 1 s", "zrange u 0 -1 withscores",
    ].map { ZsetRealRedis.split($0) }
}
