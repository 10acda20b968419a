import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

final class ListCommandsTests: XCTestCase {
    private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
    private func bulks(_ items: [String]) -> RESPValue { .array(items.map { bulk($0) }) }
    private func ints(_ items: [Int64]) -> RESPValue { .array(items.map { .integer($0) }) }
    private let wrongType = RESPValue.error(Array("WRONGTYPE Operation against a key holding the wrong kind of value".utf8))
    private func err(_ s: String) -> RESPValue { .error(Array(s.utf8)) }

    func testPushPopAndLength() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("RPUSH", "l", "a", "b", "c"), .integer(3))
        XCTAssertEqual(h.call("LPUSH", "l", "x", "y"), .integer(5))
        XCTAssertEqual(h.call("LRANGE", "l", "0", "-1"), bulks(["y", "x", "a", "b", "c"]))
        XCTAssertEqual(h.call("LLEN", "l"), .integer(5))
        XCTAssertEqual(h.call("LPOP", "l"), bulk("y"))
        XCTAssertEqual(h.call("RPOP", "l"), bulk("c"))
        XCTAssertEqual(h.call("LPOP", "l", "2"), bulks(["x", "a"]))
        XCTAssertEqual(h.call("RPOP", "l", "0"), .array([]))
        XCTAssertEqual(h.call("RPOP", "l", "5"), bulks(["b"]))
        XCTAssertEqual(h.call("EXISTS", "l"), .integer(0), "an emptied list is deleted")
        XCTAssertEqual(h.call("LPOP", "l"), .nilBulk)
        XCTAssertEqual(h.rawString("LPOP", "l", "1"), "*-1\r\n")
        XCTAssertEqual(h.call("LPUSHX", "l", "a"), .integer(0))
        XCTAssertEqual(h.call("EXISTS", "l"), .integer(0))
        h.call("RPUSH", "l", "a")
        XCTAssertEqual(h.call("RPUSHX", "l", "b", "c"), .integer(3))
        XCTAssertEqual(h.call("LPUSHX", "l", "z"), .integer(4))
        XCTAssertEqual(h.call("LRANGE", "l", "0", "-1"), bulks(["z", "a", "b", "c"]))
        XCTAssertEqual(h.call("OBJECT", "ENCODING", "l"), bulk("quicklist"))
        XCTAssertEqual(h.call("TYPE", "l"), .simpleString(Array("list".utf8)))
    }

    func testPopArgumentErrors() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "a")
        XCTAssertEqual(h.call("LPOP", "l", "-1"), err("ERR value is out of range, must be positive"))
        XCTAssertEqual(h.call("LPOP", "l", "x"), err("ERR value is out of range, must be positive"))
        XCTAssertEqual(h.call("LPOP", "l", "1", "2"), err("ERR wrong number of arguments for 'lpop' command"))
        XCTAssertEqual(h.call("RPOP", "l", "1", "2"), err("ERR wrong number of arguments for 'rpop' command"))
        h.call("SET", "s", "v")
        XCTAssertEqual(h.call("LPOP", "s"), wrongType)
        XCTAssertEqual(h.call("LPUSH", "s", "a"), wrongType)
        XCTAssertEqual(h.call("LLEN", "s"), wrongType)
    }

    func testRangesAndIndexes() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "0", "1", "2", "3", "4", "5")
        XCTAssertEqual(h.call("LRANGE", "l", "-3", "100"), bulks(["3", "4", "5"]))
        XCTAssertEqual(h.call("LRANGE", "l", "-100", "1"), bulks(["0", "1"]))
        XCTAssertEqual(h.call("LRANGE", "l", "4", "2"), .array([]))
        XCTAssertEqual(h.call("LRANGE", "l", "6", "10"), .array([]))
        XCTAssertEqual(h.call("LRANGE", "nokey", "0", "-1"), .array([]))
        XCTAssertEqual(h.call("LRANGE", "l", "x", "1"), err("ERR value is not an integer or out of range"))
        XCTAssertEqual(h.call("LINDEX", "l", "0"), bulk("0"))
        XCTAssertEqual(h.call("LINDEX", "l", "-1"), bulk("5"))
        XCTAssertEqual(h.call("LINDEX", "l", "6"), .nilBulk)
        XCTAssertEqual(h.call("LINDEX", "l", "-7"), .nilBulk)
        XCTAssertEqual(h.call("LINDEX", "nokey", "x"), .nilBulk, "a missing key answers before the index is parsed")
        XCTAssertEqual(h.call("LSET", "l", "-1", "five"), .ok)
        XCTAssertEqual(h.call("LSET", "l", "6", "x"), err("ERR index out of range"))
        XCTAssertEqual(h.call("LSET", "nokey", "0", "x"), err("ERR no such key"))
        XCTAssertEqual(h.call("LINDEX", "l", "5"), bulk("five"))
    }

    func testInsertRemoveTrim() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "a", "b", "a", "c", "a")
        XCTAssertEqual(h.call("LINSERT", "l", "BEFORE", "b", "x"), .integer(6))
        XCTAssertEqual(h.call("LINSERT", "l", "after", "c", "y"), .integer(7))
        XCTAssertEqual(h.call("LINSERT", "l", "after", "zz", "y"), .integer(-1))
        XCTAssertEqual(h.call("LINSERT", "l", "middle", "zz", "y"), err("ERR syntax error"))
        XCTAssertEqual(h.call("LINSERT", "nokey", "after", "zz", "y"), .integer(0))
        XCTAssertEqual(h.call("LRANGE", "l", "0", "-1"), bulks(["a", "x", "b", "a", "c", "y", "a"]))
        XCTAssertEqual(h.call("LREM", "l", "-1", "a"), .integer(1))
        XCTAssertEqual(h.call("LRANGE", "l", "0", "-1"), bulks(["a", "x", "b", "a", "c", "y"]))
        XCTAssertEqual(h.call("LREM", "l", "0", "a"), .integer(2))
        XCTAssertEqual(h.call("LREM", "l", "1", "nothere"), .integer(0))
        XCTAssertEqual(h.call("LRANGE", "l", "0", "-1"), bulks(["x", "b", "c", "y"]))
        XCTAssertEqual(h.call("LTRIM", "l", "1", "-2"), .ok)
        XCTAssertEqual(h.call("LRANGE", "l", "0", "-1"), bulks(["b", "c"]))
        XCTAssertEqual(h.call("LTRIM", "l", "5", "10"), .ok)
        XCTAssertEqual(h.call("EXISTS", "l"), .integer(0))
        XCTAssertEqual(h.call("LTRIM", "l", "0", "1"), .ok)
        h.call("RPUSH", "r", "a", "a")
        XCTAssertEqual(h.call("LREM", "r", "0", "a"), .integer(2))
        XCTAssertEqual(h.call("EXISTS", "r"), .integer(0))
    }

    func testLpos() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "a", "b", "c", "a", "b", "a")
        XCTAssertEqual(h.call("LPOS", "l", "a"), .integer(0))
        XCTAssertEqual(h.call("LPOS", "l", "a", "RANK", "2"), .integer(3))
        XCTAssertEqual(h.call("LPOS", "l", "a", "RANK", "-1"), .integer(5))
        XCTAssertEqual(h.call("LPOS", "l", "a", "COUNT", "0"), ints([0, 3, 5]))
        XCTAssertEqual(h.call("LPOS", "l", "a", "RANK", "-1", "COUNT", "2"), ints([5, 3]))
        XCTAssertEqual(h.call("LPOS", "l", "a", "RANK", "2", "COUNT", "0", "MAXLEN", "4"), ints([3]))
        XCTAssertEqual(h.call("LPOS", "l", "zz"), .nilBulk)
        XCTAssertEqual(h.call("LPOS", "l", "zz", "COUNT", "1"), .array([]))
        XCTAssertEqual(h.call("LPOS", "l", "a", "RANK", "-9223372036854775808"), .integer(5))
        XCTAssertEqual(h.call("LPOS", "l", "a", "RANK", "0"),
                       err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"))
        XCTAssertEqual(h.call("LPOS", "l", "a", "COUNT", "-1"), err("ERR COUNT can't be negative"))
        XCTAssertEqual(h.call("LPOS", "l", "a", "MAXLEN", "x"), err("ERR MAXLEN can't be negative"))
        XCTAssertEqual(h.call("LPOS", "l", "a", "RANK"), err("ERR syntax error"))
    }

    func testMoveAndMpop() throws {
        let h = try Harness()
        h.call("RPUSH", "src", "1", "2", "3")
        XCTAssertEqual(h.call("LMOVE", "src", "dst", "LEFT", "RIGHT"), bulk("1"))
        XCTAssertEqual(h.call("RPOPLPUSH", "src", "dst"), bulk("3"))
        XCTAssertEqual(h.call("LRANGE", "dst", "0", "-1"), bulks(["3", "1"]))
        XCTAssertEqual(h.call("LMOVE", "src", "src", "LEFT", "RIGHT"), bulk("2"), "rotating a one-element list keeps it")
        XCTAssertEqual(h.call("LRANGE", "src", "0", "-1"), bulks(["2"]))
        XCTAssertEqual(h.call("LMOVE", "src", "dst", "RIGHT", "LEFT"), bulk("2"))
        XCTAssertEqual(h.call("EXISTS", "src"), .integer(0))
        XCTAssertEqual(h.call("LMOVE", "src", "dst", "LEFT", "LEFT"), .nilBulk)
        h.call("SET", "s", "x")
        XCTAssertEqual(h.call("LMOVE", "dst", "s", "LEFT", "LEFT"), wrongType)
        XCTAssertEqual(h.call("LLEN", "dst"), .integer(3), "nothing moves when the destination has the wrong type")
        XCTAssertEqual(h.call("LMOVE", "dst", "s", "UP", "LEFT"), err("ERR syntax error"))

        XCTAssertEqual(h.call("LMPOP", "2", "nokey", "dst", "RIGHT", "COUNT", "2"),
                       .array([bulk("dst"), bulks(["1", "3"])]))
        XCTAssertEqual(h.call("LMPOP", "1", "nokey", "LEFT"), .array(nil))
        XCTAssertEqual(h.call("LMPOP", "0", "k", "LEFT"), err("ERR numkeys should be greater than 0"))
        XCTAssertEqual(h.call("LMPOP", "2", "k", "LEFT"), err("ERR syntax error"))
        XCTAssertEqual(h.call("LMPOP", "1", "k", "LEFT", "COUNT", "0"), err("ERR count should be greater than 0"))
        XCTAssertEqual(h.call("LMPOP", "1", "k", "LEFT", "COUNT", "1", "COUNT", "1"), err("ERR syntax error"))
        XCTAssertEqual(h.call("LMPOP", "2", "nokey", "s", "LEFT"), wrongType)
    }

    func testWatchSeesListWritesAndLtrimWithoutChange() throws {
        let h = try Harness()
        let other = h.newClient()
        h.call("RPUSH", "l", "a", "b")
        h.call("WATCH", "l")
        h.call(args: ["LTRIM", "l", "0", "-1"], on: other)
        h.call("MULTI")
        h.call("LLEN", "l")
        XCTAssertEqual(h.call("EXEC"), .array(nil), "LTRIM signals the key even when nothing is removed, as Redis")
    }

    func testDirtyCountsElements() throws {
        let h = try Harness()
        let before = h.server.dirty
        h.call("RPUSH", "l", "a", "b", "c")
        XCTAssertEqual(h.server.dirty - before, 3)
        h.call("LPOP", "l", "2")
        XCTAssertEqual(h.server.dirty - before, 5)
        h.call("LTRIM", "l", "1", "0")
        XCTAssertEqual(h.server.dirty - before, 6)
    }

    // MARK: the structure

    /// Random operations on ListValue against an array model, with node
    /// limits small enough to exercise node splits, merges and removal.
    func testListValueAgainstModel() {
        for fill in [-2, -1, 1, 2, 3, 5, 0] {
            var rng = SeededRandom(seed: UInt64(bitPattern: Int64(fill)) &+ 17)
            let f = ListFill(fill)
            let list = ListValue()
            var model: [[UInt8]] = []
            func element() -> [UInt8] {
                let size = rng.chance(0.05) ? Int(rng.next() % 3000) : Int(rng.next() % 12)
                return (0..<size).map { _ in UInt8(97 + rng.next() % 3) }
            }
            for step in 0..<4000 {
                switch rng.next() % 12 {
                case 0, 1:
                    let e = element(); list.pushBack(e, fill: f); model.append(e)
                case 2, 3:
                    let e = element(); list.pushFront(e, fill: f); model.insert(e, at: 0)
                case 4:
                    XCTAssertEqual(list.popFront(), model.isEmpty ? nil : model.removeFirst())
                case 5:
                    XCTAssertEqual(list.popBack(), model.popLast())
                case 6:
                    if !model.isEmpty {
                        let i = Int(rng.next() % UInt64(model.count))
                        let e = element()
                        XCTAssertTrue(list.replace(at: i, with: e, fill: f))
                        model[i] = e
                    }
                case 7:
                    if !model.isEmpty {
                        let pivot = model[Int(rng.next() % UInt64(model.count))]
                        let after = rng.next() % 2 == 0
                        let e = element()
                        XCTAssertTrue(list.insert(e, pivot: pivot, after: after, fill: f))
                        let at = model.firstIndex(of: pivot)!
                        model.insert(e, at: after ? at + 1 : at)
                    }
                case 8:
                    let e = element()
                    let limit = Int(rng.next() % 3)
                    let fromTail = rng.next() % 2 == 0
                    let removed = list.remove(e, limit: limit, fromTail: fromTail)
                    var idx = fromTail ? Array(model.indices.reversed()) : Array(model.indices)
                    idx = idx.filter { model[$0] == e }
                    if limit > 0 { idx = Array(idx.prefix(limit)) }
                    for i in idx.sorted(by: >) { model.remove(at: i) }
                    XCTAssertEqual(removed, idx.count)
                case 9:
                    let n = Int(rng.next() % 4)
                    list.removeFirst(min(n, model.count)); model.removeFirst(min(n, model.count))
                case 10:
                    let n = Int(rng.next() % 4)
                    list.removeLast(min(n, model.count)); model.removeLast(min(n, model.count))
                default:
                    if !model.isEmpty {
                        let i = Int(rng.next() % UInt64(model.count))
                        XCTAssertEqual(list.element(at: i), model[i], "fill \(fill) step \(step)")
                    }
                }
                XCTAssertEqual(list.count, model.count)
                if step % 97 == 0 || list.count < 4 {
                    XCTAssertEqual(list.elements, model, "fill \(fill) step \(step)")
                    if !model.isEmpty {
                        var rev: [[UInt8]] = []
                        list.forEach(from: model.count - 1, count: model.count, reverse: true) { rev.append(Array($0)) }
                        XCTAssertEqual(rev, model.reversed(), "fill \(fill) step \(step)")
                    }
                }
            }
            XCTAssertEqual(list.duplicate().elements, model)
        }
    }

    func testLargeListIndexingAndNodes() {
        let list = ListValue()
        let f = ListFill(-2)
        for i in 0..<100_000 { list.pushBack(Array("element:\(i)".utf8), fill: f) }
        for i in stride(from: 0, to: 100_000, by: 7919) {
            XCTAssertEqual(list.element(at: i), Array("element:\(i)".utf8))
        }
        XCTAssertGreaterThan(list.nodeCount, 100, "8 KiB nodes")
        var got: [[UInt8]] = []
        list.forEach(from: 49_998, count: 4) { got.append(Array($0)) }
        XCTAssertEqual(got, (49_998..<50_002).map { Array("element:\($0)".utf8) })
    }

    // MARK: differential

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

