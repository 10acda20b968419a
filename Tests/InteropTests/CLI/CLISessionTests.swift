import Foundation
import Glibc
import Protocol
import CLI
import RESPClient
import TestSupport
import Deployment
import XCTest

/// Lines fed to the prompt loop by a test.
final class ScriptedLines: CLILineSource {
    var lines: [String]
    var prompts: [String] = []
    var remembered: [String] = []
    init(_ lines: [String]) { self.lines = lines }
    func readLine(prompt: String) -> [UInt8]? {
        prompts.append(prompt)
        return lines.isEmpty ? nil : Array(lines.removeFirst().utf8)
    }
    func remember(_ line: [UInt8]) { remembered.append(String(decoding: line, as: UTF8.self)) }
}

final class CLISessionTests: XCTestCase {
    private var server: NodeProcess?
    var port = 0

    override func setUpWithError() throws {
        let (s, p) = try startRealRedis(extraArguments: ["--enable-debug-command", "yes"])
        server = s
        port = p
        let c = try RedisConnection(host: "127.0.0.1", port: port)
        for cmd in [["RPUSH", "l", "a", "b", "c"], ["HSET", "h", "f1", "v1", "f2", "v 2"], ["SET", "s", "hello"],
                    ["SADD", "st", "x"], ["ZADD", "z", "1.5", "a", "0.1", "c"], ["SET", "bin", "a\u{1}\"é"],
                    ["XADD", "xs", "1-1", "f", "v"]] {
            XCTAssertFalse(try c.call(cmd).isError)
        }
    }

    override func tearDown() {
        server?.cleanUp()
        server = nil
    }

    private func runCLI(_ args: [String]) -> (out: String, err: String, status: Int32) {
        let cap = CLICapture()
        let status = CLIMain.run(arguments: ["-p", String(port)] + args, environment: [:], io: cap.output)
        return (cap.outText, cap.errText, status)
    }

    func testCommandModeOutputs() {
        XCTAssertEqual(runCLI(["--no-raw", "lrange", "l", "0", "-1"]).out, "1) \"a\"\n2) \"b\"\n3) \"c\"\n")
        XCTAssertEqual(runCLI(["--raw", "lrange", "l", "0", "-1"]).out, "a\nb\nc\n")
        XCTAssertEqual(runCLI(["--no-raw", "-3", "hgetall", "h"]).out, "1# \"f1\" => \"v1\"\n2# \"f2\" => \"v 2\"\n")
        XCTAssertEqual(runCLI(["--no-raw", "-3", "zscore", "z", "c"]).out, "(double) 0.10000000000000001\n")
        let err = runCLI(["--no-raw", "nosuch"])
        XCTAssertEqual(err.out, "(error) ERR unknown command 'nosuch', with args beginning with: \n")
        XCTAssertEqual(err.status, 0) // redis-cli exits 0 on error replies
        XCTAssertEqual(runCLI(["--raw", "nosuch"]).out, "ERR unknown command 'nosuch', with args beginning with: \n\n")
        XCTAssertEqual(runCLI(["--no-raw", "-r", "3", "incr", "n"]).out, "(integer) 1\n(integer) 2\n(integer) 3\n")
        XCTAssertEqual(runCLI(["--no-raw", "-r", "0", "incr", "n"]).out, "")
        XCTAssertEqual(runCLI(["--no-raw", "-n", "2", "set", "indb2", "1"]).out, "OK\n")
        XCTAssertEqual(runCLI(["--no-raw", "-n", "2", "get", "indb2"]).out, "\"1\"\n")
        XCTAssertEqual(runCLI(["--no-raw", "get", "indb2"]).out, "(nil)\n")
        // INFO-like commands print the server's text as is.
        XCTAssertTrue(runCLI(["--no-raw", "info", "server"]).out.hasPrefix("# Server\r\nredis_version:"))
    }

