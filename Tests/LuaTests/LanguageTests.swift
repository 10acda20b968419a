import Lua
import XCTest

final class ClosureTests: XCTestCase {
    func testEachLoopIterationHasItsOwnVariable() {
        XCTAssertEqual(LuaRunner.output("""
        local fs = {}
        for i = 1, 3 do fs[i] = function() return i end end
        print(fs[1](), fs[2](), fs[3]())
        """), "1\t2\t3\n")
    }

    func testClosuresOverOneVariableShareIt() {
        XCTAssertEqual(LuaRunner.output("""
        local function mk() local n = 0; return function() n = n + 1 end, function() return n end end
        local inc, get = mk()
        inc(); inc()
        print(get())
        """), "2\n")
    }

    func testUpvaluesReachThroughSeveralLevels() {
        XCTAssertEqual(LuaRunner.output("""
        local a = 1
        local function f() return function() return function() a = a + 1; return a end end end
        print(f()()(), a)
        """), "2\t2\n")
    }

    func testRepeatConditionSeesTheBodysLocals() {
        XCTAssertEqual(LuaRunner.output("local n = 0 repeat local done = n >= 2; n = n + 1 until done print(n)"), "3\n")
    }

    func testLocalFunctionCanRecurse() {
        XCTAssertEqual(LuaRunner.output("local function f(n) if n == 0 then return 0 end return n + f(n - 1) end print(f(10))"), "55\n")
    }
}

final class VarargAndAssignmentTests: XCTestCase {
    func testVarargsKeepNilsAndCount() {
        XCTAssertEqual(LuaRunner.output("local function f(...) return select('#', ...), ... end print(f(1, nil, 3))"), "3\t1\tnil\t3\n")
    }

    func testOnlyTheLastExpressionExpands() {
        XCTAssertEqual(LuaRunner.output("local function f() return 1, 2 end print(f(), f()) print((f()))"), "1\t1\t2\n1\n")
    }

    func testMultipleAssignmentEvaluatesBeforeAssigning() {
        XCTAssertEqual(LuaRunner.output("local a, b = 1, 2 a, b = b, a print(a, b)"), "2\t1\n")
    }

    func testMissingValuesAreNilAndExtraOnesDropped() {
        XCTAssertEqual(LuaRunner.output("local a, b, c = 1, 2 local d = 3, 4 print(a, b, c, d)"), "1\t2\tnil\t3\n")
    }
}

final class TableTests: XCTestCase {
    func testArrayAndHashPartsTogether() {
        XCTAssertEqual(LuaRunner.output("local t = {1, 2, x = 'a', [10] = 'b'} t[3] = 3 print(#t, t.x, t[10], t[3])"), "3\ta\tb\t3\n")
    }

    func testNumericKeysNormalise() {
        XCTAssertEqual(LuaRunner.output("local t = {} t[1.0] = 'one' t[2^53] = 'big' print(t[1], t[2^53])"), "one\tbig\n")
    }

    func testFieldsMayBeClearedDuringTraversal() {
        XCTAssertEqual(LuaRunner.output("local t = {a=1,b=2,c=3,d=4} for k in pairs(t) do t[k] = nil end print(next(t))"), "nil\n")
    }

    func testNilAndNaNKeysAreErrors() {
        XCTAssertEqual(LuaRunner.error("local t = {} t[nil] = 1"), "input:1: table index is nil")
        XCTAssertEqual(LuaRunner.error("local t = {} t[0/0] = 1"), "input:1: table index is NaN")
    }
}

final class MetatableTests: XCTestCase {
    func testIndexAndNewindexFunctions() {
        XCTAssertEqual(LuaRunner.output("""
        local log = {}
        local t = setmetatable({}, {__index = function(_, k) return k .. '?' end, __newindex = function(t, k, v) rawset(t, k, v * 2) end})
        t.x = 5
        print(t.x, t.y)
        """), "10\ty?\n")
    }

    func testArithmeticComparisonAndConcatMetamethods() {
        XCTAssertEqual(LuaRunner.output("""
        local V = {}
        V.__add = function(a, b) return a.v + b.v end
        V.__lt = function(a, b) return a.v < b.v end
        V.__le = function(a, b) return a.v <= b.v end
        V.__eq = function(a, b) return a.v == b.v end
        V.__concat = function(a, b) return 'cat' end
        V.__call = function(self, x) return x * 2 end
        V.__tostring = function(a) return 'V' .. a.v end
        V.__unm = function(a) return -a.v end
        local a, b = setmetatable({v = 1}, V), setmetatable({v = 2}, V)
        print(a + b, a < b, a >= b, a == setmetatable({v = 1}, V), a .. 'x', a(21), tostring(a), -a)
        """), "3\ttrue\tfalse\ttrue\tcat\t42\tV1\t-1\n")
    }

    func testLenMetamethodDoesNotApplyToTables() {
        XCTAssertEqual(LuaRunner.output("print(#setmetatable({1, 2}, {__len = function() return 9 end}))"), "2\n")
    }

    func testProtectedMetatable() {
        XCTAssertEqual(LuaRunner.output("local t = setmetatable({}, {__metatable = 'no'}) print(getmetatable(t), pcall(setmetatable, t, {}))"),
                       "no\tfalse\tcannot change a protected metatable\n")
    }

    func testStringsIndexTheStringLibrary() {
        XCTAssertEqual(LuaRunner.output("local s = 'abc' print(s:upper(), ('%d'):format(7), #s)"), "ABC\t7\t3\n")
    }
}

final class NumberFormatTests: XCTestCase {
    func testIntegralNumbersPrintWithoutAFraction() {
        XCTAssertEqual(LuaRunner.output("print(1, -3, 2^53, 1e14, 1e15, 100/4)"), "1\t-3\t9.007199254741e+15\t1e+14\t1e+15\t25\n")
    }

    func testFractionsUseFourteenSignificantDigits() {
        XCTAssertEqual(LuaRunner.output("print(0.1, 1/3, -2.5, 1e-7, 0/0 ~= 0/0, 1/0)"), "0.1\t0.33333333333333\t-2.5\t1e-07\ttrue\tinf\n")
    }

    func testStringsCoerceToNumbersInArithmetic() {
        XCTAssertEqual(LuaRunner.output("print('10' + 1, '0x10' * 1, ' 2 ' ^ 2, 10 .. '')"), "11\t16\t4\t10\n")
    }
}
