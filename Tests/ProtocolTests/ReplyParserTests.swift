import Protocol
import XCTest

/// Client-side reply parsing: writer -> parser round trips in both protocols,
/// RESP2 degradations (resp.md §1), incomplete and malformed input.
final class ReplyParserTests: XCTestCase {
    /// One value of every type, nested where the type allows it.
    static let samples: [RESPValue] = [
        .simple("OK"),
        .simpleString([]),
        .err("ERR syntax error"),
        .err("WRONGTYPE Operation against a key holding the wrong kind of value"),
        .integer(0), .integer(-1), .integer(Int64.max), .integer(Int64.min),
        .bulk("hello"), .bulkString([]), .bulkString([0, 13, 10, 255, 13]),
        .bulkString(nil),
        .array([]), .array([.integer(1), .integer(2)]), .array(nil),
        .array([.bulk("a"), .array([.bulkString(nil), .array([]), .simple("x")]), .integer(3)]),
        .null,
        .double(1.5), .double(-0.25), .double(1.0 + 0.1), .double(1e300), .double(Double.leastNonzeroMagnitude), .double(3),
        .double(.infinity), .double(-.infinity),
        .boolean(true), .boolean(false),
        .bigNumber(b("1234567999999999999999999999999999999")), .bigNumber(b("-42")),
        .verbatim(format: b("txt"), text: b("This is a verbatim\nstring")),
        .verbatim(format: b("mkd"), text: []),
        .verbatim(format: b("txt"), text: [0xff, 0xfe, 0, 13, 10]),
        .map([]), .map([.bulk("f1"), .bulk("v1"), .bulk("f2"), .double(2.5)]),
        .map([.bulk("nested"), .map([.integer(1), .set([.boolean(true)])])]),
        .set([]), .set([.bulk("a"), .bulk("b"), .integer(7)]),
        .push([.bulk("message"), .bulk("ch"), .bulkString([1, 2, 3])]),
        .array([.map([.bulk("k"), .null]), .set([.double(-.infinity)]), .push([])]),
    ]

    /// What a RESP3 client reads back: both RESP2 nulls become `_`.
    static func asRESP3(_ v: RESPValue) -> RESPValue {
        switch v {
        case .bulkString(nil), .array(nil): return .null
        case .array(.some(let a)): return .array(a.map(asRESP3))
        case .map(let a): return .map(a.map(asRESP3))
        case .set(let a): return .set(a.map(asRESP3))
        case .push(let a): return .push(a.map(asRESP3))
        default: return v
        }
    }

    /// What a RESP2 client reads back (resp.md §1 degradations).
    static func asRESP2(_ v: RESPValue) -> RESPValue {
        switch v {
        case .null: return .bulkString(nil)
        case .double(let d): return .bulkString(formatDouble(d))
        case .boolean(let t): return .integer(t ? 1 : 0)
        case .bigNumber(let digits): return .bulkString(digits)
        case .verbatim(_, let text): return .bulkString(text)
        case .array(.some(let a)), .map(let a), .set(let a), .push(let a): return .array(a.map(asRESP2))
        default: return v
        }
    }

    private func encode(_ v: RESPValue, proto: Int) -> [UInt8] {
        var w = RESPWriter(proto: proto)
        w.value(v)
        return w.bytes
    }

    private func parseWhole(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) -> RESPValue? {
        do {
            guard let (v, n) = try ReplyParser().parse(bytes) else {
                XCTFail("incomplete: \(show(bytes))", file: file, line: line)
                return nil
            }
            XCTAssertEqual(n, bytes.count, "consumed", file: file, line: line)
            return v
        } catch {
            XCTFail("\(error) for \(show(bytes))", file: file, line: line)
            return nil
        }
    }

    private func assertMalformed(_ s: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertThrowsError(try ReplyParser().parse(b(s)), show(b(s)), file: file, line: line)
    }

    func testEveryTypeRoundTripsInRESP3() {
        for v in Self.samples {
            guard let got = parseWhole(encode(v, proto: 3)) else { continue }
            XCTAssertTrue(sameValue(got, Self.asRESP3(v)), "\(v) came back as \(got)")
        }
    }

    func testEveryTypeDegradesAsRedisDoesInRESP2() {
        for v in Self.samples {
            guard let got = parseWhole(encode(v, proto: 2)) else { continue }
            XCTAssertTrue(sameValue(got, Self.asRESP2(v)), "\(v) came back as \(got)")
        }
    }

    func testRESP2DegradationExamples() {
        XCTAssertEqual(parseWhole(encode(.map([.bulk("a"), .integer(1)]), proto: 2)), .array([.bulk("a"), .integer(1)]))
        XCTAssertEqual(parseWhole(encode(.set([.bulk("a")]), proto: 2)), .array([.bulk("a")]))
        XCTAssertEqual(parseWhole(encode(.double(3.141), proto: 2)), .bulk("3.141"))
        XCTAssertEqual(parseWhole(encode(.boolean(true), proto: 2)), .integer(1))
        XCTAssertEqual(parseWhole(encode(.null, proto: 2)), .bulkString(nil))
        XCTAssertEqual(parseWhole(encode(.verbatim(format: b("txt"), text: b("hi")), proto: 2)), .bulk("hi"))
    }