    func testConnectionAndAuthFailures() {
        let closed = Ports.free()
        let cap = CLICapture()
        let status = CLIMain.run(arguments: ["-p", String(closed), "ping"], environment: [:], io: cap.output)
        XCTAssertEqual(status, 1)
        XCTAssertEqual(cap.errText, "Could not connect to Redis at 127.0.0.1:\(closed): Connection refused\n")

        let auth = runCLI(["-a", "nope", "--no-raw", "ping"])
        XCTAssertEqual(auth.err, "Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\n"
                       + "AUTH failed: ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\n")
        XCTAssertEqual(auth.out, "PONG\n")
        XCTAssertEqual(runCLI(["--no-raw", "-n", "999", "ping"]).err, "SELECT 999 failed: ERR DB index is out of range\n")
        XCTAssertEqual(runCLI(["--bogus"]).err, "Unrecognized option or bad number of args for: '--bogus'\n")
        XCTAssertEqual(runCLI(["--bogus"]).status, 1)
    }

    func testReplTracksDbAndTransactionsInThePrompt() throws {
        let cap = CLICapture()
        var o = CLIOptions()
        o.port = port
        let session = CLISession(options: o, mode: .standard, io: cap.output)
        let lines = ScriptedLines(["set a 1", "select 2", "set b \"x y", "3 incr c", "0 incr c", "", "multi", "incr c",
                                   "exec", "select 5", "multi", "select 3", "discard", "auth secret", "get a", "quit", "ping"])
        let status = CLIRepl(session: session, lines: lines).run()
        XCTAssertEqual(status, 0)
        let p = "127.0.0.1:\(port)"
        XCTAssertEqual(lines.prompts, ["\(p)> ", "\(p)> ", "\(p)[2]> ", "\(p)[2]> ", "\(p)[2]> ", "\(p)[2]> ",
                                       "\(p)[2]> ", "\(p)[2](TX)> ", "\(p)[2](TX)> ", "\(p)[2]> ", "\(p)[5]> ",
                                       "\(p)[5](TX)> ", "\(p)[3](TX)> ", "\(p)[5]> ", "\(p)[5]> ", "\(p)[5]> "])
        XCTAssertEqual(cap.outText, """
            OK
            OK
            Invalid argument(s)
            (integer) 1
            (integer) 2
            (integer) 3
            Invalid redis-cli repeat command option value.
            OK
            QUEUED
            1) (integer) 4
            OK
            OK
            QUEUED
            OK
            (error) ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?
            (nil)

            """)
        XCTAssertFalse(lines.remembered.contains("auth secret"))
        XCTAssertTrue(lines.remembered.contains("set b \"x y"))
    }

    func testReplReconnectsAfterTheServerDropsIt() throws {
        let cap = CLICapture()
        var o = CLIOptions()
        o.port = port
        o.db = 4
        let session = CLISession(options: o, mode: .standard, io: cap.output)
        session.interactive = true
        XCTAssertTrue(session.connect())
        XCTAssertEqual(session.prompt, "127.0.0.1:\(port)[4]> ")
        let killer = try RedisConnection(host: "127.0.0.1", port: port)
        XCTAssertEqual(try killer.call("CLIENT", "KILL", "SKIPME", "yes", "TYPE", "normal"), .integer(1))
        XCTAssertEqual(session.issue(["ping"]), .failed)
        XCTAssertEqual(cap.errText, "Error: Server closed the connection\n")
        XCTAssertEqual(session.prompt, "not connected> ")
        XCTAssertEqual(session.issue(["ping"]), .ok)
        XCTAssertEqual(session.prompt, "127.0.0.1:\(port)[4]> ")
        XCTAssertEqual(cap.outText, "PONG\n")
    }

    func testSubscribeStreamsUntilInterrupted() throws {
        let cap = CLICapture()
        var o = CLIOptions()
        o.port = port
        let session = CLISession(options: o, mode: .standard, io: cap.output)
        session.interactive = true
        session.signalPollMs = 20
        let publisher = try RedisConnection(host: "127.0.0.1", port: port)
        var polls = 0
        // Stands in for Ctrl-C: publish while streaming, then interrupt.
        session.pendingSignal = {
            polls += 1
            if polls == 1 { _ = try? publisher.call("PUBLISH", "ch", "hello") }
            if cap.outText.contains("hello") { return SIGINT }
            return 0
        }
        XCTAssertEqual(session.issue(["subscribe", "ch"]), .ok)
        XCTAssertEqual(cap.outText, """
            Reading messages... (press Ctrl-C to quit)
            1) "subscribe"
            2) "ch"
            3) (integer) 1
            1) "message"
            2) "ch"
            3) "hello"

            """)
        // A fresh connection replaces the subscribed one.
        cap.clear()
        XCTAssertEqual(session.issue(["ping"]), .ok)
        XCTAssertEqual(cap.outText, "PONG\n")
    }

