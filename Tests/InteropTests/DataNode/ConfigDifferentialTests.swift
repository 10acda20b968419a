import CoreKit
import Foundation
import Deployment
import ServerKit
import TestSupport
import XCTest
@testable import DataNode

/// ServerConfig against a real redis-server 7.0: names, defaults, CONFIG SET
/// replies and start-up errors must match.
final class ConfigDifferentialTests: XCTestCase {
    /// Values that depend on the machine or on how the test started Redis.
    static let machineDependent: Set<String> = [
        "port",        // a free port picked per run
        "bind",        // the test binds to loopback only
        "dir",         // the process's working directory
        "maxclients",  // Redis lowers it to fit RLIMIT_NOFILE
    ]

    static let hidden = ["use-exit-on-panic", "rdb-key-save-delay", "key-load-delay", "watchdog-period",
                         "loading-process-events-interval-bytes"]

    func testConfigGetAllMatchesNamesAndDefaults() throws {
        let redis = try ConfigRealRedis()
        let real = try redis.configGet("*")
        var ours = ServerConfig()
        let mine = Dictionary(uniqueKeysWithValues: ours.get(patterns: ["*"]))
        XCTAssertEqual(Set(mine.keys), Set(real.keys), "parameter names differ")
        XCTAssertGreaterThan(real.count, 180)
        for (name, value) in real.sorted(by: { $0.key < $1.key }) where !Self.machineDependent.contains(name) {
            XCTAssertEqual(mine[name], value, "default of \(name)")
        }
        for name in Self.hidden {
            XCTAssertEqual(ours.get(patterns: [name]).first?.1, try redis.configGet(name)[name], "hidden \(name)")
            XCTAssertTrue(ours.get(patterns: [name + "*"]).isEmpty)
        }
    }

    /// Every visible parameter gets the same CONFIG SET probes on both sides;
    /// replies must match, and so must the whole CONFIG GET * afterwards.
    func testConfigSetRepliesMatch() throws {
        let redis = try ConfigRealRedis()
        var ours = ServerConfig()
        // Parameters whose change would disturb the test's own server or process.
        let untouchable: Set<String> = Self.machineDependent.union(["requirepass", "appendonly", "oom-score-adj",
                                                                    "oom-score-adj-values", "dbfilename"])
        let probes = ["-9223372036854775808", "abc", "yes", "NO", "1k", "5%", "", "3 4", "0", "18446744073709551615",
                      "100mb", "normal 1mb 2mb 3", "save now", "KEA", "volatile-lru", "4294967296", "007", "-1"]
        let names = try redis.configGet("*").keys.sorted().filter { !untouchable.contains($0) }
        var mismatches: [String] = []
        for name in names {
            for probe in probes {
                let theirs = try redis.configSet([(name, probe)])
                let mine = ours.set(pairs: [(name, probe)])
                if mine != theirs { mismatches.append("\(name) \(probe.debugDescription): redis=\(theirs ?? "OK") vigil=\(mine ?? "OK")") }
            }
        }
        XCTAssertEqual(mismatches, [], mismatches.joined(separator: "\n"))
        let real = try redis.configGet("*")
        let mine = Dictionary(uniqueKeysWithValues: ours.get(patterns: ["*"]))
        for (name, value) in real where !Self.machineDependent.contains(name) {
            XCTAssertEqual(mine[name], value, "after probes: \(name)")
        }
    }

    func testConfigSetMultiPairErrorsMatch() throws {
        let redis = try ConfigRealRedis()
        var ours = ServerConfig()
        let cases: [[(String, String)]] = [
            [("timeout", "5"), ("foo", "1")],
            [("foo", "1"), ("daemonize", "yes")],
            [("daemonize", "yes"), ("foo", "1")],
            [("hz", "5"), ("HZ", "6")],
            [("slave-read-only", "no"), ("replica-read-only", "yes")],
            [("timeout", "7"), ("hz", "abc")],
            [("SLAVE-READ-ONLY", "maybe")],
            [("Replica-Read-Only", "maybe")],
            [("DAEMONIZE", "no")],
            [("dir", "/tmp")],
            [("hz", "1000"), ("repl-backlog-size", "1")],
            [("save", "10 1 20 2"), ("maxmemory-clients", "101%")],
            [("notify-keyspace-events", "Kx"), ("latency-tracking-info-percentiles", "1 2 300")],
            [("shutdown-on-sigterm", "save nosave")],
            [("shutdown-on-sigterm", "now save")],
            [("client-output-buffer-limit", "master 1 1 1")],
            [("proc-title-template", "{nope}")],
        ]
        for pairs in cases {
            XCTAssertEqual(ours.set(pairs: pairs), try redis.configSet(pairs), "\(pairs)")
        }
        let real = try redis.configGet("*")
        let mine = Dictionary(uniqueKeysWithValues: ours.get(patterns: ["*"]))
        for (name, value) in real where !Self.machineDependent.contains(name) {
            XCTAssertEqual(mine[name], value, "after multi-pair sets: \(name)")
        }
    }

