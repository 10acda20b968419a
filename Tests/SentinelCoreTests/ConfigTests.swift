import Foundation
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// sentinel.conf parsing, directive errors, rewrite and the state file.
final class ConfigTests: XCTestCase {
    var dir = ""

    override func setUpWithError() throws {
        dir = NSTemporaryDirectory() + "vigil-sentinel-config-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: dir)
    }

    func write(_ name: String, _ text: String) -> String {
        let p = dir + "/" + name
        FileManager.default.createFile(atPath: p, contents: Data(text.utf8))
        return p
    }

    func read(_ path: String) -> String { (try? String(contentsOfFile: path, encoding: .utf8)) ?? "" }

    func testDefaults() throws {
        let c = try SentinelConfigLoader.load(text: "sentinel monitor m 127.0.0.1 6379 2\n")
        XCTAssertEqual(c.options.port, 26379)
        XCTAssertFalse(c.options.protectedMode)
        XCTAssertEqual(c.options.loglevel, .notice)
        XCTAssertEqual(c.directives.map(\.args), [["monitor", "m", "127.0.0.1", "6379", "2"]])
        let core = SentinelCore(seed: 1, now: 0)
        try SentinelConfigApplier.apply(c.directives, to: core, now: 0)
        let m = core.masters["m"]!
        XCTAssertEqual(m.downAfterPeriod, 30000)
        XCTAssertEqual(m.failoverTimeout, 180000)
        XCTAssertEqual(m.parallelSyncs, 1)
        XCTAssertTrue(core.denyScriptsReconfig)
    }

    func testServerDirectivesAndCommandLine() throws {
        let path = write("s.conf", "port 7000\nbind 127.0.0.1\nloglevel warning\ntimeout 0\nsave \"\"\nsentinel monitor m 127.0.0.1 6379 2\n")
        let c = try SentinelConfigLoader.load(arguments: [path, "--port", "7001", "--sentinel", "down-after-milliseconds", "m", "100"])
        XCTAssertEqual(c.configFile, path)
        XCTAssertEqual(c.options.port, 7001)
        XCTAssertEqual(c.options.bind, ["127.0.0.1"])
        XCTAssertEqual(c.options.loglevel, .warning)
        XCTAssertEqual(c.directives.last?.args, ["down-after-milliseconds", "m", "100"])
        XCTAssertEqual(c.directives.last?.source, "(command line)")
    }

    // redis-sentinel runs redis-server's main(): the same argv rules (measured
    // with 7.0.15: `s.conf --save --port 0` listens nowhere, `s.conf -` reads stdin).
    func testValuelessSaveDoesNotSwallowTheNextOption() throws {
        let path = write("s.conf", "sentinel monitor m 127.0.0.1 6379 2\n")
        XCTAssertEqual(try SentinelConfigLoader.load(arguments: [path, "--save", "--port", "7002"]).options.port, 7002)
    }

    func testDashAsLastArgumentReadsStdinAfterTheFile() throws {
        let path = write("s.conf", "port 7000\n")
        let c = try SentinelConfigLoader.load(arguments: [path, "-"], cwd: dir, readStdin: { Array("port 7003\nsentinel monitor m 127.0.0.1 6379 2\n".utf8) })
        XCTAssertEqual(c.options.port, 7003)
        XCTAssertEqual(c.directives.first?.source, "<stdin>")
        XCTAssertEqual(c.directives.first?.line, 2)
    }

    func testServerNumbersAreParsedAsRedisServerParsesThem() {
        // redis-sentinel 7.0.15's words for each (measured).
        for (text, reason) in [("unixsocketperm abc\n", "argument couldn't be parsed as an octal number"),
                               ("unixsocketperm 1000\n", "argument must be between 0 and 777 inclusive"),
                               ("maxclients 0\n", "argument must be between 1 and 4294967295 inclusive"),
                               ("hz -1\n", "argument must be between 0 and 2147483647 inclusive")] {
            XCTAssertThrowsError(try SentinelConfigLoader.load(text: text), text) { e in
                XCTAssertEqual((e as? SentinelConfigError)?.reason, reason)
            }
        }
        XCTAssertEqual(try SentinelConfigLoader.load(text: "unixsocketperm \" 700\"\n").options.unixsocketperm, 0o700)
    }

