import Foundation
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// EVAL and FUNCTION replies on a real redis-server and on Vigil (in
/// process), byte for byte; FUNCTION DUMP payloads cross between them.
final class ScriptingRealRedisTests: XCTestCase {
    private func compare(_ cases: [[String]], _ redis: ServerRealRedis, _ h: Harness) throws {
        for args in cases {
            let want = String(decoding: try redis.raw(args), as: UTF8.self)
            let got = String(decoding: h.raw(args), as: UTF8.self)
            XCTAssertEqual(got, want, "\(args)")
        }
    }

    func testEvalRepliesMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        try compare(ScriptingCases.eval, redis, try Harness())
    }

    func testFunctionRepliesMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        try compare(ScriptingCases.functions, redis, try Harness())
    }

    func testSandboxAndRefusedCommandsMatchRealRedis() throws {
        let redis = try ServerRealRedis(extraArgs: ["--enable-debug-command", "yes"])
        var config = ServerConfig()
        config.enableDebugCommand = "yes"
        try compare(ScriptingCases.sandbox, redis, try Harness(config: config))
    }

    /// Tables built by scripts are walked in Lua 5.1's order, so what
    /// cjson and cmsgpack encode and what pairs collects match Redis's bytes.
    func testTableTraversalOrderMatchesRealRedis() throws {
        try compare(ScriptingCases.tableOrder, try ServerRealRedis(), try Harness())
    }

    /// Errors inside scripts reach the error stats once: a command's error
    /// or a refused call when it happens (the refused command's
    /// rejected_calls too), not again when the script replies with it.
    func testScriptErrorStatsMatchRealRedis() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        let script: [[String]] = [
            ["CONFIG", "RESETSTAT"], ["SET", "h", "x"],
            ["EVAL", "return redis.call('incr','h')", "0"], ["EVAL", "return redis.pcall('incr','h')", "0"],
            ["EVAL", "local t = redis.pcall('incr','h') return 1", "0"], ["EVAL", "return redis.call('nosuch')", "0"],
            ["EVAL", "local t = redis.pcall('nosuch') return 1", "0"], ["EVAL", "return {redis.pcall('nosuch')}", "0"],
            ["EVAL", "return redis.pcall('incr','h').ignore_error_stats_update", "0"], ["EVAL", "return redis.call()", "0"],
            ["EVAL", "error({err='X y'})", "0"], ["EVAL", "return redis.pcall('set','k','v','px','x')", "0"],
            ["EVAL", "return redis.pcall('get','a','b')", "0"],
        ]
        try compare(script, redis, h)
        // usec figures differ by nature, and the order is the dictionary's; the counts must not.
        let counts = { (text: String) -> [String] in
            text.split(separator: "\r\n").filter { $0.hasPrefix("errorstat_") || $0.hasPrefix("cmdstat_") || $0.hasPrefix("total_error_replies") }
                .map { $0.replacingOccurrences(of: #"usec=\d+,usec_per_call=[\d.]+,"#, with: "", options: .regularExpression) }
                .sorted()
        }
        for section in ["errorstats", "commandstats", "stats"] {
            let want = counts(String(decoding: try redis.raw(["INFO", section]), as: UTF8.self))
            let got = counts(String(decoding: h.raw(["INFO", section]), as: UTF8.self))
            XCTAssertEqual(got, want, section)
        }
    }

    /// Redis's payload restores into Vigil and Vigil's into Redis: the
    /// libraries (code and functions) come out the same on both sides.
    func testFunctionDumpPayloadsCrossBothWays() throws {
        let redis = try ServerRealRedis()
        let h = try Harness()
        let libs = ["#!lua name=alpha\nredis.register_function('fa', function() return 'a' end)",
                    "#!lua name=beta\nredis.register_function{function_name='fb', callback=function() return 'b' end, flags={'no-writes'}}"]
        for l in libs { _ = try redis.raw(["FUNCTION", "LOAD", l]) }
        guard case .bulkString(let payload?) = try redis.call(["FUNCTION", "DUMP"]) else { return XCTFail("no DUMP from redis") }
        XCTAssertEqual(h.call(bytes: [Array("FUNCTION".utf8), Array("RESTORE".utf8), payload]), .ok)
        XCTAssertEqual(h.call("FCALL", "fb", "0"), .bulkString(Array("b".utf8)))
        guard case .bulkString(let ours?) = h.call("FUNCTION", "DUMP") else { return XCTFail("no DUMP from vigil") }
        XCTAssertEqual(try redis.call(["FUNCTION", "FLUSH"]), .ok)
        XCTAssertEqual(String(decoding: try redis.raw(bytes: [Array("FUNCTION".utf8), Array("RESTORE".utf8), ours]), as: UTF8.self), "+OK\r\n")
        XCTAssertEqual(try redis.call(["FCALL", "fa", "0"]), .bulkString(Array("a".utf8)))
        let sorted = { (v: RESPValue) -> [String] in (v.elements ?? []).map { "\($0)" }.sorted() }
        XCTAssertEqual(sorted(h.call("FUNCTION", "LIST", "WITHCODE")), sorted(try redis.call(["FUNCTION", "LIST", "WITHCODE"])))
    }
}