    /// redis-server's start-up error for bad command-line directives equals
    /// the Redis part of ours, byte for byte.
    func testStartupErrorsMatch() throws {
        _ = try RealRedisLauncher.executable()
        let dir = ConfigRealRedis.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let cases: [[String]] = [
            ["--port", "abc"], ["--port", "70000"], ["--maxmemory", "1x"], ["--appendonly", "maybe"],
            ["--loglevel", "loud"], ["--hz", "7", "8"], ["--unixsocketperm", "800"], ["--databases", "0"],
            ["--save", "10"], ["--bind"] + (1...17).map(String.init), ["--foo", "bar"], ["--replicaof", "h", "x"],
            ["--client-output-buffer-limit", "normal", "1", "2"], ["--shutdown-on-sigint", "save", "nosave"],
            ["--maxmemory-clients", "200%"], ["--oom-score-adj-values", "1", "2"],
            ["--dir", "/nonexistent-vigil-dir"], ["--logfile", "/nonexistent-vigil-dir/x.log"],
            ["--cluster-enabled", "yes", "--replicaof", "127.0.0.1", "6379"], ["--x.y"], ["--rename-command", "get"],
            ["--daemonize"], ["--list-max-ziplist-entries", "1", "2"], ["--dbfilename", "a/b"],
            ["--appendfilename", ""], ["--cluster-announce-hostname", "a_b"], ["--notify-keyspace-events", "Q"],
            ["--latency-tracking-info-percentiles", "101"], ["--activedefrag", "yes"],
        ]
        for args in cases {
            let full = ["--port", "0", "--dir", dir] + args
            let real = try ConfigRealRedis.startupError(full, cwd: dir)
            XCTAssertTrue(real.rejected, "redis accepted \(args)")
            do {
                _ = try ConfigLoader.load(arguments: full)
                XCTFail("vigil accepted \(args)")
            } catch let e as ConfigError {
                XCTAssertEqual(e.redisText + "\n", real.stderr, "\(args)")
            }
        }
    }

    /// Lines both accept give the same configuration.
    func testAcceptedCommandLinesGiveSameValues() throws {
        let cases: [[String]] = [
            ["--save", "", "--hz", "1000"], ["--save"], ["--save", "--appendfsync", "always"],
            ["--maxmemory", "1GB", "--maxmemory-policy", "ALLKEYS-LRU"], ["--oom-score-adj", "relative"],
            ["--shutdown-on-sigint", "now", "save", "default"], ["--client-output-buffer-limit", "replica 1mb 2kb 0"],
            ["--notify-keyspace-events", "g$lshzxetd"], ["--latency-tracking-info-percentiles", "0x10", "1e1", "99.99999"],
            ["--unixsocketperm", "0700"], ["--repl-backlog-size", "100"], ["--slaveof", "127.0.0.1", "1"],
            ["--replicaof", "no", "one"], ["--list-max-ziplist-size", "-1", "--hash-max-ziplist-value", "1kb"],
            ["--lua-time-limit", "100", "--slave-priority", "5"], ["--maxmemory-clients", "18446744073709551615"],
        ]
        for args in cases {
            let redis = try ConfigRealRedis(extraArgs: args)
            let real = try redis.configGet("*")
            let (config, file) = try ConfigLoader.load(arguments: args)
            XCTAssertNil(file)
            var ours = config
            let mine = Dictionary(uniqueKeysWithValues: ours.get(patterns: ["*"]))
            for (name, value) in real where !Self.machineDependent.contains(name) {
                XCTAssertEqual(mine[name], value, "\(args): \(name)")
            }
        }
    }

    /// KEYS on real Redis and stringMatch agree on tricky patterns.
    func testGlobMatchesKeys() throws {
        let redis = try ConfigRealRedis()
        let keys = ["abc", "a\\c", "a]c", "a-c", "aXc", "hello", "hallo", "h*llo", "", "x[y", "ABC", "a^c", "a!c"]
        for k in keys { _ = try redis.call(["SET", k, "1"]) }
        let patterns = ["a[b", "a[", "a[^b]c", "a[c-a]c", "a[\\]]c", "a\\", "a[]]c", "a[-]c", "a[a-]c", "*[", "[",
                        "abc\\", "a?c", "a[!b]c", "h[ae]llo", "h\\*llo", "**", "?", "a*", "*c", "[a-z]?c", "x[[]y",
                        "a[^", "[^a]*", "*[^c]", "a\\c", "\\a*", "[A-Z]*", "a[\\-]c", "a[b-]c"]
        // (KEYS special-cases the pattern "*", so "**" stands in for it.)
        for p in patterns {
            let real = Set((try redis.call(["KEYS", p]).elements ?? []).compactMap { $0.string })
            let mine = Set(keys.filter { stringMatch(pattern: Array(p.utf8), string: Array($0.utf8), nocase: false) })
            XCTAssertEqual(mine, real, "pattern \(p.debugDescription)")
        }
    }

