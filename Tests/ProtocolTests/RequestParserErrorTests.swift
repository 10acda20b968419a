import Protocol
import XCTest

/// Every protocol error of resp.md §2.1/§2.2. The texts follow
/// "-ERR Protocol error: " on the wire; commands before the bad one still run.
final class RequestParserErrorTests: XCTestCase {
    private func firstError(_ input: [UInt8], parser: RequestParser = RequestParser(),
                            file: StaticString = #filePath, line: UInt = #line) -> String? {
        for o in parseRequests(input, parser: parser, file: file, line: line) {
            if case .error(let m) = o { return m }
        }
        return nil
    }

    private func firstError(_ input: String, parser: RequestParser = RequestParser(),
                            file: StaticString = #filePath, line: UInt = #line) -> String? {
        firstError(b(input), parser: parser, file: file, line: line)
    }

    func testNonNumericMultibulkCountIsInvalid() {
        XCTAssertEqual(firstError("*abc\r\n"), "invalid multibulk length")
    }

    func testMultibulkCountWithPlusSignIsInvalid() {
        XCTAssertEqual(firstError("*+1\r\n"), "invalid multibulk length")
    }

    func testMultibulkCountWithLeadingZeroIsInvalid() {
        XCTAssertEqual(firstError("*01\r\n"), "invalid multibulk length")
    }

    func testEmptyMultibulkCountIsInvalid() {
        XCTAssertEqual(firstError("*\r\n"), "invalid multibulk length")
    }

    func testMultibulkCountAboveInt32MaxIsInvalid() {
        XCTAssertEqual(firstError("*2147483648\r\n"), "invalid multibulk length")
        XCTAssertEqual(firstError("*99999999999999999999999\r\n"), "invalid multibulk length")
    }

    func testElementNotStartingWithDollarIsRejected() {
        XCTAssertEqual(firstError("*1\r\nx3\r\nabc\r\n"), "expected '$', got 'x'")
        XCTAssertEqual(firstError("*2\r\n$3\r\nGET\r\n:1\r\n"), "expected '$', got ':'")
    }

    func testEmptyElementLineReportsTheCR() {
        // Redis reports the raw byte; the reply writer turns CR into a space, as Redis does.
        XCTAssertEqual(firstError("*1\r\n\r\n"), "expected '$', got '\r'")
    }

    func testNegativeBulkLengthIsInvalid() {
        XCTAssertEqual(firstError("*1\r\n$-1\r\n"), "invalid bulk length")
    }

    func testNonNumericBulkLengthIsInvalid() {
        XCTAssertEqual(firstError("*1\r\n$abc\r\nabc\r\n"), "invalid bulk length")
        XCTAssertEqual(firstError("*1\r\n$\r\n"), "invalid bulk length")
        XCTAssertEqual(firstError("*1\r\n$01\r\nx\r\n"), "invalid bulk length")
        XCTAssertEqual(firstError("*1\r\n$-0\r\n"), "invalid bulk length")
    }

    func testBulkLengthAboveMaxBulkLengthIsInvalid() {
        XCTAssertEqual(firstError("*1\r\n$11\r\n", parser: RequestParser(maxBulkLength: 10)), "invalid bulk length")
        XCTAssertEqual(firstError("*1\r\n$536870913\r\n"), "invalid bulk length")
        XCTAssertEqual(firstError("*1\r\n$9223372036854775808\r\n"), "invalid bulk length")
    }

    func testMbulkCountLineLongerThan64KiBIsTooBig() {
        let input = b("*") + Array(repeating: UInt8(ascii: "1"), count: ProtocolLimits.inlineMax)
        XCTAssertEqual(firstError(input), "too big mbulk count string")
    }

    func testMbulkCountLineOfExactly64KiBStillWaits() {
        var p = RequestParser()
        let input = b("*") + Array(repeating: UInt8(ascii: "1"), count: ProtocolLimits.inlineMax - 1)
        XCTAssertEqual(parseOnce(&p, input).event, .needMore)
    }

