import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Connection, client, pub/sub and transaction commands against the built
/// vigil-server over real sockets, plus byte-for-byte comparisons of whole
/// conversations with a real redis-server 7.0 when one is installed.
final class PubSubProcessTests: XCTestCase {
    var processes: [NodeProcess] = []

    override func tearDown() {
        for p in processes { p.cleanUp() }
        processes.removeAll()
        super.tearDown()
    }

    func startVigil(_ extra: [String] = []) throws -> Int {
        _ = try Interop.built("vigil-server")
        let port = Ports.free()
        let p = try NodeProcess.startVigilServer(port: port, arguments: extra)
        processes.append(p)
        return port
    }

    func startRedis() throws -> Int {
        let (p, port) = try startRealRedis()
        processes.append(p)
        return port
    }

    func connect(_ port: Int) throws -> RedisConnection {
        try RedisConnection(host: "127.0.0.1", port: port, connectTimeoutMs: 2000, ioTimeoutMs: 5000)
    }

    func text(_ v: RESPValue) -> String { v.string ?? "\(v)" }

    // MARK: sockets

    func testPublishReachesSocketSubscribers() throws {
        let port = try startVigil()
        let sub = try connect(port), sub3 = try connect(port), pub = try connect(port)
        XCTAssertEqual(try sub.call("SUBSCRIBE", "news"), .array([.bulk("subscribe"), .bulk("news"), .integer(1)]))
        XCTAssertEqual(try sub.call("PSUBSCRIBE", "n*"), .array([.bulk("psubscribe"), .bulk("n*"), .integer(2)]))
        try sub3.hello(3)
        XCTAssertEqual(try sub3.call("SSUBSCRIBE", "news"), .push([.bulk("ssubscribe"), .bulk("news"), .integer(1)]))
        XCTAssertEqual(try pub.call("PUBLISH", "news", "hello"), .integer(2))
        XCTAssertEqual(try sub.readReply(), .array([.bulk("message"), .bulk("news"), .bulk("hello")]))
        XCTAssertEqual(try sub.readReply(), .array([.bulk("pmessage"), .bulk("n*"), .bulk("news"), .bulk("hello")]))
        XCTAssertEqual(try pub.call("SPUBLISH", "news", "s"), .integer(1))
        XCTAssertEqual(try sub3.readRawReply(), Array(">3\r\n$8\r\nsmessage\r\n$4\r\nnews\r\n$1\r\ns\r\n".utf8))
        XCTAssertNil(try sub.readReply(timeoutMs: 100), "no smessage for plain subscribers")
        // Closing a subscriber removes its subscriptions.
        sub.close()
        var gone = false
        for _ in 0..<200 {
            if try pub.call("PUBSUB", "NUMSUB", "news") == .array([.bulk("news"), .integer(0)]) { gone = true; break }
            usleep(10_000)
        }
        XCTAssertTrue(gone)
        XCTAssertEqual(try pub.call("PUBSUB", "NUMPAT"), .integer(0))
    }

    func testClientListKillAndQuit() throws {
        let port = try startVigil()
        let a = try connect(port), b = try connect(port), c = try connect(port)
        XCTAssertEqual(try b.call("CLIENT", "SETNAME", "victim"), .simple("OK"))
        let info = text(try b.call("CLIENT", "INFO"))
        let fields = Dictionary(uniqueKeysWithValues: info.trimmingCharacters(in: .newlines).split(separator: " ").map { f -> (String, String) in
            let p = f.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(p[0]), String(p[1]))
        })
        let addr = fields["addr"] ?? ""
        XCTAssertTrue(addr.hasPrefix("127.0.0.1:"), info)
        XCTAssertEqual(fields["laddr"], "127.0.0.1:\(port)")
        XCTAssertGreaterThan(Int(fields["fd"] ?? "") ?? -1, 0)
        XCTAssertEqual(fields["events"], "r")
        XCTAssertEqual(fields["name"], "victim")

        let list = text(try a.call("CLIENT", "LIST"))
        XCTAssertEqual(list.split(separator: "\n").count, 3, list)
        XCTAssertTrue(list.contains("addr=\(addr) laddr=127.0.0.1:\(port) "), list)

