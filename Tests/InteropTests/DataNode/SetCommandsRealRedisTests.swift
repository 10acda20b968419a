import Foundation
import Protocol
import XCTest
@testable import DataNode
import TestSupport

/// Set command scripts on a real redis-server and on Vigil (in process): byte-identical replies.
final class SetCommandsRealRedisTests: XCTestCase {
    /// Deterministic scripts (intset order, no random picks from more than one member) on real
    /// redis-server and Vigil: identical bytes.
    func testRepliesMatchRealRedis() throws {
        try StringsRealRedis().assertSameReplies(Self.differentialScripts)
    }

    static let differentialScripts: [[String]] = {
        var s: [[String]] = """
        FLUSHALL
        SADD s 3 1 2
        SADD s 2 5 -7
        SMEMBERS s
        OBJECT ENCODING s
        SADD s 70000
        SMEMBERS s
        SADD s -5000000000
        SADD s 9223372036854775807 -9223372036854775808
        SMEMBERS s
        SCARD s
        SISMEMBER s 70000
        SISMEMBER s abc
        SISMEMBER s 007
        SMISMEMBER s 1 2 4 abc 70000
        SREM s 1 abc 4 70000
        SMEMBERS s
        SADD s abc
        OBJECT ENCODING s
        SISMEMBER s abc
        SREM s abc
        OBJECT ENCODING s
        SADD i 1 2 3
        SREM i 1 2 3
        EXISTS i
        SADD str abc def
        OBJECT ENCODING str
        SMEMBERS nokey
        SCARD nokey
        SET k v
        SADD k a
        SREM k a
        SMEMBERS k
        SMISMEMBER k a
        SPOP k
        SPOP k 1
        SRANDMEMBER k 1
        SMOVE k s a
        SMOVE s k 2
        SINTER s k
        SUNION s k
        SDIFF s k
        SINTERSTORE d k
        SINTERCARD 1 k
        SSCAN k 0
        SADD a 1 2 3 4 5
        SADD b 4 5 6 7
        SADD c 5 7 9
        SINTER a b
        SINTER a b c
        SINTER a nokey
        SINTER a nokey k
        SINTER nokey k
        SINTERCARD 2 a b
        SINTERCARD 2 a b LIMIT 1
        SINTERCARD 3 a b c
        SUNION a b c
        SDIFF a b c
        SDIFF a
        SDIFF nokey a
        SDIFF a nokey
        SDIFF a a
        SDIFF a b a
        SINTERSTORE d a b
        SMEMBERS d
        SUNIONSTORE d a b c
        SMEMBERS d
        SDIFFSTORE d a b c
        SMEMBERS d
        SINTERSTORE d a nokey
        EXISTS d
        SADD d x y
        SINTERSTORE d a b
        OBJECT ENCODING d
        EXPIRE a 100
        SUNIONSTORE a a b
        TTL a
        SMEMBERS a
        SADD m x
        SADD m 1
        OBJECT ENCODING m
        SADD m2 1 2
        SINTER m m2
        SUNIONSTORE mm m m2
        OBJECT ENCODING mm
        SMOVE a b 1
        SMEMBERS a
        SMEMBERS b
        SMOVE a nokey2 2
        SMEMBERS nokey2
        SMOVE a a 3
        SMOVE a a 99
        SMOVE nokey a 3
        SMOVE a str 3
        SMOVE a new abc
        SADD one 5
        SPOP one
        EXISTS one
        SADD one 5
        SPOP one 5
        SADD one 5
        SPOP one 0
        SRANDMEMBER one
        SRANDMEMBER one 1
        SRANDMEMBER one -3
        SRANDMEMBER one 5
        SRANDMEMBER one 0
        SADD ii 3 1 2
        SPOP ii 3
        SADD ii 3 1 2
        SRANDMEMBER ii 3
        SRANDMEMBER ii 30
        SSCAN ii 0
        SSCAN ii 0 MATCH 1*
        SSCAN ii 0 COUNT 1
        SSCAN ii 0 COUNT 0
        SSCAN ii x
        SSCAN ii 0 TYPE set
        SSCAN nokey 0 COUNT x
        SRANDMEMBER nokey -9223372036854775808
        SRANDMEMBER nokey -9223372036854775807
        SPOP nokey 9223372036854775807
        SPOP nokey x
        SPOP ii 9223372036854775807
        HELLO 3
        SADD ii 3 1 2
        SMEMBERS ii
        SINTER ii
        SUNION ii
        SDIFF ii
        SRANDMEMBER ii 30
        SPOP ii 30
        SPOP nokey
        SPOP nokey 3
        SRANDMEMBER nokey
        SRANDMEMBER nokey 3
        SMEMBERS nokey
        SINTER nokey
        SDIFF nokey
        SINTERCARD 1 nokey
        SMISMEMBER nokey a
        SSCAN nokey 0
        HELLO 2
        SADD
        SADD s
        SMOVE s a
        SPOP s 1 2
        SRANDMEMBER s 1 2
        SINTERCARD 1
        SINTERCARD 0 a
        SINTERCARD 2 a
        SINTERCARD 1 a LIMIT
        SINTERCARD 1 a LIMIT -1
        SINTERCARD 1 a LIMIT x
        SINTERCARD 1 a foo 1
        SINTERCARD 1 a LIMIT 1 LIMIT 2
        SINTER
        SINTERSTORE d
        CONFIG SET set-max-intset-entries 3
        SADD y 1 2 3
        OBJECT ENCODING y
        SADD y 4
        OBJECT ENCODING y
        CONFIG SET set-max-intset-entries 0
        SADD z 1
        OBJECT ENCODING z
        CONFIG SET set-max-intset-entries 512
        """.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        s.append(["SADD", "x"] + (0..<512).map(String.init))
        s.append(["OBJECT", "ENCODING", "x"])
        s.append(["SUNIONSTORE", "u", "x"])
        s.append(["OBJECT", "ENCODING", "u"])
        s.append(["SADD", "x", "512"])
        s.append(["OBJECT", "ENCODING", "x"])
        s.append(["SREM", "x", "512"])
        s.append(["OBJECT", "ENCODING", "x"])
        s.append(["SUNIONSTORE", "u", "x"])
        s.append(["OBJECT", "ENCODING", "u"])
        s.append(["SMEMBERS", "u"])
        s.append(["SADD", "w"] + (0..<600).map(String.init))
        s.append(["SDIFFSTORE", "u2", "w", "x"])
        s.append(["OBJECT", "ENCODING", "u2"])
        s.append(["SMEMBERS", "u2"])
        s.append(["SINTERSTORE", "u3", "w", "x"])
        s.append(["OBJECT", "ENCODING", "u3"])
        s.append(["SINTERCARD", "2", "w", "x"])
        s.append(["SINTERCARD", "2", "w", "x", "LIMIT", "10"])
        s.append(["SDIFF", "w", "x", "u2"])
        return s
    }()
}