    func testErrorsNameFileLineAndDirective() throws {
        let cases: [(String, String, Int, String)] = [
            ("port 1\nfoobar 1\n", "foobar", 2, "Bad directive or wrong number of arguments"),
            ("port abc\n", "port", 1, "argument couldn't be parsed into an integer"),
            ("port 70000\n", "port", 1, "argument must be between 0 and 65535 inclusive"),
            ("port 1 2\n", "port", 1, "wrong number of arguments"),
            ("loglevel foo\n", "loglevel", 1, "argument(s) must be one of the following: debug, verbose, notice, warning"),
            ("daemonize maybe\n", "daemonize", 1, "argument must be 'yes' or 'no'"),
        ]
        for (text, directive, line, reason) in cases {
            let path = write("bad.conf", text)
            XCTAssertThrowsError(try SentinelConfigLoader.load(arguments: [path])) { e in
                let err = e as! SentinelConfigError
                XCTAssertEqual(err.source, path)
                XCTAssertEqual(err.line, line)
                XCTAssertEqual(err.directive, directive)
                XCTAssertEqual(err.reason, reason)
                XCTAssertTrue(err.redisText.hasSuffix("Reading the configuration file, at line \(line)\n>>> '\(text.split(separator: "\n")[line - 1])'\n\(reason)"), err.redisText)
                XCTAssertTrue(err.description.hasPrefix("vigil-sentinel: \(path):\(line): directive '\(directive)': \(reason)\n"))
            }
        }
    }

