import Foundation
import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

final class HashCommandsTests: XCTestCase {
    // MARK: helpers

    private func hash(_ h: Harness, _ key: String) -> HashValue? {
        guard case .hash(let v)? = h.client.db.dict[Key(key)] else { return nil }
        return v
    }

    private func encoding(_ h: Harness, _ key: String) -> String? { hash(h, key)?.encodingName }

    private func bulks(_ v: RESPValue) -> [String] {
        guard case .array(let items?) = v else { return [] }
        return items.compactMap { if case .bulkString(let b?) = $0 { return String(decoding: b, as: UTF8.self) } else { return nil } }
    }

    /// A flat field/value reply as a dictionary.
    private func pairs(_ v: RESPValue) -> [String: String] {
        let b = bulks(v)
        var d: [String: String] = [:]
        for i in stride(from: 0, to: b.count - 1, by: 2) { d[b[i]] = b[i + 1] }
        return d
    }

    // MARK: HSET family

    func testHsetCountsNewFieldsAndKeepsInsertionOrder() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("HSET", "h", "z", "1", "y", "2", "x", "3"), .integer(3))
        XCTAssertEqual(h.call("HSET", "h", "y", "20", "w", "4"), .integer(1))
        XCTAssertEqual(h.rawString("HGETALL", "h"), "*8\r\n$1\r\nz\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n20\r\n$1\r\nx\r\n$1\r\n3\r\n$1\r\nw\r\n$1\r\n4\r\n")
        XCTAssertEqual(h.call("HMSET", "h", "v", "5"), .ok)
        XCTAssertEqual(h.rawString("HSET", "h", "a"), "-ERR wrong number of arguments for 'hset' command\r\n")
        XCTAssertEqual(h.rawString("HMSET", "h", "a", "1", "b"), "-ERR wrong number of arguments for 'hmset' command\r\n")
        XCTAssertEqual(h.call("HLEN", "h"), .integer(5))
    }

    func testDeleteInTheMiddleKeepsTheRestInOrder() throws {
        let h = try Harness()
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3", "d", "4")
        XCTAssertEqual(h.call("HDEL", "h", "b", "nope", "c"), .integer(2))
        h.call("HSET", "h", "b", "5")
        XCTAssertEqual(bulks(h.call("HKEYS", "h")), ["a", "d", "b"])
        XCTAssertEqual(bulks(h.call("HVALS", "h")), ["1", "4", "5"])
    }

    func testHashBecomesHashtableAtRedisThresholds() throws {
        let h = try Harness()
        h.call("CONFIG", "SET", "hash-max-listpack-entries", "3")
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3")
        XCTAssertEqual(encoding(h, "h"), "listpack")
        h.call("HSET", "h", "d", "4")
        XCTAssertEqual(encoding(h, "h"), "hashtable")
        // One-way: shrinking does not go back.
        h.call("HDEL", "h", "a", "b", "c")
        XCTAssertEqual(encoding(h, "h"), "hashtable")
        XCTAssertEqual(h.rawString("OBJECT", "ENCODING", "h"), "$9\r\nhashtable\r\n")

        h.call("CONFIG", "SET", "hash-max-listpack-entries", "128")
        h.call("CONFIG", "SET", "hash-max-listpack-value", "5")
        h.call("HSET", "v", "a", "12345")
        XCTAssertEqual(encoding(h, "v"), "listpack")
        h.call("HSET", "v", "b", "123456")
        XCTAssertEqual(encoding(h, "v"), "hashtable")
        XCTAssertEqual(h.call("HGET", "v", "a"), .bulkString(Array("12345".utf8)))
        // A long field converts too, and so does a counter's result.
        h.call("HSET", "f", "abcdef", "1")
        XCTAssertEqual(encoding(h, "f"), "hashtable")
        h.call("HSET", "c", "a", "1")
        h.call("HINCRBY", "c", "a", "123456")
        XCTAssertEqual(encoding(h, "c"), "hashtable")
        // HSETNX on an existing field changes nothing, not even the encoding.
        h.call("HSET", "n", "a", "1")
        XCTAssertEqual(h.call("HSETNX", "n", "a", "123456"), .integer(0))
        XCTAssertEqual(encoding(h, "n"), "listpack")
        XCTAssertEqual(h.call("HSETNX", "n", "b", "123456"), .integer(1))
        XCTAssertEqual(encoding(h, "n"), "hashtable")
    }

    /// hashTypeSet checks the entry limit after updates too: a limit lowered
    /// by CONFIG SET converts the hash on its next write.
    func testLoweredLimitConvertsOnUpdate() throws {
        let h = try Harness()
        h.call("HSET", "h", "a", "1", "b", "2")
        h.call("CONFIG", "SET", "hash-max-listpack-entries", "1")
        XCTAssertEqual(encoding(h, "h"), "listpack")
        XCTAssertEqual(h.call("HSETNX", "h", "a", "x"), .integer(0))
        XCTAssertEqual(encoding(h, "h"), "listpack")
        XCTAssertEqual(h.call("HSET", "h", "a", "3"), .integer(0))
        XCTAssertEqual(encoding(h, "h"), "hashtable")
        XCTAssertEqual(pairs(h.call("HGETALL", "h")), ["a": "3", "b": "2"])
    }

    func testEmptiedHashIsDeleted() throws {
        let h = try Harness()
        h.call("HSET", "h", "a", "1", "b", "2")
        XCTAssertEqual(h.call("HDEL", "h", "a", "b", "c"), .integer(2))
        XCTAssertNil(hash(h, "h"))
        XCTAssertEqual(h.call("EXISTS", "h"), .integer(0))
        XCTAssertEqual(h.call("HDEL", "h", "a"), .integer(0))
    }

    func testWrongTypeEverywhere() throws {
        let h = try Harness()
        h.call("SET", "s", "x")
        let wrong = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        for args in [["HSET", "s", "a", "1"], ["HSETNX", "s", "a", "1"], ["HGET", "s", "a"], ["HMGET", "s", "a"],
                     ["HGETALL", "s"], ["HKEYS", "s"], ["HVALS", "s"], ["HLEN", "s"], ["HSTRLEN", "s", "a"],
                     ["HEXISTS", "s", "a"], ["HDEL", "s", "a"], ["HINCRBY", "s", "a", "1"],
                     ["HINCRBYFLOAT", "s", "a", "1"], ["HRANDFIELD", "s"], ["HRANDFIELD", "s", "1"], ["HSCAN", "s", "0"]] {
            XCTAssertEqual(String(decoding: h.raw(args), as: UTF8.self), wrong, "\(args)")
        }
    }

    // MARK: reads

    func testReadsOfMissingKeysAndFields() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("HGET", "h", "a"), "$-1\r\n")
        XCTAssertEqual(h.rawString("HMGET", "h", "a", "b"), "*2\r\n$-1\r\n$-1\r\n")
        XCTAssertEqual(h.rawString("HGETALL", "h"), "*0\r\n")
        XCTAssertEqual(h.rawString("HLEN", "h"), ":0\r\n")
        XCTAssertEqual(h.rawString("HSTRLEN", "h", "a"), ":0\r\n")
        h.call("HSET", "h", "a", "hello")
        XCTAssertEqual(h.rawString("HSTRLEN", "h", "a"), ":5\r\n")
        XCTAssertEqual(h.rawString("HEXISTS", "h", "a"), ":1\r\n")
        XCTAssertEqual(h.rawString("HEXISTS", "h", "b"), ":0\r\n")
        XCTAssertEqual(h.rawString("HMGET", "h", "b", "a"), "*2\r\n$-1\r\n$5\r\nhello\r\n")
        h.client.proto = 3
        XCTAssertEqual(h.rawString("HGETALL", "h"), "%1\r\n$1\r\na\r\n$5\r\nhello\r\n")
        XCTAssertEqual(h.rawString("HGETALL", "nope"), "%0\r\n")
        XCTAssertEqual(h.rawString("HGET", "h", "x"), "_\r\n")
    }

    func testBinaryFieldsAndValues() throws {
        let h = try Harness()
        let field: [UInt8] = [0, 13, 10, 255]
        let value = [UInt8](repeating: 7, count: 20000)  // a five-byte entry header
        h.call(bytes: [Array("CONFIG".utf8), Array("SET".utf8), Array("hash-max-listpack-value".utf8), Array("30000".utf8)])
        h.call(bytes: [Array("HSET".utf8), Array("h".utf8), field, value, Array("".utf8), Array("".utf8)])
        XCTAssertEqual(encoding(h, "h"), "listpack")
        XCTAssertEqual(h.call(bytes: [Array("HGET".utf8), Array("h".utf8), field]), .bulkString(value))
        XCTAssertEqual(h.call("HGET", "h", ""), .bulkString([]))
        XCTAssertEqual(h.call("HSTRLEN", "h", ""), .integer(0))
        h.call(bytes: [Array("HSET".utf8), Array("h".utf8), field, Array("short".utf8)])
        XCTAssertEqual(hash(h, "h")!.pairs.map { $0.1 }, [Array("short".utf8), []])
        // Two-byte headers (128...16383 bytes), then moving entries around them.
        let mid = String(repeating: "m", count: 200)
        h.call("HSET", "h", "mid", mid, "after", "1")
        h.call("HSET", "h", "mid", "tiny")
        h.call("HSET", "h", "", mid)
        XCTAssertEqual(hash(h, "h")!.pairs.map { String(decoding: $0.1, as: UTF8.self) }, ["short", mid, "tiny", "1"])
        h.call(bytes: [Array("HDEL".utf8), Array("h".utf8), field])
        XCTAssertEqual(bulks(h.call("HKEYS", "h")), ["", "mid", "after"])
        XCTAssertEqual(encoding(h, "h"), "listpack")
    }

    // MARK: counters

    func testHincrbyRules() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("HINCRBY", "h", "n", "5"), .integer(5))
        XCTAssertEqual(h.call("HINCRBY", "h", "n", "-7"), .integer(-2))
        XCTAssertEqual(h.rawString("HINCRBY", "h", "n", "x"), "-ERR value is not an integer or out of range\r\n")
        h.call("HSET", "h", "s", "abc", "big", "9223372036854775807")
        XCTAssertEqual(h.rawString("HINCRBY", "h", "s", "1"), "-ERR hash value is not an integer\r\n")
        XCTAssertEqual(h.rawString("HINCRBY", "h", "big", "1"), "-ERR increment or decrement would overflow\r\n")
        XCTAssertEqual(h.call("HGET", "h", "big"), .bulkString(Array("9223372036854775807".utf8)))
        // The increment is parsed before the key is looked up.
        h.call("SET", "str", "x")
        XCTAssertEqual(h.rawString("HINCRBY", "str", "a", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("HINCRBY", "nokey", "a", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertNil(hash(h, "nokey"))
    }

    func testHincrbyfloatFormatsLikeIncrbyfloat() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("HINCRBYFLOAT", "h", "f", "10.5"), "$4\r\n10.5\r\n")
        XCTAssertEqual(h.rawString("HINCRBYFLOAT", "h", "f", "0.1"), "$4\r\n10.6\r\n")
        XCTAssertEqual(h.rawString("HINCRBYFLOAT", "h", "f", "-5e3"), "$23\r\n-4989.39999999999999991\r\n")
        XCTAssertEqual(h.rawString("HINCRBYFLOAT", "h", "f", "inf"), "-ERR value is NaN or Infinity\r\n")
        XCTAssertEqual(h.rawString("HINCRBYFLOAT", "h", "f", "abc"), "-ERR value is not a valid float\r\n")
        h.call("HSET", "h", "s", "x")
        XCTAssertEqual(h.rawString("HINCRBYFLOAT", "h", "s", "1"), "-ERR hash value is not a float\r\n")
        h.call("HSET", "h", "i", "3")
        XCTAssertEqual(h.rawString("HINCRBYFLOAT", "h", "i", "1.5"), "$3\r\n4.5\r\n")
        XCTAssertEqual(h.rawString("HINCRBYFLOAT", "h", "i", "-4.5"), "$1\r\n0\r\n")
    }

    // MARK: HRANDFIELD

    func testHrandfieldCountRules() throws {
        let h = try Harness()
        h.call("HSET", "h", "a", "1", "b", "2", "c", "3")
        // Positive counts: distinct fields; the whole hash in order once the count reaches its size.
        XCTAssertEqual(bulks(h.call("HRANDFIELD", "h", "3")), ["a", "b", "c"])
        XCTAssertEqual(bulks(h.call("HRANDFIELD", "h", "10")), ["a", "b", "c"])
        for _ in 0..<50 {
            let two = bulks(h.call("HRANDFIELD", "h", "2"))
            XCTAssertEqual(Set(two).count, 2)
            // A listpack answers in its own order.
            XCTAssertEqual(two, two.sorted())
        }
        // Negative counts may repeat.
        let many = bulks(h.call("HRANDFIELD", "h", "-20"))
        XCTAssertEqual(many.count, 20)
        XCTAssertTrue(Set(many).isSubset(of: ["a", "b", "c"]))
        let withValues = pairs(h.call("HRANDFIELD", "h", "-5", "WITHVALUES"))
        for (f, v) in withValues { XCTAssertEqual(["a": "1", "b": "2", "c": "3"][f], v) }
        XCTAssertEqual(h.rawString("HRANDFIELD", "h", "0"), "*0\r\n")
        XCTAssertEqual(h.rawString("HRANDFIELD", "nokey", "5"), "*0\r\n")
        XCTAssertEqual(h.rawString("HRANDFIELD", "nokey"), "$-1\r\n")
        // RESP3 pairs WITHVALUES into two-element arrays.
        h.client.proto = 3
        XCTAssertEqual(h.rawString("HRANDFIELD", "h", "5", "WITHVALUES"),
                       "*3\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n")
    }

    func testHrandfieldArgumentErrors() throws {
        let h = try Harness()
        h.call("SET", "s", "x")
        XCTAssertEqual(h.rawString("HRANDFIELD", "s", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("HRANDFIELD", "s", "1", "WITHVALUE"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("HRANDFIELD", "s", "1", "WITHVALUES", "x"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("HRANDFIELD", "s", "-9223372036854775808"),
                       "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n")
        XCTAssertEqual(h.rawString("HRANDFIELD", "s", "4611686018427387904", "WITHVALUES"), "-ERR value is out of range\r\n")
    }

    func testHrandfieldOnHashtable() throws {
        let h = try Harness()
        h.call(args: ["HSET", "h"] + (0..<600).flatMap { ["f\($0)", "v\($0)"] })
        XCTAssertEqual(encoding(h, "h"), "hashtable")
        for n in [1, 50, 250, 599] {
            let got = pairs(h.call("HRANDFIELD", "h", "\(n)", "WITHVALUES"))
            XCTAssertEqual(got.count, n)
            for (f, v) in got { XCTAssertEqual("v" + f.dropFirst(), v) }
        }
        XCTAssertEqual(Set(bulks(h.call("HRANDFIELD", "h", "1000"))).count, 600)
    }

    // MARK: HSCAN

    func testHscanListpackReturnsEverythingAtOnce() throws {
        let h = try Harness()
        h.call("HSET", "h", "a1", "1", "b", "2", "a2", "3")
        XCTAssertEqual(h.rawString("HSCAN", "h", "0", "COUNT", "1"),
                       "*2\r\n$1\r\n0\r\n*6\r\n$2\r\na1\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$2\r\na2\r\n$1\r\n3\r\n")
        XCTAssertEqual(h.rawString("HSCAN", "h", "0", "MATCH", "a*"),
                       "*2\r\n$1\r\n0\r\n*4\r\n$2\r\na1\r\n$1\r\n1\r\n$2\r\na2\r\n$1\r\n3\r\n")
        XCTAssertEqual(h.rawString("HSCAN", "nokey", "0", "COUNT", "x"), "*2\r\n$1\r\n0\r\n*0\r\n")
        XCTAssertEqual(h.rawString("HSCAN", "h", "0", "COUNT", "0"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("HSCAN", "h", "0", "TYPE", "hash"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("HSCAN", "h", "x"), "-ERR invalid cursor\r\n")
    }

    /// Every field present for the whole scan comes back at least once, even
    /// while fields are added and deleted between calls.
    func testHscanGuaranteeOnHashtable() throws {
        let h = try Harness()
        h.call(args: ["HSET", "h"] + (0..<1000).flatMap { ["f\($0)", "v"] })
        XCTAssertEqual(encoding(h, "h"), "hashtable")
        var seen = Set<String>()
        var cursor = "0"
        var round = 0
        repeat {
            let reply = h.call("HSCAN", "h", cursor, "COUNT", "25")
            guard case .array(let parts?) = reply, case .bulkString(let c?) = parts[0] else { return XCTFail("\(reply)") }
            cursor = String(decoding: c, as: UTF8.self)
            let got = pairs(parts[1])
            seen.formUnion(got.keys)
            // Churn: delete some fields that are not permanent, add new ones.
            h.call("HDEL", "h", "f\(900 + round % 100)", "f\(950 + round % 50)")
            h.call("HSET", "h", "new\(round)", "x")
            round += 1
        } while cursor != "0"
        for i in 0..<900 { XCTAssertTrue(seen.contains("f\(i)"), "f\(i) missed") }
    }

    // MARK: bookkeeping

    func testDirtyCountsAndWatch() throws {
        let h = try Harness()
        var d = h.server.dirty
        h.call("HSET", "h", "a", "1", "b", "2")
        XCTAssertEqual(h.server.dirty - d, 2)
        d = h.server.dirty
        h.call("HSET", "h", "a", "1")  // per pair, even unchanged
        XCTAssertEqual(h.server.dirty - d, 1)
        d = h.server.dirty
        h.call("HDEL", "h", "a", "zz")
        XCTAssertEqual(h.server.dirty - d, 1)
        d = h.server.dirty
        h.call("HSETNX", "h", "b", "x")
        XCTAssertEqual(h.server.dirty - d, 0)

        let other = h.newClient()
        h.call("WATCH", "h")
        h.call("HINCRBY", "h", "n", "1", on: other)
        h.call("MULTI")
        h.call("HGET", "h", "n")
        XCTAssertEqual(h.rawString("EXEC"), "*-1\r\n")
    }

    func testDuplicateIsDeep() throws {
        let h = try Harness()
        h.call("HSET", "h", "a", "1")
        XCTAssertEqual(h.call("COPY", "h", "h2"), .integer(1))
        h.call("HSET", "h2", "a", "2")
        XCTAssertEqual(h.call("HGET", "h", "a"), .bulkString(Array("1".utf8)))
        XCTAssertEqual(encoding(h, "h2"), "listpack")
        h.call(args: ["HSET", "big"] + (0..<600).flatMap { ["f\($0)", "v"] })
        h.call("COPY", "big", "big2")
        h.call("HDEL", "big2", "f1")
        XCTAssertEqual(h.call("HLEN", "big"), .integer(600))
        XCTAssertEqual(encoding(h, "big2"), "hashtable")
    }
}
