import Lua
import XCTest

final class CoroutineTests: XCTestCase {
    func testWhatASuspendedCoroutineHoldsSurvivesCollection() throws {
        let vm = LuaVM()
        vm.openStandardLibraries()
        try vm.run("""
        local function keep() local t = {v = 'kept'} t.self = t coroutine.yield() return t.self.v end
        CO = coroutine.create(keep)
        W = coroutine.wrap(function() local t = {v = 'wrapped'} t.self = t coroutine.yield() coroutine.yield(t.self.v) end)
        coroutine.resume(CO)
        W()
        """)
        vm.collectGarbage()
        XCTAssertEqual(try vm.run("local ok, v = coroutine.resume(CO) return v, W()").map { LuaVM.rawToString($0) }, ["kept", "wrapped"])
    }

    func testEndlessNestedResumesStopAtTheCStackLimit() {
        XCTAssertEqual(LuaRunner.output("""
        local function r() return coroutine.resume(coroutine.create(r)) end
        local t = {r()}
        print(#t, t[#t], t[#t - 1])
        """), "200\tC stack overflow\tfalse\n")
    }

    func testYieldAcrossPcallIsRefusedAsLua51Does() {
        XCTAssertEqual(LuaRunner.output("""
        print(coroutine.resume(coroutine.create(function() return pcall(coroutine.yield) end)))
        """), "true\tfalse\tattempt to yield across metamethod/C-call boundary\n")
    }

    func testAGeneratorYieldsEachValueInTurn() {
        XCTAssertEqual(LuaRunner.output("""
        local g = coroutine.wrap(function() for i = 1, 3 do coroutine.yield(i * i) end return 'end' end)
        print(g(), g(), g(), g(), pcall(g))
        """), "1\t4\t9\tend\tfalse\tcannot resume dead coroutine\n")
    }
}
