import CLI
import Deployment
import Foundation
import TestSupport
import XCTest

/// `vigil-cli --eval` and the Lua debugger prompt (`--ldb`, `--ldb-sync-mode`,
/// `SCRIPT DEBUG` typed at the prompt): the same lines typed into vigil-cli
/// and redis-cli against the same redis-server print the same bytes.
extension CLISessionTests {
    private static let script = """
        local a = redis.call('set', KEYS[1], ARGV[1])
        local b = 10
        redis.debug(b, KEYS)
        return {a, b, ARGV[2]}

        """

    /// Runs both tools with `args` (the script file appended where `FILE`
    /// stands) and the given prompt lines; asserts equal stdout, stderr and status.
    private func assertSameAsRedisCli(_ args: [String], lines: [String], script: String = script,
                                      term: String = "dumb", file: StaticString = #filePath, line: UInt = #line) throws {
        let redisCli = try Interop.tool("redis-cli", purpose: "comparing vigil-cli's Lua debugger with redis-cli's")
        let dir = try makeScratchDirectory("ldb-cli")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/script.lua"
        try script.write(toFile: path, atomically: true, encoding: .utf8)
        let argv = args.map { $0 == "FILE" ? path : $0 }
        let input = lines.map { $0 + "\n" }.joined()
        let want = try ToolRun.run(redisCli, ["-p", String(port)] + argv, stdin: input, timeout: 30,
                                   environment: ["TERM": term])
        let cap = CLICapture()
        let status = CLIMain.run(arguments: ["-p", String(port)] + argv, environment: ["TERM": term],
                                 io: cap.output, lines: ScriptedLines(lines))
        let program = CommandLine.arguments.first ?? ""
        XCTAssertEqual(cap.outText, want.stdout, "stdout of \(args)", file: file, line: line)
        XCTAssertEqual(cap.errText.replacingOccurrences(of: program, with: redisCli), want.stderr,
                       "stderr of \(args)", file: file, line: line)
        XCTAssertEqual(status, want.status, "exit status of \(args)", file: file, line: line)
    }

    func testSteppingPrintingAndListingUnderLdbPrintTheSameAsRedisCli() throws {
        try assertSameAsRedisCli(["--ldb", "--eval", "FILE", "k", ",", "v", "w"],
                                 lines: ["step", "print", "list", "whole", "next", "continue", "get k", "ping"])
    }

    func testDebuggerLinesAreColouredByTheirTagOnAnXterm() throws {
        try assertSameAsRedisCli(["--ldb-sync-mode", "--eval", "FILE", "k", ",", "v", "w"],
                                 lines: ["break 3", "continue", "print b", "eval redis.call(\"ping\")", "e return 1 + 1",
                                         "redis set x y", "maxlen 5", "help", "abort", "get k"], term: "xterm-256color")
    }

    func testRestartLoadsTheScriptAgainInANewSession() throws {
        try assertSameAsRedisCli(["--ldb", "--eval", "FILE", "k", ",", "v", "w"],
                                 lines: ["restart", "step", "restart", "continue", "restart", "quit", "ping"])
    }

    func testAScriptThatDoesNotCompileNeverStartsTheDebugger() throws {
        try assertSameAsRedisCli(["--ldb", "--eval", "FILE"], lines: ["ping"], script: "return 1 +\n")
    }

    func testEvalSendsTheWordsBeforeTheFirstLoneCommaAsKeys() throws {
        try assertSameAsRedisCli(["--eval", "FILE", "a", "b", "c", ",", "1", "2"], lines: [])
        try assertSameAsRedisCli(["--no-raw", "--eval", "FILE", "a", ",", "1", ",", "2"], lines: [])
        try assertSameAsRedisCli(["--eval", "FILE"], lines: [], script: "return {KEYS[1], ARGV[1], #KEYS}\n")
    }

    func testAnUnreadableScriptFileAndLdbWithoutEvalAreRefused() throws {
        try assertSameAsRedisCli(["--eval", "/nonexistent/script.lua"], lines: [])
        try assertSameAsRedisCli(["--ldb", "get", "x"], lines: [])
    }

    func testScriptDebugTypedAtThePromptDebugsTheNextEval() throws {
        for flags in [[], ["--no-raw"]] {
            try assertSameAsRedisCli(flags, lines: ["script debug yes", "eval \"return 1\" 0", "step", "ping", "script debug sync",
                                                    "eval \"redis.call('set','z',1) return 2\" 0", "n", "n", "get z"])
        }
    }
}
