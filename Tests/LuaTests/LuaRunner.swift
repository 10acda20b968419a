import Foundation
import Lua
import TestSupport
import XCTest

/// Runs a chunk on a fresh interpreter with the standard libraries and
/// returns what it printed and, if it raised, the error as `lua5.1` shows it
/// (`lua5.1: input:3: msg`).
enum LuaRunner {
    static func run(_ source: String, chunkName: String = "input", configure: (LuaVM) -> Void = { _ in }) -> (out: String, err: String?) {
        let vm = LuaVM()
        vm.openStandardLibraries()
        var out = ""
        vm.output = { out += $0 }
        configure(vm)
        do {
            try vm.run(source, chunkName: chunkName)
            return (out, nil)
        } catch let e as LuaError {
            // what lua.c's report() prints
            switch e.value {
            case .string, .number: return (out, "lua5.1: " + e.description)
            default: return (out, "lua5.1: (error object is not a string)")
            }
        } catch {
            return (out, "lua5.1: \(error)")
        }
    }

    /// What a chunk prints; fails the test if it raised.
    static func output(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let r = run(source)
        if let e = r.err { XCTFail("unexpected error: \(e)", file: file, line: line) }
        return r.out
    }

    /// The error a chunk raised (without the `lua5.1: ` prefix).
    static func error(_ source: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        let r = run(source)
        guard let e = r.err else { XCTFail("expected an error", file: file, line: line); return "" }
        return String(e.dropFirst("lua5.1: ".count))
    }
}

/// The real `lua5.1`, a test-time peer like redis-server.
enum RealLua {
    static func path() throws -> String { try Interop.tool("lua5.1", purpose: "the Lua differential test") }

    /// Runs `source` as the file `input` (so positions read `input:LINE:`),
    /// returning stdout and the first line of stderr.
    static func run(_ source: String, lua: String, dir: URL) throws -> (out: String, err: String?) {
        let file = dir.appendingPathComponent("input")
        try Data(source.utf8).write(to: file)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: lua)
        p.arguments = ["input"]
        p.currentDirectoryURL = dir
        let o = Pipe(), e = Pipe()
        p.standardOutput = o
        p.standardError = e
        try p.run()
        let outData = o.fileHandleForReading.readDataToEndOfFile()
        let errData = e.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let err = String(decoding: errData, as: UTF8.self)
        // the first line is "<argv0>: <message>"
        var first = err.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if first.hasPrefix(lua + ": ") { first = "lua5.1: " + first.dropFirst(lua.count + 2) }
        return (String(decoding: outData, as: UTF8.self), err.isEmpty ? nil : first)
    }
}
