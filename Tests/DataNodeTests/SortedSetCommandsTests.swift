import Foundation
import Glibc
import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// Sorted-set commands through the real dispatch path (Harness), the
/// SortedSetValue structure against a plain model, and exact reply bytes
/// compared with a real redis-server 7.0 (seeded command sequences, both
/// encodings, RESP2 and RESP3).
final class SortedSetCommandsTests: XCTestCase {
    private func raw(_ h: Harness, _ args: String...) -> String { String(decoding: h.raw(args), as: UTF8.self) }
    private func bulks(_ v: RESPValue) -> [String] { (v.elements ?? []).map { $0.string ?? "nil" } }
    private func encoding(_ h: Harness, _ key: String) -> String {
        h.call("OBJECT", "ENCODING", key).string ?? "none"
    }

    // MARK: ZADD and friends

    func testZaddOptionsAndReplies() throws {
        let h = try Harness()
        XCTAssertEqual(raw(h, "ZADD", "z", "1", "a", "2", "b", "3", "c"), ":3\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "NX", "5", "a", "6", "d"), ":1\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "XX", "CH", "10", "a", "11", "e"), ":1\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "GT", "CH", "5", "a", "20", "b"), ":1\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "LT", "CH", "1", "a", "30", "c"), ":1\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "INCR", "5", "a"), "$1\r\n6\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "INCR", "NX", "5", "a"), "$-1\r\n")
        XCTAssertEqual(raw(h, "ZADD", "nokey", "XX", "1", "a"), ":0\r\n")
        XCTAssertEqual(h.call("EXISTS", "nokey"), .integer(0))
        XCTAssertEqual(raw(h, "ZINCRBY", "z", "2.5", "a"), "$3\r\n8.5\r\n")
        XCTAssertEqual(raw(h, "ZSCORE", "z", "a"), "$3\r\n8.5\r\n")
    }

    func testZaddErrorsInRedisOrder() throws {
        let h = try Harness()
        h.call("SET", "str", "v")
        XCTAssertEqual(raw(h, "ZADD", "z", "1", "a", "2"), "-ERR syntax error\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "NX", "XX", "1", "a"), "-ERR XX and NX options at the same time are not compatible\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "GT", "LT", "1", "a"), "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "INCR", "1", "a", "2", "b"), "-ERR INCR option supports a single increment-element pair\r\n")
        XCTAssertEqual(raw(h, "ZADD", "z", "nan", "a"), "-ERR value is not a valid float\r\n")
        XCTAssertEqual(raw(h, "ZADD", "str", "x", "a"), "-ERR value is not a valid float\r\n", "scores are parsed before the key is looked up")
        XCTAssertEqual(raw(h, "ZADD", "str", "1", "a"), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        XCTAssertEqual(raw(h, "ZINCRBY", "z", "ch", "a"), "-ERR syntax error\r\n", "ZINCRBY parses ZADD's options too")
        h.call("ZADD", "z", "inf", "a")
        XCTAssertEqual(raw(h, "ZINCRBY", "z", "-inf", "a"), "-ERR resulting score is not a number (NaN)\r\n")
        XCTAssertEqual(raw(h, "ZSCORE", "z", "a"), "$3\r\ninf\r\n")
    }

    func testNegativeZeroIsAnIntegerInAListpackOnly() throws {
        let h = try Harness()
        h.call("ZADD", "small", "-0", "m")
        XCTAssertEqual(raw(h, "ZSCORE", "small", "m"), "$1\r\n0\r\n")
        h.call("CONFIG", "SET", "zset-max-listpack-entries", "0")
        h.call("ZADD", "big", "-0", "m")
        XCTAssertEqual(encoding(h, "big"), "skiplist")
        XCTAssertEqual(raw(h, "ZSCORE", "big", "m"), "$2\r\n-0\r\n")
    }

    func testEncodingThresholdsAndOneWayConversion() throws {
        let h = try Harness()
        h.call("CONFIG", "SET", "zset-max-listpack-entries", "4")
        h.call("CONFIG", "SET", "zset-max-listpack-value", "5")
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
        XCTAssertEqual(encoding(h, "z"), "listpack")
        h.call("ZADD", "z", "5", "e")
        XCTAssertEqual(encoding(h, "z"), "skiplist")
        h.call("ZREM", "z", "a", "b", "c")
        XCTAssertEqual(encoding(h, "z"), "skiplist", "no conversion back")
        h.call("ZADD", "long", "1", "abcdef")
        XCTAssertEqual(encoding(h, "long"), "skiplist", "a long first member makes a skiplist at once")
        h.call("ZADD", "w", "1", "abc")
        h.call("ZADD", "w", "2", "abcdef")
        XCTAssertEqual(encoding(h, "w"), "skiplist")
        // Store commands pick the encoding from the result.
        h.call("ZUNIONSTORE", "u", "1", "z")
        XCTAssertEqual(encoding(h, "u"), "listpack")
        h.call("ZRANGESTORE", "r", "z", "0", "-1")
        XCTAssertEqual(encoding(h, "r"), "listpack")
        XCTAssertEqual(h.call("ZRANGE", "u", "0", "-1", "WITHSCORES"), h.call("ZRANGE", "z", "0", "-1", "WITHSCORES"))
    }

    func testRemovingTheLastMemberDeletesTheKey() throws {
        let h = try Harness()
        h.call("ZADD", "z", "1", "a", "2", "b")
        XCTAssertEqual(raw(h, "ZREM", "z", "a", "x", "b"), ":2\r\n")
        XCTAssertEqual(h.call("EXISTS", "z"), .integer(0))
        h.call("ZADD", "z", "1", "a")
        XCTAssertEqual(raw(h, "ZPOPMIN", "z", "5"), "*2\r\n$1\r\na\r\n$1\r\n1\r\n")
        XCTAssertEqual(h.call("EXISTS", "z"), .integer(0))
        h.call("ZADD", "z", "1", "a")
        XCTAssertEqual(raw(h, "ZREMRANGEBYSCORE", "z", "-inf", "+inf"), ":1\r\n")
        XCTAssertEqual(h.call("EXISTS", "z"), .integer(0))
    }

    func testWritesBumpDirtyAndTouchWatchers() throws {
        let h = try Harness()
        let before = h.server.dirty
        h.call("ZADD", "z", "1", "a", "2", "b")
        XCTAssertEqual(h.server.dirty - before, 2, "one per added member")
        h.call("ZADD", "z", "1", "a")
        XCTAssertEqual(h.server.dirty - before, 2, "unchanged scores are no change")
        let w = h.newClient()
        h.call("WATCH", "z", on: w)
        h.call("MULTI", on: w)
        h.call("ZCARD", "z", on: w)
        h.call("ZINCRBY", "z", "1", "b")
        XCTAssertEqual(h.call("EXEC", on: w), .array(nil))
    }

    // MARK: ranges

    func testRangeByRankScoreAndLex() throws {
        let h = try Harness()
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d", "5", "e")
        XCTAssertEqual(bulks(h.call("ZRANGE", "z", "-2", "-1")), ["d", "e"])
        XCTAssertEqual(bulks(h.call("ZRANGE", "z", "0", "1", "REV", "WITHSCORES")), ["e", "5", "d", "4"])
        XCTAssertEqual(bulks(h.call("ZRANGE", "z", "(1", "3", "BYSCORE")), ["b", "c"])
        XCTAssertEqual(bulks(h.call("ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "1", "2")), ["d", "c"])
        XCTAssertEqual(bulks(h.call("ZRANGEBYSCORE", "z", "-inf", "+inf", "LIMIT", "-1", "2")), [], "a negative offset finds nothing")
        XCTAssertEqual(bulks(h.call("ZREVRANGEBYSCORE", "z", "4", "(2")), ["d", "c"])
        h.call("ZADD", "l", "0", "a", "0", "b", "0", "c", "0", "d")
        XCTAssertEqual(bulks(h.call("ZRANGE", "l", "[b", "(d", "BYLEX")), ["b", "c"])
        XCTAssertEqual(bulks(h.call("ZREVRANGEBYLEX", "l", "+", "-", "LIMIT", "0", "2")), ["d", "c"])
        XCTAssertEqual(h.call("ZLEXCOUNT", "l", "-", "+"), .integer(4))
        XCTAssertEqual(h.call("ZCOUNT", "z", "(1", "(5"), .integer(3))
        XCTAssertEqual(raw(h, "ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"),
                       "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n")
        XCTAssertEqual(raw(h, "ZRANGE", "l", "-", "+", "BYLEX", "WITHSCORES"),
                       "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n")
        XCTAssertEqual(raw(h, "ZRANGE", "z", "x", "1", "BYSCORE"), "-ERR min or max is not a float\r\n")
        XCTAssertEqual(raw(h, "ZRANGE", "l", "a", "b", "BYLEX"), "-ERR min or max not valid string range item\r\n")
        XCTAssertEqual(raw(h, "ZRANGEBYSCORE", "z", "1", "2", "REV"), "-ERR syntax error\r\n")
        XCTAssertEqual(raw(h, "ZCOUNT", "z", "", ""), ":0\r\n", "an empty bound is strtod's 0")
    }

    func testRangeStoreAndRemoveByRange() throws {
        let h = try Harness()
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d")
        h.call("SET", "dst", "x")
        XCTAssertEqual(raw(h, "ZRANGESTORE", "dst", "z", "3", "1", "BYSCORE", "REV"), ":3\r\n")
        XCTAssertEqual(bulks(h.call("ZRANGE", "dst", "0", "-1", "WITHSCORES")), ["a", "1", "b", "2", "c", "3"])
        XCTAssertEqual(raw(h, "ZRANGESTORE", "dst", "z", "10", "20"), ":0\r\n")
        XCTAssertEqual(h.call("EXISTS", "dst"), .integer(0))
        XCTAssertEqual(raw(h, "ZREMRANGEBYRANK", "z", "-2", "-1"), ":2\r\n")
        XCTAssertEqual(raw(h, "ZREMRANGEBYLEX", "z", "-", "+"), ":2\r\n")
        XCTAssertEqual(h.call("EXISTS", "z"), .integer(0))
    }

    func testResp3ShapesAndDoubles() throws {
        let h = try Harness()
        h.call("HELLO", "3")
        h.call("ZADD", "z", "1.5", "a", "2", "b")
        XCTAssertEqual(raw(h, "ZSCORE", "z", "a"), ",1.5\r\n")
        XCTAssertEqual(raw(h, "ZSCORE", "z", "x"), "_\r\n")
        XCTAssertEqual(raw(h, "ZRANGE", "z", "0", "-1", "WITHSCORES"), "*2\r\n*2\r\n$1\r\na\r\n,1.5\r\n*2\r\n$1\r\nb\r\n,2\r\n")
        XCTAssertEqual(raw(h, "ZPOPMIN", "z"), "*2\r\n$1\r\na\r\n,1.5\r\n", "no count: flat")
        XCTAssertEqual(raw(h, "ZPOPMIN", "z", "1"), "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n", "with a count: pairs")
        h.call("ZADD", "z", "0.1", "t")
        XCTAssertEqual(raw(h, "ZSCAN", "z", "0"), "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nt\r\n$19\r\n0.10000000000000001\r\n")
    }

    // MARK: pops, random members, scans

    func testZmpopAndItsErrors() throws {
        let h = try Harness()
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c")
        XCTAssertEqual(raw(h, "ZMPOP", "2", "nokey", "z", "MAX", "COUNT", "2"),
                       "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n")
        XCTAssertEqual(raw(h, "ZMPOP", "1", "nokey", "MIN"), "*-1\r\n")
        XCTAssertEqual(raw(h, "ZMPOP", "0", "z", "MIN"), "-ERR numkeys should be greater than 0\r\n")
        XCTAssertEqual(raw(h, "ZMPOP", "1", "z", "MIN", "COUNT", "0"), "-ERR count should be greater than 0\r\n")
        XCTAssertEqual(raw(h, "ZMPOP", "2", "z", "MIN"), "-ERR syntax error\r\n")
        XCTAssertEqual(raw(h, "ZPOPMIN", "z", "-1"), "-ERR value is out of range, must be positive\r\n")
    }

    func testZrandmemberCountSignRules() throws {
        let h = try Harness()
        h.call("ZADD", "z", "1", "a", "2", "b", "3", "c")
        XCTAssertEqual(bulks(h.call("ZRANDMEMBER", "z", "10")), ["c", "b", "a"], "the whole set, highest first")
        let repeats = bulks(h.call("ZRANDMEMBER", "z", "-20"))
        XCTAssertEqual(repeats.count, 20, "a negative count may repeat members")
        XCTAssertTrue(Set(repeats).isSubset(of: ["a", "b", "c"]))
        let unique = bulks(h.call("ZRANDMEMBER", "z", "2"))
        XCTAssertEqual(unique.count, 2)
        XCTAssertEqual(Set(unique).count, 2)
        let withScores = bulks(h.call("ZRANDMEMBER", "z", "-4", "WITHSCORES"))
        XCTAssertEqual(withScores.count, 8)
        XCTAssertEqual(raw(h, "ZRANDMEMBER", "z", "0"), "*0\r\n")
        XCTAssertEqual(raw(h, "ZRANDMEMBER", "nokey"), "$-1\r\n")
        XCTAssertEqual(raw(h, "ZRANDMEMBER", "z", "-9223372036854775808"),
                       "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n")
        XCTAssertEqual(raw(h, "ZRANDMEMBER", "z", "4611686018427387904", "WITHSCORES"), "-ERR value is out of range\r\n")
    }

    func testZscanOfASkiplistReturnsEveryMember() throws {
        let h = try Harness()
        h.call("CONFIG", "SET", "zset-max-listpack-entries", "8")
        var args = ["ZADD", "z"]
        for i in 0..<500 { args += ["\(i)", "m\(i)"] }
        h.call(args: args)
        XCTAssertEqual(encoding(h, "z"), "skiplist")
        var cursor = "0"
        var seen = Set<String>()
        repeat {
            let r = h.call("ZSCAN", "z", cursor, "COUNT", "7")
            let items = r.elements ?? []
            cursor = items[0].string ?? "0"
            let flat = bulks(items[1])
            for i in stride(from: 0, to: flat.count, by: 2) {
                XCTAssertEqual("m" + flat[i + 1], flat[i])
                seen.insert(flat[i])
            }
            // Deleting while scanning must not hide members present throughout.
            h.call("ZREM", "z", "m\(seen.count % 500)")
        } while cursor != "0"
        let remaining = Set(bulks(h.call("ZRANGE", "z", "0", "-1")))
        XCTAssertTrue(remaining.isSubset(of: seen))
        XCTAssertEqual(raw(h, "ZSCAN", "z", "0", "TYPE", "zset"), "-ERR syntax error\r\n")
        XCTAssertEqual(raw(h, "ZSCAN", "nokey", "0", "BOGUS"), "*2\r\n$1\r\n0\r\n*0\r\n", "options are read after the key")
    }

    // MARK: set operations

    func testUnionInterDiffWithSetsWeightsAndAggregates() throws {
        let h = try Harness()
        h.call("ZADD", "a", "1", "x", "2", "y", "3", "z")
        h.call("ZADD", "b", "10", "y", "20", "z", "30", "w")
        h.call("SADD", "s", "y", "w")
        XCTAssertEqual(bulks(h.call("ZUNION", "3", "a", "b", "s", "WITHSCORES")), ["x", "1", "y", "13", "z", "23", "w", "31"])
        XCTAssertEqual(bulks(h.call("ZINTER", "2", "a", "b", "WEIGHTS", "2", "1", "AGGREGATE", "MAX", "WITHSCORES")),
                       ["y", "10", "z", "20"])
        XCTAssertEqual(bulks(h.call("ZDIFF", "2", "a", "b", "WITHSCORES")), ["x", "1"])
        XCTAssertEqual(h.call("ZINTERCARD", "2", "a", "b", "LIMIT", "1"), .integer(1))
        XCTAssertEqual(raw(h, "ZUNIONSTORE", "d", "2", "a", "b", "WITHSCORES"), "-ERR syntax error\r\n")
        XCTAssertEqual(raw(h, "ZINTER", "0", "a"), "-ERR at least 1 input key is needed for 'zinter' command\r\n")
        XCTAssertEqual(raw(h, "ZINTERCARD", "1", "a", "LIMIT", "-1"), "-ERR LIMIT can't be negative\r\n")
        XCTAssertEqual(raw(h, "ZUNION", "2", "a", "b", "WEIGHTS", "1", "x"), "-ERR weight value is not a float\r\n")
        h.call("ZADD", "inf1", "inf", "m")
        h.call("ZADD", "inf2", "-inf", "m")
        XCTAssertEqual(bulks(h.call("ZUNION", "2", "inf1", "inf2", "WITHSCORES")), ["m", "0"], "inf + -inf sums to 0")
        XCTAssertEqual(raw(h, "ZINTERSTORE", "d", "2", "a", "nokey"), ":0\r\n")
        XCTAssertEqual(raw(h, "ZDIFF", "2", "a", "a"), "*0\r\n")
    }

    // MARK: blocking

    private func take(_ c: Client) -> String {
        defer { c.out.bytes.removeAll() }
        return String(decoding: c.out.bytes, as: UTF8.self)
    }

    func testBlockingPopsAreServedTimedOutAndRefusedInMulti() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient()
        XCTAssertEqual(String(decoding: h.raw(["BZPOPMIN", "k1", "k2", "0"], on: a), as: UTF8.self), "")
        XCTAssertEqual(String(decoding: h.raw(["BZMPOP", "0", "1", "k2", "MAX", "COUNT", "5"], on: b), as: UTF8.self), "")
        h.call("ZADD", "k2", "1", "x", "2", "y", "3", "z")
        XCTAssertEqual(take(a), "*3\r\n$2\r\nk2\r\n$1\r\nx\r\n$1\r\n1\r\n")
        XCTAssertEqual(take(b), "*2\r\n$2\r\nk2\r\n*2\r\n*2\r\n$1\r\nz\r\n$1\r\n3\r\n*2\r\n$1\r\ny\r\n$1\r\n2\r\n")
        XCTAssertEqual(h.call("EXISTS", "k2"), .integer(0))

        _ = h.raw(["BZPOPMAX", "t", "0.5"], on: a)
        h.advanceClock(ms: 1000)
        h.server.handleBlockedClientsTimeout()
        XCTAssertEqual(take(a), "*-1\r\n")

        h.call("MULTI")
        h.call("BZPOPMIN", "none", "0")
        XCTAssertEqual(raw(h, "EXEC"), "*1\r\n*-1\r\n")
        XCTAssertEqual(raw(h, "BZPOPMIN", "k", "-1"), "-ERR timeout is negative\r\n")
        XCTAssertEqual(raw(h, "BZMPOP", "x", "0", "k", "MIN"), "-ERR numkeys should be greater than 0\r\n",
                       "BZMPOP checks its other arguments before the timeout")
    }

    // MARK: the structure itself

    /// Random adds, updates and removals on both encodings, checked against
    /// a sorted array after every step: order, ranks, scores and ranges.
    func testSortedSetValueMatchesAModel() {
        for maxEntries in [128, 0] {
            var rng = SeededRandom(seed: UInt64(17 + maxEntries))
            let limits = ZsetLimits(maxEntries: maxEntries, maxValue: 64)
            let z = SortedSetValue(forFirstMember: 1, limits: limits)
            var model: [String: Double] = [:]
            for step in 0..<3000 {
                let m = "m\(rng.next() % 150)"
                let score = Double(Int(rng.next() % 40) - 20) / 4
                if rng.next() % 4 == 0 {
                    XCTAssertEqual(z.remove(Array(m.utf8)), model.removeValue(forKey: m) != nil)
                } else {
                    _ = z.add(Array(m.utf8), score: score, flags: [], limits: limits)
                    model[m] = score
                }
                if step % 50 != 0 { continue }
                let sorted = model.sorted { $0.value != $1.value ? $0.value < $1.value : Array($0.key.utf8).lexicographicallyPrecedes(Array($1.key.utf8)) }
                let got = z.entries.map { (String(decoding: $0.member, as: UTF8.self), $0.score) }
                XCTAssertEqual(got.map { $0.0 }, sorted.map { $0.key })
                XCTAssertEqual(got.map { $0.1 }, sorted.map { $0.value })
                for (i, e) in sorted.enumerated() where i % 7 == 0 {
                    XCTAssertEqual(z.rank(of: Array(e.key.utf8), reverse: false), i)
                    XCTAssertEqual(z.rank(of: Array(e.key.utf8), reverse: true), sorted.count - 1 - i)
                    XCTAssertEqual(z.score(of: Array(e.key.utf8)), e.value)
                }
                let r = ZScoreRange(min: -2, max: 1.5, minex: true, maxex: false)
                XCTAssertEqual(z.count(inScore: r), sorted.filter { $0.value > -2 && $0.value <= 1.5 }.count)
                if sorted.count > 3 {
                    var seen: [String] = []
                    z.forEach(ranks: 1, sorted.count - 2, reverse: true) { m, _ in seen.append(String(decoding: m, as: UTF8.self)) }
                    XCTAssertEqual(seen, Array(sorted.map { $0.key }.reversed()[1...(sorted.count - 2)]))
                }
            }
            XCTAssertEqual(z.encodingName, maxEntries == 0 ? "skiplist" : "listpack")
            let copy = z.duplicate()
            XCTAssertEqual(copy.entries.map { $0.member }, z.entries.map { $0.member })
            _ = copy.add(Array("new".utf8), score: 0, flags: [], limits: limits)
            XCTAssertEqual(copy.count, z.count + 1, "a duplicate shares nothing")
        }
    }
}
