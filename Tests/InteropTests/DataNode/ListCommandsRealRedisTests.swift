import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// List command scripts and seeded sequences on a real redis-server and on Vigil (in process): byte-identical replies.
final class ListCommandsRealRedisTests: XCTestCase {
    /// Scripted commands on real redis-server and Vigil: identical bytes.
    func testRepliesMatchRealRedis() throws {
        try StringsRealRedis().assertSameReplies(Self.script)
    }

    /// Seeded random list commands (small fill so nodes split) on both servers.
    func testRandomSequencesMatchRealRedis() throws {
        let redis = try StringsRealRedis()
        let h = try Harness()
        for args in [["FLUSHALL"], ["CONFIG", "SET", "list-max-listpack-size", "3"]] {
            _ = try redis.raw(args.map { Array($0.utf8) })
            _ = StringsRealRedis.raw(h, args.map { Array($0.utf8) })
        }
        var rng = SeededRandom(seed: 20240705)
        let keys = ["l1", "l2", "l3", "s"]
        let elems = ["a", "b", "c", "dd", "", "12", String(repeating: "z", count: 70)]
        func key() -> String { keys[Int(rng.next() % UInt64(keys.count))] }
        func elem() -> String { elems[Int(rng.next() % UInt64(elems.count))] }
        func idx() -> String { String(Int(rng.next() % 15) - 7) }
        for step in 0..<3000 {
            var cmd: [String]
            switch rng.next() % 22 {
            case 0: cmd = ["LPUSH", key(), elem(), elem()]
            case 1: cmd = ["RPUSH", key(), elem(), elem(), elem()]
            case 2: cmd = ["LPUSHX", key(), elem()]
            case 3: cmd = ["RPUSHX", key(), elem()]
            case 4: cmd = ["LPOP", key()] + (rng.next() % 2 == 0 ? [String(rng.next() % 4)] : [])
            case 5: cmd = ["RPOP", key()] + (rng.next() % 2 == 0 ? [String(rng.next() % 4)] : [])
            case 6: cmd = ["LRANGE", key(), idx(), idx()]
            case 7: cmd = ["LINDEX", key(), idx()]
            case 8: cmd = ["LSET", key(), idx(), elem()]
            case 9: cmd = ["LINSERT", key(), rng.next() % 2 == 0 ? "BEFORE" : "AFTER", elem(), elem()]
            case 10: cmd = ["LREM", key(), idx(), elem()]
            case 11: cmd = ["LTRIM", key(), idx(), idx()]
            case 12: cmd = ["LPOS", key(), elem(), "RANK", String(rng.next() % 2 == 0 ? 1 : -2), "COUNT", String(rng.next() % 3)]
            case 13: cmd = ["LMOVE", key(), key(), rng.next() % 2 == 0 ? "LEFT" : "RIGHT", rng.next() % 2 == 0 ? "LEFT" : "RIGHT"]
            case 14: cmd = ["RPOPLPUSH", key(), key()]
            case 15: cmd = ["LMPOP", "2", key(), key(), rng.next() % 2 == 0 ? "LEFT" : "RIGHT", "COUNT", String(1 + rng.next() % 3)]
            case 16: cmd = ["BLPOP", key(), key(), "0.01"]
            case 17: cmd = ["LLEN", key()]
            case 18: cmd = rng.next() % 4 == 0 ? ["SET", "s", "str"] : ["DEL", key()]
            case 19: cmd = ["LRANGE", key(), "0", "-1"]
            case 20: cmd = ["BLMOVE", key(), key(), "RIGHT", "LEFT", "0.01"]
            default: cmd = ["LPOS", key(), elem()]
            }
            // A blocking command with nothing to pop would wait on both sides.
            if cmd[0].hasPrefix("BL") {
                let src = cmd[1]
                let e1 = StringsRealRedis.raw(h, [Array("LLEN".utf8), Array(src.utf8)])
                guard e1 != Array(":0\r\n".utf8) else { continue }
                if cmd[0] == "BLPOP" { cmd = ["BLPOP", src, "0.01"] }
            }
            let args = cmd.map { Array($0.utf8) }
            let expected = try redis.raw(args)
            let got = StringsRealRedis.raw(h, args)
            XCTAssertEqual(String(decoding: got, as: UTF8.self), String(decoding: expected, as: UTF8.self), "step \(step) \(cmd)")
            if got != expected { break }
        }
        for k in keys.dropLast() {
            let args = ["LRANGE", k, "0", "-1"].map { Array($0.utf8) }
            XCTAssertEqual(StringsRealRedis.raw(h, args), try redis.raw(args))
        }
    }

