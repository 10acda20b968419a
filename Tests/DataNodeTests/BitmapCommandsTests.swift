import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

final class BitmapCommandsTests: XCTestCase {
    private func bytes(_ h: Harness, _ key: String) -> [UInt8]? {
        guard case .string(let s)? = h.client.db.dict[Key(key)] else { return nil }
        return s.bytes
    }

    private func encoding(_ h: Harness, _ key: String) -> StringEncoding? {
        guard case .string(let s)? = h.client.db.dict[Key(key)] else { return nil }
        return s.encoding
    }

    private func set(_ h: Harness, _ key: String, _ value: [UInt8]) {
        XCTAssertEqual(h.call(bytes: [Array("SET".utf8), Array(key.utf8), value]), .ok)
    }

    // MARK: SETBIT / GETBIT

    func testSetbitGrowsStringAndRepliesOldBit() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SETBIT", "k", "7", "1"), ":0\r\n")
        XCTAssertEqual(bytes(h, "k"), [0x01])
        XCTAssertEqual(h.rawString("SETBIT", "k", "17", "1"), ":0\r\n")
        XCTAssertEqual(bytes(h, "k"), [0x01, 0x00, 0x40])
        XCTAssertEqual(h.rawString("SETBIT", "k", "7", "0"), ":1\r\n")
        XCTAssertEqual(bytes(h, "k"), [0x00, 0x00, 0x40])
        XCTAssertEqual(encoding(h, "k"), .raw)
    }

    func testSetbitKeepsTTLAndMakesRaw() throws {
        let h = try Harness()
        h.call("SET", "k", "12", "PXAT", "99999999999123")
        // '1' is 0x31; setting bit 6 makes it 0x33, '3'.
        XCTAssertEqual(h.rawString("SETBIT", "k", "6", "1"), ":0\r\n")
        XCTAssertEqual(bytes(h, "k"), Array("32".utf8))
        XCTAssertEqual(encoding(h, "k"), .raw)
        XCTAssertEqual(h.client.db.expireTime(Key("k")), 99_999_999_999_123)
    }

    func testSetbitWithUnchangedBitIsNotAModification() throws {
        let h = try Harness()
        h.call("SET", "k", "12")
        let watcher = h.newClient()
        h.server.watch(watcher, key: Key("k"))
        let dirty = h.server.dirty
        // '1' is 0x31: bit 2 is already 1.
        XCTAssertEqual(h.rawString("SETBIT", "k", "2", "1"), ":1\r\n")
        XCTAssertEqual(h.server.dirty, dirty)
        XCTAssertFalse(watcher.flags.contains(.dirtyCAS))
        XCTAssertEqual(encoding(h, "k"), .raw, "Redis still unshares the value")
        XCTAssertEqual(h.rawString("SETBIT", "k", "2", "0"), ":1\r\n")
        XCTAssertEqual(h.server.dirty, dirty + 1)
        XCTAssertTrue(watcher.flags.contains(.dirtyCAS))
    }

    func testSetbitArgumentErrors() throws {
        let h = try Harness()
        let offsetErr = "-ERR bit offset is not an integer or out of range\r\n"
        let bitErr = "-ERR bit is not an integer or out of range\r\n"
        XCTAssertEqual(h.rawString("SETBIT", "k", "-1", "1"), offsetErr)
        XCTAssertEqual(h.rawString("SETBIT", "k", "x", "1"), offsetErr)
        XCTAssertEqual(h.rawString("SETBIT", "k", "4294967296", "1"), offsetErr)
        XCTAssertEqual(h.rawString("SETBIT", "k", "1", "2"), bitErr)
        XCTAssertEqual(h.rawString("SETBIT", "k", "1", "-1"), bitErr)
        XCTAssertEqual(h.rawString("SETBIT", "k", "1", "x"), bitErr)
        XCTAssertNil(bytes(h, "k"))
    }

    func testSetbitOffsetLimitFollowsProtoMaxBulkLen() throws {
        let h = try Harness()
        h.server.config.protoMaxBulkLen = 4
        XCTAssertEqual(h.rawString("SETBIT", "k", "31", "1"), ":0\r\n")
        XCTAssertEqual(h.rawString("SETBIT", "k", "32", "1"), "-ERR bit offset is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("GETBIT", "k", "32"), "-ERR bit offset is not an integer or out of range\r\n")
    }

    func testGetbitReadsBitsAndZerosBeyondTheEnd() throws {
        let h = try Harness()
        h.call("SET", "n", "12")
        XCTAssertEqual(h.rawString("GETBIT", "n", "2"), ":1\r\n")
        XCTAssertEqual(h.rawString("GETBIT", "n", "0"), ":0\r\n")
        XCTAssertEqual(h.rawString("GETBIT", "n", "1000"), ":0\r\n")
        XCTAssertEqual(h.rawString("GETBIT", "missing", "1"), ":0\r\n")
        XCTAssertEqual(h.rawString("GETBIT", "n", "x"), "-ERR bit offset is not an integer or out of range\r\n")
        XCTAssertEqual(encoding(h, "n"), .int, "reads leave the encoding alone")
    }

    // MARK: BITCOUNT

    func testBitcountWholeStringAndByteRanges() throws {
        let h = try Harness()
        h.call("SET", "k", "foobar")
        XCTAssertEqual(h.rawString("BITCOUNT", "k"), ":26\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "0", "0"), ":4\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "1", "1", "BYTE"), ":6\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "-2", "-1"), ":7\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "-1", "-5"), ":0\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "4", "2"), ":0\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "-100", "100"), ":26\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "missing"), ":0\r\n")
        set(h, "long", [UInt8](repeating: 0xFF, count: 37))
        XCTAssertEqual(h.rawString("BITCOUNT", "long"), ":296\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "long", "3", "20"), ":144\r\n")
    }

    func testBitcountBitRanges() throws {
        let h = try Harness()
        h.call("SET", "k", "foobar")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "5", "30", "BIT"), ":17\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "0", "-1", "bit"), ":26\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "1", "1", "BIT"), ":1\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "0", "0", "BIT"), ":0\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "-9223372036854775808", "9223372036854775807", "BIT"), ":26\r\n")
    }

    func testBitcountSyntaxErrorsNeedAnExistingKey() throws {
        let h = try Harness()
        // Redis 7.0 answers 0 for a missing key before looking at the range.
        XCTAssertEqual(h.rawString("BITCOUNT", "missing", "a", "b"), ":0\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "missing", "0"), ":0\r\n")
        h.call("SET", "k", "x")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "0"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "a", "b"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "0", "1", "bits"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITCOUNT", "k", "0", "1", "bit", "x"), "-ERR syntax error\r\n")
    }

    // MARK: BITPOS

    func testBitposFindsFirstSetOrClearBit() throws {
        let h = try Harness()
        set(h, "k", [0xFF, 0xF0, 0x00])
        XCTAssertEqual(h.rawString("BITPOS", "k", "0"), ":12\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1"), ":0\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "2"), ":-1\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "0", "-1"), ":16\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "missing", "0"), ":0\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "missing", "1"), ":-1\r\n")
        set(h, "zeros", [UInt8](repeating: 0, count: 40) + [0x01])
        XCTAssertEqual(h.rawString("BITPOS", "zeros", "1"), ":327\r\n")
        h.call("SET", "empty", "")
        XCTAssertEqual(h.rawString("BITPOS", "empty", "0"), ":-1\r\n")
    }

    func testBitposPastTheEndOfOnesDependsOnExplicitEnd() throws {
        let h = try Harness()
        set(h, "k", [0xFF, 0xFF])
        // Without an end the string counts as zero-padded on the right.
        XCTAssertEqual(h.rawString("BITPOS", "k", "0"), ":16\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "0", "0"), ":16\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "0", "0", "-1"), ":-1\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "0", "0", "15", "BIT"), ":-1\r\n")
    }

    func testBitposBitRanges() throws {
        let h = try Harness()
        set(h, "k", [0x00, 0xFF, 0x00])
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "2", "-1", "BIT"), ":8\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "0", "8", "15", "bit"), ":-1\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "7", "17", "BIT"), ":8\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "0", "9", "30", "BIT"), ":16\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "17", "23", "BIT"), ":-1\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "0", "3", "5", "BIT"), ":3\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "10", "12", "BYTE"), ":-1\r\n")
    }

    func testBitposErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("BITPOS", "k", "2"), "-ERR The bit argument must be 1 or 0.\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "x"), "-ERR value is not an integer or out of range\r\n")
        // A missing key answers before the range is parsed.
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "a", "b", "c", "d"), ":-1\r\n")
        h.call("SET", "k", "x")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "a"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "0", "a"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "0", "1", "foo"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITPOS", "k", "1", "0", "1", "bit", "x"), "-ERR syntax error\r\n")
    }

    // MARK: BITOP

    func testBitopCombinesSourcesPaddingWithZeros() throws {
        let h = try Harness()
        set(h, "a", [0xF0, 0x0F, 0xAA])
        set(h, "b", [0xFF, 0x01])
        XCTAssertEqual(h.rawString("BITOP", "AND", "d", "a", "b"), ":3\r\n")
        XCTAssertEqual(bytes(h, "d"), [0xF0, 0x01, 0x00])
        XCTAssertEqual(h.rawString("BITOP", "or", "d", "a", "b", "missing"), ":3\r\n")
        XCTAssertEqual(bytes(h, "d"), [0xFF, 0x0F, 0xAA])
        XCTAssertEqual(h.rawString("BITOP", "XOR", "d", "a", "b"), ":3\r\n")
        XCTAssertEqual(bytes(h, "d"), [0x0F, 0x0E, 0xAA])
        XCTAssertEqual(h.rawString("BITOP", "NOT", "d", "b"), ":2\r\n")
        XCTAssertEqual(bytes(h, "d"), [0x00, 0xFE])
        XCTAssertEqual(encoding(h, "d"), .raw)
    }

    func testBitopAndWithAMissingSourceIsAllZeros() throws {
        let h = try Harness()
        h.call("SET", "a", "abc")
        XCTAssertEqual(h.rawString("BITOP", "AND", "d", "a", "missing"), ":3\r\n")
        XCTAssertEqual(bytes(h, "d"), [0, 0, 0])
    }

    func testBitopEmptyResultDeletesDestination() throws {
        let h = try Harness()
        h.call("SET", "d", "x")
        h.call("SET", "e", "")
        let dirty = h.server.dirty
        XCTAssertEqual(h.rawString("BITOP", "AND", "d", "missing", "e"), ":0\r\n")
        XCTAssertNil(bytes(h, "d"))
        XCTAssertEqual(h.server.dirty, dirty + 1)
        XCTAssertEqual(h.rawString("BITOP", "NOT", "d", "missing"), ":0\r\n")
        XCTAssertEqual(h.server.dirty, dirty + 1)
    }

    func testBitopDestinationLosesItsTTL() throws {
        let h = try Harness()
        h.call("SET", "d", "x", "EX", "100")
        h.call("SET", "a", "y")
        XCTAssertEqual(h.rawString("BITOP", "OR", "d", "a"), ":1\r\n")
        XCTAssertNil(h.client.db.expireTime(Key("d")))
    }

    func testBitopErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("BITOP", "AND", "d"), "-ERR wrong number of arguments for 'bitop' command\r\n")
        XCTAssertEqual(h.rawString("BITOP", "NAND", "d", "a"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITOP", "NOT", "d", "a", "b"), "-ERR BITOP NOT must be called with a single source key.\r\n")
    }

    // MARK: BITFIELD

    func testBitfieldSetGetIncrbyReplies() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("BITFIELD", "k", "SET", "u8", "0", "200", "GET", "u8", "0", "GET", "i8", "0", "INCRBY", "u4", "4", "3"),
                       "*4\r\n:0\r\n:200\r\n:-56\r\n:11\r\n")
        XCTAssertEqual(bytes(h, "k"), [0xCB])
        XCTAssertEqual(encoding(h, "k"), .raw)
        XCTAssertEqual(h.rawString("BITFIELD", "k", "SET", "i64", "0", "-1", "GET", "u63", "0", "GET", "i64", "0", "INCRBY", "i64", "0", "1"),
                       "*4\r\n:-3819052484010180608\r\n:9223372036854775807\r\n:-1\r\n:0\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "GET", "u8", "1000"), "*1\r\n:0\r\n")
    }

    func testBitfieldHashOffsetsScaleByTypeWidth() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("BITFIELD", "k", "SET", "u8", "#1", "255", "SET", "i4", "#1", "1"), "*2\r\n:0\r\n:0\r\n")
        XCTAssertEqual(bytes(h, "k"), [0x01, 0xFF])
        XCTAssertEqual(h.rawString("BITFIELD", "k", "GET", "u8", "#1", "GET", "u16", "#0"), "*2\r\n:255\r\n:511\r\n")
    }

    func testBitfieldOverflowModes() throws {
        let h = try Harness()
        h.call("BITFIELD", "k", "SET", "u8", "0", "250")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "INCRBY", "u8", "0", "10"), "*1\r\n:4\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "u8", "0", "-10", "INCRBY", "u8", "0", "300"),
                       "*2\r\n:0\r\n:255\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1", "OVERFLOW", "WRAP", "INCRBY", "u8", "0", "1"),
                       "*2\r\n$-1\r\n:0\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "SAT", "SET", "i8", "0", "200", "SET", "u8", "0", "-1"),
                       "*2\r\n:0\r\n:127\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "GET", "u8", "0"), "*1\r\n:255\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "WRAP", "SET", "i8", "0", "200", "GET", "i8", "0"),
                       "*2\r\n:-1\r\n:-56\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "SAT", "INCRBY", "i64", "8", "9223372036854775807",
                                   "INCRBY", "i64", "8", "9223372036854775807"),
                       "*2\r\n:9223372036854775807\r\n:9223372036854775807\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "WRAP", "INCRBY", "i64", "8", "1"),
                       "*1\r\n:-9223372036854775808\r\n")
    }

    func testBitfieldFailNullIsResp3Null() throws {
        let h = try Harness()
        h.client.proto = 3
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "0", "1000"), "*1\r\n_\r\n")
    }

    func testBitfieldWritesGrowTheStringEvenWhenTheyFail() throws {
        let h = try Harness()
        let watcher = h.newClient()
        h.server.watch(watcher, key: Key("k"))
        let dirty = h.server.dirty
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "FAIL", "INCRBY", "u8", "100", "1000"), "*1\r\n$-1\r\n")
        XCTAssertEqual(bytes(h, "k"), [UInt8](repeating: 0, count: 14))
        XCTAssertEqual(h.server.dirty, dirty, "a failed op is not a change")
        h.server.unwatchAll(watcher)
        h.server.watch(watcher, key: Key("k"))
        watcher.flags.remove(.dirtyCAS)
        XCTAssertEqual(h.rawString("BITFIELD", "k", "SET", "u8", "0", "0"), "*1\r\n:0\r\n")
        XCTAssertEqual(h.server.dirty, dirty, "writing the same bits is not a change")
        XCTAssertFalse(watcher.flags.contains(.dirtyCAS))
        XCTAssertEqual(h.rawString("BITFIELD", "k", "SET", "u8", "0", "1", "INCRBY", "u8", "0", "1", "SET", "u8", "200", "0"),
                       "*3\r\n:0\r\n:2\r\n:0\r\n")
        XCTAssertEqual(h.server.dirty, dirty + 3, "each op counts once the string grew")
        XCTAssertTrue(watcher.flags.contains(.dirtyCAS))
    }

    func testBitfieldWithoutOperationsRepliesEmptyArray() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("BITFIELD", "k"), "*0\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "SAT"), "*0\r\n")
        XCTAssertNil(bytes(h, "k"))
    }

    func testBitfieldArgumentErrors() throws {
        let h = try Harness()
        let typeErr = "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"
        let offsetErr = "-ERR bit offset is not an integer or out of range\r\n"
        XCTAssertEqual(h.rawString("BITFIELD", "k", "GET"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "GET", "u8"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "SET", "u8", "0"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "FOO", "u8", "0"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITFIELD", "k", "OVERFLOW", "FOO"), "-ERR Invalid OVERFLOW type specified\r\n")
        for t in ["u64", "i65", "u0", "I8", "", "i", "x8", "u-1"] {
            XCTAssertEqual(String(decoding: h.raw(["BITFIELD", "k", "GET", t, "0"]), as: UTF8.self), typeErr, t)
        }
        for o in ["-1", "x", "#", "#x", "#-1", "", "4294967296", "#536870912", "#1152921504606846976"] {
            XCTAssertEqual(String(decoding: h.raw(["BITFIELD", "k", "GET", "u8", o]), as: UTF8.self), offsetErr, o)
        }
        XCTAssertEqual(h.rawString("BITFIELD", "k", "SET", "u8", "0", "x"), "-ERR value is not an integer or out of range\r\n")
        // Every argument is checked before any operation runs.
        XCTAssertEqual(h.rawString("BITFIELD", "k", "SET", "u8", "0", "1", "GET", "u99", "0"), typeErr)
        XCTAssertNil(bytes(h, "k"))
    }

    func testBitfieldRoAcceptsOnlyGet() throws {
        let h = try Harness()
        h.call("SET", "k", "A")
        XCTAssertEqual(h.rawString("BITFIELD_RO", "k", "GET", "u8", "0", "GET", "i4", "4"), "*2\r\n:65\r\n:1\r\n")
        XCTAssertEqual(h.rawString("BITFIELD_RO", "k", "GET", "u8", "0", "SET", "u8", "0", "1"),
                       "-ERR BITFIELD_RO only supports the GET subcommand\r\n")
        XCTAssertEqual(h.rawString("BITFIELD_RO", "k", "INCRBY", "u8", "0", "1", "GET"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("BITFIELD_RO", "missing", "GET", "u8", "0"), "*1\r\n:0\r\n")
        XCTAssertEqual(bytes(h, "k"), [0x41])
    }

    func testBitfieldOnExpiredKeyStartsFromZeros() throws {
        let h = try Harness()
        h.call("SET", "k", "\u{7F}", "PX", "10")
        h.advanceClock(ms: 11)
        XCTAssertEqual(h.rawString("BITFIELD", "k", "INCRBY", "u8", "0", "1"), "*1\r\n:1\r\n")
        XCTAssertNil(h.client.db.expireTime(Key("k")))
    }

    func testBitWritesRewriteTheStoredBufferInPlace() throws {
        let h = try Harness()
        h.call("SETBIT", "k", "800", "1")
        guard case .string(let before)? = h.client.db.dict[Key("k")] else { return XCTFail("missing") }
        let address = before.bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }
        _ = consume before
        h.call("SETBIT", "k", "3", "1")
        h.call("BITFIELD", "k", "SET", "u8", "8", "255", "INCRBY", "i16", "16", "-3")
        guard case .string(let after)? = h.client.db.dict[Key("k")] else { return XCTFail("missing") }
        XCTAssertEqual(after.bytes.withUnsafeBufferPointer { UInt(bitPattern: $0.baseAddress) }, address)
    }
}

