import Lua
import XCTest

final class StringLibraryTests: XCTestCase {
    func testSubWithNegativeAndOutOfRangePositions() {
        XCTAssertEqual(LuaRunner.output("local s = 'hello' print(s:sub(2, -2), s:sub(-3), s:sub(0), s:sub(10), s:sub(-100, 1))"), "ell\tllo\thello\t\th\n")
    }

    func testFormatDirectives() {
        XCTAssertEqual(LuaRunner.output("print(string.format('%5.2f|%-4d|%x|%q|%s|%c|%g', 3.14159, 7, 255, 'a\\nb', 1, 65, 1e20))"),
                       " 3.14|7   |ff|\"a\\\nb\"|1|A|1e+20\n")
    }

    func testFormatWithoutEnoughArguments() {
        XCTAssertEqual(LuaRunner.error("string.format('%d')"), "input:1: bad argument #2 to 'format' (no value)")
    }

    func testExtremePositionsDoNotOverflow() {
        XCTAssertEqual(LuaRunner.output("print(('abc'):sub(-1/0, 1/0), ('abc'):sub(-2^63), ('abc'):byte(-2^63, 2^63), ('abc'):find('b', -2^63))"), "\tabc\tnil\t2\t2\n")
        XCTAssertEqual(LuaRunner.output("print(pcall(unpack, {}, -2^63, 2^62))"), "true\tnil\n")
    }

    func testByteCharRepReverse() {
        XCTAssertEqual(LuaRunner.output("print(('abc'):byte(1, -1), string.char(104, 105), ('ab'):rep(3), ('abc'):reverse())"), "97\thi\tababab\tcba\n")
    }
}

final class PatternTests: XCTestCase {
    func testCapturesAndPositionCaptures() {
        XCTAssertEqual(LuaRunner.output("print(string.match('key = val', '(%w+)%s*=%s*(%w+)')) print(string.find('hello', '()l+()'))"), "key\tval\n3\t4\t3\t5\n")
    }

    func testBalancedAndFrontierPatterns() {
        XCTAssertEqual(LuaRunner.output("print(string.match('x(a(b)c)y', '%b()'), string.gsub('THE (quick) fox', '%f[%a]%a+', 'W'))"), "(a(b)c)\tW (W) W\t3\n")
    }

    func testGsubWithStringTableAndFunction() {
        XCTAssertEqual(LuaRunner.output("print(string.gsub('a b', '%w', '<%0>')) print(string.gsub('$x', '%$(%w)', {x = 1})) print(string.gsub('ab', '.', string.upper))"),
                       "<a> <b>\t2\n1\t1\nAB\t2\n")
    }

    func testGmatchIteratesMatches() {
        XCTAssertEqual(LuaRunner.output("for k, v in string.gmatch('a=1,b=2', '(%w)=(%w)') do io = k .. v print(io) end"), "a1\nb2\n")
    }

    func testMalformedPatternsRaise() {
        XCTAssertEqual(LuaRunner.output("print(pcall(string.find, 'x', '[a')) print(pcall(string.find, 'x', '%'))"),
                       "false\tmalformed pattern (missing ']')\nfalse\tmalformed pattern (ends with '%')\n")
    }

    func testAnchorsAndQuantifiers() {
        XCTAssertEqual(LuaRunner.output("print(('  x  '):match('^%s*(.-)%s*$'), ('aaa'):match('a-'), ('aaa'):match('a+'), ('ab'):match('^b'))"), "x\t\taaa\tnil\n")
    }
}

final class TableLibraryTests: XCTestCase {
    func testInsertRemoveConcat() {
        XCTAssertEqual(LuaRunner.output("local t = {1, 3} table.insert(t, 2, 2) table.insert(t, 4) print(table.remove(t, 1), table.concat(t, ','))"), "1\t2,3,4\n")
    }

    func testSortWithAndWithoutComparator() {
        XCTAssertEqual(LuaRunner.output("local t = {3, 1, 2} table.sort(t) print(table.concat(t)) table.sort(t, function(a, b) return a > b end) print(table.concat(t))"), "123\n321\n")
    }

    func testSortWithAnInvalidOrderFunctionRaises() {
        XCTAssertEqual(LuaRunner.output("local t = {} for i = 1, 100 do t[i] = i % 7 end print(pcall(table.sort, t, function(a, b) return true end))"),
                       "false\tinvalid order function for sorting\n")
    }

    func testGetnAndMaxn() {
        XCTAssertEqual(LuaRunner.output("print(table.getn({1, 2}), table.maxn({1, [7] = 1}))"), "2\t7\n")
    }
}

final class MathLibraryTests: XCTestCase {
    func testRandomFollowsRedisSequence() {
        XCTAssertEqual(LuaRunner.output("print(math.random(), math.random()) math.randomseed(0) print(math.random())"),
                       "0.39646477363839\t0.84048536971234\n0.17082803611217\n")
    }

    func testRandomRanges() {
        XCTAssertEqual(LuaRunner.output("math.randomseed(42) local ok = true for i = 1, 1000 do local r = math.random(3, 5) if r < 3 or r > 5 or r % 1 ~= 0 then ok = false end end print(ok, pcall(math.random, 2, 1))"),
                       "true\tfalse\tbad argument #2 to '?' (interval is empty)\n")
    }

    func testFloorCeilModfFmod() {
        XCTAssertEqual(LuaRunner.output("print(math.floor(-1.5), math.ceil(-1.5), math.modf(-1.5), math.fmod(-7, 3), math.max(1, 9, 3))"), "-2\t-1\t-1\t-1\t9\n")
    }

    func testOsHasClockOnly() {
        XCTAssertEqual(LuaRunner.output("print(type(os.clock()), os.time, os.exit)"), "number\tnil\tnil\n")
    }
}
