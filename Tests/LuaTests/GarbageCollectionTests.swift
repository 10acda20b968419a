import Lua
import XCTest

final class GarbageCollectionTests: XCTestCase {
    func makeVM() -> LuaVM {
        let vm = LuaVM()
        vm.openStandardLibraries()
        return vm
    }

    func testCyclesLeftByAScriptAreFreed() throws {
        let vm = makeVM()
        let script = try vm.load("""
        local function walk(n) if n > 0 then return walk(n - 1) end return 0 end
        walk(3)
        local t = {} t.self = t setmetatable(t, {__index = t})
        """, chunkName: "input")
        for _ in 0..<100 { _ = try vm.call(script, []) }
        XCTAssertGreaterThan(vm.liveObjects, 100)
        vm.collectGarbage(extraRoots: [script])
        XCTAssertEqual(vm.liveObjects, 0)
    }

    func testWhatTheGlobalsReachSurvives() throws {
        let vm = makeVM()
        try vm.run("""
        local function counter() local n = 0 return function() n = n + 1 return n end end
        G = {next = counter(), nested = {1, 2, 3}}
        G.nested.back = G
        """)
        vm.collectGarbage()
        XCTAssertEqual(try vm.run("G.next() return G.next(), #G.nested, G.nested.back == G"), [.number(2), .number(3), .bool(true)])
    }

    func testTheRegistryKeepsHostValues() throws {
        let vm = makeVM()
        let f = try vm.run("local t = {v = 7} return function() return t.v end")[0]
        vm.registry.set("f", f)
        vm.collectGarbage()
        XCTAssertEqual(try vm.call(f, []), [.number(7)])
    }

    func testPeriodicCollectionSkipsAHeapNoLargerThanWhatLastSurvived() throws {
        let vm = makeVM()
        try vm.run("G = {} G.self = G")
        vm.collectGarbage()
        XCTAssertEqual(vm.liveObjects, 1)
        // G's cycle is garbage now, but the heap holds no more than survived
        try vm.run("G = nil")
        XCTAssertEqual(vm.collectGarbageIfGrown(), 0)
        XCTAssertEqual(vm.liveObjects, 1)
    }

    func testPeriodicCollectionFreesCyclesOnceTheHeapGrows() throws {
        let vm = makeVM()
        try vm.run("G = {} G.self = G")
        vm.collectGarbage()
        try vm.run("G = nil local t = {} t.self = t")
        XCTAssertEqual(vm.collectGarbageIfGrown(), 2)
        XCTAssertEqual(vm.liveObjects, 0)
    }
}
