import Protocol
import XCTest

/// Exact reply bytes, checked against the byte captures of resp.md §1 and §4.
final class RESPWriterTests: XCTestCase {
    private func written(proto: Int, _ body: (inout RESPWriter) -> Void) -> String {
        var w = RESPWriter(proto: proto)
        body(&w)
        return String(decoding: w.bytes, as: UTF8.self)
    }

    private func both(_ body: (inout RESPWriter) -> Void) -> (resp2: String, resp3: String) {
        (written(proto: 2, body), written(proto: 3, body))
    }

    func testSimpleStringAndOK() {
        XCTAssertEqual(written(proto: 2) { $0.simpleString("PONG") }, "+PONG\r\n")
        XCTAssertEqual(written(proto: 2) { $0.simpleString(bytes: b("QUEUED")) }, "+QUEUED\r\n")
        XCTAssertEqual(written(proto: 3) { $0.ok() }, "+OK\r\n")
    }

    func testErrorReplacesNewlinesWithSpaces() {
        XCTAssertEqual(written(proto: 2) { $0.error("ERR syntax error") }, "-ERR syntax error\r\n")
        XCTAssertEqual(written(proto: 2) { $0.error("ERR a\r\nb\nc") }, "-ERR a  b c\r\n")
    }

    func testIntegers() {
        XCTAssertEqual(written(proto: 2) { $0.integer(0) }, ":0\r\n")
        XCTAssertEqual(written(proto: 2) { $0.integer(-42) }, ":-42\r\n")
        XCTAssertEqual(written(proto: 3) { $0.integer(Int64.min) }, ":-9223372036854775808\r\n")
        XCTAssertEqual(written(proto: 3) { $0.integer(Int64.max) }, ":9223372036854775807\r\n")
    }

    func testBulkStrings() {
        XCTAssertEqual(written(proto: 2) { $0.bulk("hello") }, "$5\r\nhello\r\n")
        XCTAssertEqual(written(proto: 2) { $0.bulk("") }, "$0\r\n\r\n")
        XCTAssertEqual(written(proto: 2) { $0.bulk([UInt8]([13, 10])) }, "$2\r\n\r\n\r\n")
        XCTAssertEqual(written(proto: 2) { $0.bulkInteger(-17) }, "$3\r\n-17\r\n")
    }

    func testNullBulkIsDollarMinusOneInRESP2AndUnderscoreInRESP3() {
        // resp.md: RESP3 GET missing -> _ ; RESP2 -> $-1
        let r = both { $0.nullBulk() }
        XCTAssertEqual(r.resp2, "$-1\r\n")
        XCTAssertEqual(r.resp3, "_\r\n")
    }

    func testNullArrayIsStarMinusOneInRESP2AndUnderscoreInRESP3() {
        let r = both { $0.nullArray() }
        XCTAssertEqual(r.resp2, "*-1\r\n")
        XCTAssertEqual(r.resp3, "_\r\n")
    }

    func testDoubleIsCommaInRESP3AndBulkInRESP2() {
        // resp.md: RESP3 ZSCORE z a -> ,1.5 ; RESP2 -> bulk string.
        let r = both { $0.double(1.5) }
        XCTAssertEqual(r.resp3, ",1.5\r\n")
        XCTAssertEqual(r.resp2, "$3\r\n1.5\r\n")
    }

    func testDoubleUsesSeventeenSignificantDigits() {
        // resp.md: ZINCRBY 1 + 0.1 -> ,1.1000000000000001 ; RESP2 $18.
        let r = both { $0.double(1.0 + 0.1) }
        XCTAssertEqual(r.resp3, ",1.1000000000000001\r\n")
        XCTAssertEqual(r.resp2, "$18\r\n1.1000000000000001\r\n")
    }

    func testInfiniteDoubles() {
        XCTAssertEqual(written(proto: 3) { $0.double(.infinity) }, ",inf\r\n")
        XCTAssertEqual(written(proto: 3) { $0.double(-.infinity) }, ",-inf\r\n")
        XCTAssertEqual(written(proto: 2) { $0.double(.infinity) }, "$3\r\ninf\r\n")
        XCTAssertEqual(written(proto: 2) { $0.double(-.infinity) }, "$4\r\n-inf\r\n")
    }

    func testBooleanIsHashInRESP3AndIntegerInRESP2() {
        XCTAssertEqual(both { $0.boolean(true) }.resp3, "#t\r\n")
        XCTAssertEqual(both { $0.boolean(false) }.resp3, "#f\r\n")
        XCTAssertEqual(both { $0.boolean(true) }.resp2, ":1\r\n")
        XCTAssertEqual(both { $0.boolean(false) }.resp2, ":0\r\n")
    }

    func testBigNumberIsParenInRESP3AndBulkInRESP2() {
        let digits = "1234567999999999999999999999999999999"
        let r = both { $0.bigNumber(digits) }
        XCTAssertEqual(r.resp3, "(\(digits)\r\n")
        XCTAssertEqual(r.resp2, "$37\r\n\(digits)\r\n")
    }

