import TestSupport
import XCTest
@testable import DataNode

/// String commands on values around the inline limit (21 bytes) and Redis's
/// encoding limits (20-digit integers, 44-byte embstr); set algebra moving
/// inline members between packed sets.
final class InlineStringCommandsTests: XCTestCase {
    private func encoding(_ h: Harness, _ key: String) -> String {
        if case .bulkString(let b?) = h.call("OBJECT", "ENCODING", key) { return String(decoding: b, as: UTF8.self) }
        return "?"
    }

    func testObjectEncodingAtTheIntegerAndEmbstrLimits() throws {
        let h = try Harness()
        h.call("SET", "i20", "-1234567890123456789")
        h.call("SET", "s20", "12345678901234567890")
        h.call("SET", "s21", String(repeating: "x", count: 21))
        h.call("SET", "s22", String(repeating: "x", count: 22))
        h.call("SET", "s44", String(repeating: "x", count: 44))
        h.call("SET", "s45", String(repeating: "x", count: 45))
        XCTAssertEqual(encoding(h, "i20"), "int")
        XCTAssertEqual(encoding(h, "s20"), "embstr")
        XCTAssertEqual(encoding(h, "s21"), "embstr")
        XCTAssertEqual(encoding(h, "s22"), "embstr")
        XCTAssertEqual(encoding(h, "s44"), "embstr")
        XCTAssertEqual(encoding(h, "s45"), "raw")
    }

    func testAppendGrowsAnInlineValuePastTheLimit() throws {
        let h = try Harness()
        h.call("SET", "k", String(repeating: "a", count: 20))
        XCTAssertEqual(h.call("APPEND", "k", "bc"), .integer(22))
        XCTAssertEqual(h.call("GET", "k"), .bulkString(Array((String(repeating: "a", count: 20) + "bc").utf8)))
        XCTAssertEqual(encoding(h, "k"), "raw")
        XCTAssertEqual(h.call("STRLEN", "k"), .integer(22))
    }

    func testSetrangePastTheLimitPadsWithZeroBytes() throws {
        let h = try Harness()
        h.call("SET", "k", "abc")
        XCTAssertEqual(h.call("SETRANGE", "k", "23", "z"), .integer(24))
        XCTAssertEqual(h.call("GET", "k"), .bulkString(Array("abc".utf8) + Array(repeating: 0, count: 20) + Array("z".utf8)))
        XCTAssertEqual(h.call("GETRANGE", "k", "-1", "-1"), .bulkString(Array("z".utf8)))
    }

    func testIncrCarriesAnInlineCounterAcrossDigitCounts() throws {
        let h = try Harness()
        h.call("SET", "n", "9223372036854775800")
        XCTAssertEqual(h.call("INCRBY", "n", "7"), .integer(9_223_372_036_854_775_807))
        XCTAssertEqual(h.call("GET", "n"), .bulkString(Array("9223372036854775807".utf8)))
        XCTAssertEqual(h.call("DECRBY", "n", "9223372036854775807"), .integer(0))
        XCTAssertEqual(h.call("DECR", "n"), .integer(-1))
        XCTAssertEqual(h.call("GET", "n"), .bulkString(Array("-1".utf8)))
        XCTAssertEqual(encoding(h, "n"), "int")
    }

    func testKeysAroundTheInlineLimitAreDistinct() throws {
        let h = try Harness()
        let names = [22, 23, 24].map { String(repeating: "k", count: $0) }
        for (i, n) in names.enumerated() { h.call("SET", n, "\(i)") }
        for (i, n) in names.enumerated() { XCTAssertEqual(h.call("GET", n), .bulkString(Array("\(i)".utf8))) }
        XCTAssertEqual(h.call("DBSIZE"), .integer(3))
        guard case .array(let found?) = h.call("KEYS", "k*") else { return XCTFail("KEYS did not reply an array") }
        XCTAssertEqual(Set(found.compactMap { v -> String? in
            if case .bulkString(let b?) = v { return String(decoding: b, as: UTF8.self) }
            return nil
        }), Set(names))
    }

    func testSetAlgebraMovesInlineMembersThroughPackedSets() throws {
        let h = try Harness()
        h.call("SADD", "a", "x", "y", String(repeating: "m", count: 30))
        h.call("SADD", "b", "y", "z")
        XCTAssertEqual(h.call("SUNIONSTORE", "u", "a", "b"), .integer(4))
        XCTAssertEqual(h.call("SDIFFSTORE", "d", "u", "b"), .integer(2))
        XCTAssertEqual(h.call("SISMEMBER", "d", "x"), .integer(1))
        XCTAssertEqual(h.call("SISMEMBER", "d", "y"), .integer(0))
        XCTAssertEqual(h.call("SCARD", "d"), .integer(2))
    }
}
