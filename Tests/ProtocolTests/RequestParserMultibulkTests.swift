import Protocol
import XCTest

/// Multibulk requests (resp.md §2.1), the happy paths.
final class RequestParserMultibulkTests: XCTestCase {
    func testSimpleCommandIsParsed() {
        XCTAssertEqual(parseRequests("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nvalue\r\n"), [cmd("SET", "k", "value")])
    }

    func testSingleArgumentCommand() {
        XCTAssertEqual(parseRequests("*1\r\n$4\r\nPING\r\n"), [cmd("PING")])
    }

    func testBinaryPayloadWithCRLFAndNULIsKeptVerbatim() {
        let payload: [UInt8] = [0, 13, 10, 255, 36, 42, 13, 10, 13]
        var input = b("*2\r\n$4\r\nECHO\r\n$\(payload.count)\r\n")
        input += payload + b("\r\n")
        XCTAssertEqual(parseRequests(input), [.command([b("ECHO"), payload])])
    }

    func testEmptyBulkIsAnEmptyArgument() {
        XCTAssertEqual(parseRequests("*3\r\n$3\r\nSET\r\n$0\r\n\r\n$0\r\n\r\n"), [cmd("SET", "", "")])
    }

    func testPipelinedCommandsComeOutInOrder() {
        let input = RESPWriter.command(["SET", "a", "1"]) + RESPWriter.command(["GET", "a"]) + RESPWriter.command(["PING"])
        XCTAssertEqual(parseRequests(input), [cmd("SET", "a", "1"), cmd("GET", "a"), cmd("PING")])
    }

    func testZeroCountIsSkippedSilently() {
        var p = RequestParser()
        let r = parseOnce(&p, b("*0\r\n*1\r\n$4\r\nPING\r\n"))
        XCTAssertEqual(r.event, .skipped)
        XCTAssertEqual(r.consumed, 4)
        XCTAssertEqual(parseRequests("*0\r\n*1\r\n$4\r\nPING\r\n"), [cmd("PING")])
    }

    func testNegativeCountIsSkippedSilently() {
        var p = RequestParser()
        let r = parseOnce(&p, b("*-1\r\n"))
        XCTAssertEqual(r.event, .skipped)
        XCTAssertEqual(r.consumed, 5)
        // Redis only checks count <= 0, so any negative count is skipped (verified against redis-server).
        XCTAssertEqual(parseRequests("*-1\r\n*-2\r\n*1\r\n$4\r\nPING\r\n"), [cmd("PING")])
    }

    func testTwoBytesAfterBulkPayloadAreNotChecked() {
        // Redis skips two bytes after the payload without looking at them (verified: PINGxxPING -> two PONGs).
        XCTAssertEqual(parseRequests("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"), [cmd("PING"), cmd("PING")])
    }

    func testHeaderLineNeedsOnlyCRFollowedByAnyByte() {
        // Redis searches for '\r' and skips two bytes (verified: "*1\rX$4\r\nPING\r\n" -> PONG).
        XCTAssertEqual(parseRequests("*1\rX$4\r\nPING\r\n"), [cmd("PING")])
    }

    func testCommandBuiltByRESPWriterRoundTrips() {
        let args: [[UInt8]] = [b("HSET"), [0, 1, 2], [], Array(repeating: 13, count: 300)]
        XCTAssertEqual(parseRequests(RESPWriter.command(args)), [.command(args)])
    }

    func testBulkExactlyAtMaxBulkLengthIsAccepted() {
        let p = RequestParser(maxBulkLength: 10)
        XCTAssertEqual(parseRequests("*1\r\n$10\r\n0123456789\r\n", parser: p), [cmd("0123456789")])
    }

    func testMasterLinkIgnoresMaxBulkLength() {
        var p = RequestParser(maxBulkLength: 4)
        p.isMaster = true
        XCTAssertEqual(parseRequests("*1\r\n$10\r\n0123456789\r\n", parser: p), [cmd("0123456789")])
    }

    func testMasterHugeBulkLengthWaitsInsteadOfOverflowing() {
        var p = RequestParser()
        p.isMaster = true
        let r = parseOnce(&p, b("*1\r\n$9223372036854775807\r\nabc"))
        XCTAssertEqual(r.event, .needMore)
        XCTAssertEqual(r.consumed, 26)
        XCTAssertEqual(parseOnce(&p, b("abc")).event, .needMore)
    }

    func testUnlimitedMaxBulkLengthWaitsInsteadOfOverflowing() {
        var p = RequestParser(maxBulkLength: Int.max)
        XCTAssertEqual(parseOnce(&p, b("*1\r\n$9223372036854775806\r\n")).event, .needMore)
        XCTAssertEqual(parseOnce(&p, b("x")).event, .needMore)
    }

    func testMaximumMultibulkCountIsAcceptedAndWaitsForArguments() {
        var p = RequestParser()
        let r = parseOnce(&p, b("*2147483647\r\n"))
        XCTAssertEqual(r.event, .needMore)
        XCTAssertEqual(r.consumed, 13)
        XCTAssertTrue(p.inMultibulk)
    }

    func testUnauthenticatedLimitsAllowTheirBoundaryValues() {
        var p = RequestParser()
        p.authRequired = true
        let ten = "*10\r\n" + String(repeating: "$1\r\nx\r\n", count: 10)
        XCTAssertEqual(parseRequests(ten, parser: p), [.command(Array(repeating: b("x"), count: 10))])
        let big = String(repeating: "y", count: 16384)
        XCTAssertEqual(parseRequests("*1\r\n$16384\r\n\(big)\r\n", parser: p), [cmd(big)])
    }

    func testResetDropsAPartialCommand() {
        var p = RequestParser()
        _ = parseOnce(&p, b("*2\r\n$3\r\nGET\r\n"))
        XCTAssertTrue(p.inMultibulk)
        p.reset()
        XCTAssertFalse(p.inMultibulk)
        XCTAssertEqual(parseOnce(&p, b("*1\r\n$4\r\nPING\r\n")).event, .command([b("PING")]))
    }
}