    func testSentinelDirectiveErrors() throws {
        let cases: [(String, Int, String)] = [
            ("sentinel monitor m 127.0.0.1 6379 0", 1, "Quorum must be 1 or greater."),
            ("sentinel foo m", 1, "Unrecognized sentinel configuration statement."),
            ("sentinel monitor m 127.0.0.1 6379", 1, "Unrecognized sentinel configuration statement."),
            ("port 1\nsentinel down-after-milliseconds x 100", 2, "No such master with specified name."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel monitor m 127.0.0.1 6380 2", 2, "Duplicate master name."),
            ("sentinel monitor m 127.0.0.1 99999 2", 1, "Invalid port number."),
            ("sentinel monitor m not-an-ip 6379 2", 1, "Can't resolve instance hostname."),
            ("sentinel myid abc", 1, "Malformed Sentinel id in myid option."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel down-after-milliseconds m 0", 2, "negative or zero time parameter."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel rename-command m a b\nsentinel rename-command m A c", 3,
             "Same command renamed multiple times with rename-command."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-replica m 127.0.0.1 1\nsentinel known-replica m 127.0.0.1 1", 3,
             "Duplicate hostname and port for replica."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-replica m 127.0.0.1 70000", 2, "Invalid port number."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-replica m nohost.invalid 1", 2, "Can't resolve instance hostname."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-sentinel m 127.0.0.1 1 \(String(repeating: "a", count: 40))\n"
                + "sentinel known-sentinel m 127.0.0.1 1 \(String(repeating: "a", count: 40))", 3, "Duplicate runid for sentinel."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel known-sentinel m 127.0.0.1 -5 \(String(repeating: "a", count: 40))", 2,
             "Invalid port number."),
            ("sentinel deny-scripts-reconfig maybe", 1, "Please specify yes or no for the deny-scripts-reconfig options."),
            ("sentinel monitor m 127.0.0.1 6379 2\nsentinel notification-script m /nonexistent/x", 2,
             "Notification script seems non existing or non executable."),
        ]
        for (text, line, reason) in cases {
            let c = try SentinelConfigLoader.load(text: text + "\n", file: "s.conf")
            XCTAssertThrowsError(try SentinelConfigApplier.apply(c.directives, to: SentinelCore(seed: 1, now: 0), now: 0), text) { e in
                let err = e as! SentinelConfigError
                XCTAssertEqual(err.line, line, text)
                XCTAssertEqual(err.reason, reason, text)
                XCTAssertTrue(err.redisText.contains("*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line \(line)\n"))
            }
        }
    }

    func testPerMasterLinesMayPrecedeMonitorAndGlobalsComeFirst() throws {
        let c = try SentinelConfigLoader.load(text: """
        sentinel down-after-milliseconds m 1000
        sentinel known-replica m 127.0.0.1 7000
        sentinel monitor m 127.0.0.1 6379 2
        sentinel current-epoch 5
        sentinel config-epoch m 7
        sentinel known-sentinel m 127.0.0.1 26400 ffffffffffffffffffffffffffffffffffffff01
        sentinel known-sentinel m 127.0.0.1 26401
        sentinel announce-ip ""
        """)
        let core = SentinelCore(seed: 1, now: 0)
        try SentinelConfigApplier.apply(c.directives, to: core, now: 0)
        let m = core.masters["m"]!
        XCTAssertEqual(m.downAfterPeriod, 1000)
        XCTAssertEqual(m.replicas.count, 1)
        XCTAssertEqual(m.replicas.all[0].downAfterPeriod, 1000, "copied from its master")
        XCTAssertEqual(m.sentinels.count, 1, "the old 4-argument form is ignored")
        XCTAssertEqual(core.currentEpoch, 7, "raised by config-epoch")
        XCTAssertNil(core.announceIP, "an empty announce-ip is ignored")
    }

    func testStateConfigFileDirective() throws {
        let c = try SentinelConfigLoader.load(text: "sentinel state-config-file state/s.state\n", cwd: "/tmp/x")
        XCTAssertEqual(c.options.stateConfigFile, "/tmp/x/state/s.state")
        XCTAssertTrue(c.directives.isEmpty)
    }

    // MARK: Rewrite

    func core(from text: String) throws -> (SentinelCore, LoadedSentinelConfig) {
        let c = try SentinelConfigLoader.load(text: text)
        let core = SentinelCore(seed: 3, now: 1000)
        try SentinelConfigApplier.apply(c.directives, to: core, now: 1000)
        return (core, c)
    }

    func testRewriteKeepsOperatorLinesAndAppendsState() throws {
        let original = """
        # my comment
        port 26390
        sentinel monitor mymaster 127.0.0.1 6379 2
        # another comment
        sentinel down-after-milliseconds mymaster 2000

        """
        let (core, c) = try core(from: original)
        _ = core.start(now: 1000)
        _ = core.receiveHello("127.0.0.1,26400,ffffffffffffffffffffffffffffffffffffff01,0,mymaster,127.0.0.1,6379,0", now: 1000)
        _ = core.applyConfig(["known-replica", "mymaster", "127.0.0.1", "7001"], now: 1000)
        let out = SentinelConfigWriter.rewriteMain(oldContent: original, options: c.options, cwd: "/tmp/d",
                                                   userLines: ["user default on nopass ~* &* +@all"], snapshot: core.snapshot())
        XCTAssertEqual(out, """
        # my comment
        port 26390
        sentinel monitor mymaster 127.0.0.1 6379 2
        # another comment
        sentinel down-after-milliseconds mymaster 2000

        # Generated by CONFIG REWRITE
        dir "/tmp/d"
        protected-mode no
        user default on nopass ~* &* +@all
        sentinel myid \(core.myid)
        sentinel config-epoch mymaster 0
        sentinel leader-epoch mymaster 0
        sentinel known-replica mymaster 127.0.0.1 7001
        sentinel known-sentinel mymaster 127.0.0.1 26400 ffffffffffffffffffffffffffffffffffffff01
        sentinel current-epoch 0

        """)
        // Rewriting the result changes nothing but the one blank line 7.0 adds at the end.
        let again = SentinelConfigWriter.rewriteMain(oldContent: out, options: c.options, cwd: "/tmp/d",
                                                     userLines: ["user default on nopass ~* &* +@all"], snapshot: core.snapshot())
        XCTAssertEqual(again, out + "\n")
        let third = SentinelConfigWriter.rewriteMain(oldContent: again, options: c.options, cwd: "/tmp/d",
                                                     userLines: ["user default on nopass ~* &* +@all"], snapshot: core.snapshot())
        XCTAssertEqual(third, again)
    }

    func testRewriteReplacesInPlaceAndBlanksOrphans() throws {
        let original = "sentinel monitor m 127.0.0.1 6379 2\nsentinel known-slave m 127.0.0.1 7001\nsentinel known-replica m 127.0.0.1 7002\nsentinel parallel-syncs m 3\n"
        let (core, c) = try core(from: original)
        _ = core.start(now: 1000)
        _ = core.sentinelCommand(["sentinel", "set", "m", "parallel-syncs", "1"], now: 1000)
        _ = core.sentinelCommand(["sentinel", "reset", "m"], now: 1000)
        let out = SentinelConfigWriter.rewriteMain(oldContent: original, options: c.options, cwd: "/d", userLines: nil, snapshot: core.snapshot())
        XCTAssertEqual(out.split(separator: "\n", omittingEmptySubsequences: false).prefix(2).map(String.init),
                       ["sentinel monitor m 127.0.0.1 6379 2", ""], "replica lines and the default parallel-syncs are gone")
        XCTAssertFalse(out.contains("known-"))
        XCTAssertFalse(out.contains("parallel-syncs"))
    }

    /// redis-sentinel keys renamings case-insensitively and writes them back
    /// as they were written (measured: CONFIG stays CONFIG).
    func testRewriteWritesRenamedCommandsAsWritten() throws {
        let (core, _) = try core(from: "sentinel monitor m 127.0.0.1 6379 2\nsentinel rename-command m CONFIG GUARDED\n")
        _ = core.sentinelCommand(["sentinel", "set", "m", "rename-command", "Slaveof", "MYSLAVEOF"], now: 0)
        let text = SentinelConfigWriter.stateContent(core.snapshot())
        XCTAssertTrue(text.contains("\nsentinel rename-command m CONFIG GUARDED\nsentinel rename-command m Slaveof MYSLAVEOF\n"), text)
        XCTAssertEqual(core.masters["m"]!.mapCommand("config"), "GUARDED")
        _ = core.sentinelCommand(["sentinel", "set", "m", "rename-command", "config", "OTHER"], now: 0)
        XCTAssertEqual(core.masters["m"]!.renamedCommands.map(\.0), ["Slaveof", "config"], "the same command, whatever its case")
    }

    func testRestartFromRewrittenConfigKnowsTheSame() throws {
        let (core, c) = try core(from: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 1500\n")
        _ = core.start(now: 1000)
        _ = core.receiveHello("127.0.0.1,26400,ffffffffffffffffffffffffffffffffffffff01,4,mymaster,127.0.0.1,6379,2", now: 1000)
        _ = core.applyConfig(["known-replica", "mymaster", "127.0.0.1", "7001"], now: 1000)
        let text = SentinelConfigWriter.rewriteMain(oldContent: nil, options: c.options, cwd: dir, userLines: nil, snapshot: core.snapshot())
        let (again, _) = try self.core(from: text)
        XCTAssertEqual(again.myid, core.myid)
        XCTAssertEqual(again.currentEpoch, 4)
        let m = again.masters["mymaster"]!
        XCTAssertEqual(m.configEpoch, 2)
        XCTAssertEqual(m.downAfterPeriod, 1500)
        XCTAssertEqual(m.replicas.all.map(\.name), ["127.0.0.1:7001"])
        XCTAssertEqual(m.sentinels.all.map(\.runid), ["ffffffffffffffffffffffffffffffffffffff01"])
    }

    func testStateFileHoldsLearnedStateAndWinsForItsMasters() throws {
        let main = "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel monitor other 127.0.0.1 6390 1\nsentinel announce-port 1234\n"
        let (core, _) = try core(from: main)
        _ = core.start(now: 1000)
        _ = core.receiveHello("127.0.0.1,26400,ffffffffffffffffffffffffffffffffffffff01,4,mymaster,127.0.0.1,7001,2", now: 1000)
        _ = core.sentinelCommand(["sentinel", "config", "set", "announce-port", "4321"], now: 1000)
        let state = SentinelConfigWriter.stateContent(core.snapshot())
        XCTAssertTrue(state.hasPrefix("# Sentinel state"))
        XCTAssertTrue(state.contains("sentinel monitor mymaster 127.0.0.1 7001 2\n"), state)
        XCTAssertTrue(state.contains("sentinel announce-port 4321\n"), "a runtime SENTINEL CONFIG SET is kept: \(state)")
        let statePath = write("s.state", state)
        let mainCfg = try SentinelConfigLoader.load(text: main)
        let merged = SentinelConfigApplier.merge(main: mainCfg.directives, state: try SentinelConfigApplier.loadStateFile(statePath))
        let restarted = SentinelCore(seed: 9, now: 1000)
        try SentinelConfigApplier.apply(merged, to: restarted, now: 1000)
        XCTAssertEqual(restarted.myid, core.myid)
        XCTAssertEqual(restarted.masters["mymaster"]!.addr.port, 7001, "the state's address after a switch")
        XCTAssertEqual(restarted.masters["mymaster"]!.sentinels.count, 1)
        XCTAssertEqual(restarted.announcePort, 4321, "the state file's global wins over the operator's")
        XCTAssertEqual(restarted.currentEpoch, 4)
        XCTAssertEqual(try SentinelConfigApplier.loadStateFile(dir + "/missing.state"), [])
    }
}
