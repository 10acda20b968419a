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
