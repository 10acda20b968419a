import Foundation
import Protocol
import XCTest
@testable import DataNode
import TestSupport

/// Hash command scripts on a real redis-server and on Vigil (in process): byte-identical replies.
final class HashCommandsRealRedisTests: XCTestCase {
    /// Deterministic scripts (listpack order, no random picks) on real redis-server and Vigil: identical bytes.
    func testRepliesMatchRealRedis() throws {
        try StringsRealRedis().assertSameReplies(Self.differentialScripts)
    }

    static let differentialScripts: [[String]] = {
        let long = String(repeating: "x", count: 65)
        var s: [[String]] = """
        FLUSHALL
        HSET h a 1 b 2 c 3
        HSET h a 1 b
        HMSET h a 1 b
        HMSET h x 9
        HGET h a
        HGET h zz
        HMGET h a zz b
        HMGET nokey a b
        HGETALL h
        HKEYS h
        HVALS h
        HLEN h
        HSTRLEN h a
        HEXISTS h zz
        HDEL h a zz
        HSET h a 5
        HGETALL h
        OBJECT ENCODING h
        HSETNX h a 7
        HSETNX h n 7
        HGETALL h
        SET str x
        HSET str a 1
        HGET str a
        HMGET str a
        HINCRBY str a 1
        HINCRBYFLOAT str a 1
        HRANDFIELD str
        HSCAN str 0
        HDEL h b c x n a
        EXISTS h
        HINCRBY h f 5
        HINCRBY h f -10
        HINCRBY h f x
        HINCRBY h f2 9223372036854775807
        HINCRBY h f2 1
        HSET h s abc
        HINCRBY h s 1
        HINCRBYFLOAT h s 1
        HINCRBYFLOAT h fl 10.5
        HINCRBYFLOAT h fl 0.1
        HINCRBYFLOAT h fl -5e3
        HINCRBYFLOAT h fl 1e-20
        HINCRBYFLOAT h fl inf
        HINCRBYFLOAT h fl nan
        HINCRBYFLOAT h f 1.5
        HINCRBYFLOAT h f3 1.7976931348623157e308
        HSTRLEN h f3
        OBJECT ENCODING h
        HGET h f3
        HSCAN h 0 COUNT 0
        HSCAN h 0 COUNT -1
        HSCAN h 0 foo
        HSCAN h 0 MATCH
        HSCAN h x
        HSCAN nokey 1 foo
        HRANDFIELD nokey
        HRANDFIELD nokey 5
        HSET lp z 1 y 2 x 3 w 4
        HDEL lp y
        HSET lp y 5 z 6
        HGETALL lp
        HSCAN lp 0
        HSCAN lp 0 MATCH ? COUNT 1
        HSCAN lp 0 MATCH w*
        HRANDFIELD lp 100
        HRANDFIELD lp 4 WITHVALUES
        HRANDFIELD lp 0 WITHVALUES
        HRANDFIELD lp 1 WITHVALUES foo
        HRANDFIELD lp 1 foo
        HRANDFIELD lp 4611686018427387904 WITHVALUES
        HRANDFIELD lp -4611686018427387904 WITHVALUES
        HRANDFIELD lp x WITHVALUES
        HRANDFIELD lp -9223372036854775808
        HSET one a 1
        HRANDFIELD one
        HRANDFIELD one -3
        HRANDFIELD one -3 WITHVALUES
        HRANDFIELD one 1 WITHVALUES
        COPY lp lp2
        HGETALL lp2
        OBJECT ENCODING lp2
        HELLO 3
        HRANDFIELD lp 100 WITHVALUES
        HRANDFIELD one -2 WITHVALUES
        HGETALL lp
        HGETALL nokey
        HGET lp nope
        HMGET lp nope y
        HRANDFIELD nokey
        HSCAN lp 0
        HELLO 2
        HSET
        HSET h
        HGETALL
        HINCRBY h a
        HSETNX h a
        HGET h
        HDEL h
        HRANDFIELD
        CONFIG SET hash-max-listpack-entries 3
        HSET t a 1 b 2 c 3
        OBJECT ENCODING t
        HSET t d 4
        OBJECT ENCODING t
        HSET t2 a 1 b 2 c 3 d 4
        OBJECT ENCODING t2
        CONFIG SET hash-max-listpack-entries 128
        CONFIG SET hash-max-listpack-value 5
        HSET v a 12345
        OBJECT ENCODING v
        HSET v b 123456
        OBJECT ENCODING v
        HSET w a 1
        HINCRBY w a 123456
        OBJECT ENCODING w
        HSET n a 1
        HSETNX n a 123456
        OBJECT ENCODING n
        HSETNX n b 123456
        OBJECT ENCODING n
        HSET k abcdef 1
        OBJECT ENCODING k
        HINCRBYFLOAT k2 f 1.25
        OBJECT ENCODING k2
        HINCRBYFLOAT k2 f 1000.25
        OBJECT ENCODING k2
        CONFIG SET hash-max-listpack-value 64
        HSET u a 1 b 2
        CONFIG SET hash-max-listpack-entries 1
        HSET u a 3
        OBJECT ENCODING u
        HSET u2 a 1
        HINCRBY u2 a 1
        OBJECT ENCODING u2
        CONFIG SET hash-max-listpack-entries 128
        """.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        s.append(["HSET", "long", "a", long])
        s.append(["OBJECT", "ENCODING", "long"])
        s.append(["HSET", "long2", long, "1"])
        s.append(["OBJECT", "ENCODING", "long2"])
        s.append(["HINCRBY", "long3", long, "1"])
        s.append(["OBJECT", "ENCODING", "long3"])
        s.append(["HSET", "full"] + (0..<128).flatMap { ["f\($0)", "v\($0)"] })
        s.append(["OBJECT", "ENCODING", "full"])
        s.append(["HGETALL", "full"])
        s.append(["HDEL", "full", "f3", "f60", "f127"])
        s.append(["HSCAN", "full", "0", "MATCH", "f1*"])
        s.append(["HSET", "full", "f200", "x", "f201", "y", "f202", "z", "f203", "w"])
        s.append(["OBJECT", "ENCODING", "full"])
        s.append(["HLEN", "full"])
        return s
    }()
}
