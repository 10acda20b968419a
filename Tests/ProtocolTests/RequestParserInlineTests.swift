import Protocol
import XCTest

/// Inline commands and sdssplitargs quoting (resp.md §2.2). Cases marked
/// "verified" were checked against a real redis-server 7.0.
final class RequestParserInlineTests: XCTestCase {
    private func split(_ s: String) -> [[UInt8]]? { splitArgs(b(s)) }

    func testWhitespaceSeparatesArguments() {
        XCTAssertEqual(parseRequests("SET  inl \t value\r\n"), [cmd("SET", "inl", "value")])
    }

    func testLeadingAndTrailingWhitespaceIsIgnored() {
        XCTAssertEqual(parseRequests("  \tGET k  \t\r\n"), [cmd("GET", "k")])
    }

    func testLineFeedAloneEndsTheLine() {
        XCTAssertEqual(parseRequests("PING\nPING\r\n"), [cmd("PING"), cmd("PING")])
    }

    func testOnlyOneCRBeforeTheNewlineIsStripped() {
        // "PING\r\r\n": the remaining CR is whitespace to splitargs (verified: +PONG).
        XCTAssertEqual(parseRequests("PING\r\r\n"), [cmd("PING")])
    }

    func testDoubleQuotesGroupWords() {
        XCTAssertEqual(parseRequests("ECHO \"a b\"\r\n"), [cmd("ECHO", "a b")])
    }

    func testSingleQuotesGroupWords() {
        XCTAssertEqual(parseRequests("SET  inl  'x y'\r\n"), [cmd("SET", "inl", "x y")])
    }

    func testDoubleQuoteEscapes() {
        XCTAssertEqual(split(#""\n\r\t\b\a\\\"""#), [[10, 13, 9, 8, 7, 92, 34]])
    }

    func testDoubleQuoteHexEscapes() {
        XCTAssertEqual(split(#""\x41\x7a\xFF\x00\x0d""#), [[0x41, 0x7a, 0xff, 0x00, 0x0d]])
    }

    func testInvalidHexEscapeDegradesToTheLetter() {
        // "\xZZ" is not a hex escape, so "\x" -> "x" (verified: ECHO "\x41\x7a\xZZ\q" -> AzxZZq).
        XCTAssertEqual(split(#""\x41\x7a\xZZ\q""#), [b("AzxZZq")])
        XCTAssertEqual(split(#""\x4""#), [b("x4")])
    }

    func testUnknownEscapeInDoubleQuotesYieldsTheCharacter() {
        XCTAssertEqual(split(#""\q\'\ ""#), [b("q' ")])
    }

    func testSingleQuotesOnlyUnescapeQuote() {
        // Verified: ECHO 'a\nb\\c\'d' -> a\nb\\c'd
        XCTAssertEqual(split(#"'a\nb\\c\'d'"#), [b(#"a\nb\\c'd"#)])
    }

    func testBackslashBeforeEscapedSingleQuoteStaysLiteral() {
        // Verified: ECHO '\\'' -> \'
        XCTAssertEqual(split(#"'\\''"#), [b(#"\'"#)])
    }

    func testEmptyQuotesMakeEmptyArguments() {
        XCTAssertEqual(split(#"SET "" ''"#), [b("SET"), [], []])
        XCTAssertEqual(parseRequests("ECHO \"\"\r\n"), [.command([b("ECHO"), []])])
    }

    func testQuoteInsideAWordStartsAQuotedPart() {
        XCTAssertEqual(split(#"foo"bar baz" x"#), [b("foobar baz"), b("x")])
        XCTAssertEqual(split(#"a'b c'"#), [b("ab c")])
    }

    func testClosingDoubleQuoteMustBeFollowedBySpace() {
        XCTAssertNil(split(#""a"b"#))
        XCTAssertNil(split(#""x""y""#))
        XCTAssertEqual(parseRequests("ECHO \"a\"b\r\n"), [protocolError("unbalanced quotes in request")])
    }

    func testClosingSingleQuoteMustBeFollowedBySpace() {
        XCTAssertNil(split("'a'b"))
        XCTAssertEqual(parseRequests("ECHO 'a'b\r\n"), [protocolError("unbalanced quotes in request")])
    }

    func testClosingQuoteMayBeFollowedByAnyWhitespace() {
        // isspace() includes \v and \f after a closing quote (verified: ECHO "a"\vb -> 3 arguments).
        XCTAssertEqual(split("\"a\"\tb"), [b("a"), b("b")])
        XCTAssertEqual(split("\"a\"\u{0B}b"), [b("a"), b("b")])
        XCTAssertEqual(split("'a'\u{0C}b"), [b("a"), b("b")])
    }

    func testVerticalTabDoesNotEndAnUnquotedWord() {
        // Unquoted words end only at space, \t, \r, \n (verified: ECHO a\vb -> "a\vb").
        XCTAssertEqual(split("a\u{0B}b"), [[97, 11, 98]])
    }

    func testUnterminatedDoubleQuoteIsUnbalanced() {
        XCTAssertNil(split(#""abc"#))
        XCTAssertNil(split(#""abc\""#))
        XCTAssertNil(split(#""abc\"#))
    }

    func testUnterminatedSingleQuoteIsUnbalanced() {
        XCTAssertNil(split("'abc"))
        XCTAssertNil(split(#"'abc\'"#))
        XCTAssertEqual(parseRequests("ECHO 'abc\r\n"), [protocolError("unbalanced quotes in request")])
    }

    func testNULEndsTheLineLikeACString() {
        XCTAssertEqual(splitArgs([71, 69, 84, 32, 97, 0, 98, 32, 99]), [b("GET"), b("a")])
        XCTAssertNil(splitArgs([34, 97, 0, 98, 34]))
    }

    func testEmptyLinesAreSkipped() {
        // Verified: "\r\n\n\r\nPING\r\n" -> only +PONG.
        var conn = RequestConnection()
        conn.feed(b("\r\n\n\r\nPING\r\n"))
        XCTAssertEqual(conn.outcomes, [cmd("PING")])
        XCTAssertEqual(conn.skipped, 3)
    }

    func testWhitespaceOnlyLineIsSkipped() {
        var p = RequestParser()
        let r = parseOnce(&p, b("   \t\r\nPING\n"))
        XCTAssertEqual(r.event, .skipped)
        XCTAssertEqual(r.consumed, 6)
    }

    func testInlineConsumesExactlyOneLine() {
        var p = RequestParser()
        let r = parseOnce(&p, b("GET a\r\nGET b\r\n"))
        XCTAssertEqual(r.event, .command([b("GET"), b("a")]))
        XCTAssertEqual(r.consumed, 7)
    }

    func testInlineWithoutNewlineWaits() {
        var p = RequestParser()
        let r = parseOnce(&p, b("GET a"))
        XCTAssertEqual(r.event, .needMore)
        XCTAssertEqual(r.consumed, 0)
    }

    func testLineStartingWithSpaceThenStarIsInline() {
        XCTAssertEqual(parseRequests(" *1\r\n"), [cmd("*1")])
    }

    func testEmptyInputYieldsNoArguments() {
        XCTAssertEqual(splitArgs([UInt8]()), [])
        XCTAssertEqual(split("  \t "), [])
    }
}
