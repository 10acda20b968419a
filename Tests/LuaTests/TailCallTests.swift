import Lua
import XCTest

final class TailCallTests: XCTestCase {
    func testDeepTailRecursionRunsInConstantFrames() {
        XCTAssertEqual(LuaRunner.output("""
        local function loop(n, acc) if n == 0 then return acc end return loop(n - 1, acc + 1) end
        print(loop(1000000, 0))
        """), "1000000\n")
    }

    func testMutualTailRecursionDoesNotOverflow() {
        XCTAssertEqual(LuaRunner.output("""
        local even, odd
        function even(n) if n == 0 then return true end return odd(n - 1) end
        function odd(n) if n == 0 then return false end return even(n - 1) end
        print(even(300001))
        """), "false\n")
    }

    func testTailCalledMethodKeepsAllResults() {
        XCTAssertEqual(LuaRunner.output("""
        local o = {}
        function o:three(...) return 1, select('#', ...), ... end
        local function f(...) return o:three(...) end
        print(f('a', nil, 'c'))
        print((f()))
        """), "1\t3\ta\tnil\tc\n1\n")
    }

    func testParenthesisedReturnIsNotATailCall() {
        XCTAssertEqual(LuaRunner.error("""
        local function loop(n) if n == 0 then return 0 end return (loop(n - 1)) end
        loop(100000)
        """).contains("stack overflow"), true)
    }

    func testTailCallToANativeReturnsItsResults() {
        XCTAssertEqual(LuaRunner.output("""
        local function f(s) return string.byte(s, 1, -1) end
        print(f('abc'))
        """), "97\t98\t99\n")
    }
}
