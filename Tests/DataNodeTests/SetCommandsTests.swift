import Foundation
import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

final class SetCommandsTests: XCTestCase {
    // MARK: helpers

    private func set(_ h: Harness, _ key: String) -> SetValue? {
        guard case .set(let v)? = h.client.db.dict[Key(key)] else { return nil }
        return v
    }

    private func encoding(_ h: Harness, _ key: String) -> String? { set(h, key)?.encodingName }

    private func bulks(_ v: RESPValue) -> [String] {
        let items: [RESPValue]
        switch v {
        case .array(let a?): items = a
        case .set(let a): items = a
        default: return []
        }
        return items.compactMap { if case .bulkString(let b?) = $0 { return String(decoding: b, as: UTF8.self) } else { return nil } }
    }

    private func members(_ h: Harness, _ key: String) -> Set<String> { Set(bulks(h.call("SMEMBERS", key))) }

    // MARK: intset

    func testIntsetKeepsSortedOrderAndGrowsItsWidth() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("SADD", "s", "3", "1", "2", "2"), .integer(3))
        XCTAssertEqual(encoding(h, "s"), "intset")
        XCTAssertEqual(bulks(h.call("SMEMBERS", "s")), ["1", "2", "3"])
        guard case .int16? = set(h, "s")?.kind else { return XCTFail("expected 16-bit entries") }
        h.call("SADD", "s", "70000")         // 32 bits
        guard case .int32? = set(h, "s")?.kind else { return XCTFail("expected 32-bit entries") }
        h.call("SADD", "s", "-5000000000")   // 64 bits, goes first
        guard case .int64? = set(h, "s")?.kind else { return XCTFail("expected 64-bit entries") }
        h.call("SADD", "s", "9223372036854775807", "-9223372036854775808", "-1")
        XCTAssertEqual(bulks(h.call("SMEMBERS", "s")),
                       ["-9223372036854775808", "-5000000000", "-1", "1", "2", "3", "70000", "9223372036854775807"])
        XCTAssertEqual(encoding(h, "s"), "intset")
        // Not integers in Redis's strict sense: no leading zeros, "+", "-0" or spaces.
        for m in ["007", "+1", "-0", " 1", "1 ", "9223372036854775808"] {
            XCTAssertEqual(h.call("SISMEMBER", "s", m), .integer(0), m)
        }
        XCTAssertEqual(h.call("SREM", "s", "70000", "abc", "4"), .integer(1))
        XCTAssertEqual(h.call("SISMEMBER", "s", "-5000000000"), .integer(1))
        XCTAssertEqual(h.call("SCARD", "s"), .integer(7))
    }

    func testIntsetConversionsMatchRedis() throws {
        let h = try Harness()
        h.call(args: ["SADD", "x"] + (0..<512).map(String.init))
        XCTAssertEqual(encoding(h, "x"), "intset")
        h.call("SADD", "x", "512")
        XCTAssertEqual(encoding(h, "x"), "hashtable")
        h.call("SREM", "x", "512")
        XCTAssertEqual(encoding(h, "x"), "hashtable")
        XCTAssertEqual(h.call("SCARD", "x"), .integer(512))
        XCTAssertEqual(h.call("SISMEMBER", "x", "511"), .integer(1))

        h.call("SADD", "m", "1", "2")
        h.call("SADD", "m", "a")
        XCTAssertEqual(encoding(h, "m"), "hashtable")
        XCTAssertEqual(members(h, "m"), ["1", "2", "a"])
        h.call("SREM", "m", "a")
        XCTAssertEqual(encoding(h, "m"), "hashtable")

        h.call("CONFIG", "SET", "set-max-intset-entries", "0")
        h.call("SADD", "z", "1")
        XCTAssertEqual(encoding(h, "z"), "hashtable")
        h.call("SADD", "first", "abc", "1")
        XCTAssertEqual(encoding(h, "first"), "hashtable")
    }

    func testSmallStringSetsBecomeRealTables() throws {
        let h = try Harness()
        h.call(args: ["SADD", "s"] + (0..<128).map { "m\($0)" })
        guard case .strings? = set(h, "s")?.kind else { return XCTFail("expected the packed form") }
        h.call("SADD", "s", "m128")
        guard case .table? = set(h, "s")?.kind else { return XCTFail("expected a table") }
        XCTAssertEqual(members(h, "s"), Set((0...128).map { "m\($0)" }))
        h.call("SADD", "l", "a")
        h.call("SADD", "l", String(repeating: "y", count: 65))
        guard case .table? = set(h, "l")?.kind else { return XCTFail("expected a table") }
        XCTAssertEqual(h.call("SCARD", "l"), .integer(2))
        XCTAssertEqual(encoding(h, "l"), "hashtable")
    }

    func testEmptiedSetIsDeleted() throws {
        let h = try Harness()
        h.call("SADD", "s", "a", "b")
        XCTAssertEqual(h.call("SREM", "s", "a", "b", "c"), .integer(2))
        XCTAssertNil(set(h, "s"))
        h.call("SADD", "s", "1")
        XCTAssertEqual(h.call("SPOP", "s"), .bulkString(Array("1".utf8)))
        XCTAssertNil(set(h, "s"))
        h.call("SADD", "s", "1", "2")
        XCTAssertEqual(bulks(h.call("SPOP", "s", "5")), ["1", "2"])
        XCTAssertNil(set(h, "s"))
        h.call("SADD", "a", "x")
        XCTAssertEqual(h.call("SMOVE", "a", "b", "x"), .integer(1))
        XCTAssertNil(set(h, "a"))
        XCTAssertEqual(encoding(h, "b"), "hashtable")
    }

    func testWrongType() throws {
        let h = try Harness()
        h.call("SET", "k", "v")
        let wrong = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"
        for args in [["SADD", "k", "a"], ["SREM", "k", "a"], ["SMEMBERS", "k"], ["SISMEMBER", "k", "a"],
                     ["SMISMEMBER", "k", "a"], ["SCARD", "k"], ["SPOP", "k"], ["SPOP", "k", "0"], ["SRANDMEMBER", "k"],
                     ["SRANDMEMBER", "k", "1"], ["SINTER", "k"], ["SUNION", "k"], ["SDIFF", "k"], ["SSCAN", "k", "0"],
                     ["SINTERCARD", "1", "k"], ["SINTERSTORE", "d", "k"], ["SUNIONSTORE", "d", "k"], ["SDIFFSTORE", "d", "k"]] {
            XCTAssertEqual(String(decoding: h.raw(args), as: UTF8.self), wrong, "\(args)")
        }
        // SMOVE: a missing source wins over a wrong destination.
        XCTAssertEqual(h.call("SMOVE", "nokey", "k", "a"), .integer(0))
        h.call("SADD", "s", "a")
        XCTAssertEqual(h.rawString("SMOVE", "s", "k", "a"), wrong)
        XCTAssertEqual(h.call("SISMEMBER", "s", "a"), .integer(1))
        // SINTER: a wrong type after a missing key still errors (all keys are checked first).
        XCTAssertEqual(h.rawString("SINTER", "nokey", "k"), wrong)
    }

    // MARK: algebra

    func testIntersectionsUnionsAndDifferences() throws {
        let h = try Harness()
        h.call("SADD", "a", "1", "2", "3", "4", "5")
        h.call("SADD", "b", "4", "5", "6", "7")
        h.call("SADD", "c", "5", "7", "9", "x")
        XCTAssertEqual(bulks(h.call("SINTER", "a", "b")), ["4", "5"])
        XCTAssertEqual(bulks(h.call("SINTER", "a", "b", "c")), ["5"])
        XCTAssertEqual(bulks(h.call("SINTER", "a", "nokey")), [])
        XCTAssertEqual(bulks(h.call("SUNION", "a", "b")), ["1", "2", "3", "4", "5", "6", "7"])
        XCTAssertEqual(Set(bulks(h.call("SUNION", "a", "c"))), ["1", "2", "3", "4", "5", "7", "9", "x"])
        XCTAssertEqual(bulks(h.call("SDIFF", "a", "b", "c")), ["1", "2", "3"])
        XCTAssertEqual(bulks(h.call("SDIFF", "a", "a")), [])
        XCTAssertEqual(bulks(h.call("SDIFF", "nokey", "a")), [])
        XCTAssertEqual(h.call("SINTERCARD", "2", "a", "b"), .integer(2))
        XCTAssertEqual(h.call("SINTERCARD", "2", "a", "b", "LIMIT", "1"), .integer(1))
        XCTAssertEqual(h.call("SINTERCARD", "2", "a", "b", "LIMIT", "0"), .integer(2))

        XCTAssertEqual(h.call("SUNIONSTORE", "d", "a", "b"), .integer(7))
        XCTAssertEqual(encoding(h, "d"), "intset")
        XCTAssertEqual(h.call("SUNIONSTORE", "d", "a", "c"), .integer(8))
        XCTAssertEqual(encoding(h, "d"), "hashtable")
        XCTAssertEqual(h.call("SINTERSTORE", "d", "a", "nokey"), .integer(0))
        XCTAssertNil(set(h, "d"))
        h.call("SET", "d", "string")
        h.call("EXPIRE", "d", "100")
        XCTAssertEqual(h.call("SDIFFSTORE", "d", "a", "b"), .integer(3))
        XCTAssertEqual(h.call("TTL", "d"), .integer(-1))
        XCTAssertEqual(bulks(h.call("SMEMBERS", "d")), ["1", "2", "3"])
    }

    func testAlgebraErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SINTERCARD", "0", "a"), "-ERR numkeys should be greater than 0\r\n")
        XCTAssertEqual(h.rawString("SINTERCARD", "x", "a"), "-ERR numkeys should be greater than 0\r\n")
        XCTAssertEqual(h.rawString("SINTERCARD", "2", "a"), "-ERR Number of keys can't be greater than number of args\r\n")
        XCTAssertEqual(h.rawString("SINTERCARD", "1", "a", "LIMIT", "-1"), "-ERR LIMIT can't be negative\r\n")
        XCTAssertEqual(h.rawString("SINTERCARD", "1", "a", "LIMIT"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SINTERCARD", "1", "a", "foo", "1"), "-ERR syntax error\r\n")
    }

    // MARK: random

    func testSpopAndSrandmemberCountRules() throws {
        let h = try Harness()
        h.call(args: ["SADD", "s"] + (1...10).map(String.init))
        let distinct = bulks(h.call("SRANDMEMBER", "s", "4"))
        XCTAssertEqual(Set(distinct).count, 4)
        XCTAssertEqual(bulks(h.call("SRANDMEMBER", "s", "100")), (1...10).map(String.init))
        let repeated = bulks(h.call("SRANDMEMBER", "s", "-30"))
        XCTAssertEqual(repeated.count, 30)
        XCTAssertTrue(Set(repeated).isSubset(of: Set((1...10).map(String.init))))
        XCTAssertEqual(h.rawString("SRANDMEMBER", "s", "0"), "*0\r\n")
        XCTAssertEqual(h.rawString("SRANDMEMBER", "nokey", "3"), "*0\r\n")
        XCTAssertEqual(h.rawString("SRANDMEMBER", "nokey"), "$-1\r\n")
        XCTAssertEqual(h.rawString("SRANDMEMBER", "s", "-9223372036854775808"),
                       "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n")
        XCTAssertEqual(h.rawString("SPOP", "s", "-1"), "-ERR value is out of range, must be positive\r\n")
        XCTAssertEqual(h.rawString("SPOP", "s", "x"), "-ERR value is out of range, must be positive\r\n")
        XCTAssertEqual(h.rawString("SPOP", "s", "1", "2"), "-ERR syntax error\r\n")

        let popped = bulks(h.call("SPOP", "s", "3"))
        XCTAssertEqual(Set(popped).count, 3)
        XCTAssertEqual(h.call("SCARD", "s"), .integer(7))
        for m in popped { XCTAssertEqual(h.call("SISMEMBER", "s", m), .integer(0)) }
        // Most of the set at once: the survivors move to a new set.
        let most = bulks(h.call("SPOP", "s", "6"))
        XCTAssertEqual(Set(most).count, 6)
        XCTAssertEqual(h.call("SCARD", "s"), .integer(1))
        h.client.proto = 3
        XCTAssertTrue(h.rawString("SPOP", "s", "1").hasPrefix("~1\r\n"))
        XCTAssertEqual(h.rawString("SPOP", "nokey", "1"), "~0\r\n")
        XCTAssertEqual(h.rawString("SPOP", "nokey"), "_\r\n")
    }

    /// Popping most of a big hashtable of integers leaves an intset, as
    /// Redis's SPOP builds the survivors with setTypeCreate.
    func testSpopOfMostMembersCanGoBackToIntset() throws {
        let h = try Harness()
        h.call(args: ["SADD", "s"] + (0..<1000).map(String.init))
        XCTAssertEqual(encoding(h, "s"), "hashtable")
        XCTAssertEqual(bulks(h.call("SPOP", "s", "900")).count, 900)
        XCTAssertEqual(encoding(h, "s"), "intset")
        XCTAssertEqual(h.call("SCARD", "s"), .integer(100))
    }

    // MARK: SSCAN

    func testSscan() throws {
        let h = try Harness()
        h.call("SADD", "i", "3", "1", "2", "10")
        XCTAssertEqual(h.rawString("SSCAN", "i", "0", "COUNT", "1"),
                       "*2\r\n$1\r\n0\r\n*4\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n$2\r\n10\r\n")
        XCTAssertEqual(h.rawString("SSCAN", "i", "0", "MATCH", "1*"), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\n1\r\n$2\r\n10\r\n")
        XCTAssertEqual(h.rawString("SSCAN", "nokey", "0"), "*2\r\n$1\r\n0\r\n*0\r\n")

        h.call(args: ["SADD", "t"] + (0..<2000).map { "m\($0)" })
        var seen = Set<String>()
        var cursor = "0"
        var round = 0
        repeat {
            guard case .array(let parts?) = h.call("SSCAN", "t", cursor),
                  case .bulkString(let c?) = parts[0] else { return XCTFail() }
            cursor = String(decoding: c, as: UTF8.self)
            seen.formUnion(bulks(parts[1]))
            h.call("SREM", "t", "m\(1500 + round)")
            h.call("SADD", "t", "new\(round)")
            round += 1
        } while cursor != "0"
        for i in 0..<1500 { XCTAssertTrue(seen.contains("m\(i)"), "m\(i) missed") }
    }

    // MARK: bookkeeping

    func testDirtyAndWatch() throws {
        let h = try Harness()
        var d = h.server.dirty
        h.call("SADD", "s", "a", "b", "a")
        XCTAssertEqual(h.server.dirty - d, 2)
        d = h.server.dirty
        h.call("SMOVE", "s", "t", "a")
        XCTAssertEqual(h.server.dirty - d, 2)
        d = h.server.dirty
        h.call("SUNIONSTORE", "u", "s", "t")
        XCTAssertEqual(h.server.dirty - d, 1)

        let other = h.newClient()
        h.call("WATCH", "s")
        h.call("SADD", "s", "z", on: other)
        h.call("MULTI")
        h.call("SCARD", "s")
        XCTAssertEqual(h.rawString("EXEC"), "*-1\r\n")
    }

    func testDuplicateKeepsEncodingAndIsDeep() throws {
        let h = try Harness()
        h.call("SADD", "i", "1", "2", "70000")
        h.call("COPY", "i", "i2")
        h.call("SADD", "i2", "3")
        XCTAssertEqual(bulks(h.call("SMEMBERS", "i")), ["1", "2", "70000"])
        XCTAssertEqual(encoding(h, "i2"), "intset")
        h.call("SADD", "s", "a")
        h.call("COPY", "s", "s2")
        h.call("SREM", "s2", "a")
        XCTAssertEqual(h.call("SCARD", "s"), .integer(1))
    }

    // MARK: differential
}
