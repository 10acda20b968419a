import TestSupport
import XCTest
@testable import DataNode

final class LuaDebuggerRequestTests: XCTestCase {
    private func parse(_ s: String) -> DebuggerRequest { DebuggerRequest.parse(Array(s.utf8)) }

    func testAMultiBulkIsReadOnceWholeAndWaitedForWhilePartial() {
        XCTAssertEqual(parse("*2\r\n$4\r\nstep\r\n$1\r\nx\r\n"), .command([Array("step".utf8), Array("x".utf8)]))
        XCTAssertEqual(parse(""), .incomplete)
        XCTAssertEqual(parse("*2\r\n$4\r\nstep\r\n"), .incomplete)
        XCTAssertEqual(parse("*1\r\n$4\r\nst"), .incomplete)
        XCTAssertEqual(parse("*1"), .incomplete)
    }

    func testBytesBeforeTheStarAreSkippedAsRedisDoes() {
        XCTAssertEqual(parse("junk*1\r\n$1\r\nc\r\n"), .command([Array("c".utf8)]))
    }

    func testInlineEmptyOversizedAndMalformedRequestsAreProtocolErrors() {
        XCTAssertEqual(parse("step\r\n"), .protocolError)
        XCTAssertEqual(parse("*0\r\n"), .protocolError)
        XCTAssertEqual(parse("*1025\r\n"), .protocolError)
        XCTAssertEqual(parse("*1\r\n$0\r\n\r\n"), .protocolError)
        XCTAssertEqual(parse("*1\r\n$1025\r\n"), .protocolError)
        XCTAssertEqual(parse("*1\r\n:1\r\n"), .protocolError)
        XCTAssertEqual(parse("*1\r\n$1\r\nab\r\n"), .protocolError)
        // strchr stops at a NUL: a request starting with one has no star
        XCTAssertEqual(DebuggerRequest.parse([0] + Array("*1\r\n$1\r\nc\r\n".utf8)), .protocolError)
    }

    func testArgumentsAreBinaryAndCommandNamesCompareAsCStrings() {
        let cmd = Array("a\0b".utf8)
        XCTAssertEqual(DebuggerRequest.parse(Array("*1\r\n$3\r\n".utf8) + cmd + [13, 10]), .command([cmd]))
        XCTAssertTrue(DebuggerRequest.named(Array("STEP".utf8), "step"))
        XCTAssertTrue(DebuggerRequest.named(Array("s\0junk".utf8), "s"))
        XCTAssertFalse(DebuggerRequest.named(Array("'s'".utf8), "s"))
    }

    func testNumbersAreReadAsCsAtoi() {
        XCTAssertEqual(DebuggerRequest.atoi(Array("  42abc".utf8)), 42)
        XCTAssertEqual(DebuggerRequest.atoi(Array("x".utf8)), 0)
        XCTAssertEqual(DebuggerRequest.atoi(Array("-7".utf8)), -7)
        XCTAssertEqual(DebuggerRequest.atoi(Array("99999999999".utf8)), 1_215_752_191)
        XCTAssertEqual(DebuggerRequest.atoi(Array("99999999999999999999999".utf8)), -1)
    }

    func testRandomAndTruncatedRequestsNeverTrapTheReader() {
        var rng = SeededRandom(seed: 17)
        let pieces = ["*", "$", "\r\n", "\0", "1", "2", "-1", "1025", "step", "x", "\r", "\n"].map { Array($0.utf8) }
        for _ in 0..<20_000 {
            var buf: [UInt8] = []
            for _ in 0..<rng.below(12) { buf += pieces[rng.below(pieces.count)] }
            let r = DebuggerRequest.parse(buf)
            if case .command(let argv) = r { XCTAssertFalse(argv.isEmpty) }
        }
        let whole = Array("*2\r\n$4\r\nstep\r\n$2\r\nab\r\n".utf8)
        for cut in 1..<whole.count { XCTAssertEqual(DebuggerRequest.parse(Array(whole[..<cut])), .incomplete, "cut at \(cut)") }
    }
}
