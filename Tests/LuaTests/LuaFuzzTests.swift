import Foundation
import Lua
import TestSupport
import XCTest

/// Mutated scripts (bytes and tokens deleted, inserted, duplicated, swapped)
/// must raise Lua errors or run, never crash or leak another kind of error.
/// VIGIL_LUA_FUZZ_COUNT sets how many (default 2000); VIGIL_LUA_FUZZ_SEED replays a run.
final class LuaFuzzTests: XCTestCase {
    static let tokens = ["(", ")", "{", "}", "[", "]", "[[", "]]", "[==[", "--", "--[[", "\"", "'", "\\", "..", "...", "=", "==", "~=",
                         "<", "<=", "#", "%", "^", ":", ";", ",", ".", "end", "function", "local", "return", "break", "if", "then",
                         "else", "elseif", "while", "do", "for", "in", "repeat", "until", "nil", "true", "false", "not", "and", "or",
                         "0", "1e308", "0x", "-", "x", "t", "self", "_G", "f()", "string.rep('x', 1e9)", "setmetatable({}, {__index = function(t, k) return t[k] end})",
                         "pcall", "error", "(function(...) return ... end)(1, 2)", "\n", " ", "%b()", "%f[", "string.gsub", "table.sort", "coroutine"]

    func mutate(_ src: [UInt8], _ rng: inout SeededRandom) -> [UInt8] {
        var s = src
        for _ in 0..<rng.int(1...4) {
            let n = s.count
            switch rng.below(6) {
            case 0 where n > 0:
                let a = rng.below(n), len = rng.int(1...min(20, n - a))
                s.removeSubrange(a..<a + len)
            case 1:
                s.insert(contentsOf: Array(rng.pick(LuaFuzzTests.tokens).utf8), at: rng.below(n + 1))
            case 2 where n > 0:
                let a = rng.below(n), len = rng.int(1...min(40, n - a))
                s.insert(contentsOf: s[a..<a + len], at: rng.below(n + 1))
            case 3 where n > 0:
                s[rng.below(n)] = rng.byte()
            case 4 where n > 1:
                let a = rng.below(n), b = rng.below(n)
                s.swapAt(a, b)
            default:
                s.insert(contentsOf: Array(" \(rng.pick(LuaFuzzTests.tokens)) ".utf8), at: rng.below(n + 1))
            }
        }
        return s
    }

    func runOne(_ src: [UInt8]) -> Error? {
        let vm = LuaVM()
        vm.openStandardLibraries()
        vm.output = { _ in }
        vm.maxStringLength = 4096
        var ticks = 0
        vm.hookInterval = 1000
        vm.hook = { _ in ticks += 1; if ticks > 50 { throw LuaAbort("budget") } }
        do {
            let f = try vm.load(src, chunkName: "fuzz")
            _ = try vm.call(f, [])
        } catch is LuaError {
        } catch is LuaAbort {
        } catch {
            return error
        }
        vm.collectGarbage()
        return nil
    }

    func testMutatedScriptsNeverCrash() {
        let count = Int(ProcessInfo.processInfo.environment["VIGIL_LUA_FUZZ_COUNT"] ?? "") ?? 2000
        let seed = UInt64(ProcessInfo.processInfo.environment["VIGIL_LUA_FUZZ_SEED"] ?? "") ?? SeededRandom.randomSeed()
        var rng = SeededRandom(seed: seed)
        var sources = LuaCorpus.programs.map { Array($0.source.utf8) } + RedisLibrarySeeds.programs.map { Array($0.utf8) }
        for i in 0..<20 {
            var g = LuaProgramGenerator(seed: seed &+ UInt64(i))
            sources.append(Array(g.program().utf8))
        }
        for i in 0..<count {
            let mutated = mutate(rng.pick(sources), &rng)
            if let e = runOne(mutated) {
                XCTFail("mutated script \(i) (VIGIL_LUA_FUZZ_SEED=\(seed)) raised \(e):\n\(String(decoding: mutated, as: UTF8.self))")
                return
            }
        }
    }
}