    static let script: [[String]] = {
        let long = String(repeating: "x", count: 300)
        var s: [[String]] = """
        FLUSHALL
        RPUSH l a b c a b a
        LPUSH l 1 2
        LRANGE l 0 -1
        LRANGE l -2 -1
        LRANGE l 3 1
        LRANGE l x 1
        LRANGE nokey x 1
        LLEN l
        LLEN nokey
        LINDEX l 3
        LINDEX l -100
        LINDEX l x
        LINDEX nokey x
        LSET l 0 first
        LSET l 100 v
        LSET nokey 0 v
        LSET nokey x v
        LSET l x v
        LINSERT l BEFORE a new
        LINSERT l AFTER zz new
        LINSERT l MIDDLE a new
        LINSERT nokey before a b
        LINSERT nokey middle a b
        LPOS l a
        LPOS l a RANK -1
        LPOS l a RANK 2 COUNT 0
        LPOS l a COUNT 2 MAXLEN 5
        LPOS l a RANK 0
        LPOS l a RANK x
        LPOS l a COUNT -1
        LPOS l a COUNT x
        LPOS l a MAXLEN -1
        LPOS l a foo
        LPOS l a RANK
        LPOS nokey a
        LPOS nokey a COUNT 0
        LPOS nokey a RANK 0
        LPOS l a RANK -9223372036854775808
        LREM l 1 a
        LREM l -1 a
        LREM l 0 b
        LREM l x b
        LREM nokey 0 b
        LRANGE l 0 -1
        LTRIM l 1 -2
        LRANGE l 0 -1
        LTRIM l x 1
        LTRIM nokey 0 1
        LPOP l 0
        LPOP l 2
        RPOP l 2
        LPOP l -1
        LPOP l x
        LPOP nokey 0
        LPOP nokey
        RPOP l 1 2
        SET s str
        LPUSH s a
        LPUSHX s a
        RPUSHX nokey a
        LRANGE s 0 1
        LINDEX s 0
        LSET s 0 a
        LINSERT s before a b
        LREM s 0 a
        LTRIM s 0 1
        LPOS s a
        LLEN s
        LPOP s
        LPOP s 0
        RPUSH src 1 2 3
        LMOVE src dst LEFT RIGHT
        LMOVE src dst right left
        LMOVE src dst up left
        LMOVE src s LEFT LEFT
        LMOVE s dst LEFT LEFT
        LMOVE nokey s LEFT LEFT
        LMOVE src src LEFT RIGHT
        RPOPLPUSH src dst
        RPOPLPUSH nokey dst
        RPOPLPUSH dst s
        LRANGE dst 0 -1
        EXISTS src
        LMPOP 2 nokey dst LEFT
        LMPOP 1 dst RIGHT COUNT 10
        LMPOP 1 dst RIGHT
        LMPOP 0 dst LEFT
        LMPOP x dst LEFT
        LMPOP -1 dst LEFT
        LMPOP 2 dst LEFT
        LMPOP 1 dst MIDDLE
        LMPOP 1 dst LEFT COUNT
        LMPOP 1 dst LEFT COUNT 0
        LMPOP 1 dst LEFT COUNT x
        LMPOP 1 dst LEFT COUNT 1 COUNT 1
        LMPOP 1 dst LEFT foo
        LMPOP 2 nokey s LEFT
        LMPOP 1 nokey LEFT
        LMPOP 9223372036854775807 a LEFT
        RPUSH b1 x y
        BLPOP nokey b1 0
        BRPOP b1 0
        BLPOP s 0
        BLPOP nokey s 0
        BLPOP b1 x
        BLPOP b1 -1
        BLPOP b1 inf
        BLPOP b1 nan
        BLPOP b1 9223372036854775807
        BLPOP b1 1e1000
        RPUSH b1 a b c d
        BLMPOP 0 2 nokey b1 RIGHT COUNT 2
        BLMPOP 0 1 b1 LEFT
        BLMPOP x 1 b1 LEFT
        BLMPOP x 0 b1 LEFT
        BLMPOP 0 0 b1 LEFT
        BLMPOP -1 1 b1 LEFT
        BLMPOP 0 1 b1 LEFT COUNT -5
        BLMPOP 0 9223372036854775807 l LEFT
        BLMPOP 0 1 s LEFT
        RPUSH b2 1 2
        BLMOVE b2 b3 LEFT RIGHT 0
        BLMOVE b2 b3 LEFT X 0
        BLMOVE b2 b3 LEFT LEFT x
        BLMOVE b2 s LEFT LEFT 0
        BLMOVE s b3 LEFT LEFT 0
        BRPOPLPUSH b2 b3 0
        BRPOPLPUSH b2 b3 x
        BRPOPLPUSH b2 b3 -1
        LRANGE b3 0 -1
        MULTI
        BLPOP nokey 0
        BRPOP nokey 0
        BLMPOP 0 1 nokey LEFT
        BLMOVE nokey b3 LEFT LEFT 0
        BRPOPLPUSH nokey b3 0
        BLPOP b3 0
        EXEC
        HELLO 3
        LPOP nokey
        LPOP nokey 1
        LPOS nokey a
        LMPOP 1 nokey LEFT
        LMOVE nokey x LEFT LEFT
        LINDEX nokey 0
        MULTI
        BLPOP nokey 0
        BLMOVE nokey b3 LEFT LEFT 0
        BLMPOP 0 1 nokey LEFT
        EXEC
        HELLO 2
        CLIENT UNBLOCK 99999
        CLIENT UNBLOCK 99999 TIMEOUT
        CLIENT UNBLOCK 99999 error
        CLIENT UNBLOCK 99999 foo
        CLIENT UNBLOCK abc foo
        CLIENT UNBLOCK abc
        CLIENT UNBLOCK 1 timeout x
        CLIENT UNBLOCK
        """.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        s.append(["RPUSH", "big", long, "", "a"])
        s.append(["LRANGE", "big", "0", "-1"])
        s.append(["LINSERT", "big", "BEFORE", "", long + "y"])
        s.append(["LPOS", "big", ""])
        s.append(["OBJECT", "ENCODING", "big"])
        return s
    }()
}