    func testVerbatimCountsTheFormatPrefixInRESP3AndIsPlainBulkInRESP2() {
        let r = both { $0.verbatim("This is a verbatim\nstring") }
        XCTAssertEqual(r.resp3, "=29\r\ntxt:This is a verbatim\nstring\r\n")
        XCTAssertEqual(r.resp2, "$25\r\nThis is a verbatim\nstring\r\n")
        XCTAssertEqual(written(proto: 3) { $0.verbatim("# x", format: "mkd") }, "=7\r\nmkd:# x\r\n")
    }

    func testMapIsPercentInRESP3AndFlatArrayInRESP2() {
        let r = both { w in
            w.mapHeader(2)
            w.bulk("f1"); w.bulk("v1")
            w.bulk("f2"); w.bulk("v2")
        }
        XCTAssertEqual(r.resp3, "%2\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n")
        XCTAssertEqual(r.resp2, "*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$2\r\nf2\r\n$2\r\nv2\r\n")
    }

    func testSetIsTildeInRESP3AndArrayInRESP2() {
        let r = both { w in w.setHeader(3); w.bulk("a"); w.bulk("b"); w.bulk("c") }
        XCTAssertEqual(r.resp3, "~3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
        XCTAssertEqual(r.resp2, "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n")
    }

    func testSubscribeIsPushInRESP3AndArrayInRESP2() {
        let r = both { w in w.pushHeader(3); w.bulk("subscribe"); w.bulk("ch"); w.integer(1) }
        XCTAssertEqual(r.resp3, ">3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
        XCTAssertEqual(r.resp2, "*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n")
    }

    func testTrackingInvalidationPush() {
        let s = written(proto: 3) { w in w.pushHeader(2); w.bulk("invalidate"); w.arrayHeader(1); w.bulk("ttt") }
        XCTAssertEqual(s, ">2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\nttt\r\n")
    }

    func testZrangeWithScoresShapes() {
        // resp.md: RESP3 *1 *2 $1 a ,1 ; RESP2 flattens to *2 $1 a $1 1.
        XCTAssertEqual(written(proto: 3) { w in w.arrayHeader(1); w.arrayHeader(2); w.bulk("a"); w.double(1) },
                       "*1\r\n*2\r\n$1\r\na\r\n,1\r\n")
        XCTAssertEqual(written(proto: 2) { w in w.arrayHeader(2); w.bulk("a"); w.double(1) },
                       "*2\r\n$1\r\na\r\n$1\r\n1\r\n")
    }

    private func hello(_ w: inout RESPWriter) {
        w.mapHeader(7)
        w.bulk("server"); w.bulk("redis")
        w.bulk("version"); w.bulk("7.0.15")
        w.bulk("proto"); w.integer(w.proto)
        w.bulk("id"); w.integer(24)
        w.bulk("mode"); w.bulk("standalone")
        w.bulk("role"); w.bulk("master")
        w.bulk("modules"); w.arrayHeader(0)
    }

    func testHelloReplyShapeInRESP3() {
        XCTAssertEqual(written(proto: 3) { hello(&$0) },
                       "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n"
                           + "$2\r\nid\r\n:24\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                           + "$7\r\nmodules\r\n*0\r\n")
    }

    func testHelloReplyShapeInRESP2IsAFlatArray() {
        XCTAssertEqual(written(proto: 2) { hello(&$0) },
                       "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n"
                           + "$2\r\nid\r\n:24\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n"
                           + "$7\r\nmodules\r\n*0\r\n")
    }

    func testRawBytesArePassedThrough() {
        XCTAssertEqual(written(proto: 2) { $0.raw(b("+FULLRESYNC x 0\r\n")) }, "+FULLRESYNC x 0\r\n")
    }

    func testCommandEncodesAMultibulkRequest() {
        XCTAssertEqual(String(decoding: RESPWriter.command(["GET", "k"]), as: UTF8.self), "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
        XCTAssertEqual(RESPWriter.command([[0, 13, 10]]), [42, 49, 13, 10, 36, 51, 13, 10, 0, 13, 10, 13, 10])
    }

    func testValueWritesAttributeAsNothing() {
        XCTAssertEqual(written(proto: 3) { $0.value(.attribute([.bulk("k"), .integer(1)])) }, "")
    }

    func testValueWritesNullVariantsPerProtocol() {
        XCTAssertEqual(both { $0.value(.null) }.resp2, "$-1\r\n")
        XCTAssertEqual(both { $0.value(.array(nil)) }.resp2, "*-1\r\n")
        XCTAssertEqual(both { $0.value(.bulkString(nil)) }.resp3, "_\r\n")
        XCTAssertEqual(both { $0.value(.array(nil)) }.resp3, "_\r\n")
    }

    /// Piled-up big values cost about what they hold (Redis's reply blocks),
    /// not up to twice that as a doubling buffer would.
    func testBigBulkRepliesGrowTheBufferByAQuarterNotByDoubling() {
        var w = RESPWriter()
        let value = [UInt8](repeating: 0x78, count: 100_000)
        for _ in 0..<17 { w.bulk(value) }
        XCTAssertEqual(w.bytes.count, 17 * (100_000 + 11))
        XCTAssertLessThanOrEqual(w.bytes.capacity, w.bytes.count * 5 / 4 + 64 * 1024)
    }
}
