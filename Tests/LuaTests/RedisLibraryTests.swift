import Lua
import XCTest

/// A few pinned facts of Redis's bundled libraries (the differential test
/// against redis-server covers them broadly when it can run).
final class RedisLibraryTests: XCTestCase {
    func testCJSONEncodesEmptyTableAsObjectAndEscapesSlash() {
        XCTAssertEqual(LuaRunner.output("print(cjson.encode({}), cjson.encode({'a/b', 0.1, true}))"), "{}\t[\"a\\/b\",0.1,true]\n")
    }

    func testCJSONRefusesExcessivelySparseArrays() {
        XCTAssertEqual(LuaRunner.error("cjson.encode({[20] = 1})"), "input:1: Cannot serialise table: excessively sparse array")
    }

    func testCJSONDecodeReportsTheCharacterOfTheBadToken() {
        XCTAssertEqual(LuaRunner.error("cjson.decode('[1,]')"), "input:1: Expected value but found T_ARR_END at character 4")
    }

    func testCJSONNullRoundTrips() {
        XCTAssertEqual(LuaRunner.output("local t = cjson.decode('[null]') print(t[1] == cjson.null, cjson.encode(t))"), "true\t[null]\n")
    }

    func testCMsgpackPicksTheSmallestIntegerEncoding() {
        XCTAssertEqual(LuaRunner.output("""
        local s = cmsgpack.pack(1, 200, -33, 70000, 0.5, 'ab', {1, 2}, {a = 1})
        print((s:gsub('.', function(c) return string.format('%02x', c:byte()) end)))
        """), "01ccc8d0dfce00011170ca3f000000a2616292010281a16101\n")
    }

    func testCMsgpackUnpackOneReturnsTheNextOffset() {
        XCTAssertEqual(LuaRunner.output("print(cmsgpack.unpack_one(cmsgpack.pack(1, 2), 0))"), "1\t1\n")
    }

    func testBitOperationsAreSigned32Bit() {
        XCTAssertEqual(LuaRunner.output("print(bit.band(7, 3), bit.tohex(255), bit.bnot(0), bit.lshift(1, 31), bit.tobit(2^32 + 1))"),
                       "3\t000000ff\t-1\t-2147483648\t1\n")
    }

    func testStructPacksWithItsFormatLetters() {
        XCTAssertEqual(LuaRunner.output("print(struct.pack('>I2', 258) == '\\1\\2', struct.unpack('<i2', '\\254\\255'), struct.size('!4 b i'))"),
                       "true\t-2\t8\n")
    }

    func testTheFuzzersLibrarySeedsRunWithoutRaising() {
        for src in RedisLibrarySeeds.programs {
            XCTAssertNil(LuaRunner.run(src).err, src)
        }
    }
}
