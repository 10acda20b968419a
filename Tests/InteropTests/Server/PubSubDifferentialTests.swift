import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Pub/sub, transaction and connection conversations played on redis-server
/// 7.0 and on vigil-server: the same bytes on every connection.
final class PubSubDifferentialTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// One command on a named connection and how many reply frames it gets.
    struct Step {
        let conn: String
        let args: [String]
        let frames: Int
        init(_ conn: String, _ args: String..., frames: Int = 1) {
            self.conn = conn
            self.args = args
            self.frames = frames
        }
    }

    /// Runs the steps, reading each step's frames (its replies plus messages
    /// already pending on that connection) before the next, so deliveries
    /// between connections are ordered; then drains every
    /// connection up to a PING marker. Returns each connection's byte stream.
    func converse(port: Int, _ steps: [Step]) throws -> [String: String] {
        var conns: [String: RedisConnection] = [:]
        var streams: [String: [UInt8]] = [:]
        var order: [String] = []
        for s in steps {
            if conns[s.conn] == nil {
                conns[s.conn] = try ProcessFixture.connect(port, ioTimeoutMs: 5000)
                order.append(s.conn)
            }
            let c = conns[s.conn]!
            try c.send(s.args)
            streams[s.conn, default: []] += Array("> \(s.args.joined(separator: " "))\n".utf8)
            for i in 0..<s.frames {
                do {
                    streams[s.conn, default: []] += try c.readRawReply()
                } catch {
                    XCTFail("port \(port): no reply frame \(i + 1) of \(s.frames) to \(s.conn): \(s.args) (\(error)); so far: \(String(decoding: streams[s.conn] ?? [], as: UTF8.self).suffix(300))")
                    throw error
                }
            }
        }
        for name in order {
            let c = conns[name]!
            do {
                try c.send(["PING", "__end__"])
                while true {
                    let f = try c.readRawReply()
                    streams[name, default: []] += f
                    if String(decoding: f, as: UTF8.self).contains("__end__") { break }
                }
            } catch RedisClientError.connectionClosed {
                streams[name, default: []] += Array("<closed>".utf8)
            }
        }
        // Client ids differ between servers.
        return streams.mapValues {
            String(decoding: $0, as: UTF8.self)
                .replacingOccurrences(of: #"\$2\r\nid\r\n:[0-9]+"#, with: "$2\r\nid\r\n:ID", options: .regularExpression)
        }
    }

    func assertSameAsRedis(_ steps: [Step], file: StaticString = #filePath, line: UInt = #line) throws {
        let redisPort = try fixture.startRedis().port
        let vigilPort = try fixture.startVigil().port
        let expected = try converse(port: redisPort, steps)
        let actual = try converse(port: vigilPort, steps)
        for (name, stream) in expected.sorted(by: { $0.key < $1.key }) {
            XCTAssertEqual(actual[name], stream, "connection \(name)", file: file, line: line)
        }
    }

    func testSameAsRedisPubSub() throws {
        try assertSameAsRedis([
            Step("a", "SUBSCRIBE", "ch1", "ch2", frames: 2),
            Step("a", "PSUBSCRIBE", "news.*"),
            Step("b", "HELLO", "3"),
            Step("b", "SUBSCRIBE", "ch1"),
            Step("b", "SSUBSCRIBE", "ch1", "s2", frames: 2),
            Step("c", "PUBLISH", "ch1", "hello"),
            Step("c", "PUBLISH", "news.x", "m"),
            Step("c", "PUBLISH", "nobody", "m"),
            Step("c", "SPUBLISH", "ch1", "s"),
            Step("c", "PUBSUB", "NUMSUB", "ch1", "ch2", "nope"),
            Step("c", "PUBSUB", "NUMSUB"),
            Step("c", "PUBSUB", "NUMPAT"),
            Step("c", "PUBSUB", "SHARDNUMSUB", "ch1", "x"),
            Step("c", "PUBSUB", "CHANNELS", "ch2"),
            Step("c", "PUBSUB", "CHANNELS", "a", "b"),
            Step("c", "PUBSUB", "SHARDCHANNELS", "s*"),
            Step("c", "PUBSUB", "NUMPAT", "x"),
            Step("c", "PUBSUB", "HELP"),
            Step("a", "GET", "x", frames: 3),  // + message, pmessage
            Step("a", "PING"),
            Step("a", "PING", "hi"),
            Step("a", "CLIENT", "ID"),
            Step("b", "GET", "x", frames: 3),  // + message, smessage
            Step("b", "PING"),
            Step("b", "PUBLISH", "ch1", "self", frames: 2),
            Step("a", "UNSUBSCRIBE", "ch1", "nope", frames: 3),  // + message "self"
            Step("a", "PUNSUBSCRIBE"),
            Step("a", "UNSUBSCRIBE"),
            Step("a", "PING"),
            Step("a", "UNSUBSCRIBE"),
            Step("b", "SUNSUBSCRIBE", "s2"),
            Step("b", "UNSUBSCRIBE"),
            Step("b", "GET", "x"),
            Step("b", "SUNSUBSCRIBE"),
            Step("b", "SUNSUBSCRIBE"),
            Step("c", "PUBLISH", "ch1", "late"),
            Step("d", "SSUBSCRIBE", "q"),
            Step("d", "GET", "x"),
            Step("d", "RESET"),
            Step("d", "GET", "x"),
        ])
    }

    /// Subscribe confirmations and messages are pushes (CLIENT_PUSHING):
    /// CLIENT REPLY OFF/SKIP drops the other replies only, in RESP2 and RESP3.
    func testSameAsRedisPubSubWithRepliesOff() throws {
        try assertSameAsRedis([
            Step("a", "CLIENT", "REPLY", "OFF", frames: 0),
            Step("a", "SUBSCRIBE", "ch1", "ch2", frames: 2),
            Step("a", "PSUBSCRIBE", "p*"),
            Step("b", "PUBLISH", "ch1", "hi"),
            Step("a", "PING", frames: 1),
            Step("b", "PUBLISH", "p1", "hi"),
            Step("a", "PING", frames: 1),
            Step("a", "UNSUBSCRIBE", "ch1", "ch2", frames: 2),
            Step("a", "PUNSUBSCRIBE"),
            Step("a", "CLIENT", "REPLY", "ON"),
            Step("c", "HELLO", "3"),
            Step("c", "CLIENT", "REPLY", "SKIP", frames: 0),
            Step("c", "SUBSCRIBE", "x"),
            Step("c", "PING"),
            Step("c", "CLIENT", "REPLY", "OFF", frames: 0),
            Step("c", "SSUBSCRIBE", "s1"),
            Step("c", "GET", "x", frames: 0),
            Step("b", "SPUBLISH", "s1", "m"),
            Step("b", "PUBLISH", "x", "m2"),
            Step("c", "GET", "x", frames: 2),
            Step("c", "PUBLISH", "x", "self", frames: 1),
            Step("c", "CLIENT", "REPLY", "ON"),
        ])
    }

    // MARK: cases from Redis 7.0's own test suite

    /// keyspace.tcl "MOVE basic usage".
    func testSameAsRedisMoveBasicUsage() throws {
        try assertSameAsRedis([
            Step("a", "SELECT", "9"), Step("a", "SET", "mykey", "foobar"), Step("a", "MOVE", "mykey", "10"),
            Step("a", "EXISTS", "mykey"), Step("a", "DBSIZE"), Step("a", "SELECT", "10"), Step("a", "GET", "mykey"),
            Step("a", "DBSIZE"), Step("a", "MOVE", "mykey", "10"), Step("a", "MOVE", "mykey", "16"), Step("a", "MOVE", "nokey", "9"),
        ])
    }

    /// multi.tcl "EXEC fails if there are errors while queueing commands #2":
    /// a command refused for OOM while queueing aborts the transaction.
    func testSameAsRedisExecAbortsAfterOOMWhileQueueing() throws {
        try assertSameAsRedis([
            Step("a", "DEL", "foo1", "foo2"), Step("a", "MULTI"), Step("a", "SET", "foo1", "bar1"),
            Step("b", "CONFIG", "SET", "maxmemory", "1"), Step("a", "LPUSH", "mylist", "myvalue"),
            Step("b", "CONFIG", "SET", "maxmemory", "0"), Step("a", "EXEC"), Step("a", "EXISTS", "foo1", "foo2"),
        ])
    }

    /// multi.tcl "MULTI with config error": the failing CONFIG SET is an
    /// error inside EXEC's reply, the other command still runs.
    func testSameAsRedisMultiWithConfigError() throws {
        try assertSameAsRedis([
            Step("a", "MULTI"), Step("a", "SET", "foo", "bar"), Step("a", "CONFIG", "SET", "maxmemory", "bla"),
            Step("a", "EXEC"), Step("a", "GET", "foo"),
        ])
    }

    /// introspection-2.tcl: COMMAND GETKEYS finds MEMORY USAGE's key.
    func testSameAsRedisCommandGetkeysMemoryUsage() throws {
        try assertSameAsRedis([
            Step("a", "COMMAND", "GETKEYS", "MEMORY", "USAGE", "key"),
            Step("a", "COMMAND", "GETKEYS", "MEMORY", "USAGE", "key", "SAMPLES", "5"),
            Step("a", "COMMAND", "GETKEYS", "MEMORY", "USAGE"),
        ])
    }

    /// introspection-2.tcl "COMMAND LIST FILTERBY ...": subcommands are
    /// matched too. Redis lists in its dict's (seeded) order: compared as sets.
    func testSameAsRedisCommandListFiltersCoverSubcommands() throws {
        let redis = try fixture.startRedis().port, vigil = try fixture.startVigil().port
        for filter in [["PATTERN", "config|*"], ["PATTERN", "xinfo|s*"], ["PATTERN", "*|help"], ["ACLCAT", "hyperloglog"],
                       ["ACLCAT", "scripting"], ["PATTERN", "nothing*"]] {
            func names(_ port: Int) throws -> [String] {
                let c = try ProcessFixture.connect(port)
                defer { c.close() }
                return (try c.call(["COMMAND", "LIST", "FILTERBY"] + filter).elements ?? [])
                    .compactMap { $0.bytes.map { String(decoding: $0, as: UTF8.self) } }.sorted()
            }
            let expected = try Interop.talking(to: "redis-server") { try names(redis) }
            // Commands Vigil does not have yet (CLUSTER, FUNCTION, MODULE, ...) are left out.
            let known = try names(vigil)
            let missing = Set(expected).subtracting(known)
            XCTAssertTrue(missing.allSatisfy { Self.notImplemented.contains($0) || Self.notImplemented.contains(String($0.split(separator: "|")[0])) },
                          "\(filter): missing \(missing.sorted())")
            XCTAssertEqual(Set(known).subtracting(expected), [], "\(filter): listed by vigil only")
        }
    }

    /// Top-level commands other branches are still building.
    static let notImplemented: Set<String> = [
        "cluster", "function", "module", "fcall", "fcall_ro", "eval", "eval_ro", "evalsha", "evalsha_ro", "script",
        "asking", "readonly", "readwrite", "failover", "migrate",
        "client|caching", "client|tracking", "client|trackinginfo", "client|getredir",
    ]

    func testSameAsRedisTransactions() throws {
        try assertSameAsRedis([
            Step("a", "MULTI"),
            Step("a", "SET", "tk", "v"),
            Step("a", "INCR", "tk"),
            Step("a", "GET", "tk"),
            Step("a", "EXEC"),
            Step("a", "MULTI"),
            Step("a", "MULTI"),
            Step("a", "WATCH", "x"),
            Step("a", "FOO", "bar"),
            Step("a", "EXEC"),
            Step("a", "EXEC"),
            Step("a", "DISCARD"),
            Step("a", "MULTI"),
            Step("a", "SET", "never", "1"),
            Step("a", "EXEC", "x"),
            Step("a", "EXEC"),
            Step("a", "EXISTS", "never"),
            Step("a", "WATCH"),
            Step("a", "WATCH", "tk"),
            Step("b", "SET", "tk", "2"),
            Step("a", "MULTI"),
            Step("a", "GET", "tk"),
            Step("a", "EXEC"),
            Step("a", "HELLO", "3"),
            Step("a", "WATCH", "tk", "other"),
            Step("b", "DEL", "tk"),
            Step("a", "MULTI"),
            Step("a", "EXEC"),
            Step("a", "WATCH", "tk"),
            Step("a", "UNWATCH"),
            Step("b", "SET", "tk", "3"),
            Step("a", "MULTI"),
            Step("a", "MONITOR"),
            Step("a", "SUBSCRIBE", "z"),
            Step("a", "GET", "tk"),
            Step("a", "EXEC"),
            Step("a", "RESET"),
            Step("a", "MULTI"),
            Step("a", "SET", "a"),
            Step("a", "EXEC"),
            Step("a", "MULTI"),
            Step("a", "DISCARD"),
            Step("a", "CLIENT", "REPLY", "OFF", frames: 0),
            Step("a", "SET", "r", "1", frames: 0),
            Step("a", "CLIENT", "REPLY", "ON"),
            Step("a", "MULTI"),
            Step("a", "CLIENT", "REPLY", "SKIP"),
            Step("a", "SET", "r", "2"),
            // Redis answers `*2 +OK` (the SKIP's own reply is missing), so the
            // frame only completes with the reply to the second GET.
            Step("a", "EXEC", frames: 0),
            Step("a", "GET", "r", frames: 0),
            Step("a", "GET", "r"),
        ])
    }

    func testSameAsRedisConnectionAndClientErrors() throws {
        try assertSameAsRedis([
            Step("a", "PING", "a", "b"),
            Step("a", "ECHO", "x y"),
            Step("a", "SELECT", "16"),
            Step("a", "SELECT", "-1"),
            Step("a", "SELECT", "x"),
            Step("a", "SELECT", "4294967296"),
            Step("a", "SELECT", "15"),
            Step("a", "HELLO", "x"),
            Step("a", "HELLO", "4"),
            Step("a", "HELLO", "3", "foo"),
            Step("a", "HELLO", "3", "AUTH", "a"),
            Step("a", "HELLO", "3", "SETNAME", "a b"),
            Step("a", "HELLO", "2", "SETNAME", "n1", "AUTH", "nobody", "x"),
            Step("a", "CLIENT", "GETNAME"),
            Step("a", "HELLO", "3", "AUTH", "default", "anything"),
            Step("a", "HELLO"),
            Step("a", "HELLO", "2"),
            Step("a", "AUTH", "x"),
            Step("a", "AUTH", "default", "x"),
            Step("a", "AUTH", "nobody", "x"),
            Step("a", "AUTH", "a", "b", "c"),
            Step("a", "CLIENT", "SETNAME", "a b"),
            Step("a", "CLIENT", "SETNAME", "ok-name"),
            Step("a", "CLIENT", "GETNAME"),
            Step("a", "CLIENT", "SETNAME", ""),
            Step("a", "CLIENT", "GETNAME"),
            Step("a", "CLIENT", "GETREDIR"),
            Step("a", "CLIENT", "HELP"),
            Step("a", "CLIENT", "BLAH"),
            Step("a", "CLIENT", "LIST", "TYPE", "bogus"),
            Step("a", "CLIENT", "LIST", "TYPE", "master"),
            Step("a", "CLIENT", "LIST", "ID", "x"),
            Step("a", "CLIENT", "LIST", "ID", "999999"),
            Step("a", "CLIENT", "LIST", "ID"),
            Step("a", "CLIENT", "LIST", "foo", "bar"),
            Step("a", "CLIENT", "KILL"),
            Step("a", "CLIENT", "KILL", "1.2.3.4:5"),
            Step("a", "CLIENT", "KILL", "ID", "999999"),
            Step("a", "CLIENT", "KILL", "ID", "x"),
            Step("a", "CLIENT", "KILL", "TYPE", "bogus"),
            Step("a", "CLIENT", "KILL", "TYPE", "pubsub"),
            Step("a", "CLIENT", "KILL", "USER", "nobody"),
            Step("a", "CLIENT", "KILL", "SKIPME", "maybe"),
            Step("a", "CLIENT", "KILL", "ID", "1", "TYPE"),
            Step("a", "CLIENT", "PAUSE", "x"),
            Step("a", "CLIENT", "PAUSE", "-1"),
            Step("a", "CLIENT", "PAUSE", "10", "foo"),
            Step("a", "CLIENT", "PAUSE", "10", "write", "x"),
            Step("a", "CLIENT", "PAUSE", "0"),
            Step("a", "CLIENT", "UNPAUSE"),
            Step("a", "CLIENT", "REPLY", "bogus"),
            Step("a", "CLIENT", "NO-EVICT", "on"),
            Step("a", "CLIENT", "NO-EVICT", "maybe"),
            Step("a", "CLIENT", "NO-EVICT", "off"),
            Step("a", "MONITOR"),
            Step("a", "MONITOR", frames: 0),
            Step("a", "RESET"),
            Step("a", "QUIT"),
        ])
    }
}
