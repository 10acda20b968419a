import Lua
import XCTest
@testable import DataNode

final class LuaDebuggerFormatTests: XCTestCase {
    private func shown(_ lua: String) throws -> String {
        let vm = LuaVM()
        vm.openStandardLibraries()
        let v = try vm.run(lua).first ?? .nil_
        return String(decoding: DebuggerFormat.value(v), as: UTF8.self)
    }

    func testValuesShowAsTheDebuggerPrintsThem() throws {
        XCTAssertEqual(try shown("return 'a\\nb\"'"), "\"a\\nb\\\"\"")
        XCTAssertEqual(try shown("return 1/3"), "0.333333")
        XCTAssertEqual(try shown("return nil"), "nil")
        XCTAssertEqual(try shown("return {1, 'x', true}"), "{1; \"x\"; true}")
        XCTAssertEqual(try shown("return {}"), "{}")
        XCTAssertEqual(try shown("return {[2] = 'b'}"), "{[2]=\"b\"}")
    }

    func testASelfReferencingTableStopsAtTheDepthLimit() throws {
        let text = try shown("local t = {} t[1] = t return t")
        XCTAssertTrue(text.hasSuffix("{<max recursion level reached! Nested table?>}}}}}}}}}}"), text)
    }

    func testRepliesShowAsTheDebuggerLogsThem() {
        func human(_ s: String) -> String { String(decoding: DebuggerFormat.reply(Array(s.utf8)), as: UTF8.self) }
        XCTAssertEqual(human("+OK\r\n"), "\"+OK\"")
        XCTAssertEqual(human("-ERR no\r\n"), "\"-ERR no\"")
        XCTAssertEqual(human(":5\r\n"), "5")
        XCTAssertEqual(human("$-1\r\n"), "NULL")
        XCTAssertEqual(human("*2\r\n$1\r\na\r\n*-1\r\n"), "[\"a\",NULL]")
        XCTAssertEqual(human("%1\r\n$1\r\nk\r\n,1.5\r\n"), "{\"k\" => (double) 1.5}")
        XCTAssertEqual(human("~2\r\n#t\r\n_\r\n"), "~(#true,(null))")
    }

    func testLogsGoOutAsOneMultiBulkOfStatusLinesWithoutNewlines() {
        XCTAssertEqual(String(decoding: LuaDebugger.encode([Array("a\r\nb".utf8), []]), as: UTF8.self), "*2\r\n+a  b\r\n+\r\n")
    }
}
