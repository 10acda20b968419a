import Lua
import XCTest

final class LexerTests: XCTestCase {
    func testLongStringsOfEveryLevelKeepTheirContent() {
        XCTAssertEqual(LuaRunner.output("print([[a]], [==[b]]c]==], [=[\nskip first newline]=])"), "a\tb]]c\tskip first newline\n")
    }

    func testLongCommentsAreSkipped() {
        XCTAssertEqual(LuaRunner.output("--[[ print(1)\n print(2) ]] print(3) --[==[ ]] ]==] print(4)"), "3\n4\n")
    }

    func testEscapesDecodeToTheirBytes() {
        XCTAssertEqual(LuaRunner.output(#"print(#"\a\b\f\n\r\t\v\\\"\'", "\65\066\0677", "x\q")"#), "10\tABC7\txq\n")
    }

    func testHexAndExponentNumbersParse() {
        XCTAssertEqual(LuaRunner.output("print(0x10, 0XfF, 1e2, .5, 3., 2E-1)"), "16\t255\t100\t0.5\t3\t0.2\n")
    }

    func testMalformedNumberIsASyntaxError() {
        XCTAssertEqual(LuaRunner.error("x = 3x"), "input:1: malformed number near '3x'")
    }

    func testUnfinishedStringAtEndOfInputSaysEof() {
        XCTAssertEqual(LuaRunner.error("x = 'abc"), "input:1: unfinished string near '<eof>'")
    }

    func testEscapeAbove255IsRejected() {
        XCTAssertEqual(LuaRunner.error("x = '\\256'"), "input:1: escape sequence too large near '''")
    }

    func testShebangLineIsSkipped() {
        XCTAssertEqual(LuaRunner.output("#!lua flags=no-writes\nprint(1)"), "1\n")
    }
}

final class ParserErrorTests: XCTestCase {
    func testMissingEndNamesTheOpeningLine() {
        XCTAssertEqual(LuaRunner.error("if x then\nprint(1)\n"), "input:3: 'end' expected (to close 'if' at line 1) near '<eof>'")
    }

    func testExpressionStatementThatIsNotACallWantsAnAssignment() {
        XCTAssertEqual(LuaRunner.error("a b"), "input:1: '=' expected near 'b'")
    }

    func testUnexpectedSymbol() {
        XCTAssertEqual(LuaRunner.error("return +"), "input:1: unexpected symbol near '+'")
    }

    func testBreakOutsideALoop() {
        XCTAssertEqual(LuaRunner.error("break"), "input:1: no loop to break near '<eof>'")
    }

    func testVarargOutsideAVarargFunction() {
        XCTAssertEqual(LuaRunner.error("function f() return ... end"), "input:1: cannot use '...' outside a vararg function near '...'")
    }

    func testDeepNestingIsAnErrorNotACrash() {
        let src = "return " + String(repeating: "(", count: 500) + "1" + String(repeating: ")", count: 500)
        XCTAssertEqual(LuaRunner.error(src), "input:1: chunk has too many syntax levels")
    }

    func testChunkNameIsAParameter() {
        let vm = LuaVM()
        XCTAssertThrowsError(try vm.load("x = = 1", chunkName: "user_script")) { e in
            XCTAssertEqual((e as? LuaError)?.description, "user_script:1: unexpected symbol near '='")
        }
    }
}
