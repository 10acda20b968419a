import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// EVAL, EVALSHA, the _RO variants and SCRIPT through the command path: the
/// conversions both ways, Redis's error texts with the script's name and
/// line, the sandbox, shebang flags and the effects a script propagates.
final class ScriptingTests: XCTestCase {
    private func err(_ s: String) -> RESPValue { .error(Array(s.utf8)) }
    private func bulk(_ s: String) -> RESPValue { .bulkString(Array(s.utf8)) }
    private func sha(_ body: String) -> String { RedisLuaAPI.sha1Hex(Array(body.utf8)) }

    /// The feed's output as text while `body` runs.
    private func propagated(_ h: Harness, _ body: () -> Void) -> String {
        var out: [UInt8] = []
        h.server.feed.attach(id: 77) { out += $0 }
        body()
        h.server.feed.detach(id: 77)
        return String(decoding: out, as: UTF8.self)
    }

    func testEvalReturnsKeysAndArgvAsBulks() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return {KEYS[1], ARGV[1], ARGV[2]}", "1", "k", "a", "b"),
                       .array([bulk("k"), bulk("a"), bulk("b")]))
    }

    func testChangesAScriptMakesToKeysAndArgvDoNotReachTheNextRun() throws {
        let h = try Harness()
        h.call("EVAL", "KEYS.extra = 1 KEYS[3] = 'z' ARGV[1] = nil setmetatable(ARGV, {}) return 1", "2", "a", "b", "x")
        XCTAssertEqual(h.call("EVAL", "return {#KEYS, #ARGV, tostring(KEYS.extra), tostring(KEYS[3]), tostring(getmetatable(ARGV))}",
                              "1", "k", "v"),
                       .array([.integer(1), .integer(1), bulk("nil"), bulk("nil"), bulk("nil")]))
    }

    func testKeysOfAnEarlierRunWithMoreKeysAreNotVisibleInTheNext() throws {
        let h = try Harness()
        h.call("EVAL", "return #KEYS", "5", "a", "b", "c", "d", "e")
        XCTAssertEqual(h.call("EVAL", "local n = 0 for _ in pairs(KEYS) do n = n + 1 end return {n, #KEYS, KEYS[1]}", "1", "k"),
                       .array([.integer(1), .integer(1), bulk("k")]))
    }

    func testNumbersAreTruncatedToIntegers() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return {3.99, -3.99}", "0"), .array([.integer(3), .integer(-3)]))
    }

    func testArrayStopsAtFirstNilAndFalseIsNull() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("EVAL", "return {1, false, true, nil, 5}", "0"), "*3\r\n:1\r\n$-1\r\n:1\r\n")
    }

    func testStatusAndErrorTablesBecomeReplies() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("EVAL", "return {ok='a\\r\\nb'}", "0"), "+a  b\r\n")
        XCTAssertEqual(h.rawString("EVAL", "return {err='x'}", "0"), "-x\r\n")
    }

    func testRedisCallConvertsNullBulkToFalse() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return tostring(redis.call('get','nokey'))", "0"), bulk("false"))
    }

    func testStatusReplyReachesLuaAsOkTable() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return redis.call('set','k','v').ok", "0"), bulk("OK"))
    }

    func testResp3MapReachesLuaAsMapField() throws {
        let h = try Harness()
        h.call("HSET", "h", "f", "v")
        XCTAssertEqual(h.call("EVAL", "redis.setresp(3) return redis.call('hgetall','h').map.f", "0"), bulk("v"))
    }

    func testDoubleTableIsBulkForResp2Caller() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("EVAL", "return {double=3.5}", "0"), "$3\r\n3.5\r\n")
    }

    func testCallRaisesCommandErrorWithScriptSuffix() throws {
        let h = try Harness()
        h.call("SET", "s", "x")
        let body = "return redis.call('incr','s')"
        XCTAssertEqual(h.call("EVAL", body, "0"),
                       err("ERR value is not an integer or out of range script: \(sha(body)), on @user_script:1."))
    }

    func testPcallReturnsErrorTable() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return redis.pcall('get')", "0"), err("ERR Wrong number of args calling Redis command from script"))
    }

    func testLuaPcallSeesRedisErrorAsString() throws {
        let h = try Harness()
        h.call("SET", "s", "x")
        XCTAssertEqual(h.call("EVAL", "local ok, e = pcall(function() redis.call('incr','s') end) return e", "0"),
                       bulk("ERR value is not an integer or out of range"))
    }

    func testRuntimeErrorNamesScriptLine() throws {
        let h = try Harness()
        let body = "local x = 1\nlocal y = 2\nerror('line three')"
        XCTAssertEqual(h.call("EVAL", body, "0"), err("ERR user_script:3: line three script: \(sha(body)), on @user_script:3."))
    }

    func testCompileErrorText() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return 1 +", "0"),
                       err("ERR Error compiling script (new function): user_script:1: unexpected symbol near '<eof>'"))
    }

    func testGlobalAssignmentIsRefused() throws {
        let h = try Harness()
        let body = "x = 5"
        XCTAssertEqual(h.call("EVAL", body, "0"),
                       err("ERR user_script:1: Attempt to modify a readonly table script: \(sha(body)), on @user_script:1."))
    }

    func testUndefinedGlobalReadIsRefused() throws {
        let h = try Harness()
        let body = "return y"
        XCTAssertEqual(h.call("EVAL", body, "0"),
                       err("ERR user_script:1: Script attempted to access nonexistent global variable 'y' script: \(sha(body)), on @user_script:1."))
    }

    func testLibraryTablesAreReadOnly() throws {
        let h = try Harness()
        let body = "redis.call = nil"
        XCTAssertEqual(h.call("EVAL", body, "0"),
                       err("ERR user_script:1: Attempt to modify a readonly table script: \(sha(body)), on @user_script:1."))
    }

    func testNoscriptCommandIsRefused() throws {
        let h = try Harness()
        let body = "return redis.call('multi')"
        XCTAssertEqual(h.call("EVAL", body, "0"),
                       err("ERR This Redis command is not allowed from script script: \(sha(body)), on @user_script:1."))
    }

    func testWriteFromEvalRoIsRefused() throws {
        let h = try Harness()
        let body = "return redis.call('set','a','b')"
        XCTAssertEqual(h.call("EVAL_RO", body, "0"),
                       err("ERR Write commands are not allowed from read-only scripts. script: \(sha(body)), on @user_script:1."))
    }

    func testNoWritesFlagMakesScriptReadOnly() throws {
        let h = try Harness()
        let body = "#!lua flags=no-writes\nreturn redis.call('set','a','b')"
        XCTAssertEqual(h.call("EVAL", body, "0"),
                       err("ERR Write commands are not allowed from read-only scripts. script: \(sha(body)), on @user_script:2."))
    }

    func testEvalRoRefusesScriptDeclaringWrites() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL_RO", "#!lua\nreturn 1", "0"), err("ERR Can not execute a script with write flag using *_ro command."))
    }

    func testUnknownShebangFlagIsRefused() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "#!lua flags=foo\nreturn 1", "0"), err("ERR Unexpected flag in script shebang: foo"))
    }

    func testNumberOfKeysErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return 1", "2", "a"), err("ERR Number of keys can't be greater than number of args"))
        XCTAssertEqual(h.call("EVAL", "return 1", "-1"), err("ERR Number of keys can't be negative"))
        XCTAssertEqual(h.call("EVAL", "return 1", "x"), err("ERR value is not an integer or out of range"))
    }

    func testScriptLoadThenEvalsha() throws {
        let h = try Harness()
        let body = "return 'loaded'"
        XCTAssertEqual(h.call("SCRIPT", "LOAD", body), bulk(sha(body)))
        XCTAssertEqual(h.call("EVALSHA", sha(body).uppercased(), "0"), bulk("loaded"))
    }

    func testEvalshaOfUnknownScript() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVALSHA", String(repeating: "0", count: 40), "0"), err("NOSCRIPT No matching script. Please use EVAL."))
    }

    func testScriptExistsAndFlush() throws {
        let h = try Harness()
        h.call("EVAL", "return 1", "0")
        XCTAssertEqual(h.call("SCRIPT", "EXISTS", sha("return 1"), "ffff"), .array([.integer(1), .integer(0)]))
        XCTAssertEqual(h.call("SCRIPT", "FLUSH"), .ok)
        XCTAssertEqual(h.call("SCRIPT", "EXISTS", sha("return 1")), .array([.integer(0)]))
        XCTAssertEqual(h.call("SCRIPT", "FLUSH", "foo"), err("ERR SCRIPT FLUSH only support SYNC|ASYNC option"))
    }

    func testScriptKillWithNothingRunning() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("SCRIPT", "KILL"), err("NOTBUSY No scripts in execution right now."))
    }

    func testSha1hexOfEmptyString() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return redis.sha1hex('')", "0"), bulk("da39a3ee5e6b4b0d3255bfef95601890afd80709"))
    }

    func testErrorReplyWithoutCodeGetsErr() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return redis.error_reply('noprefix')", "0"), err("ERR noprefix"))
        XCTAssertEqual(h.call("EVAL", "return redis.error_reply('MY ERR')", "0"), err("MY ERR"))
    }

    func testVersionConstants() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("EVAL", "return {redis.REDIS_VERSION, redis.REDIS_VERSION_NUM}", "0"), .array([bulk("7.0.15"), .integer(458767)]))
    }

    func testSelectInsideScriptLeavesCallerDatabase() throws {
        let h = try Harness()
        h.call("EVAL", "redis.call('select', 5) return redis.call('set','zz','1')", "0")
        XCTAssertEqual(h.call("EXISTS", "zz"), .integer(0))
        h.call("SELECT", "5")
        XCTAssertEqual(h.call("EXISTS", "zz"), .integer(1))
    }

    func testBlockingCommandAnswersAsTimeout() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("EVAL", "return redis.call('blmpop',0,1,'l','left')", "0"), "$-1\r\n")
    }

    func testSelfReferencingTableHitsStackLimit() throws {
        let h = try Harness()
        let r = h.rawString("EVAL", "local t={} t[1]=t return t", "0")
        XCTAssertTrue(r.hasSuffix("-ERR reached lua stack limit\r\n"))
        XCTAssertEqual(r.components(separatedBy: "*1\r\n").count - 1, LuaToReply.maxDepth)
    }

    func testScriptEffectsPropagateInMultiExec() throws {
        let h = try Harness()
        let out = propagated(h) { h.call("EVAL", "redis.call('set','a','1') redis.call('incr','a')", "0") }
        XCTAssertEqual(out, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$4\r\nincr\r\n$1\r\na\r\n*1\r\n$4\r\nEXEC\r\n")
    }

    func testSingleEffectPropagatesAlone() throws {
        let h = try Harness()
        let out = propagated(h) { h.call("EVAL", "redis.call('set','a','1') return redis.call('get','a')", "0") }
        XCTAssertEqual(out, "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\na\r\n$1\r\n1\r\n")
    }

    func testReadOnlyScriptPropagatesNothing() throws {
        let h = try Harness()
        let out = propagated(h) { h.call("EVAL", "return redis.call('get','a')", "0") }
        XCTAssertEqual(out, "")
    }

    func testSetReplNoneKeepsEffectOutOfFeed() throws {
        let h = try Harness()
        let out = propagated(h) { h.call("EVAL", "redis.set_repl(redis.REPL_NONE) redis.call('set','a','1')", "0") }
        XCTAssertEqual(out, "")
        XCTAssertEqual(h.call("GET", "a"), bulk("1"))
    }

    func testScriptCacheShowsInInfo() throws {
        let h = try Harness()
        h.call("EVAL", "return 1", "0")
        guard case .bulkString(let b?) = h.call("INFO", "memory") else { return XCTFail("no INFO") }
        let info = String(decoding: b, as: UTF8.self)
        XCTAssertTrue(info.contains("number_of_cached_scripts:1\r\n"), info)
    }
}
