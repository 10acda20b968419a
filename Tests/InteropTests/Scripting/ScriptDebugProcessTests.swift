import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest
@testable import DataNode

/// SCRIPT DEBUG sessions against a real vigil-server: the debugger's replies
/// are compared byte for byte with redis-server's for the same session where
/// one is available (VIGIL_REQUIRE_INTEROP=1 makes a missing one a failure),
/// and pinned on their own for vigil-server.
final class ScriptDebugProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    static let script = """
    local t = {1, 'two', {x = 3}}
    redis.call('set', KEYS[1], ARGV[1])
    redis.debug('note', #t)
    local v = redis.call('get', KEYS[1])
    return v
    """

    /// Each debugger command and the raw frame it was answered with; the
    /// last frames are the session's end, the EVAL reply, and "EOF" when the
    /// server closed the connection.
    private func session(port: Int, mode: String, commands: [[String]], script: String = script) throws -> [String] {
        let c = try ProcessFixture.connect(port)
        defer { c.close() }
        XCTAssertEqual(try c.call("SCRIPT", "DEBUG", mode), .ok)
        try c.send(["EVAL", script, "1", "k", "v1"])
        var transcript = ["EVAL -> " + String(decoding: try c.readRawReply(), as: UTF8.self)]
        for cmd in commands {
            try c.send(cmd)
            transcript.append(cmd.joined(separator: " ") + " -> " + String(decoding: try c.readRawReply(), as: UTF8.self))
        }
        while let frame = try? c.readRawReply() {
            transcript.append(String(decoding: frame, as: UTF8.self))
        }
        transcript.append("EOF")
        return transcript
    }

    private func compared(_ args: [String] = [], purpose: String, _ run: (Int) throws -> [String]) throws -> [String] {
        let vigil = try fixture.startVigil(args)
        let ours = try run(vigil.port)
        if let redis = try fixture.optionalRedis(args, purpose: purpose) {
            let theirs = try run(redis.port)
            XCTAssertEqual(ours, theirs, "vigil-server's debugger differs from redis-server's")
        }
        return ours
    }

    func testASteppingClientGetsEachLineItsCommandsAndRepliesThenTheReplyAndTheConnectionCloses() throws {
        let t = try compared(purpose: "the stepping session on redis-server") { port in
            try session(port: port, mode: "SYNC", commands: [["step"], ["print"], ["step"], ["step"], ["redis", "get", "k"], ["continue"]])
        }
        XCTAssertEqual(t.first, "EVAL -> *2\r\n+* Stopped at 1, stop reason = step over\r\n+-> 1   local t = {1, 'two', {x = 3}}\r\n")
        XCTAssertEqual(t[1], "step -> *2\r\n+* Stopped at 2, stop reason = step over\r\n+-> 2   redis.call('set', KEYS[1], ARGV[1])\r\n")
        XCTAssertEqual(t[2], "print -> *1\r\n+<value> t = {1; \"two\"; {[\"x\"]=3}}\r\n")
        XCTAssertEqual(t[3], "step -> *4\r\n+<redis> set k v1\r\n+<reply> \"+OK\"\r\n+* Stopped at 3, stop reason = step over\r\n+-> 3   redis.debug('note', #t)\r\n")
        XCTAssertEqual(t[4], "step -> *3\r\n+<debug> line 3: \"note\", 3\r\n+* Stopped at 4, stop reason = step over\r\n+-> 4   local v = redis.call('get', KEYS[1])\r\n")
        XCTAssertEqual(t[5], "redis get k -> *2\r\n+<redis> get k\r\n+<reply> \"v1\"\r\n")
        XCTAssertEqual(Array(t.suffix(3)), ["continue -> *1\r\n+<endsession>\r\n", "$2\r\nv1\r\n", "EOF"])
    }

    func testAbortEndsTheSessionWithTheScriptsErrorNamingTheLine() throws {
        let t = try compared(purpose: "the aborted session on redis-server") { port in
            try session(port: port, mode: "SYNC", commands: [["step"], ["abort"]])
        }
        let sha = RedisLuaSHA.hex(Self.script)
        XCTAssertEqual(Array(t.suffix(2)), ["-ERR script aborted for user request script: \(sha), on @user_script:2.\r\n", "EOF"])
        XCTAssertEqual(t[2], "abort -> *1\r\n+<endsession>\r\n")
    }

    func testBreakpointsListAndTraceAnswerAsRedis() throws {
        let script = "local function f(a)\n  local b = a + 1\n  return b\nend\nlocal r = f(1)\nreturn r"
        let t = try compared(purpose: "the breakpoint session on redis-server") { port in
            try session(port: port, mode: "SYNC", commands: [["break", "3", "9", "x"], ["break"], ["continue"], ["trace"],
                                                             ["print", "a"], ["list", "2", "1"], ["whole"], ["break", "-3"], ["continue"]],
                        script: script)
        }
        XCTAssertEqual(t[1], "break 3 9 x -> *5\r\n+   2     local b = a + 1\r\n+  #3     return b\r\n+-> 4   end\r\n+Wrong line number.\r\n+Invalid argument:'x'\r\n")
        XCTAssertEqual(t[3], "continue -> *2\r\n+* Stopped at 3, stop reason = break point\r\n+->#3     return b\r\n")
        XCTAssertEqual(t[4], "trace -> *4\r\n+In f:\r\n+->#3     return b\r\n+From top level:\r\n+   5   local r = f(1)\r\n")
        XCTAssertEqual(t[5], "print a -> *1\r\n+<value> 1\r\n")
    }

    func testBadDebuggerInputIsAnsweredAndNeverStopsTheServer() throws {
        let vigil = try fixture.startVigil()
        // eval of a failing redis.call crashes redis-server 7.0.15 (it formats
        // the error table as a NULL string): only vigil-server is asked.
        let commands: [[String]] = [["nosuch"], ["maxlen", "99999999999"], ["maxlen", "-5"], ["eval", "error('boom')"], ["eval", "("],
                                    ["eval", "redis.call('nosuch')"], ["redis"], ["redis", "set"], ["print", "nothere"], ["list", "x", "y"],
                                    ["break", "-9223372036854775808"], ["list", "-9223372036854775808", "9223372036854775807"]]
        let t = try session(port: vigil.port, mode: "SYNC", commands: commands + [["continue"]])
        XCTAssertEqual(t[1], "nosuch -> *1\r\n+<error> Unknown Redis Lua debugger command or wrong number of arguments.\r\n")
        XCTAssertEqual(t[2], "maxlen 99999999999 -> *1\r\n+<value> replies are truncated at 1215752191 bytes.\r\n")
        XCTAssertEqual(t[3], "maxlen -5 -> *1\r\n+<value> replies are truncated at 60 bytes.\r\n")
        XCTAssertEqual(t[4], "eval error('boom') -> *1\r\n+<error> ldb_eval:1: boom\r\n")
        XCTAssertEqual(t[6], "eval redis.call('nosuch') -> *1\r\n+<error> ERR Unknown Redis command called from script\r\n")
        XCTAssertEqual(t[7], "redis -> *1\r\n+<error> Unknown Redis Lua debugger command or wrong number of arguments.\r\n")
        XCTAssertEqual(t[11], "break -9223372036854775808 -> *1\r\n+No breakpoint in the specified line.\r\n")
        XCTAssertEqual(Array(t.suffix(2)), ["$2\r\nv1\r\n", "EOF"])
        XCTAssertEqual(try ProcessFixture.connect(vigil.port).call("GET", "k"), .bulkString(Array("v1".utf8)))
    }

    func testARequestThatIsNotAMultiBulkFailsTheScriptWithAProtocolError() throws {
        let t = try compared(purpose: "the protocol error on redis-server") { port in
            let c = try ProcessFixture.connect(port)
            defer { c.close() }
            XCTAssertEqual(try c.call("SCRIPT", "DEBUG", "SYNC"), .ok)
            try c.send(["EVAL", "return 1", "0"])
            _ = try c.readRawReply()
            try c.sendRaw(Array("step\r\n".utf8))
            var out: [String] = []
            while let frame = try? c.readRawReply() { out.append(String(decoding: frame, as: UTF8.self)) }
            return out
        }
        XCTAssertEqual(t, ["*1\r\n+<endsession>\r\n", "-ERR protocol error script: \(RedisLuaSHA.hex("return 1")), on @user_script:1.\r\n"])
    }

    func testAForkedSessionKeepsTheServerServingAndDiscardsItsChanges() throws {
        let vigil = try fixture.startVigil()
        let other = try ProcessFixture.connect(vigil.port)
        XCTAssertEqual(try other.call("SET", "k", "before"), .ok)
        let c = try ProcessFixture.connect(vigil.port)
        XCTAssertEqual(try c.call("SCRIPT", "DEBUG", "YES"), .ok)
        try c.send(["EVAL", Self.script, "1", "k", "changed"])
        _ = try c.readRawReply()
        try c.send(["step"])
        _ = try c.readRawReply()
        try c.send(["step"])
        XCTAssertTrue(String(decoding: try c.readRawReply(), as: UTF8.self).contains("<redis> set k changed"))
        // The session is stopped in the child; the server itself answers.
        XCTAssertEqual(try other.call("GET", "k"), .bulkString(Array("before".utf8)))
        try c.send(["continue"])
        XCTAssertEqual(String(decoding: try c.readRawReply(), as: UTF8.self), "*2\r\n+<debug> line 3: \"note\", 3\r\n+<endsession>\r\n")
        XCTAssertEqual(try c.readReply(), .bulkString(Array("changed".utf8)))
        XCTAssertThrowsError(try c.readRawReply())
        XCTAssertEqual(try other.call("GET", "k"), .bulkString(Array("before".utf8)))
    }

    func testAClientLeavingMidSessionLetsTheScriptRunToItsEnd() throws {
        let vigil = try fixture.startVigil()
        let c = try ProcessFixture.connect(vigil.port)
        XCTAssertEqual(try c.call("SCRIPT", "DEBUG", "SYNC"), .ok)
        try c.send(["EVAL", Self.script, "1", "k", "kept"])
        _ = try c.readRawReply()
        c.close()
        XCTAssertEqual(try ProcessFixture.connect(vigil.port).call("GET", "k"), .bulkString(Array("kept".utf8)))
    }

    func testEvalshaIsRefusedUnderTheDebuggerAndNoEndsDebugging() throws {
        let t = try compared(purpose: "EVALSHA under SCRIPT DEBUG on redis-server") { port in
            let c = try ProcessFixture.connect(port)
            defer { c.close() }
            var out: [String] = []
            for cmd in [["SCRIPT", "DEBUG", "MAYBE"], ["SCRIPT", "DEBUG", "YES"], ["EVALSHA", RedisLuaSHA.hex("return 1"), "0"],
                        ["EVALSHA", "short", "0"], ["SCRIPT", "DEBUG", "NO"], ["EVAL", "return 1", "0"]] {
                out.append(String(decoding: try c.pipeline([cmd]).first.map { self.raw($0) } ?? [], as: UTF8.self))
            }
            return out
        }
        XCTAssertEqual(t, ["-ERR Use SCRIPT DEBUG YES/SYNC/NO", "+OK", "-ERR Please use EVAL instead of EVALSHA for debugging",
                           "-NOSCRIPT No matching script. Please use EVAL.", "+OK", ":1"])
    }

    func testScriptDebugBehindAPipelinedReplyIsRefused() throws {
        let t = try compared(purpose: "SCRIPT DEBUG in a pipeline on redis-server") { port in
            let s = try RawSocket(port: port)
            s.send(Array("*1\r\n$4\r\nPING\r\n*3\r\n$6\r\nSCRIPT\r\n$5\r\nDEBUG\r\n$3\r\nYES\r\n".utf8))
            return [String(decoding: s.read(), as: UTF8.self)]
        }
        XCTAssertEqual(t, ["+PONG\r\n-ERR SCRIPT DEBUG must be called outside a pipeline\r\n"])
    }

    private func raw(_ v: RESPValue) -> [UInt8] {
        switch v {
        case .simpleString(let b): return [UInt8(ascii: "+")] + b
        case .error(let b): return [UInt8(ascii: "-")] + b
        case .integer(let i): return Array(":\(i)".utf8)
        default: return Array("\(v)".utf8)
        }
    }

    func testShutdownKillsTheForkedSessionsStillRunning() throws {
        let vigil = try fixture.startVigil()
        let c = try ProcessFixture.connect(vigil.port)
        XCTAssertEqual(try c.call("SCRIPT", "DEBUG", "YES"), .ok)
        try c.send(["EVAL", "return 1", "0"])
        _ = try c.readRawReply()
        try ProcessFixture.connect(vigil.port).send(["SHUTDOWN", "NOSAVE"])
        // The child held the session's socket; killed, it closes without an <endsession>.
        XCTAssertThrowsError(try c.readRawReply())
        XCTAssertTrue(vigil.process.logText.contains("Killing debugging session"), vigil.process.logTail())
    }

    func testAScriptRunningPastTheTimeoutWithoutAStopIsStoppedAsAnEndlessLoop() throws {
        let vigil = try fixture.startVigil(["--busy-reply-threshold", "100"])
        let c = try ProcessFixture.connect(vigil.port, ioTimeoutMs: 30_000)
        XCTAssertEqual(try c.call("SCRIPT", "DEBUG", "SYNC"), .ok)
        try c.send(["EVAL", "local i = 0\nwhile true do\n  i = i + 1\nend", "0"])
        _ = try c.readRawReply()
        try c.send(["continue"])
        XCTAssertEqual(String(decoding: try c.readRawReply(), as: UTF8.self),
                       "*2\r\n+* Stopped at 3, stop reason = timeout reached, infinite loop?\r\n+-> 3     i = i + 1\r\n")
        try c.send(["abort"])
        XCTAssertEqual(String(decoding: try c.readRawReply(), as: UTF8.self), "*1\r\n+<endsession>\r\n")
        guard case .error(let e) = try c.readReply() else { return XCTFail("no error for the aborted script") }
        XCTAssertTrue(String(decoding: e, as: UTF8.self).hasPrefix("ERR script aborted for user request script: "))
    }

    func testAShutdownSignalEndsASynchronousSessionAndTheServerExits() throws {
        let vigil = try fixture.startVigil()
        let c = try ProcessFixture.connect(vigil.port)
        XCTAssertEqual(try c.call("SCRIPT", "DEBUG", "SYNC"), .ok)
        try c.send(["EVAL", "return 1", "0"])
        _ = try c.readRawReply()
        vigil.process.kill(signal: SIGTERM)
        let deadline = Date().addingTimeInterval(10)
        while vigil.process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        XCTAssertFalse(vigil.process.isRunning, "vigil-server stayed blocked in the debugging session")
    }
}

/// The sha1 EVAL names a script by in its errors.
enum RedisLuaSHA {
    static func hex(_ s: String) -> String { RedisLuaAPI.sha1Hex(Array(s.utf8)) }
}