        XCTAssertEqual(try a.call("CLIENT", "KILL", "ADDR", addr), .integer(1))
        XCTAssertThrowsError(try b.readReply()) { XCTAssertEqual($0 as? RedisClientError, .connectionClosed) }
        XCTAssertEqual(try a.call("CLIENT", "KILL", addr), .error(Array("ERR No such client".utf8)))

        let cid = try c.call("CLIENT", "ID")
        XCTAssertEqual(try c.call("CLIENT", "KILL", "ID", text(cid), "SKIPME", "no"), .integer(1))
        XCTAssertThrowsError(try c.readReply()) { XCTAssertEqual($0 as? RedisClientError, .connectionClosed) }

        // QUIT answers, then closes; pipelined commands after it are not run.
        try a.sendRaw(RESPWriter.command(["QUIT"]) + RESPWriter.command(["SET", "after-quit", "1"]))
        XCTAssertEqual(try a.readReply(), .simple("OK"))
        XCTAssertThrowsError(try a.readReply()) { XCTAssertEqual($0 as? RedisClientError, .connectionClosed) }
        let d = try connect(port)
        XCTAssertEqual(try d.call("EXISTS", "after-quit"), .integer(0))
    }

    func testMonitorShowsClientAddress() throws {
        let port = try startVigil()
        let m = try connect(port), c = try connect(port)
        XCTAssertEqual(try m.call("MONITOR"), .simple("OK"))
        let info = text(try c.call("CLIENT", "INFO"))
        let addr = info.split(separator: " ").first { $0.hasPrefix("addr=") }!.dropFirst(5)
        XCTAssertEqual(try c.call("SELECT", "2"), .simple("OK"))
        XCTAssertEqual(try c.call("ECHO", "a\"b"), .bulk("a\"b"))
        let line0 = text(try m.readReply())
        let line1 = text(try m.readReply())
        let line2 = text(try m.readReply())
        XCTAssertTrue(line0.hasSuffix(" [0 \(addr)] \"CLIENT\" \"INFO\""), line0)
        XCTAssertTrue(line1.hasSuffix(" [2 \(addr)] \"SELECT\" \"2\""), line1)
        XCTAssertTrue(line2.hasSuffix(" [2 \(addr)] \"ECHO\" \"a\\\"b\""), line2)
        XCTAssertNotNil(line1.range(of: #"^[0-9]+\.[0-9]{6} \["#, options: .regularExpression), line1)
    }

    func testClientPauseParksWritesUntilUnpause() throws {
        let port = try startVigil()
        let admin = try connect(port), writer = try connect(port), reader = try connect(port)
        XCTAssertEqual(try admin.call("CLIENT", "PAUSE", "100000", "WRITE"), .simple("OK"))
        try writer.send(["SET", "k", "v"])
        XCTAssertNil(try writer.readReply(timeoutMs: 300), "a write is parked while paused")
        XCTAssertEqual(try reader.call("GET", "k"), .bulkString(nil), "reads go on during a WRITE pause")
        XCTAssertEqual(try admin.call("CLIENT", "UNPAUSE"), .simple("OK"))
        XCTAssertEqual(try writer.readReply(), .simple("OK"))
        XCTAssertEqual(try reader.call("GET", "k"), .bulk("v"))
    }

    func testSubscriberThatNeverReadsIsDisconnected() throws {
        let port = try startVigil(["--client-output-buffer-limit", "pubsub 1mb 0 0"])
        let sub = try connect(port), pub = try connect(port)
        XCTAssertEqual(try sub.call("SUBSCRIBE", "flood"), .array([.bulk("subscribe"), .bulk("flood"), .integer(1)]))
        let payload = String(repeating: "x", count: 64 * 1024)
        var dropped = false
        // Kernel socket buffers absorb a few MB first; the server's own
        // pending output then crosses the 1 MB hard limit.
        for _ in 0..<2000 {
            if try pub.call("PUBLISH", "flood", payload) == .integer(0) { dropped = true; break }
        }
        XCTAssertTrue(dropped, "subscriber still attached after ~128 MB of unread messages")
        XCTAssertEqual(try pub.call("PUBSUB", "NUMSUB", "flood"), .array([.bulk("flood"), .integer(0)]))
    }

    // MARK: differential conversations against redis-server 7.0

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
                conns[s.conn] = try connect(port)
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
        let redisPort = try startRedis()
        let vigilPort = try startVigil()
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