    func testBulkCountLineLongerThan64KiBIsTooBig() {
        let input = b("*1\r\n$") + Array(repeating: UInt8(ascii: "1"), count: ProtocolLimits.inlineMax)
        XCTAssertEqual(firstError(input), "too big bulk count string")
    }

    func testBulkCountLineOfExactly64KiBStillWaits() {
        var p = RequestParser()
        _ = parseOnce(&p, b("*1\r\n"))
        let input = b("$") + Array(repeating: UInt8(ascii: "1"), count: ProtocolLimits.inlineMax - 1)
        XCTAssertEqual(parseOnce(&p, input).event, .needMore)
    }

    func testInlineLineLongerThan64KiBIsTooBig() {
        let input = Array(repeating: UInt8(ascii: "a"), count: ProtocolLimits.inlineMax + 1)
        XCTAssertEqual(firstError(input), "too big inline request")
    }

    func testInlineLineOf64KiBWithoutNewlineStillWaits() {
        var p = RequestParser()
        XCTAssertEqual(parseOnce(&p, Array(repeating: UInt8(ascii: "a"), count: ProtocolLimits.inlineMax)).event, .needMore)
    }

    func testLongInlineLineWithNewlineIsAccepted() {
        // The limit applies only while no newline has arrived.
        let arg = String(repeating: "a", count: ProtocolLimits.inlineMax + 10)
        XCTAssertEqual(parseRequests("ECHO \(arg)\r\n"), [cmd("ECHO", arg)])
    }

    func testUnbalancedDoubleQuoteIsRejected() {
        XCTAssertEqual(firstError("ECHO \"abc\r\n"), "unbalanced quotes in request")
    }

    func testUnauthenticatedMultibulkCountAboveTenIsRejected() {
        var p = RequestParser()
        p.authRequired = true
        XCTAssertEqual(firstError("*11\r\n", parser: p), "unauthenticated multibulk length")
    }

    func testUnauthenticatedBulkAbove16KiBIsRejected() {
        var p = RequestParser()
        p.authRequired = true
        XCTAssertEqual(firstError("*1\r\n$16385\r\n", parser: p), "unauthenticated bulk length")
    }

    func testAuthenticatedClientHasNoUnauthenticatedLimits() {
        XCTAssertEqual(parseRequests("*11\r\n").count, 0)
        XCTAssertEqual(parseRequests("*1\r\n$16385\r\n").count, 0)
    }

    func testInvalidBulkLengthWinsOverUnauthenticatedLimit() {
        var p = RequestParser(maxBulkLength: 20000)
        p.authRequired = true
        XCTAssertEqual(firstError("*1\r\n$20001\r\n", parser: p), "invalid bulk length")
    }

    func testMasterSendingInlineIsADesync() {
        var p = RequestParser()
        p.isMaster = true
        XCTAssertEqual(firstError("PING\r\n", parser: p), "Master using the inline protocol. Desync?")
    }

    func testMasterEmptyLineIsAKeepaliveNotAnError() {
        var p = RequestParser()
        p.isMaster = true
        XCTAssertEqual(parseRequests("\n\r\n*1\r\n$4\r\nPING\r\n", parser: p), [cmd("PING")])
    }

    func testCommandsBeforeTheErrorAreStillReturned() {
        XCTAssertEqual(parseRequests("PING\r\n*1\r\n$4\r\nECHO\r\n*x\r\nPING\r\n"),
                       [cmd("PING"), cmd("ECHO"), protocolError("invalid multibulk length")])
    }

    func testErrorNeedsTheWholeHeaderLine() {
        // An incomplete bad header is not judged yet.
        var p = RequestParser()
        XCTAssertEqual(parseOnce(&p, b("*ab")).event, .needMore)
        XCTAssertEqual(parseOnce(&p, b("*ab\r")).event, .needMore)
        XCTAssertEqual(parseOnce(&p, b("*ab\r\n")).event, .error("invalid multibulk length"))
    }
}
