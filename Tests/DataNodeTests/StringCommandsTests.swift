import Foundation
import Glibc
import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

final class StringCommandsTests: XCTestCase {
    // MARK: helpers

    private func encoding(_ h: Harness, _ key: String) -> StringEncoding? {
        guard case .string(let s)? = h.client.db.dict[Key(key)] else { return nil }
        return s.encoding
    }

    private func exists(_ h: Harness, _ key: String) -> Bool { h.client.db.dict[Key(key)] != nil }

    private func expireTime(_ h: Harness, _ key: String) -> Int64? { h.client.db.expireTime(Key(key)) }

    private var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    // MARK: GET / SET

    func testGetReturnsStoredValueOrNullBulk() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("GET", "k"), "$-1\r\n")
        XCTAssertEqual(h.call("SET", "k", "hello"), .ok)
        XCTAssertEqual(h.rawString("GET", "k"), "$5\r\nhello\r\n")
        XCTAssertEqual(h.rawString("GET"), "-ERR wrong number of arguments for 'get' command\r\n")
    }

    func testNullRepliesUseResp3NullType() throws {
        let h = try Harness()
        h.client.proto = 3
        XCTAssertEqual(h.rawString("GET", "missing"), "_\r\n")
        XCTAssertEqual(h.rawString("SET", "k", "v", "XX"), "_\r\n")
        XCTAssertEqual(h.rawString("GETDEL", "missing"), "_\r\n")
        XCTAssertEqual(h.rawString("GETEX", "missing"), "_\r\n")
        XCTAssertEqual(h.rawString("MGET", "missing"), "*1\r\n_\r\n")
    }

    func testSetStoresBinaryValues() throws {
        let h = try Harness()
        let value: [UInt8] = [0, 255, 13, 10, 1]
        XCTAssertEqual(h.call(bytes: [Array("SET".utf8), Array("bin".utf8), value]), .ok)
        XCTAssertEqual(h.call("GET", "bin"), .bulkString(value))
    }

    func testSetChoosesRedisEncodings() throws {
        let h = try Harness()
        h.call("SET", "int", "12345")
        h.call("SET", "neg", "-9223372036854775808")
        h.call("SET", "big", "12345678901234567890")
        h.call("SET", "lead0", "0123")
        h.call("SET", "short", String(repeating: "a", count: 44))
        h.call("SET", "long", String(repeating: "a", count: 45))
        XCTAssertEqual(encoding(h, "int"), .int)
        XCTAssertEqual(encoding(h, "neg"), .int)
        XCTAssertEqual(encoding(h, "big"), .embstr)
        XCTAssertEqual(encoding(h, "lead0"), .embstr)
        XCTAssertEqual(encoding(h, "short"), .embstr)
        XCTAssertEqual(encoding(h, "long"), .raw)
    }

    func testPlainSetDropsExistingTTL() throws {
        let h = try Harness()
        h.call("SET", "k", "v", "EX", "100")
        XCTAssertNotNil(expireTime(h, "k"))
        XCTAssertEqual(h.call("SET", "k", "w"), .ok)
        XCTAssertNil(expireTime(h, "k"))
        XCTAssertEqual(h.call("GET", "k"), .bulk("w"))
    }

    func testSetNXWritesOnlyMissingKeys() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("SET", "k", "1", "NX"), .ok)
        XCTAssertEqual(h.rawString("SET", "k", "2", "nx"), "$-1\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulk("1"))
    }

    func testSetXXWritesOnlyExistingKeys() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SET", "k", "1", "XX"), "$-1\r\n")
        XCTAssertFalse(exists(h, "k"))
        h.call("SET", "k", "1")
        XCTAssertEqual(h.call("SET", "k", "2", "xX"), .ok)
        XCTAssertEqual(h.call("GET", "k"), .bulk("2"))
    }

    func testSetGetRepliesWithPreviousValue() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SET", "k", "1", "GET"), "$-1\r\n")
        XCTAssertEqual(h.rawString("SET", "k", "2", "GET"), "$1\r\n1\r\n")
        // NX with GET (allowed since 7.0): old value back, nothing written.
        XCTAssertEqual(h.rawString("SET", "k", "3", "NX", "GET"), "$1\r\n2\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulk("2"))
        XCTAssertEqual(h.rawString("SET", "other", "3", "XX", "GET"), "$-1\r\n")
        XCTAssertFalse(exists(h, "other"))
    }

    func testSetRelativeExpireOptions() throws {
        let h = try Harness()
        let before = now
        XCTAssertEqual(h.call("SET", "ex", "v", "EX", "100"), .ok)
        XCTAssertEqual(h.call("SET", "px", "v", "px", "1500"), .ok)
        let after = now
        let ex = try XCTUnwrap(expireTime(h, "ex"))
        let px = try XCTUnwrap(expireTime(h, "px"))
        XCTAssert((before + 100_000...after + 100_000).contains(ex))
        XCTAssert((before + 1500...after + 1500).contains(px))
    }

    func testSetAbsoluteExpireOptions() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("SET", "a", "v", "EXAT", "99999999999"), .ok)
        XCTAssertEqual(h.call("SET", "b", "v", "PXAT", "99999999999123"), .ok)
        XCTAssertEqual(expireTime(h, "a"), 99_999_999_999_000)
        XCTAssertEqual(expireTime(h, "b"), 99_999_999_999_123)
        XCTAssertEqual(h.call("SET", "c", "v", "PXAT", "9223372036854775807"), .ok)
        XCTAssertEqual(expireTime(h, "c"), Int64.max)
    }

    func testSetWithPastAbsoluteTimeLeavesAnExpiredKey() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("SET", "k", "v", "PXAT", "1"), .ok)
        XCTAssertEqual(h.rawString("GET", "k"), "$-1\r\n")
        XCTAssertFalse(exists(h, "k"))
    }

    func testSetKeepTTLPreservesExpiry() throws {
        let h = try Harness()
        h.call("SET", "k", "v", "PXAT", "99999999999123")
        XCTAssertEqual(h.call("SET", "k", "w", "KEEPTTL"), .ok)
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_123)
        XCTAssertEqual(h.call("GET", "k"), .bulk("w"))
    }

    func testSetConflictingOptionsAreSyntaxErrors() throws {
        let h = try Harness()
        let syntax = "-ERR syntax error\r\n"
        for args in [["NX", "XX"], ["XX", "NX"], ["KEEPTTL", "EX", "10"], ["EX", "10", "KEEPTTL"], ["PX", "10", "EX", "10"],
                     ["EX", "10", "PXAT", "10"], ["EXAT", "10", "PX", "10"], ["EX"], ["PERSIST"], ["foo"], ["GET", "EX"]] {
            XCTAssertEqual(String(decoding: h.raw(["SET", "k", "v"] + args), as: UTF8.self), syntax, "\(args)")
        }
        XCTAssertFalse(exists(h, "k"))
    }

    func testSetRepeatedOptionsAreAcceptedAndLastExpireWins() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("SET", "k", "v", "PXAT", "99999999999000", "PXAT", "99999999999999"), .ok)
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_999)
        XCTAssertEqual(h.rawString("SET", "k", "v", "NX", "NX"), "$-1\r\n")
        XCTAssertEqual(h.rawString("SET", "k", "w", "GET", "GET"), "$1\r\nv\r\n")
        XCTAssertEqual(h.call("SET", "k", "v", "KEEPTTL", "KEEPTTL"), .ok)
    }

    func testSetInvalidExpireTimes() throws {
        let h = try Harness()
        let invalid = "-ERR invalid expire time in 'set' command\r\n"
        XCTAssertEqual(h.rawString("SET", "k", "v", "EX", "0"), invalid)
        XCTAssertEqual(h.rawString("SET", "k", "v", "PX", "-1"), invalid)
        XCTAssertEqual(h.rawString("SET", "k", "v", "EXAT", "0"), invalid)
        // Seconds that overflow once turned into ms, or once added to the clock.
        XCTAssertEqual(h.rawString("SET", "k", "v", "EX", "9223372036854775"), invalid)
        XCTAssertEqual(h.rawString("SET", "k", "v", "EX", "9223372036854774"), invalid)
        XCTAssertEqual(h.rawString("SET", "k", "v", "PX", "9223372036854775807"), invalid)
        XCTAssertEqual(h.rawString("SET", "k", "v", "EX", "1.5"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertFalse(exists(h, "k"))
    }

    func testSetExpireErrorWinsOverGet() throws {
        let h = try Harness()
        h.call("SET", "k", "old")
        XCTAssertEqual(h.rawString("SET", "k", "v", "GET", "EX", "0"), "-ERR invalid expire time in 'set' command\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulk("old"))
    }

    func testSetOverExpiredKeyCountsItAsExpired() throws {
        let h = try Harness()
        h.call("SET", "k", "v", "PX", "100")
        h.advanceClock(ms: 200)
        let expired = h.server.keyspace.expiredKeys
        XCTAssertEqual(h.call("SET", "k", "w"), .ok)
        XCTAssertEqual(h.server.keyspace.expiredKeys, expired + 1)
        XCTAssertNil(expireTime(h, "k"))
    }

    func testSetNXTreatsExpiredKeyAsMissing() throws {
        let h = try Harness()
        h.call("SET", "k", "v", "EX", "1")
        XCTAssertEqual(h.rawString("SET", "k", "w", "NX"), "$-1\r\n")
        h.advanceClock(ms: 1001)
        XCTAssertEqual(h.call("SET", "k", "w", "NX"), .ok)
        XCTAssertEqual(h.call("GET", "k"), .bulk("w"))
        XCTAssertNil(expireTime(h, "k"))
    }

    // MARK: SETNX / SETEX / PSETEX / GETSET / GETDEL

    func testSetnxRepliesOneOrZero() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SETNX", "k", "1"), ":1\r\n")
        XCTAssertEqual(h.rawString("SETNX", "k", "2"), ":0\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulk("1"))
    }

    func testSetexAndPsetexStoreWithTTL() throws {
        let h = try Harness()
        let before = now
        XCTAssertEqual(h.call("SETEX", "a", "100", "v"), .ok)
        XCTAssertEqual(h.call("PSETEX", "b", "2500", "w"), .ok)
        let after = now
        XCTAssert((before + 100_000...after + 100_000).contains(try XCTUnwrap(expireTime(h, "a"))))
        XCTAssert((before + 2500...after + 2500).contains(try XCTUnwrap(expireTime(h, "b"))))
        XCTAssertEqual(h.call("GET", "b"), .bulk("w"))
        h.advanceClock(ms: 2600)
        XCTAssertEqual(h.rawString("GET", "b"), "$-1\r\n")
        XCTAssertEqual(h.call("GET", "a"), .bulk("v"))
    }

    func testSetexErrorsNameTheCommand() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SETEX", "k", "0", "v"), "-ERR invalid expire time in 'setex' command\r\n")
        XCTAssertEqual(h.rawString("PSETEX", "k", "-5", "v"), "-ERR invalid expire time in 'psetex' command\r\n")
        XCTAssertEqual(h.rawString("SETEX", "k", "a", "v"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("SETEX", "k", "9223372036854775", "v"), "-ERR invalid expire time in 'setex' command\r\n")
        XCTAssertFalse(exists(h, "k"))
    }

    func testGetsetReturnsOldValueAndClearsTTL() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("GETSET", "k", "1"), "$-1\r\n")
        h.client.db.setExpire(Key("k"), at: 99_999_999_999_000)
        XCTAssertEqual(h.rawString("GETSET", "k", "2"), "$1\r\n1\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulk("2"))
        XCTAssertNil(expireTime(h, "k"))
        XCTAssertEqual(encoding(h, "k"), .int)
    }

    func testGetdelReturnsValueAndDeletesKey() throws {
        let h = try Harness()
        h.call("SET", "k", "v", "EX", "100")
        XCTAssertEqual(h.rawString("GETDEL", "k"), "$1\r\nv\r\n")
        XCTAssertFalse(exists(h, "k"))
        XCTAssertNil(expireTime(h, "k"))
        XCTAssertEqual(h.rawString("GETDEL", "k"), "$-1\r\n")
    }

    func testGetdelOnExpiredKeyIsNull() throws {
        let h = try Harness()
        h.call("SET", "k", "v", "PX", "10")
        h.advanceClock(ms: 20)
        XCTAssertEqual(h.rawString("GETDEL", "k"), "$-1\r\n")
    }

    // MARK: GETEX

    func testGetexWithoutOptionsIsGet() throws {
        let h = try Harness()
        h.call("SET", "k", "v", "PXAT", "99999999999123")
        XCTAssertEqual(h.rawString("GETEX", "k"), "$1\r\nv\r\n")
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_123)
    }

    func testGetexSetsExpiry() throws {
        let h = try Harness()
        // Commands of one batch share the previous command's end time (as in
        // Redis's pipelines), so "before" is read ahead of the SET.
        let before = now
        h.call("SET", "k", "v")
        XCTAssertEqual(h.rawString("GETEX", "k", "EX", "100"), "$1\r\nv\r\n")
        XCTAssert((before + 100_000...now + 100_000).contains(try XCTUnwrap(expireTime(h, "k"))))
        XCTAssertEqual(h.rawString("GETEX", "k", "PX", "5000"), "$1\r\nv\r\n")
        XCTAssert((before + 5000...now + 5000).contains(try XCTUnwrap(expireTime(h, "k"))))
        XCTAssertEqual(h.rawString("GETEX", "k", "EXAT", "99999999999"), "$1\r\nv\r\n")
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_000)
        XCTAssertEqual(h.rawString("GETEX", "k", "PXAT", "99999999999001"), "$1\r\nv\r\n")
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_001)
    }

    func testGetexPersistRemovesExpiry() throws {
        let h = try Harness()
        h.call("SET", "k", "v", "EX", "100")
        let dirty = h.server.dirty
        XCTAssertEqual(h.rawString("GETEX", "k", "PERSIST"), "$1\r\nv\r\n")
        XCTAssertNil(expireTime(h, "k"))
        XCTAssertEqual(h.server.dirty, dirty + 1)
        // Nothing to remove the second time: no change counted.
        XCTAssertEqual(h.rawString("GETEX", "k", "persist"), "$1\r\nv\r\n")
        XCTAssertEqual(h.server.dirty, dirty + 1)
    }

    func testGetexPastAbsoluteTimeDeletesKeyAfterReplying() throws {
        let h = try Harness()
        h.call("SET", "k", "v")
        let expired = h.server.keyspace.expiredKeys
        XCTAssertEqual(h.rawString("GETEX", "k", "EXAT", "1"), "$1\r\nv\r\n")
        XCTAssertFalse(exists(h, "k"))
        XCTAssertEqual(h.server.keyspace.expiredKeys, expired, "a deletion, not an expiry")
    }

    func testGetexOnReplicaKeepsKeyWithPastAbsoluteTime() throws {
        let h = try Harness()
        h.call("SET", "k", "v")
        h.server.keyspace.isMaster = false
        XCTAssertEqual(h.rawString("GETEX", "k", "PXAT", "1"), "$1\r\nv\r\n")
        h.server.keyspace.isMaster = true
        XCTAssertEqual(expireTime(h, "k"), 1)
    }

    func testGetexOptionErrors() throws {
        let h = try Harness()
        h.call("SET", "k", "v")
        let syntax = "-ERR syntax error\r\n"
        XCTAssertEqual(h.rawString("GETEX", "k", "NX"), syntax)
        XCTAssertEqual(h.rawString("GETEX", "k", "KEEPTTL"), syntax)
        XCTAssertEqual(h.rawString("GETEX", "k", "GET"), syntax)
        XCTAssertEqual(h.rawString("GETEX", "k", "PERSIST", "EX", "10"), syntax)
        XCTAssertEqual(h.rawString("GETEX", "k", "EX", "10", "PERSIST"), syntax)
        XCTAssertEqual(h.rawString("GETEX", "k", "EX"), syntax)
        XCTAssertEqual(h.rawString("GETEX", "missing", "NX"), syntax)
        XCTAssertEqual(h.rawString("GETEX", "k", "EX", "0"), "-ERR invalid expire time in 'getex' command\r\n")
        XCTAssertEqual(h.rawString("GETEX", "k", "EX", "abc"), "-ERR value is not an integer or out of range\r\n")
        // The key is looked up before the time is parsed.
        XCTAssertEqual(h.rawString("GETEX", "missing", "EX", "abc"), "$-1\r\n")
        XCTAssertNil(expireTime(h, "k"))
    }

    // MARK: MGET / MSET / MSETNX

    func testMgetRepliesPerKey() throws {
        let h = try Harness()
        h.call("SET", "a", "1")
        h.call("SET", "c", "3")
        XCTAssertEqual(h.rawString("MGET", "a", "b", "c"), "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n3\r\n")
    }

    func testMsetSetsEveryPairAndDropsTTLs() throws {
        let h = try Harness()
        h.call("SET", "a", "old", "EX", "100")
        XCTAssertEqual(h.call("MSET", "a", "1", "b", "2", "a", "3"), .ok)
        XCTAssertEqual(h.call("MGET", "a", "b"), .array([.bulk("3"), .bulk("2")]))
        XCTAssertNil(expireTime(h, "a"))
        XCTAssertEqual(encoding(h, "b"), .int)
    }

    func testMsetRejectsOddArgumentCount() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("MSET", "a"), "-ERR wrong number of arguments for 'mset' command\r\n")
        XCTAssertEqual(h.rawString("MSET", "a", "1", "b"), "-ERR wrong number of arguments for 'mset' command\r\n")
        XCTAssertEqual(h.rawString("MSETNX", "a", "1", "b"), "-ERR wrong number of arguments for 'msetnx' command\r\n")
        XCTAssertFalse(exists(h, "a"))
    }

    func testMsetnxIsAllOrNothing() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("MSETNX", "x", "1", "y", "2"), ":1\r\n")
        XCTAssertEqual(h.rawString("MSETNX", "x", "9", "z", "9"), ":0\r\n")
        XCTAssertFalse(exists(h, "z"))
        XCTAssertEqual(h.call("GET", "x"), .bulk("1"))
    }

    func testMsetnxIgnoresExpiredKeys() throws {
        let h = try Harness()
        h.call("SET", "x", "1", "PX", "10")
        h.advanceClock(ms: 11)
        XCTAssertEqual(h.rawString("MSETNX", "x", "2"), ":1\r\n")
        XCTAssertNil(expireTime(h, "x"))
    }

    // MARK: APPEND / STRLEN / GETRANGE / SETRANGE

    func testAppendCreatesKeyWithTheArgumentsEncoding() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("APPEND", "n", "123"), ":3\r\n")
        XCTAssertEqual(encoding(h, "n"), .int)
        XCTAssertEqual(h.rawString("APPEND", "s", "abc"), ":3\r\n")
        XCTAssertEqual(encoding(h, "s"), .embstr)
    }

    func testAppendExtendsAndMakesRaw() throws {
        let h = try Harness()
        h.call("SET", "k", "123", "EX", "100")
        XCTAssertEqual(h.rawString("APPEND", "k", "4"), ":4\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulk("1234"))
        XCTAssertEqual(encoding(h, "k"), .raw)
        XCTAssertNotNil(expireTime(h, "k"), "APPEND keeps the TTL")
        h.call("SET", "e", "abc")
        XCTAssertEqual(h.rawString("APPEND", "e", ""), ":3\r\n")
        XCTAssertEqual(encoding(h, "e"), .raw)
    }

    func testAppendRefusesToGrowPastProtoMaxBulkLen() throws {
        let h = try Harness()
        h.server.config.protoMaxBulkLen = 8
        h.call("SET", "k", "12345")
        XCTAssertEqual(h.rawString("APPEND", "k", "678"), ":8\r\n")
        XCTAssertEqual(h.rawString("APPEND", "k", "9"),
                       "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulk("12345678"))
    }

    func testStrlenCountsBytes() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("STRLEN", "k"), ":0\r\n")
        h.call("SET", "k", "héllo")
        XCTAssertEqual(h.rawString("STRLEN", "k"), ":6\r\n")
        h.call("SET", "n", "-123")
        XCTAssertEqual(h.rawString("STRLEN", "n"), ":4\r\n")
    }

    func testGetrangeIndexRules() throws {
        let h = try Harness()
        h.call("SET", "k", "Hello World")
        XCTAssertEqual(h.call("GETRANGE", "k", "0", "4"), .bulk("Hello"))
        XCTAssertEqual(h.call("GETRANGE", "k", "-5", "-1"), .bulk("World"))
        XCTAssertEqual(h.call("GETRANGE", "k", "-100", "100"), .bulk("Hello World"))
        XCTAssertEqual(h.rawString("GETRANGE", "k", "5", "3"), "$0\r\n\r\n")
        XCTAssertEqual(h.rawString("GETRANGE", "k", "-1", "-5"), "$0\r\n\r\n")
        XCTAssertEqual(h.call("GETRANGE", "k", "0", "-9223372036854775808"), .bulk("H"))
        XCTAssertEqual(h.call("GETRANGE", "k", "-9223372036854775808", "-1"), .bulk("Hello World"))
        XCTAssertEqual(h.rawString("GETRANGE", "missing", "0", "-1"), "$0\r\n\r\n")
        h.call("SET", "empty", "")
        XCTAssertEqual(h.rawString("GETRANGE", "empty", "0", "-1"), "$0\r\n\r\n")
        h.call("SET", "n", "12345")
        XCTAssertEqual(h.call("GETRANGE", "n", "1", "2"), .bulk("23"))
    }

    func testGetrangeParsesIndexesBeforeLookingUp() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("GETRANGE", "missing", "a", "1"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("GETRANGE", "missing", "0", "1.0"), "-ERR value is not an integer or out of range\r\n")
    }

    func testSubstrIsGetrange() throws {
        let h = try Harness()
        h.call("SET", "k", "Hello")
        XCTAssertEqual(h.call("SUBSTR", "k", "1", "-2"), .bulk("ell"))
    }

    func testSetrangePadsWithZerosAndMakesRaw() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SETRANGE", "k", "5", "x"), ":6\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulkString([0, 0, 0, 0, 0, UInt8(ascii: "x")]))
        XCTAssertEqual(encoding(h, "k"), .raw)
        h.call("SET", "n", "12345", "EX", "100")
        XCTAssertEqual(h.rawString("SETRANGE", "n", "1", "ab"), ":5\r\n")
        XCTAssertEqual(h.call("GET", "n"), .bulk("1ab45"))
        XCTAssertEqual(encoding(h, "n"), .raw)
        XCTAssertNotNil(expireTime(h, "n"))
    }

    func testSetrangeWithEmptyValueChangesNothing() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SETRANGE", "missing", "3", ""), ":0\r\n")
        XCTAssertFalse(exists(h, "missing"))
        h.call("SET", "k", "abc")
        let dirty = h.server.dirty
        XCTAssertEqual(h.rawString("SETRANGE", "k", "100", ""), ":3\r\n")
        XCTAssertEqual(encoding(h, "k"), .embstr)
        XCTAssertEqual(h.server.dirty, dirty)
        // The size limit is not checked when nothing is written.
        XCTAssertEqual(h.rawString("SETRANGE", "missing", "536870912", ""), ":0\r\n")
    }

    func testSetrangeErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SETRANGE", "k", "-1", "x"), "-ERR offset is out of range\r\n")
        XCTAssertEqual(h.rawString("SETRANGE", "k", "x", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("SETRANGE", "k", "536870912", "x"),
                       "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n")
        XCTAssertEqual(h.rawString("SETRANGE", "k", "9223372036854775807", "x"),
                       "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n")
        XCTAssertFalse(exists(h, "k"))
    }

    // MARK: INCR family

    func testIncrDecrStartFromZero() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("INCR", "a"), ":1\r\n")
        XCTAssertEqual(h.rawString("DECR", "b"), ":-1\r\n")
        XCTAssertEqual(h.rawString("INCRBY", "c", "-5"), ":-5\r\n")
        XCTAssertEqual(h.rawString("DECRBY", "d", "-5"), ":5\r\n")
        XCTAssertEqual(encoding(h, "a"), .int)
    }

    func testIncrRewritesValueAsIntegerKeepingTTL() throws {
        let h = try Harness()
        h.call("SET", "k", "10", "PXAT", "99999999999123")
        XCTAssertEqual(h.rawString("INCRBY", "k", "90"), ":100\r\n")
        XCTAssertEqual(h.rawString("DECR", "k"), ":99\r\n")
        XCTAssertEqual(h.call("GET", "k"), .bulk("99"))
        XCTAssertEqual(encoding(h, "k"), .int)
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_123)
        h.call("APPEND", "k", "1")
        XCTAssertEqual(encoding(h, "k"), .raw)
        XCTAssertEqual(h.rawString("INCR", "k"), ":992\r\n")
        XCTAssertEqual(encoding(h, "k"), .int)
    }

    func testIncrOnExpiredKeyStartsOver() throws {
        let h = try Harness()
        h.call("SET", "k", "41", "PX", "50")
        h.advanceClock(ms: 60)
        XCTAssertEqual(h.rawString("INCR", "k"), ":1\r\n")
        XCTAssertNil(expireTime(h, "k"))
    }

    func testIncrRejectsNonIntegers() throws {
        let h = try Harness()
        let notInt = "-ERR value is not an integer or out of range\r\n"
        for v in ["abc", " 1", "1 ", "01", "+1", "1.0", "", "12345678901234567890123"] {
            h.call("SET", "k", v)
            XCTAssertEqual(h.rawString("INCR", "k"), notInt, v)
        }
        XCTAssertEqual(h.rawString("INCRBY", "k", "x"), notInt)
        XCTAssertEqual(h.rawString("INCRBY", "k", "9223372036854775808"), notInt)
        XCTAssertEqual(h.rawString("DECRBY", "missing", "1.5"), notInt)
        XCTAssertFalse(exists(h, "missing"))
    }

    func testIncrOverflowIsRefused() throws {
        let h = try Harness()
        h.call("SET", "max", "9223372036854775807")
        h.call("SET", "min", "-9223372036854775808")
        let overflow = "-ERR increment or decrement would overflow\r\n"
        XCTAssertEqual(h.rawString("INCR", "max"), overflow)
        XCTAssertEqual(h.rawString("DECR", "min"), overflow)
        XCTAssertEqual(h.rawString("INCRBY", "min", "-1"), overflow)
        XCTAssertEqual(h.rawString("DECRBY", "max", "1"), ":9223372036854775806\r\n")
        XCTAssertEqual(h.rawString("DECRBY", "k", "-9223372036854775808"), "-ERR decrement would overflow\r\n")
        XCTAssertEqual(h.rawString("INCRBY", "k", "-9223372036854775808"), ":-9223372036854775808\r\n")
    }

    func testIncrbyfloatFormatsLikeLongDouble() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("INCRBYFLOAT", "k", "10.5"), .bulk("10.5"))
        XCTAssertEqual(h.call("INCRBYFLOAT", "k", "0.1"), .bulk("10.6"))
        XCTAssertEqual(h.call("INCRBYFLOAT", "k", "-10.6"), .bulk("0"))
        XCTAssertEqual(h.call("INCRBYFLOAT", "a", "3.0e3"), .bulk("3000"))
        XCTAssertEqual(h.call("INCRBYFLOAT", "b", "-0.0"), .bulk("0"))
        XCTAssertEqual(h.call("INCRBYFLOAT", "c", "0x10"), .bulk("16"))
        XCTAssertEqual(h.call("INCRBYFLOAT", "d", "0.0000000000000000001"), .bulk("0"))
        XCTAssertEqual(h.call("INCRBYFLOAT", "e", "-7.25"), .bulk("-7.25"))
        XCTAssertEqual(h.call("INCRBYFLOAT", "f", "1e308"), .bulk(
            "99999999999999999996685879655845645660560099847415567207797047994921734868838061872100126921888539320446747225054013223152134749593960583597420814430196418767959100019603190778663109604507106667939153395788938914560543563061268364901618630217086589253444881623791300855757318142424510452728255046343928578048"))
        h.call("SET", "i", "5")
        XCTAssertEqual(h.call("INCRBYFLOAT", "i", "1.5"), .bulk("6.5"))
    }

    func testIncrbyfloatStoresPlainStringKeepingTTL() throws {
        let h = try Harness()
        h.call("SET", "k", "10", "PXAT", "99999999999123")
        XCTAssertEqual(h.call("INCRBYFLOAT", "k", "1"), .bulk("11"))
        XCTAssertEqual(encoding(h, "k"), .embstr, "createStringObject, not tryObjectEncoding")
        XCTAssertEqual(expireTime(h, "k"), 99_999_999_999_123)
        h.call("INCRBYFLOAT", "big", "1e50")
        XCTAssertEqual(encoding(h, "big"), .raw)
    }

    func testIncrbyfloatRejectsInvalidFloatsAndInfinity() throws {
        let h = try Harness()
        let notFloat = "-ERR value is not a valid float\r\n"
        for v in ["nan", "abc", " 1", "1 ", "", "1e5000"] {
            XCTAssertEqual(h.rawString("INCRBYFLOAT", "k", v), notFloat, v)
        }
        XCTAssertEqual(h.rawString("INCRBYFLOAT", "k", "inf"), "-ERR increment would produce NaN or Infinity\r\n")
        XCTAssertEqual(h.rawString("INCRBYFLOAT", "k", "-inf"), "-ERR increment would produce NaN or Infinity\r\n")
        h.call("SET", "big", "1e4932")
        XCTAssertEqual(h.rawString("INCRBYFLOAT", "big", "1e4932"), "-ERR increment would produce NaN or Infinity\r\n")
        h.call("SET", "s", "abc")
        XCTAssertEqual(h.rawString("INCRBYFLOAT", "s", "1"), notFloat)
        XCTAssertFalse(exists(h, "k"))
    }

    // MARK: LCS

    func testLcsReturnsSubsequenceOrLength() throws {
        let h = try Harness()
        h.call("MSET", "a", "ohmytext", "b", "mynewtext")
        XCTAssertEqual(h.call("LCS", "a", "b"), .bulk("mytext"))
        XCTAssertEqual(h.rawString("LCS", "a", "b", "LEN"), ":6\r\n")
        XCTAssertEqual(h.rawString("LCS", "a", "missing"), "$0\r\n\r\n")
        XCTAssertEqual(h.rawString("LCS", "missing", "other", "len"), ":0\r\n")
    }

    func testLcsIdxListsMatchesFromTheEnd() throws {
        let h = try Harness()
        h.call("MSET", "a", "ohmytext", "b", "mynewtext")
        XCTAssertEqual(h.rawString("LCS", "a", "b", "IDX"),
                       "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n")
        XCTAssertEqual(h.rawString("LCS", "a", "b", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"),
                       "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n")
        XCTAssertEqual(h.rawString("LCS", "a", "b", "IDX", "MINMATCHLEN", "-3", "WITHMATCHLEN"),
                       "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n")
    }

    func testLcsIdxIsAMapInResp3() throws {
        let h = try Harness()
        h.client.proto = 3
        h.call("SET", "a", "abc")
        XCTAssertEqual(h.rawString("LCS", "a", "missing", "IDX"), "%2\r\n$7\r\nmatches\r\n*0\r\n$3\r\nlen\r\n:0\r\n")
    }

    func testLcsOptionErrors() throws {
        let h = try Harness()
        h.call("MSET", "a", "x", "b", "y")
        XCTAssertEqual(h.rawString("LCS", "a", "b", "IDX", "LEN"),
                       "-ERR If you want both the length and indexes, please just use IDX.\r\n")
        XCTAssertEqual(h.rawString("LCS", "a", "b", "foo"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("LCS", "a", "b", "MINMATCHLEN"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("LCS", "a", "b", "MINMATCHLEN", "x"), "-ERR value is not an integer or out of range\r\n")
    }

    func testLcsTableIsBoundedByProtoMaxBulkLen() throws {
        let h = try Harness()
        h.server.config.protoMaxBulkLen = 2000
        // (20 + 1) * (20 + 1) cells of 4 bytes fit; (30 + 1) * (20 + 1) do not.
        h.call("MSET", "a", String(repeating: "x", count: 20), "b", String(repeating: "x", count: 20))
        XCTAssertEqual(h.rawString("LCS", "a", "b", "LEN"), ":20\r\n")
        h.call("SET", "c", String(repeating: "x", count: 30))
        XCTAssertEqual(h.rawString("LCS", "c", "b"),
                       "-ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len\r\n")
    }

    /// APPEND and SETRANGE rewrite a long value's buffer rather than copying it
    /// (a copy per APPEND would make appending loops quadratic); a counter has
    /// no buffer at all, its digits live in the value.
    func testMutationsRewriteTheStoredBufferInPlace() throws {
        let h = try Harness()
        func address(_ key: String) -> UInt {
            guard case .string(let s)? = h.client.db.dict[Key(key)] else { return 0 }
            return s.withUnsafeBytes { UInt(bitPattern: $0.baseAddress) }
        }
        h.call("INCR", "n")
        h.call("INCRBY", "n", "41")
        guard case .string(let counter)? = h.client.db.dict[Key("n")], case .inline = counter.storage else {
            return XCTFail("a counter should be held inline")
        }
        h.call("SET", "s", String(repeating: "x", count: 100))
        h.call("APPEND", "s", "y")
        let s = address("s")
        h.call("APPEND", "s", "z")
        h.call("SETRANGE", "s", "0", "abc")
        XCTAssertEqual(address("s"), s)
    }

    // MARK: bookkeeping

    func testWritesCountDirtyLikeRedis() throws {
        let h = try Harness()
        func delta(_ args: String...) -> Int {
            let before = h.server.dirty
            _ = h.raw(args)
            return h.server.dirty - before
        }
        XCTAssertEqual(delta("SET", "a", "1"), 1)
        XCTAssertEqual(delta("SET", "a", "1", "NX"), 0)
        XCTAssertEqual(delta("MSET", "a", "1", "b", "2", "c", "3"), 3)
        XCTAssertEqual(delta("MSETNX", "a", "1", "z", "2"), 0)
        XCTAssertEqual(delta("INCR", "a"), 1)
        XCTAssertEqual(delta("INCR", "z"), 1)
        XCTAssertEqual(delta("APPEND", "a", "x"), 1)
        XCTAssertEqual(delta("INCR", "a"), 0)
        XCTAssertEqual(delta("GET", "a"), 0)
        XCTAssertEqual(delta("GETDEL", "a"), 1)
        XCTAssertEqual(delta("GETDEL", "a"), 0)
        XCTAssertEqual(delta("GETSET", "a", "1"), 1)
        XCTAssertEqual(delta("GETEX", "a", "EX", "10"), 1)
        XCTAssertEqual(delta("GETEX", "a"), 0)
        XCTAssertEqual(delta("SETRANGE", "a", "0", "x"), 1)
        XCTAssertEqual(delta("INCRBYFLOAT", "f", "1"), 1)
        XCTAssertEqual(delta("LCS", "a", "f"), 0)
    }

    func testWritesTouchWatchedKeys() throws {
        let h = try Harness()
        let watcher = h.newClient()
        for cmd in [["SET", "k", "v"], ["APPEND", "k", "x"], ["SETRANGE", "k", "0", "y"], ["INCR", "n"], ["INCRBYFLOAT", "f", "1"],
                    ["MSET", "k", "1"], ["GETSET", "k", "2"], ["GETEX", "k", "EX", "100"], ["GETEX", "k", "PERSIST"], ["GETDEL", "k"]] {
            h.server.watch(watcher, key: Key(cmd[1]))
            watcher.flags.remove(.dirtyCAS)
            _ = h.raw(cmd)
            XCTAssertTrue(watcher.flags.contains(.dirtyCAS), "\(cmd)")
            h.server.unwatchAll(watcher)
        }
    }

    func testReadsAndNoOpsLeaveWatchedKeysAlone() throws {
        let h = try Harness()
        let watcher = h.newClient()
        h.call("SET", "k", "v")
        h.server.watch(watcher, key: Key("k"))
        for cmd in [["GET", "k"], ["STRLEN", "k"], ["GETRANGE", "k", "0", "1"], ["SET", "k", "x", "NX"], ["GETEX", "k"],
                    ["GETEX", "k", "PERSIST"], ["SETRANGE", "k", "3", ""], ["INCR", "k"], ["LCS", "k", "k"]] {
            _ = h.raw(cmd)
            XCTAssertFalse(watcher.flags.contains(.dirtyCAS), "\(cmd)")
        }
    }

    func testReadsCountKeyspaceHitsAndMisses() throws {
        let h = try Harness()
        h.call("SET", "k", "v")
        let hits = h.server.keyspace.keyspaceHits, misses = h.server.keyspace.keyspaceMisses
        h.call("GET", "k")
        h.call("MGET", "k", "nope")
        h.call("SET", "k", "w", "GET")
        XCTAssertEqual(h.server.keyspace.keyspaceHits, hits + 3)
        XCTAssertEqual(h.server.keyspace.keyspaceMisses, misses + 1)
    }
}