extension ListCommandsTests {
    /// A small list is one object (39 bytes: a 48-byte chunk) and one block.
    func testSmallListLayout() {
        XCTAssertLessThanOrEqual(MemoryLayout<ListValue.Storage>.size, 23)
        let l = ListValue((0..<10).map { Array("element:\($0)".utf8) })
        XCTAssertNil(l.ring)
        XCTAssertEqual(l.nodeCount, 1)
        for n in [1, 100, 116, 500, 505, 600, 5000, 70000] {
            let c = ListNode.capacity(for: n)
            XCTAssertGreaterThanOrEqual(c, n)
            XCTAssertEqual((c + 8) % 16, 0, "\(n)")
        }
    }
}

extension ListCommandsTests {
    func testListMaxListpackSizeShapesNodes() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "list-max-listpack-size", "2"), .ok)
        h.call("RPUSH", "l", "1", "2", "3", "4", "5")
        guard case .list(let l)? = h.client.db.dict[Key("l")] else { return XCTFail("no list") }
        XCTAssertEqual(l.nodeCount, 3)
        XCTAssertEqual(h.call("LINSERT", "l", "AFTER", "1", "x"), .integer(6))
        XCTAssertEqual(l.elements.map { String(decoding: $0, as: UTF8.self) }, ["1", "x", "2", "3", "4", "5"])
        XCTAssertEqual(h.call("CONFIG", "SET", "list-max-listpack-size", "-2"), .ok)
        h.call("RPUSH", "m", "1", "2", "3", "4", "5")
        guard case .list(let m)? = h.client.db.dict[Key("m")] else { return XCTFail("no list") }
        XCTAssertEqual(m.nodeCount, 1)
    }
}
