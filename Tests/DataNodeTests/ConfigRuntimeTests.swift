import Deployment
import Foundation
import XCTest
@testable import DataNode

/// CONFIG GET / CONFIG SET semantics.
final class ConfigRuntimeTests: XCTestCase {
    private func names(_ c: inout ServerConfig, _ patterns: String...) -> [String] {
        c.get(patterns: patterns).map(\.0)
    }

    func testGetGlobAndExactNames() {
        var c = ServerConfig()
        XCTAssertEqual(names(&c, "maxmemory*"), ["maxmemory", "maxmemory-clients", "maxmemory-eviction-tenacity",
                                                 "maxmemory-policy", "maxmemory-samples"])
        XCTAssertEqual(names(&c, "MAXMEMORY"), ["MAXMEMORY"], "an exact name answers as written")
        XCTAssertEqual(names(&c, "Port", "pOrt", "port"), ["Port"], "each parameter once")
        XCTAssertEqual(names(&c, "slaveof", "replicaof"), ["replicaof", "slaveof"], "aliases are separate names")
        XCTAssertEqual(names(&c, "b[i]nd", "*bind*"), ["bind", "bind-source-addr"])
        XCTAssertEqual(names(&c, "*["), [])
        XCTAssertEqual(names(&c, "nosuch"), [])
        XCTAssertEqual(names(&c, "use-exit-on-panic"), ["use-exit-on-panic"], "hidden: exact only")
        XCTAssertEqual(names(&c, "use-exit-on-*"), [])
        XCTAssertEqual(c.get(patterns: ["*"]).count, 192)
        let all = names(&c, "*")
        XCTAssertEqual(all, all.sorted())
        XCTAssertTrue(all.contains("slave-read-only"))
        XCTAssertEqual(c.get(patterns: ["client-output-buffer-limit"]).first?.1,
                       "normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
        XCTAssertEqual(c.get(patterns: ["save"]).first?.1, "3600 1 300 100 60 10000")
        XCTAssertEqual(c.get(patterns: ["bind"]).first?.1, "* -::*")
        XCTAssertEqual(c.get(patterns: ["latency-tracking-info-percentiles"]).first?.1, "50 99 99.9")
        XCTAssertEqual(c.get(patterns: ["oom-score-adj-values"]).first?.1, "0 200 800")
        XCTAssertEqual(c.get(patterns: ["proto-max-bulk-len"]).first?.1, "536870912")
    }

    func testSetChangesValuesAndTypes() {
        var c = ServerConfig()
        XCTAssertNil(c.set(pairs: [("maxmemory", "1gb"), ("maxmemory-policy", "VOLATILE-TTL"), ("timeout", "5"),
                                   ("save", "10 1 20 2"), ("notify-keyspace-events", "Ex"),
                                   ("client-output-buffer-limit", "pubsub 1mb 1kb 5 normal 1 2 3"),
                                   ("slave-read-only", "no"), ("requirepass", "secret"), ("maxmemory-clients", "5%")]))
        XCTAssertEqual(c.maxmemory, 1 << 30)
        XCTAssertEqual(c.maxmemoryPolicy, "volatile-ttl")
        XCTAssertEqual(c.timeout, 5)
        XCTAssertEqual(c.saveParams.map { [$0.seconds, $0.changes] }, [[10, 1], [20, 2]])
        XCTAssertEqual(c.notifyKeyspaceEvents, 2 | 256)
        XCTAssertEqual(c.value(of: "notify-keyspace-events"), "xE")
        XCTAssertEqual(c.clientOutputBufferLimits[0], OutputBufferLimit(className: "normal", hard: 1, soft: 2, softSeconds: 3))
        XCTAssertEqual(c.clientOutputBufferLimits[2], OutputBufferLimit(className: "pubsub", hard: 1 << 20, soft: 1024, softSeconds: 5))
        XCTAssertFalse(c.replicaReadOnly)
        XCTAssertEqual(c.requirepass, "secret")
        XCTAssertEqual(c.value(of: "maxmemory-clients"), "5%")
        XCTAssertNil(c.set(pairs: [("save", "")]))
        XCTAssertTrue(c.saveParams.isEmpty)
        XCTAssertNil(c.set(pairs: [("hz", "1000"), ("repl-backlog-size", "1")]))
        XCTAssertEqual(c.hz, 500, "hz is clamped when applied")
        XCTAssertEqual(c.replBacklogSize, 16384, "the backlog has a 16k minimum")
        XCTAssertNil(c.set(pairs: [("shutdown-on-sigterm", "force now")]))
        XCTAssertEqual(c.value(of: "shutdown-on-sigterm"), "now force")
        XCTAssertNil(c.set(pairs: [("oom-score-adj", "relative")]))
        XCTAssertEqual(c.value(of: "oom-score-adj"), "yes")
    }

    func testSetIsAtomic() {
        var c = ServerConfig()
        let before = c.get(patterns: ["*"]).map { "\($0.0)=\($0.1)" }
        XCTAssertEqual(c.set(pairs: [("timeout", "7"), ("save", "1 1"), ("maxmemory", "1mb"), ("hz", "abc")]),
                       "ERR CONFIG SET failed (possibly related to argument 'hz') - argument couldn't be parsed into an integer")
        XCTAssertEqual(c.get(patterns: ["*"]).map { "\($0.0)=\($0.1)" }, before)
    }

    func testSetErrorTexts() {
        var c = ServerConfig()
        let cases: [([(String, String)], String)] = [
            ([("foo", "1")], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"),
            ([("timeout", "1"), ("foo", "1"), ("daemonize", "yes")], "ERR Unknown option or number of arguments for CONFIG SET - 'foo'"),
            ([("DAEMONIZE", "yes"), ("foo", "1")], "ERR CONFIG SET failed (possibly related to argument 'DAEMONIZE') - can't set immutable config"),
            ([("replicaof", "no one")], "ERR CONFIG SET failed (possibly related to argument 'replicaof') - can't set immutable config"),
            ([("dir", "/tmp")], "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config"),
            ([("dbfilename", "x.rdb")], "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config"),
            ([("hz", "5"), ("HZ", "6")], "ERR CONFIG SET failed (possibly related to argument 'HZ') - duplicate parameter"),
            ([("SLAVE-READ-ONLY", "maybe")], "ERR CONFIG SET failed (possibly related to argument 'slave-read-only') - argument must be 'yes' or 'no'"),
            ([("port", "70000")], "ERR CONFIG SET failed (possibly related to argument 'port') - argument must be between 0 and 65535 inclusive"),
            ([("maxmemory-policy", "lru")], "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction"),
            ([("save", "10 1 ")], "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters"),
            ([("oom-score-adj-values", "1 2")], "ERR CONFIG SET failed (possibly related to argument 'oom-score-adj-values') - wrong number of arguments"),
            ([("tls-port", "6380")], "ERR CONFIG SET failed (possibly related to argument 'tls-port') - Unable to update TLS configuration. Check server logs."),
        ]
        for (pairs, expected) in cases {
            XCTAssertEqual(c.set(pairs: pairs), expected, "\(pairs)")
        }
        // A name and its alias are different entries: both are set, the last wins.
        XCTAssertNil(c.set(pairs: [("slave-read-only", "no"), ("replica-read-only", "yes")]))
        XCTAssertTrue(c.replicaReadOnly)
        XCTAssertEqual(c.set(pairs: [("appendonly", "yes")], loading: true), "LOADING Redis is loading the dataset in memory")
    }

    func testProtectedConfigs() throws {
        let dir = try makeScratchDirectory("config-runtime")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var c = try ConfigLoader.load(text: "enable-protected-configs local")
        XCTAssertEqual(c.set(pairs: [("dir", dir)]),
                       "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config")
        XCTAssertNil(c.set(pairs: [(Array("dir".utf8), Array(dir.utf8))], clientIsLocal: true))
        XCTAssertEqual(c.dir, dir)
        XCTAssertEqual(c.set(pairs: [(Array("dir".utf8), Array("/nonexistent-vigil".utf8))], clientIsLocal: true),
                       "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory")
        XCTAssertNil(c.set(pairs: [(Array("dbfilename".utf8), Array("other.rdb".utf8))], clientIsLocal: true))
        XCTAssertEqual(c.dbfilename, "other.rdb")
        c = try ConfigLoader.load(text: "enable-protected-configs yes")
        XCTAssertNil(c.set(pairs: [("dbfilename", "x.rdb")]))
    }

    func testApplyCallbackSeesChangesAndCanRefuse() {
        var c = ServerConfig()
        var seen: [String] = []
        XCTAssertNil(c.set(pairs: [(Array("slave-read-only".utf8), Array("no".utf8)), (Array("timeout".utf8), Array("0".utf8)),
                                   (Array("port".utf8), Array("7000".utf8))],
                           apply: { changed, config in
                               seen = changed
                               XCTAssertEqual(config.port, 7000)
                               return nil
                           }))
        XCTAssertEqual(seen, ["replica-read-only", "port"], "unchanged values are not reported")
        let refused = c.set(pairs: [(Array("port".utf8), Array("7001".utf8)), (Array("hz".utf8), Array("20".utf8))],
                            apply: { _, _ in ("port", "Unable to listen on this port. Check server logs.") })
        XCTAssertEqual(refused, "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.")
        XCTAssertEqual(c.port, 7000)
        XCTAssertEqual(c.hz, 10)
    }

    func testTypedSettersAndReplicaof() {
        var c = ServerConfig()
        c.port = 7777
        c.replicaof = (host: "10.1.1.1", port: 6000)
        c.maxmemoryPolicy = "allkeys-lfu"
        c.saveParams = [(seconds: 5, changes: 6)]
        c.bind = ["127.0.0.1"]
        c.requirepass = ""
        XCTAssertEqual(c.value(of: "port"), "7777")
        XCTAssertEqual(c.value(of: "slaveof"), "10.1.1.1 6000")
        XCTAssertEqual(c.value(of: "maxmemory-policy"), "allkeys-lfu")
        XCTAssertEqual(c.value(of: "save"), "5 6")
        XCTAssertEqual(c.value(of: "bind"), "127.0.0.1")
        c.replicaof = nil
        XCTAssertEqual(c.value(of: "replicaof"), "")
        XCTAssertTrue(ServerConfig.isSensitive(Array("REQUIREPASS".utf8)))
        XCTAssertFalse(ServerConfig.isSensitive(Array("port".utf8)))
        XCTAssertEqual(ServerConfig.parameterNames.count, 192)
    }

    func testBinaryValues() {
        var c = ServerConfig()
        XCTAssertNil(c.set(pairs: [(Array("requirepass".utf8), [0x61, 0x00, 0xff])]))
        XCTAssertEqual(c.requirepassBytes, [0x61, 0x00, 0xff])
        XCTAssertEqual(c.get(patterns: [Array("requirepass".utf8)]).first?.1, [0x61, 0x00, 0xff])
    }
}
