import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Connection, client, pub/sub and transaction commands against the built
/// vigil-server over real sockets (the same conversations compared with a
/// real redis-server are InteropTests.PubSubDifferentialTests).
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
}