    func testRawModeStreamHasNoBanner() throws {
        let cap = CLICapture()
        var o = CLIOptions()
        o.port = port
        let session = CLISession(options: o, mode: .raw, io: cap.output)
        session.interactive = true
        session.signalPollMs = 20
        session.pendingSignal = { cap.outText.isEmpty ? 0 : SIGINT }
        XCTAssertEqual(session.issue(["psubscribe", "c*"]), .ok)
        XCTAssertEqual(cap.outText, "psubscribe\nc*\n1\n")
    }

    // MARK: Differential against the real redis-cli

    func runRedisCli(_ exe: String, _ args: [String], stdin: String? = nil) throws -> (out: String, err: String, status: Int32) {
        let run = try ToolRun.run(exe, ["-p", String(port)] + args, stdin: stdin, timeout: 30)
        return (run.stdout, run.stderr, run.status)
    }

    func testSameOutputAsRedisCli() throws {
        let redisCli = try Interop.tool("redis-cli", purpose: "comparing vigil-cli's output with redis-cli's")
        let commands: [[String]] = [
            ["get", "s"], ["get", "bin"], ["get", "nope"], ["lrange", "l", "0", "-1"], ["lrange", "nope", "0", "-1"],
            ["hgetall", "h"], ["smembers", "st"], ["zrange", "z", "0", "-1", "withscores"], ["xrange", "xs", "-", "+"],
            ["ping"], ["nosuch", "arg"], ["incr", "s"], ["ttl", "s"], ["command", "info", "get"],
            ["eval", "return {1,{2,{3,'x'},{}},'a',{1,2,3,4,5,6,7,8,9,10,{'n'}}}", "0"],
            ["debug", "protocol", "map"], ["debug", "protocol", "verbatim"], ["debug", "protocol", "double"],
            ["debug", "protocol", "true"], ["debug", "protocol", "null"], ["config", "get", "maxmemory-policy"],
            ["info", "keyspace"], ["-n", "1", "get", "s"], ["-n", "77", "get", "s"], ["-r", "2", "get", "s"],
            ["-a", "pw", "ping"], ["--user", "u", "-a", "pw", "--no-auth-warning", "ping"],
        ]
        for cmd in commands {
            for flags in [["--no-raw"], ["--raw"], ["-3", "--no-raw"], ["-3", "--raw"]] {
                let args = flags + cmd
                let want = try runRedisCli(redisCli, args)
                let got = runCLI(args)
                XCTAssertEqual(got.out, want.out, "stdout of \(args)")
                XCTAssertEqual(got.err, want.err, "stderr of \(args)")
                XCTAssertEqual(got.status, want.status, "exit status of \(args)")
            }
        }
    }

    func testSameStdinSessionAsRedisCli() throws {
        let redisCli = try Interop.tool("redis-cli", purpose: "comparing vigil-cli's output with redis-cli's")
        let script = ["set a 1", "get a", "", "foo", "select 1", "get a", "set b \"x y", "2 get s", "-1 get s",
                      "hgetall h", "select 0", "hgetall h", "quit", "ping"]
        for mode in [ReplyFormatter.Mode.raw, .standard] {
            let want = try runRedisCli(redisCli, mode == .raw ? [] : ["--no-raw"], stdin: script.joined(separator: "\n") + "\n")
            let cap = CLICapture()
            var o = CLIOptions()
            o.port = port
            let session = CLISession(options: o, mode: mode, io: cap.output)
            let status = CLIRepl(session: session, lines: ScriptedLines(script)).run()
            XCTAssertEqual(cap.outText, want.out, "stdout in \(mode) mode")
            XCTAssertEqual(cap.errText, want.err, "stderr in \(mode) mode")
            XCTAssertEqual(status, want.status)
        }
    }
}
