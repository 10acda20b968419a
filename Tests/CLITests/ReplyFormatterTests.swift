import Protocol
import CLI
import RESPClient
import XCTest

/// The formatter against output captured from real redis-cli 7.0.15
/// (RedisCliFixtures.swift), plus hand-built cases for types the server
/// cannot easily be made to send.
final class ReplyFormatterTests: XCTestCase {
    private func decode(_ f: RedisCliFixture) throws -> RESPValue {
        let bytes = latin1(f.resp)
        let parsed = try XCTUnwrap(try ReplyParser().parse(bytes), "fixture \(f.name) does not parse")
        XCTAssertEqual(parsed.consumed, bytes.count, "fixture \(f.name) has trailing bytes")
        return parsed.value
    }

    func testStandardModeMatchesRedisCli() throws {
        for f in redisCliFixtures {
            let v = try decode(f)
            let out = ReplyFormatter.format(v, mode: .standard)
            XCTAssertEqual(out, latin1(f.standard), "standard output differs for \(f.name):\n\(String(decoding: out, as: UTF8.self))")
        }
    }

    func testRawModeMatchesRedisCli() throws {
        for f in redisCliFixtures {
            let v = try decode(f)
            let out = ReplyFormatter.format(v, mode: .raw)
            XCTAssertEqual(out, latin1(f.raw), "raw output differs for \(f.name):\n\(String(decoding: out, as: UTF8.self))")
        }
    }

    func testScalarsInStandardMode() {
        XCTAssertEqual(ReplyFormatter.tty(.integer(1)), "(integer) 1\n")
        XCTAssertEqual(ReplyFormatter.tty(.integer(Int64.min)), "(integer) -9223372036854775808\n")
        XCTAssertEqual(ReplyFormatter.tty(.bulkString(nil)), "(nil)\n")
        XCTAssertEqual(ReplyFormatter.tty(.array(nil)), "(nil)\n")
        XCTAssertEqual(ReplyFormatter.tty(.null), "(nil)\n")
        XCTAssertEqual(ReplyFormatter.tty(.simple("OK")), "OK\n")
        XCTAssertEqual(ReplyFormatter.tty(.err("ERR boom")), "(error) ERR boom\n")
        XCTAssertEqual(ReplyFormatter.tty(.bulk("")), "\"\"\n")
        XCTAssertEqual(ReplyFormatter.tty(.double(1.5)), "(double) 1.5\n")
        XCTAssertEqual(ReplyFormatter.tty(.double(-.infinity)), "(double) -inf\n")
        XCTAssertEqual(ReplyFormatter.tty(.boolean(true)), "(true)\n")
        XCTAssertEqual(ReplyFormatter.tty(.boolean(false)), "(false)\n")
        XCTAssertEqual(ReplyFormatter.tty(.bigNumber(Array("1234567890123456789012".utf8))),
                       "(big number) 1234567890123456789012\n")
        XCTAssertEqual(ReplyFormatter.tty(.verbatim(format: Array("txt".utf8), text: Array("a\nb".utf8))), "a\nb\n")
    }

    func testReprEscapesLikeSdscatrepr() {
        XCTAssertEqual(ReplyFormatter.repr([0, 7, 8, 9, 10, 13, 0x1b, 0x22, 0x5c, 0x7f, 0x80, 0xff, 0x41]),
                       "\"\\x00\\a\\b\\t\\n\\r\\x1b\\\"\\\\\\x7f\\x80\\xffA\"")
        XCTAssertEqual(ReplyFormatter.repr(Array("héllo wörld".utf8)), "\"h\\xc3\\xa9llo w\\xc3\\xb6rld\"")
    }

    func testStatusAndErrorStopAtNulInStandardMode() {
        // redis-cli prints them with %s.
        XCTAssertEqual(ReplyFormatter.tty(.simpleString([65, 0, 66])), "A\n")
        XCTAssertEqual(ReplyFormatter.format(.simpleString([65, 0, 66]), mode: .raw), [65, 0, 66, 10])
    }

    func testEmptyAggregates() {
        XCTAssertEqual(ReplyFormatter.tty(.array([])), "(empty array)\n")
        XCTAssertEqual(ReplyFormatter.tty(.set([])), "(empty set)\n")
        XCTAssertEqual(ReplyFormatter.tty(.map([])), "(empty hash)\n")
        XCTAssertEqual(ReplyFormatter.tty(.push([])), "(empty push)\n")
        XCTAssertEqual(ReplyFormatter.format(.array([]), mode: .raw), [10])
    }

    func testPushPrintsLikeAnArray() {
        let msg = RESPValue.push([.bulk("message"), .bulk("ch"), .bulk("hello")])
        XCTAssertEqual(ReplyFormatter.tty(msg), "1) \"message\"\n2) \"ch\"\n3) \"hello\"\n")
        XCTAssertEqual(ReplyFormatter.raw(msg), "message\nch\nhello")
    }

    func testMapValueLayout() {
        // A one-pair map whose value is a one-element array stays inline;
        // a value spanning lines starts on its own line.
        let inline = RESPValue.map([.bulk("k"), .array([.bulk("v")])])
        XCTAssertEqual(ReplyFormatter.tty(inline), "1# \"k\" => 1) \"v\"\n")
        let multi = RESPValue.map([.bulk("k"), .array([.bulk("a"), .bulk("b")]), .bulk("z"), .integer(1)])
        XCTAssertEqual(ReplyFormatter.tty(multi), "1# \"k\" => \n   1) \"a\"\n   2) \"b\"\n2# \"z\" => (integer) 1\n")
        XCTAssertEqual(ReplyFormatter.raw(multi), "k a\nb\nz 1")
    }

    func testVerbatimCommandsAddNoNewline() {
        let info = RESPValue.bulk("# Server\r\nredis_version:7.0.15\r\n")
        XCTAssertEqual(ReplyFormatter.format(info, mode: .standard, verbatim: true), Array("# Server\r\nredis_version:7.0.15\r\n".utf8))
        XCTAssertEqual(ReplyFormatter.format(info, mode: .raw, verbatim: true), Array("# Server\r\nredis_version:7.0.15\r\n".utf8))
    }
}
