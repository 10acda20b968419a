import Foundation
import TestSupport
import XCTest

/// Vigil's interpreter against the real `lua5.1` on the same programs: the
/// hand-written corpus and seeded generated ones. Standard output must be
/// identical and so must the first line of an uncaught error.
final class LuaDifferentialTests: XCTestCase {
    var dir: URL!

    override func setUpWithError() throws {
        dir = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-lua-diff-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dir)
    }

    func compare(_ name: String, _ source: String, lua: String) throws -> Bool {
        let expected = try RealLua.run(source, lua: lua, dir: dir)
        let got = LuaRunner.run(source)
        if expected.out == got.out && expected.err == got.err { return true }
        XCTFail("""
        \(name) differs from lua5.1
        --- program
        \(source)
        --- lua5.1 stdout
        \(expected.out)--- lua5.1 error: \(expected.err ?? "none")
        --- vigil stdout
        \(got.out)--- vigil error: \(got.err ?? "none")
        """)
        return false
    }

    func testCorpusProgramsPrintWhatLua51Prints() throws {
        let lua = try RealLua.path()
        for (name, source) in LuaCorpus.programs {
            _ = try compare(name, source, lua: lua)
        }
    }

    func testTableTraversalOrderIsLua51s() throws {
        let lua = try RealLua.path()
        for (name, source) in TableOrderPrograms.programs {
            _ = try compare(name, source, lua: lua)
        }
    }

    func testGeneratedProgramsPrintWhatLua51Prints() throws {
        let lua = try RealLua.path()
        let count = Int(ProcessInfo.processInfo.environment["VIGIL_LUA_DIFF_COUNT"] ?? "") ?? 300
        let seed = UInt64(ProcessInfo.processInfo.environment["VIGIL_LUA_DIFF_SEED"] ?? "") ?? SeededRandom.randomSeed()
        var failures = 0
        for i in 0..<count {
            var g = LuaProgramGenerator(seed: seed &+ UInt64(i))
            let src = g.program()
            if try !compare("generated program \(i) (VIGIL_LUA_DIFF_SEED=\(seed), index \(i))", src, lua: lua) {
                failures += 1
                if failures >= 5 { break }
            }
        }
    }
}
