import Lua
import XCTest

final class ErrorTests: XCTestCase {
    func testRuntimeErrorsNameTheVariable() {
        XCTAssertEqual(LuaRunner.error("local t\nreturn t.x"), "input:2: attempt to index local 't' (a nil value)")
        XCTAssertEqual(LuaRunner.error("return g.x"), "input:1: attempt to index global 'g' (a nil value)")
        XCTAssertEqual(LuaRunner.error("local t = {} return t.a.b"), "input:1: attempt to index field 'a' (a nil value)")
        XCTAssertEqual(LuaRunner.error("nofn()"), "input:1: attempt to call global 'nofn' (a nil value)")
        XCTAssertEqual(LuaRunner.error("local t = {} t:m()"), "input:1: attempt to call method 'm' (a nil value)")
        XCTAssertEqual(LuaRunner.error("local s = 'x' return s + 1"), "input:1: attempt to perform arithmetic on local 's' (a string value)")
        XCTAssertEqual(LuaRunner.error("return {} .. 'x'"), "input:1: attempt to concatenate a table value")
        XCTAssertEqual(LuaRunner.error("return 1 < 'x'"), "input:1: attempt to compare number with string")
    }

    func testErrorAddsThePositionOfItsCaller() {
        XCTAssertEqual(LuaRunner.output("print(pcall(error, 'm', 0)) print(pcall(function() error('m') end))"), "false\tm\nfalse\tinput:1: m\n")
    }

    func testErrorLevelTwoBlamesTheCaller() {
        XCTAssertEqual(LuaRunner.output("local function f() error('m', 2) end\nlocal function g()\nf()\nend\nprint(pcall(g))"), "false\tinput:3: m\n")
    }

    func testErrorObjectsMayBeTables() {
        XCTAssertEqual(LuaRunner.output("local ok, e = pcall(error, {code = 7}) print(ok, e.code)"), "false\t7\n")
    }

    func testChunkNameAppearsInRuntimeErrors() {
        let vm = LuaVM()
        vm.openStandardLibraries()
        XCTAssertThrowsError(try vm.run("local x = nil\nreturn x.y", chunkName: "user_script")) { e in
            XCTAssertEqual((e as? LuaError)?.description, "user_script:2: attempt to index local 'x' (a nil value)")
        }
    }

    func testBadArgumentNamesTheFunctionAsCalled() {
        XCTAssertEqual(LuaRunner.error("string.rep()"), "input:1: bad argument #1 to 'rep' (string expected, got no value)")
        XCTAssertEqual(LuaRunner.error("('x'):rep({})"), "input:1: bad argument #1 to 'rep' (number expected, got table)")
        XCTAssertEqual(LuaRunner.output("print(pcall(string.rep))"), "false\tbad argument #1 to '?' (string expected, got no value)\n")
    }

    func testXpcallHandsTheErrorToTheHandler() {
        XCTAssertEqual(LuaRunner.output("print(xpcall(function() error('E', 0) end, function(m) return 'h:' .. m end))"), "false\th:E\n")
    }
}

final class LimitsTests: XCTestCase {
    func testHugeStringRepetitionIsAnError() {
        XCTAssertEqual(LuaRunner.output("print(pcall(string.rep, 'x', 1e9))"), "false\tnot enough memory\n")
    }

    func testHugeConcatenationIsAnError() {
        let r = LuaRunner.run("local s = string.rep('x', 1000) while true do s = s .. s end") { $0.maxStringLength = 1 << 20 }
        XCTAssertEqual(r.err, "lua5.1: input:1: not enough memory")
    }

    func testHugeTableIsAnError() {
        let saved = LuaTable.maxEntries
        LuaTable.maxEntries = 10_000
        defer { LuaTable.maxEntries = saved }
        XCTAssertEqual(LuaRunner.error("local t = {} for i = 1, 1e9 do t[i] = i end"), "input:1: table overflow")
        XCTAssertEqual(LuaRunner.error("local t = {} for i = 1, 1e9 do t['k' .. i] = i end"), "input:1: table overflow")
    }

    func testInfiniteRecursionIsAStackOverflow() {
        let e = LuaRunner.error("local function f() return 1 + f() end f()")
        XCTAssertTrue(e.hasSuffix("stack overflow"), e)
    }

    func testNativeReentryIsBounded() {
        XCTAssertEqual(LuaRunner.output("local function f() return pcall(f) end local r = {f()} print(#r, r[#r])"), "199\tC stack overflow\n")
    }

    func testDeepRecursionThroughMetamethodsIsBounded() {
        let r = LuaRunner.run("local t = setmetatable({}, {}) getmetatable(t).__index = function(t, k) return t[k] end return t.x")
        XCTAssertNotNil(r.err)
    }
}

final class HookTests: XCTestCase {
    func testHookRunsEveryNInstructions() throws {
        let vm = LuaVM()
        vm.openStandardLibraries()
        var calls = 0
        vm.hookInterval = 1000
        vm.hook = { _ in calls += 1 }
        try vm.run("local s = 0 for i = 1, 10000 do s = s + i end")
        XCTAssertGreaterThanOrEqual(calls, 20)
        XCTAssertLessThan(calls, 100)
    }

    func testAbortFromTheHookStopsALoopAndPcallCannotCatchIt() {
        let vm = LuaVM()
        vm.openStandardLibraries()
        var ticks = 0
        vm.hookInterval = 100
        vm.hook = { _ in ticks += 1; if ticks == 50 { throw LuaAbort("Script killed by user with SCRIPT KILL...") } }
        XCTAssertThrowsError(try vm.run("while true do pcall(function() while true do end end) end")) { e in
            XCTAssertEqual((e as? LuaAbort)?.reason, "Script killed by user with SCRIPT KILL...")
        }
    }

    func testErrorFromTheHookIsARaisedError() {
        let vm = LuaVM()
        vm.openStandardLibraries()
        vm.hookInterval = 100
        vm.hook = { _ in throw LuaError.message("time limit") }
        XCTAssertThrowsError(try vm.run("while true do end")) { e in
            XCTAssertEqual((e as? LuaError)?.description, "input:1: time limit")
        }
    }

    func testTheStateIsUsableAfterAnAbort() throws {
        let vm = LuaVM()
        vm.openStandardLibraries()
        vm.hookInterval = 100
        vm.hook = { _ in throw LuaAbort("stop") }
        XCTAssertThrowsError(try vm.run("local function f() while true do end end f()"))
        vm.hook = nil
        XCTAssertEqual(try vm.run("return 1 + 1").first, .number(2))
    }
}
