import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class SortCommandTests: XCTestCase {
    private func list(_ values: String...) -> RESPValue { .array(values.map { .bulkString(Array($0.utf8)) }) }
    private func err(_ s: String) -> RESPValue { .error(Array(s.utf8)) }

    func testNumericSortLimitAndDirection() throws {
        let h = try Harness()
        h.call("RPUSH", "n", "3", "1", "2", "10", "-5", "1.5", "1e3", " 7", "0x10", "inf", "-inf")
        XCTAssertEqual(h.call("SORT", "n"), list("-inf", "-5", "1", "1.5", "2", "3", " 7", "10", "0x10", "1e3", "inf"))
        XCTAssertEqual(h.call("SORT", "n", "DESC", "LIMIT", "1", "3"), list("1e3", "0x10", "10"))
        XCTAssertEqual(h.call("SORT", "n", "LIMIT", "-1", "2"), list("-inf", "-5"), "a negative offset is 0")
        XCTAssertEqual(h.call("SORT", "n", "LIMIT", "9", "-1"), list("1e3", "inf"), "a negative count means all")
        XCTAssertEqual(h.call("SORT", "n", "LIMIT", "100", "3"), list())
        XCTAssertEqual(h.call("SORT", "n", "LIMIT", "0", "0"), list())
        // Equal scores fall back to the bytes of the elements.
        h.call("RPUSH", "eq", "1.0", "1", "01", "1e0")
        XCTAssertEqual(h.call("SORT", "eq"), list("01", "1", "1.0", "1e0"))
        XCTAssertEqual(h.call("SORT", "eq", "DESC"), list("1e0", "1.0", "1", "01"))
    }

    func testNumericConversionErrors() throws {
        let h = try Harness()
        let convert = err("ERR One or more scores can't be converted into double")
        h.call("RPUSH", "l", "1", "abc")
        XCTAssertEqual(h.call("SORT", "l"), convert)
        XCTAssertEqual(h.call("SORT", "l", "STORE", "dst"), convert)
        XCTAssertEqual(h.call("EXISTS", "dst"), .integer(0))
        for bad in ["nan", "1e400", "12 ", "1x"] {
            h.call("DEL", "b")
            h.call("RPUSH", "b", bad)
            XCTAssertEqual(h.call("SORT", "b"), convert, bad)
        }
        // strtod reads up to a NUL byte, and an empty string is 0.
        h.call(bytes: [Array("RPUSH".utf8), Array("z".utf8), Array("12\0abc".utf8), [], Array("3".utf8)])
        XCTAssertEqual(h.call("SORT", "z"), .array([.bulkString([]), .bulkString(Array("3".utf8)), .bulkString(Array("12\0abc".utf8))]))
    }

    func testAlphaComparesCStringsButStoreComparesBytes() throws {
        let h = try Harness()
        let elems: [[UInt8]] = [Array("a\0z".utf8), Array("a\0b".utf8), Array("a".utf8), Array("ab".utf8), [0xFF], Array("B".utf8)]
        h.call(bytes: [Array("RPUSH".utf8), Array("l".utf8)] + elems)
        // strcoll stops at NUL: "a\0z", "a\0b" and "a" tie and keep list order (a stable sort).
        XCTAssertEqual(h.call("SORT", "l", "ALPHA"), .array([elems[5], elems[0], elems[1], elems[2], elems[3], elems[4]].map { .bulkString($0) }))
        XCTAssertEqual(h.call("SORT", "l", "ALPHA", "STORE", "dst"), .integer(6))
        XCTAssertEqual(h.call("LRANGE", "dst", "0", "-1"),
                       .array([elems[5], elems[2], elems[1], elems[0], elems[3], elems[4]].map { .bulkString($0) }))
    }

    func testByAndGetPatterns() throws {
        let h = try Harness()
        h.call("RPUSH", "ids", "3", "1", "2", "4")
        h.call("MSET", "w_3", "30", "w_1", "10", "w_2", "20", "o_3", "three", "o_1", "one")
        h.call("HSET", "u_1", "age", "40", "name", "ann")
        h.call("HSET", "u_2", "age", "5")
        h.call("HSET", "u_4", "age", "17", "name", "dan")
        // A missing weight counts as 0.
        XCTAssertEqual(h.call("SORT", "ids", "BY", "w_*"), list("4", "1", "2", "3"))
        XCTAssertEqual(h.call("SORT", "ids", "BY", "u_*->age"), list("3", "2", "4", "1"))
        let got = h.call("SORT", "ids", "BY", "w_*", "GET", "#", "GET", "o_*", "GET", "u_*->name")
        XCTAssertEqual(got, .array([
            .bulkString(Array("4".utf8)), .bulkString(nil), .bulkString(Array("dan".utf8)),
            .bulkString(Array("1".utf8)), .bulkString(Array("one".utf8)), .bulkString(Array("ann".utf8)),
            .bulkString(Array("2".utf8)), .bulkString(nil), .bulkString(nil),
            .bulkString(Array("3".utf8)), .bulkString(Array("three".utf8)), .bulkString(nil),
        ]))
        // A GET pattern without '*' finds nothing; a hash pattern on a string key neither.
        XCTAssertEqual(h.call("SORT", "ids", "GET", "constant", "LIMIT", "0", "1"), .array([.bulkString(nil)]))
        XCTAssertEqual(h.call("SORT", "ids", "GET", "w_*->x", "LIMIT", "0", "1"), .array([.bulkString(nil)]))
        // "->" with nothing after it is part of the key name.
        h.call("SET", "k_1->", "v")
        XCTAssertEqual(h.call("SORT", "ids", "GET", "k_*->", "LIMIT", "0", "1"), list("v"))
        // ALPHA BY: missing values sort first.
        h.call("MSET", "s_1", "b", "s_2", "a")
        XCTAssertEqual(h.call("SORT", "ids", "BY", "s_*", "ALPHA"), list("3", "4", "2", "1"))
    }

    func testNoSortKeepsNativeOrder() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "c", "a", "b", "d")
        XCTAssertEqual(h.call("SORT", "l", "BY", "nosort"), list("c", "a", "b", "d"))
        XCTAssertEqual(h.call("SORT", "l", "BY", "nosort", "DESC"), list("d", "b", "a", "c"))
        XCTAssertEqual(h.call("SORT", "l", "BY", "nosort", "LIMIT", "1", "2"), list("a", "b"))
        XCTAssertEqual(h.call("SORT", "l", "BY", "nosort", "DESC", "LIMIT", "1", "2"), list("b", "a"))
        h.call("ZADD", "z", "3", "c", "1", "a", "2", "b")
        XCTAssertEqual(h.call("OBJECT", "ENCODING", "z"), .bulkString(Array("listpack".utf8)))
        XCTAssertEqual(h.call("SORT", "z", "BY", "nosort", "DESC", "LIMIT", "1", "5"), list("b", "a"))
        XCTAssertEqual(h.call("OBJECT", "ENCODING", "z"), .bulkString(Array("skiplist".utf8)), "SORT converts zsets as Redis does")
        // A set's own order is not reproducible: with STORE it is sorted ALPHA instead.
        h.call("SADD", "s", "b", "c", "a")
        XCTAssertEqual(h.call("SORT", "s", "BY", "nosort", "STORE", "dst"), .integer(3))
        XCTAssertEqual(h.call("LRANGE", "dst", "0", "-1"), list("a", "b", "c"))
        h.call("SADD", "i", "5", "-3", "9")
        XCTAssertEqual(h.call("SORT", "i", "BY", "nosort"), list("-3", "5", "9"), "intset order")
    }

    func testStore() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "2", "1", "3")
        h.call("SET", "dst", "old", "EX", "100")
        let dirty = h.server.dirty
        XCTAssertEqual(h.call("SORT", "l", "STORE", "dst"), .integer(3))
        XCTAssertEqual(h.server.dirty, dirty + 3, "one change per stored element")
        XCTAssertEqual(h.call("TYPE", "dst"), .simpleString(Array("list".utf8)))
        XCTAssertEqual(h.call("OBJECT", "ENCODING", "dst"), .bulkString(Array("quicklist".utf8)))
        XCTAssertEqual(h.call("TTL", "dst"), .integer(-1), "STORE drops the old TTL")
        XCTAssertEqual(h.call("LRANGE", "dst", "0", "-1"), list("1", "2", "3"))
        XCTAssertEqual(h.call("SORT", "l", "GET", "nope_*", "GET", "#", "STORE", "dst"), .integer(6))
        XCTAssertEqual(h.call("LRANGE", "dst", "0", "-1"), list("", "1", "", "2", "", "3"))
        // An empty result deletes the destination.
        XCTAssertEqual(h.call("SORT", "missing", "STORE", "dst"), .integer(0))
        XCTAssertEqual(h.call("EXISTS", "dst"), .integer(0))
        XCTAssertEqual(h.call("SORT", "l", "LIMIT", "0", "0", "STORE", "l"), .integer(0))
        XCTAssertEqual(h.call("EXISTS", "l"), .integer(0))
    }

    func testStoreWakesBlockedClients() throws {
        let h = try Harness()
        h.call("RPUSH", "src", "b", "a")
        let waiter = h.newClient()
        XCTAssertEqual(h.raw(["BLPOP", "dst", "0"], on: waiter), [])
        XCTAssertEqual(h.call("SORT", "src", "ALPHA", "STORE", "dst"), .integer(2))
        XCTAssertEqual(String(decoding: waiter.out.bytes, as: UTF8.self), "*2\r\n$3\r\ndst\r\n$1\r\na\r\n")
        XCTAssertEqual(h.call("LRANGE", "dst", "0", "-1"), list("b"))
    }

    func testErrors() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "1")
        h.call("SET", "str", "x")
        h.call("HSET", "hash", "f", "v")
        let wrongType = err("WRONGTYPE Operation against a key holding the wrong kind of value")
        XCTAssertEqual(h.call("SORT", "str"), wrongType)
        XCTAssertEqual(h.call("SORT", "hash"), wrongType)
        XCTAssertEqual(h.call("SORT", "l", "foo"), err("ERR syntax error"))
        XCTAssertEqual(h.call("SORT", "l", "LIMIT", "1"), err("ERR syntax error"))
        XCTAssertEqual(h.call("SORT", "l", "STORE"), err("ERR syntax error"))
        XCTAssertEqual(h.call("SORT", "l", "LIMIT", "x", "1"), err("ERR value is not an integer or out of range"))
        // Options are checked before the key: a syntax error wins over WRONGTYPE.
        XCTAssertEqual(h.call("SORT", "str", "BY"), err("ERR syntax error"))
        XCTAssertEqual(h.call("SORT_RO", "l", "STORE", "dst"), err("ERR syntax error"))
        XCTAssertEqual(h.call("SORT_RO", "l", "DESC"), list("1"))
        XCTAssertEqual(h.call("SORT", "nokey"), list())
    }

    func testKeyspaceStatistics() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "1", "2")
        h.call("SET", "w_1", "5")
        h.call("CONFIG", "RESETSTAT")
        h.call("SORT", "l", "BY", "w_*", "GET", "#", "GET", "w_*")
        // The list (hit), BY w_1 (hit) and w_2 (miss), GET w_1 (hit) and w_2 (miss).
        XCTAssertEqual(h.server.keyspace.keyspaceHits, 3)
        XCTAssertEqual(h.server.keyspace.keyspaceMisses, 2)
    }
}