    /// CONFIG REWRITE of the same file after the same CONFIG SETs gives the
    /// same text as Redis (the lines Redis appends come in its hash-table
    /// order, so that part is compared as a set).
    func testRewriteMatchesRedis() throws {
        _ = try RealRedisLauncher.executable()
        let dir = ConfigRealRedis.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = Ports.free()
        let theirs = dir + "/redis.conf", ours = dir + "/vigil.conf"
        _ = FileManager.default.createFile(atPath: dir + "/inc.conf", contents: Data("databases 5\n".utf8))
        let text = """
            # header comment
            port \(port)
            bind 127.0.0.1
            dir \(dir)
               # indented comment   
            slave-read-only no
            maxmemory 100mb
            save 900 1
            save 300 10
            hash-max-ziplist-entries 100
            lua-time-limit 100
            loglevel notice
            timeout 0
            client-output-buffer-limit pubsub 32mb 8mb 60
            include \(dir)/inc.conf
            logfile ""
            appendonly no

            """
        _ = FileManager.default.createFile(atPath: theirs, contents: Data(text.utf8))
        let redis = try ConfigRealRedis(configFile: theirs)
        var config = try ConfigLoader.load(arguments: [theirs]).config
        // Lines added after start-up, which only the rewrite reads.
        let extra = "unknown-directive-xyz 1\n\"unbalanced\nloadmodule /x.so\nfoo.bar 5\nPort 1234\nSLAVEOF 1.2.3.4 5\nuser bob on >pw\nsentinel monitor x\n"
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: theirs))
        handle.seekToEndOfFile()
        handle.write(Data(extra.utf8))
        try handle.close()
        try FileManager.default.copyItem(atPath: theirs, toPath: ours)

        let rounds: [[(String, String)]] = [
            [("maxmemory", "2gb"), ("slave-read-only", "yes"), ("timeout", "5"), ("save", ""),
             ("notify-keyspace-events", "KEA"), ("maxmemory-clients", "5%"), ("masterauth", "a\"b\\c"),
             ("latency-tracking-info-percentiles", "50 99.5"), ("replica-announce-ip", "1.2.3.4"),
             ("oom-score-adj-values", "0 100 900"), ("client-output-buffer-limit", "normal 1mb 1kb 5"),
             ("hash-max-listpack-entries", "200"), ("busy-reply-threshold", "100"), ("shutdown-on-sigint", "now save")],
            [("save", "10 1 20 2"), ("timeout", "0"), ("maxmemory", "0"), ("hz", "11"), ("unixsocketperm", "0")],
        ]
        for pairs in rounds {
            XCTAssertEqual(config.set(pairs: pairs.filter { $0.0 != "unixsocketperm" }),
                           try redis.configSet(pairs.filter { $0.0 != "unixsocketperm" }))
            XCTAssertEqual(try redis.call(["CONFIG", "REWRITE"]).string, "OK")
            let users = (try redis.call(["ACL", "LIST"]).elements ?? []).compactMap { $0.string }
            try config.rewrite(path: ours, aclUsers: users)
            let a = try String(contentsOfFile: theirs, encoding: .utf8).components(separatedBy: "\n")
            let b = try String(contentsOfFile: ours, encoding: .utf8).components(separatedBy: "\n")
            let cut = a.firstIndex(of: "# Generated by CONFIG REWRITE") ?? a.count
            XCTAssertEqual(Array(b.prefix(cut)), Array(a.prefix(cut)), "kept part")
            XCTAssertEqual(Set(b.dropFirst(cut)), Set(a.dropFirst(cut)), "appended part")
            XCTAssertEqual(b.count, a.count)
        }
    }

    /// The distribution's stock redis.conf (paths and port adjusted to the
    /// test) loads, and gives the same CONFIG GET * as Redis.
    func testStockRedisConfLoadsTheSame() throws {
        _ = try RealRedisLauncher.executable()
        guard let stock = try? String(contentsOfFile: "/etc/redis/redis.conf", encoding: .utf8) else {
            throw Interop.unavailable("no /etc/redis/redis.conf (Debian's redis-server package ships it)")
        }
        let dir = ConfigRealRedis.makeTempDir()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let port = Ports.free()
        let replaced: [String: String] = ["port": "port \(port)", "bind": "bind 127.0.0.1", "daemonize": "daemonize no",
                                          "pidfile": "pidfile \(dir)/redis.pid", "logfile": "logfile \(dir)/redis.log",
                                          "dir": "dir \(dir)", "supervised": "supervised no"]
        let lines = stock.components(separatedBy: "\n").map { line -> String in
            let word = line.split(separator: " ").first.map(String.init) ?? ""
            return replaced[word] ?? line
        }
        let path = dir + "/redis.conf"
        _ = FileManager.default.createFile(atPath: path, contents: Data(lines.joined(separator: "\n").utf8))
        var (config, file) = try ConfigLoader.load(arguments: [path])
        XCTAssertEqual(file, path)
        let redis = try ConfigRealRedis(configFile: path)
        let real = try redis.configGet("*")
        let mine = Dictionary(uniqueKeysWithValues: config.get(patterns: ["*"]))
        for (name, value) in real where !["maxclients"].contains(name) {
            XCTAssertEqual(mine[name], value, name)
        }
    }
}