    func testNaNDoubleRoundTrips() {
        guard let got = parseWhole(b(",nan\r\n")) else { return }
        guard case .double(let d) = got else { return XCTFail("\(got)") }
        XCTAssertTrue(d.isNaN)
        XCTAssertEqual(encode(.double(.nan), proto: 3), b(",nan\r\n"))
    }

    func testEveryStrictPrefixIsIncomplete() throws {
        var encodings = Self.samples.flatMap { [encode($0, proto: 3), encode($0, proto: 2)] }
        encodings.append(b("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:5\r\n"))
        encodings.append(b("!21\r\nSYNTAX invalid syntax\r\n"))
        for e in encodings {
            for cut in 0..<e.count {
                let r = try ReplyParser().parse(Array(e[0..<cut]))
                XCTAssertNil(r, "prefix \(cut) of \(show(e))")
            }
        }
    }

    func testPipelinedRepliesReportTheirOwnLength() throws {
        let stream = Self.samples.flatMap { encode($0, proto: 3) }
        let values = try parseReplies(stream)
        XCTAssertEqual(values.count, Self.samples.count)
        for (v, expected) in zip(values, Self.samples) { XCTAssertTrue(sameValue(v, Self.asRESP3(expected))) }
    }

    func testAttributeIsSkippedAndTheReplyFollowingItIsReturned() {
        XCTAssertEqual(parseWhole(b("|1\r\n+key-popularity\r\n%1\r\n$1\r\na\r\n,0.19\r\n*1\r\n:5\r\n")),
                       .array([.integer(5)]))
    }

    func testAttributeInsideAnArrayDoesNotTakeAnElementSlot() {
        XCTAssertEqual(parseWhole(b("*2\r\n:1\r\n|1\r\n+a\r\n+b\r\n:2\r\n")), .array([.integer(1), .integer(2)]))
    }

    func testBlobErrorIsAnError() {
        XCTAssertEqual(parseWhole(b("!21\r\nSYNTAX invalid syntax\r\n")), .err("SYNTAX invalid syntax"))
    }

    func testNullArrayAndNullBulkInRESP2() {
        XCTAssertEqual(parseWhole(b("*-1\r\n")), .array(nil))
        XCTAssertEqual(parseWhole(b("$-1\r\n")), .bulkString(nil))
        XCTAssertEqual(parseWhole(b("_\r\n")), .null)
    }

    func testBulkPayloadMayContainCRLF() {
        XCTAssertEqual(parseWhole(b("$4\r\n\r\n\r\n\r\n")), .bulkString([13, 10, 13, 10]))
    }

    func testMinusZeroIntegerIsToleratedInReplies() {
        XCTAssertEqual(parseWhole(b(":-0\r\n")), .integer(0))
    }

    func testDeclaredHugeAggregateWithLittleDataIsIncomplete() throws {
        XCTAssertNil(try ReplyParser().parse(b("*2147483647\r\n:1\r\n")))
        XCTAssertNil(try ReplyParser().parse(b("%2147483647\r\n:1\r\n")))
        XCTAssertNil(try ReplyParser().parse(b("$2147483647\r\nabc")))
    }

    func testMalformedIntegersThrow() {
        assertMalformed(":abc\r\n")
        assertMalformed(":+1\r\n")
        assertMalformed(":\r\n")
        assertMalformed(":01\r\n")
        assertMalformed(":9223372036854775808\r\n")
    }

    func testMalformedScalarsThrow() {
        assertMalformed("#x\r\n")
        assertMalformed("#tt\r\n")
        assertMalformed("#\r\n")
        assertMalformed(",abc\r\n")
        assertMalformed(",\r\n")
    }

    func testUnknownTypeByteThrows() {
        assertMalformed("?foo\r\n")
        assertMalformed("\n+OK\r\n")
        assertMalformed("OK\r\n")
    }

    func testMalformedLengthsThrow() {
        assertMalformed("$abc\r\n")
        assertMalformed("$2147483648\r\n")
        assertMalformed("*2147483648\r\n")
        assertMalformed("*x\r\n")
        assertMalformed("=3\r\nabc\r\n")
    }

    func testNegativeLengthOnNonArrayAggregateThrows() {
        assertMalformed("~-1\r\n")
        assertMalformed("%-1\r\n")
        assertMalformed(">-1\r\n")
        assertMalformed("|-1\r\n")
    }

    func testHugeMapCountThrowsInsteadOfOverflowing() {
        // 2 * count must not trap for counts near Int64.max.
        assertMalformed("%9223372036854775807\r\n")
        assertMalformed("|9223372036854775807\r\n")
        assertMalformed("%4611686018427387904\r\n")
    }

    func testMalformedElementInsideAggregateThrows() {
        assertMalformed("*2\r\n:1\r\n:x\r\n")
        assertMalformed("%1\r\n+k\r\n?\r\n")
    }

    func testExcessiveNestingThrows() {
        let deep = String(repeating: "*1\r\n", count: 1100) + ":1\r\n"
        assertMalformed(deep)
    }

    func testModerateNestingIsFine() {
        let nested = String(repeating: "*1\r\n", count: 500) + ":1\r\n"
        var expected = RESPValue.integer(1)
        for _ in 0..<500 { expected = .array([expected]) }
        XCTAssertEqual(parseWhole(b(nested)), expected)
    }
}
