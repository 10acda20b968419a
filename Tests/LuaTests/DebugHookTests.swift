import Lua
import XCTest

final class DebugHookTests: XCTestCase {
    private func linesHeard(_ source: String) throws -> [Int] {
        let vm = LuaVM()
        vm.openStandardLibraries()
        let f = try vm.load(source, chunkName: "user_script")
        var heard: [Int] = []
        vm.lineHook = { vm, line in
            if vm.frameInfo(level: 0)?.chunk == "user_script" { heard.append(line) }
        }
        _ = try vm.call(f, [])
        return heard
    }

    func testTheLineHookHearsEachNewLineLoopIterationAndCallAsLua51() throws {
        // lua5.1 with debug.sethook(..., "l") hears 4,5,6,7,2,3,6,7,2,3,6,9,9,10,2,3,11
        let heard = try linesHeard("""
        local function add(a, b)
          local s = a + b
          return s
        end
        local t = 0
        for i = 1, 2 do
          t = add(t, i)
        end
        while t > 2 do t = t - 2 end
        local x = add(1, 2)
        return t
        """)
        XCTAssertEqual(heard, [4, 5, 6, 7, 2, 3, 6, 7, 2, 3, 6, 9, 9, 10, 2, 3, 11])
    }

    func testLocalsInScopeAreListedInDeclarationOrderWithCapturedOnesRead() throws {
        let vm = LuaVM()
        vm.openStandardLibraries()
        let f = try vm.load("""
        local a = 1
        local b = 'x'
        local get = function() return b end
        do local hidden = 3 end
        return a
        """, chunkName: "user_script")
        var atLastLine: [String] = []
        vm.lineHook = { vm, line in
            if line == 5 { atLastLine = vm.locals(level: 0).map { "\($0.name)=\(LuaVM.rawToString($0.value).prefix(8))" } }
        }
        _ = try vm.call(f, [])
        XCTAssertEqual(atLastLine, ["a=1", "b=x", "get=function"])
    }

    func testAFrameKnowsTheNameItsCallerGaveIt() throws {
        let vm = LuaVM()
        vm.openStandardLibraries()
        let f = try vm.load("""
        local function inner()
          return 1
        end
        local r = inner()
        return r
        """, chunkName: "user_script")
        var seen: [String] = []
        vm.lineHook = { vm, line in
            if line == 2 {
                seen = (0..<vm.levelCount).compactMap { vm.frameInfo(level: $0) }.map { "\($0.name ?? "top level"):\($0.currentLine)" }
            }
        }
        _ = try vm.call(f, [])
        XCTAssertEqual(seen, ["inner:2", "top level:4"])
    }

    func testTheHookDoesNotHearCodeItRunsItself() throws {
        let vm = LuaVM()
        vm.openStandardLibraries()
        let f = try vm.load("local a = 1\nreturn a", chunkName: "user_script")
        let probe = try vm.load("local z = 5\nreturn z", chunkName: "probe")
        var heard: [String] = []
        vm.lineHook = { vm, line in
            heard.append("\(vm.frameInfo(level: 0)!.chunk):\(line)")
            _ = try vm.call(probe, [])
        }
        _ = try vm.call(f, [])
        XCTAssertEqual(heard, ["user_script:1", "user_script:2"])
    }
}
