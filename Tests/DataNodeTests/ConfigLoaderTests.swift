import CoreKit
import Deployment
import Foundation
import ServerKit
import XCTest
@testable import DataNode

/// Reading redis.conf text and redis-server style argv.
final class ConfigLoaderTests: XCTestCase {
    private var tmp = ""

    override func setUpWithError() throws {
        tmp = try makeScratchDirectory("config-loader")
    }

    override func tearDown() {
        try? FileManager.default.removeItem(atPath: tmp)
    }

    private func write(_ name: String, _ text: String) -> String {
        let path = tmp + "/" + name
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
        return path
    }

    private func loadError(_ text: String, file: String = "/etc/t.conf") -> ConfigError? {
        do {
            _ = try ConfigLoader.load(text: text, file: file)
            return nil
        } catch let e as ConfigError {
            return e
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    private func argvError(_ args: [String]) -> ConfigError? {
        do {
            _ = try ConfigLoader.load(arguments: args)
            return nil
        } catch let e as ConfigError {
            return e
        } catch {
            XCTFail("unexpected \(error)")
            return nil
        }
    }

    func testDefaultsMatchRedis() {
        let c = ServerConfig()
        XCTAssertEqual(c.port, 6379)
        XCTAssertEqual(c.bind, ["*", "-::*"])
        XCTAssertTrue(c.protectedMode)
        XCTAssertEqual(c.unixSocket, "")
        XCTAssertEqual(c.unixSocketPerm, 0)
        XCTAssertEqual(c.dir, ConfigPaths.currentDirectory())
        XCTAssertEqual(c.logfile, "")
        XCTAssertEqual(c.loglevel, "notice")
        XCTAssertEqual(c.pidfile, "")
        XCTAssertFalse(c.daemonize)
        XCTAssertEqual(c.databases, 16)
        XCTAssertEqual(c.requirepass, "")
        XCTAssertEqual(c.timeout, 0)
        XCTAssertEqual(c.tcpKeepalive, 300)
        XCTAssertEqual(c.maxclients, 10000)
        XCTAssertEqual(c.hz, 10)
        XCTAssertEqual(c.protoMaxBulkLen, 512 << 20)
        XCTAssertEqual(c.clientQueryBufferLimit, 1 << 30)
        XCTAssertEqual(c.clientOutputBufferLimits, [
            OutputBufferLimit(className: "normal", hard: 0, soft: 0, softSeconds: 0),
            OutputBufferLimit(className: "replica", hard: 256 << 20, soft: 64 << 20, softSeconds: 60),
            OutputBufferLimit(className: "pubsub", hard: 32 << 20, soft: 8 << 20, softSeconds: 60),
        ])
        XCTAssertEqual(c.slowlogLogSlowerThan, 10000)
        XCTAssertEqual(c.slowlogMaxLen, 128)
        XCTAssertEqual(c.latencyMonitorThreshold, 0)
        XCTAssertEqual(c.tcpBacklog, 511)
        XCTAssertEqual(c.maxmemory, 0)
        XCTAssertEqual(c.maxmemoryPolicy, "noeviction")
        XCTAssertEqual(c.saveParams.map { [$0.seconds, $0.changes] }, [[3600, 1], [300, 100], [60, 10000]])
        XCTAssertEqual(c.dbfilename, "dump.rdb")
        XCTAssertFalse(c.appendonly)
        XCTAssertEqual(c.appendfilename, "appendonly.aof")
        XCTAssertNil(c.replicaof)
        XCTAssertEqual(c.masterauth, "")
        XCTAssertEqual(c.masteruser, "")
        XCTAssertTrue(c.replicaReadOnly)
        XCTAssertEqual(c.enableDebugCommand, "no")
        XCTAssertEqual(c.notifyKeyspaceEvents, 0)
    }

    func testBasicSyntaxCommentsQuotingAndCase() throws {
        let c = try ConfigLoader.load(text: """
            # a comment
               # an indented comment
            PORT 7000\r
              bind 127.0.0.1   ::1
            requirepass "a b\\"c\\x41"
            masterauth 'it\\'s'
            LogLevel WARNING

            timeout 30
            maxmemory-policy ALLKEYS-LRU
            notify-keyspace-events KEA
            """)
        XCTAssertEqual(c.port, 7000)
        XCTAssertEqual(c.bind, ["127.0.0.1", "::1"])
        XCTAssertEqual(c.requirepass, "a b\"cA")
        XCTAssertEqual(c.masterauth, "it's")
        XCTAssertEqual(c.loglevel, "warning")
        XCTAssertEqual(c.timeout, 30)
        XCTAssertEqual(c.maxmemoryPolicy, "allkeys-lru")
        XCTAssertEqual(c.value(of: "notify-keyspace-events"), "AKE")
    }

    func testMemoryUnits() throws {
        let cases: [(String, Int)] = [("1", 1), ("1b", 1), ("1k", 1000), ("1kb", 1024), ("1K", 1000), ("1KB", 1024),
                                      ("2m", 2_000_000), ("2mb", 2 << 20), ("3g", 3_000_000_000), ("3gb", 3 << 30),
                                      ("1Gb", 1 << 30), ("0", 0), ("", 0), ("kb", 0)]
        for (text, bytes) in cases {
            let c = try ConfigLoader.load(text: "maxmemory \"\(text)\"")
            XCTAssertEqual(c.maxmemory, bytes, text)
        }
        for bad in ["1x", "-1", "1.5mb", " 1", "+1", "1 kb", "1kbb"] {
            XCTAssertEqual(loadError("maxmemory \"\(bad)\"")?.reason, "argument must be a memory value", bad)
        }
        XCTAssertEqual(try ConfigLoader.load(text: "client-query-buffer-limit 2gb").clientQueryBufferLimit, 2 << 30)
        XCTAssertEqual(loadError("proto-max-bulk-len 1k")?.reason,
                       "argument must be between 1048576 and 9223372036854775807 inclusive")
    }

    func testNumbersAreStrict() {
        XCTAssertEqual(loadError("port 007")?.reason, "argument couldn't be parsed into an integer")
        XCTAssertEqual(loadError("port +7")?.reason, "argument couldn't be parsed into an integer")
        XCTAssertEqual(loadError("port 65536")?.reason, "argument must be between 0 and 65535 inclusive")
        XCTAssertEqual(loadError("maxclients 0")?.reason, "argument must be between 1 and 4294967295 inclusive")
        XCTAssertEqual(loadError("hash-max-listpack-entries -1")?.reason,
                       "argument must be between 0 and 9223372036854775807 inclusive")
        XCTAssertEqual(loadError("unixsocketperm 800")?.reason, "argument couldn't be parsed as an octal number")
        XCTAssertEqual(loadError("unixsocketperm 1000")?.reason, "argument must be between 0 and 777 inclusive")
        XCTAssertEqual(try ConfigLoader.load(text: "unixsocketperm 700").unixSocketPerm, 0o700)
        XCTAssertEqual(try ConfigLoader.load(text: "slowlog-log-slower-than -1").slowlogLogSlowerThan, -1)
    }

    func testSaveLines() throws {
        XCTAssertEqual(try ConfigLoader.load(text: "save 10 1\nsave 20 2").saveParams.map { $0.seconds }, [10, 20])
        XCTAssertEqual(try ConfigLoader.load(text: "save 10 1 20 2").saveParams.map { $0.changes }, [1, 2])
        XCTAssertTrue(try ConfigLoader.load(text: "save 10 1\nsave \"\"").saveParams.isEmpty)
        XCTAssertEqual(try ConfigLoader.load(text: "save \"\"\nsave 5 5").saveParams.map { $0.seconds }, [5])
        XCTAssertEqual(loadError("save 10")?.reason, "Invalid save parameters")
        XCTAssertEqual(loadError("save 0 1")?.reason, "Invalid save parameters")
        let path = write("s.conf", "save 10 1\n")
        XCTAssertTrue(try ConfigLoader.load(arguments: [path, "--save", ""]).config.saveParams.isEmpty)
        XCTAssertTrue(try ConfigLoader.load(arguments: [path, "--save"]).config.saveParams.isEmpty)
        XCTAssertEqual(try ConfigLoader.load(arguments: [path, "--save", "30", "3"]).config.saveParams.map { $0.seconds }, [10, 30])
        XCTAssertEqual(try ConfigLoader.load(arguments: ["--save", "60 1 10 5"]).config.saveParams.map { $0.seconds }, [60, 10])
    }

    func testAliasesAndSpecialValues() throws {
        var c = try ConfigLoader.load(text: """
            slaveof 10.0.0.1 6380
            slave-read-only no
            slave-priority 7
            hash-max-ziplist-entries 99
            lua-time-limit 250
            client-output-buffer-limit replica 1mb 2kb 5
            client-output-buffer-limit PUBSUB 0 0 0
            oom-score-adj relative
            shutdown-on-sigint now save default
            hz 0
            """)
        XCTAssertEqual(c.replicaof?.host, "10.0.0.1")
        XCTAssertEqual(c.replicaof?.port, 6380)
        XCTAssertFalse(c.replicaReadOnly)
        XCTAssertEqual(c.replicaPriority, 7)
        XCTAssertEqual(c.hashMaxListpackEntries, 99)
        XCTAssertEqual(c.busyReplyThreshold, 250)
        XCTAssertEqual(c.clientOutputBufferLimits[1], OutputBufferLimit(className: "replica", hard: 1 << 20, soft: 2048, softSeconds: 5))
        XCTAssertEqual(c.clientOutputBufferLimits[2].hard, 0)
        XCTAssertEqual(c.get(patterns: ["oom-score-adj"]).first?.1, "yes")
        XCTAssertEqual(c.shutdownOnSigint, ["save", "now"])
        XCTAssertEqual(c.hz, 1, "hz is clamped to 1...500 after loading")
        XCTAssertEqual(try ConfigLoader.load(text: "hz 1000").hz, 500)
        XCTAssertNil(try ConfigLoader.load(text: "replicaof 1.2.3.4 5\nreplicaof no one").replicaof)
        XCTAssertEqual(try ConfigLoader.load(text: "bind \"\"").bind, [])
    }

    func testFileOnlyDirectivesAreRecorded() throws {
        let c = try ConfigLoader.load(text: """
            rename-command FLUSHALL ""
            user alice on >pw ~* +@all
            loadmodule /opt/m.so arg1
            mymodule.size 5
            lua-replicate-commands yes
            list-max-ziplist-entries 10
            sentinel
            """, file: "/etc/r.conf")
        XCTAssertEqual(c.renamedCommands.map(\.strings), [["rename-command", "FLUSHALL", ""]])
        XCTAssertEqual(c.renamedCommands.first?.line, 1)
        XCTAssertEqual(c.users.map(\.strings), [["user", "alice", "on", ">pw", "~*", "+@all"]])
        XCTAssertEqual(c.loadModules.first?.strings, ["loadmodule", "/opt/m.so", "arg1"])
        XCTAssertEqual(c.moduleConfigs.first?.strings, ["mymodule.size", "5"])
        // The server refuses a recorded directive in Redis's words.
        let e = ConfigError(directive: c.renamedCommands[0], reason: "No such command in rename-command")
        XCTAssertEqual(e.description, """
            vigil-server: /etc/r.conf:1: directive 'rename-command': No such command in rename-command

            *** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***
            Reading the configuration file, at line 1
            >>> 'rename-command FLUSHALL ""'
            No such command in rename-command
            """)
    }

    func testEveryErrorNamesFileLineAndDirective() {
        let cases: [(String, Int, String?, String)] = [
            ("port 1\nfoo bar", 2, "foo", "Bad directive or wrong number of arguments"),
            ("port 1 2", 1, "port", "wrong number of arguments"),
            ("daemonize maybe", 1, "daemonize", "argument must be 'yes' or 'no'"),
            ("loglevel loud", 1, "loglevel", "argument(s) must be one of the following: debug, verbose, notice, warning"),
            ("port \"abc", 1, nil, "Unbalanced quotes in configuration line"),
            ("\n\nmaxmemory 1x", 3, "maxmemory", "argument must be a memory value"),
            ("replicaof h x", 1, "replicaof", "Invalid master port"),
            ("replicaof h", 1, "replicaof", "wrong number of arguments"),
            ("bind " + (1...17).map(String.init).joined(separator: " "), 1, "bind", "Too many bind addresses specified."),
            ("client-output-buffer-limit master 1 1 1", 1, "client-output-buffer-limit",
             "Invalid client class specified in buffer limit configuration."),
            ("client-output-buffer-limit normal 1 1 -1", 1, "client-output-buffer-limit",
             "Error in hard, soft or soft_seconds setting in buffer limit configuration."),
            ("oom-score-adj-values 0 200 3000", 1, "oom-score-adj-values",
             "Invalid oom-score-adj-values, elements must be between -2000 and 2000."),
            ("notify-keyspace-events KQ", 1, "notify-keyspace-events", "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."),
            ("latency-tracking-info-percentiles 50 x", 1, "latency-tracking-info-percentiles",
             "Invalid latency-tracking-info-percentiles parameters"),
            ("shutdown-on-sigterm save nosave", 1, "shutdown-on-sigterm",
             "shutdown options SAVE and NOSAVE can't be used simultaneously"),
            ("maxmemory-clients 101%", 1, "maxmemory-clients", "percentage argument must be less or equal to 100"),
            ("dbfilename /tmp/x.rdb", 1, "dbfilename", "dbfilename can't be a path, just a filename"),
            ("appendfilename \"\"", 1, "appendfilename", "appendfilename can't be empty"),
            ("appenddirname a/b", 1, "appenddirname", "appenddirname can't be a path, just a dirname"),
            ("proc-title-template \"{bogus}\"", 1, "proc-title-template", "template format is invalid or contains unknown variables"),
            ("activedefrag yes", 1, "activedefrag",
             "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"),
            ("my.module", 1, "my.module", "Module config specified without value"),
            ("sentinel monitor m 1.2.3.4 6379 2", 1, "sentinel", "sentinel directive while not in sentinel mode"),
            ("rename-command get", 1, "rename-command", "Bad directive or wrong number of arguments"),
            ("list-max-ziplist-entries 1 2", 1, "list-max-ziplist-entries", "Bad directive or wrong number of arguments"),
            ("dir /nonexistent-vigil-dir", 1, "dir", "No such file or directory"),
            ("dir /etc/passwd", 1, "dir", "Not a directory"),
        ]
        for (text, line, directive, reason) in cases {
            guard let e = loadError(text) else { XCTFail("accepted: \(text)"); continue }
            XCTAssertEqual(e.source, "/etc/t.conf", text)
            XCTAssertEqual(e.line, line, text)
            XCTAssertEqual(e.directive, directive, text)
            XCTAssertEqual(e.reason, reason, text)
            let shown = text.split(separator: "\n", omittingEmptySubsequences: false)[line - 1]
            XCTAssertEqual(e.redisText, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line \(line)\n>>> '\(shown)'\n\(reason)")
            XCTAssertTrue(e.description.hasPrefix("vigil-server: /etc/t.conf:\(line): " + (directive.map { "directive '\($0)': " } ?? "") + reason + "\n"), e.description)
        }
    }

    func testWholeConfigErrorsHaveNoLine() {
        let e = loadError("logfile /nonexistent-vigil-dir/x.log")
        XCTAssertEqual(e?.redisText, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory")
        XCTAssertNil(e?.line)
        XCTAssertEqual(e?.description.components(separatedBy: "\n").first,
                       "vigil-server: /etc/t.conf: Can't open the log file: No such file or directory")
        XCTAssertEqual(loadError("cluster-enabled yes\nreplicaof 1.2.3.4 5")?.reason, "replicaof directive not allowed in cluster mode")
    }

    func testLogfileIsOpenedRelativeToDir() throws {
        let c = try ConfigLoader.load(text: "dir \(tmp)\nlogfile vigil.log")
        XCTAssertEqual(c.logfile, "vigil.log")
        XCTAssertTrue(FileManager.default.fileExists(atPath: tmp + "/vigil.log"))
    }

    /// As redis-server 7.0.15 (measured): each `dir` is a chdir, so a relative
    /// one means the previous one, and `..` after a symlink is the target's parent.
    func testSecondDirIsRelativeToTheFirstAndFollowsSymlinks() throws {
        let root = ConfigPaths.canonicalPath(tmp)
        try FileManager.default.createDirectory(atPath: root + "/X/a/b", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root + "/link", withDestinationPath: root + "/X/a/b")
        XCTAssertEqual(try ConfigLoader.load(text: "dir \(root)/X\ndir a/b\n").dir, root + "/X/a/b")
        XCTAssertEqual(try ConfigLoader.load(text: "dir \(root)/link\ndir ..\n").dir, root + "/X/a")
    }

    func testCommandLineLikeRedisServer() throws {
        let path = write("main.conf", "port 7000\n# comment\nhz 20\n")
        let (c, file) = try ConfigLoader.load(arguments: [path, "--port", "7001", "--replicaof", "127.0.0.1", "6380",
                                                          "--maxmemory", "2mb", "--requirepass", "p w"])
        XCTAssertEqual(file, path)
        XCTAssertEqual(c.port, 7001)
        XCTAssertEqual(c.hz, 20)
        XCTAssertEqual(c.replicaof?.port, 6380)
        XCTAssertEqual(c.maxmemory, 2 << 20)
        XCTAssertEqual(c.requirepass, "p w")
        XCTAssertNil(try ConfigLoader.load(arguments: []).configFile)
        XCTAssertEqual(try ConfigLoader.load(arguments: ["--port 6390"]).config.port, 6390)

        // Errors in options count lines over file + "\n" + options, as Redis does.
        let e = argvError([path, "--hz", "5", "--port", "abc"])
        XCTAssertEqual(e?.redisText, "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line 6\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer")
        XCTAssertEqual(e?.source, "(command line)")
        XCTAssertNil(e?.line)
        XCTAssertEqual(e?.description.components(separatedBy: "\n").first,
                       "vigil-server: (command line): directive 'port': argument couldn't be parsed into an integer")
        XCTAssertEqual(argvError(["--port"])?.reason, "wrong number of arguments")

        let missing = argvError([tmp + "/nope.conf"])
        XCTAssertEqual(missing?.redisText, "Fatal error, can't open config file '\(tmp)/nope.conf': No such file or directory")
    }

    func testStdin() throws {
        let path = write("a.conf", "port 7000\nhz 11")
        // "-" means stdin only as the first or the last argument.
        let (c, _) = try ConfigLoader.load(arguments: [path, "--timeout", "9", "-"], readStdin: { Array("\ntcp-keepalive 5\n".utf8) })
        XCTAssertEqual(c.port, 7000)
        XCTAssertEqual(c.tcpKeepalive, 5)
        XCTAssertEqual(c.timeout, 9)
        XCTAssertEqual(argvError([path, "-", "--timeout", "9"])?.directive, "-")
        do {
            _ = try ConfigLoader.load(arguments: ["-"], readStdin: { Array("port 1\nport x\n".utf8) })
            XCTFail("accepted")
        } catch let e as ConfigError {
            XCTAssertEqual(e.source, "<stdin>")
            XCTAssertEqual(e.line, 2)
            XCTAssertTrue(e.redisText.contains("at line 2\n>>> 'port x'"))
        }
    }

    func testIncludes() throws {
        let sub = tmp + "/sub"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        _ = write("sub/inc.conf", "databases 9\n")
        _ = write("sub/a.part", "timeout 1\n")
        _ = write("sub/b.part", "timeout 2\ntcp-keepalive 3\n")
        _ = write("top.conf", "databases 4\n")
        // Relative includes follow the working directory, which `dir` changes.
        var c = try ConfigLoader.load(text: "dir \(tmp)\ninclude top.conf\ndir sub\ninclude inc.conf\ninclude *.part")
        XCTAssertEqual(c.databases, 9)
        XCTAssertEqual(c.timeout, 2)
        XCTAssertEqual(c.tcpKeepalive, 3)
        XCTAssertEqual(c.dir, sub)
        c = try ConfigLoader.load(text: "dir \(tmp)\ninclude nothing-*.conf")
        XCTAssertEqual(c.databases, 16)

        let missing = loadError("dir \(tmp)\ninclude missing.conf")
        XCTAssertEqual(missing?.redisText, "Fatal error, can't open config file 'missing.conf': No such file or directory")
        XCTAssertEqual(missing?.line, 2)
        XCTAssertEqual(missing?.directive, "include")

        _ = write("bad.conf", "# first\nport 1\nport nope\n")
        let inner = loadError("include \(tmp)/bad.conf")
        XCTAssertEqual(inner?.source, "\(tmp)/bad.conf")
        XCTAssertEqual(inner?.line, 3)
        XCTAssertTrue(inner?.redisText.contains("at line 3\n>>> 'port nope'") ?? false)

        let loop = write("loop.conf", "include \(tmp)/loop2.conf\n")
        _ = write("loop2.conf", "hz 5\ninclude \(loop)\n")
        let e = argvError([loop])
        XCTAssertEqual(e?.source, "\(tmp)/loop2.conf")
        XCTAssertEqual(e?.line, 2)
        XCTAssertEqual(e?.reason, "include loop: '\(loop)' is already being read")
    }

    func testNulEndsTheText() throws {
        let c = try ConfigLoader.load(text: "port 7000\nhz 20\u{0}\nport 1")
        XCTAssertEqual(c.port, 7000)
    }
}
