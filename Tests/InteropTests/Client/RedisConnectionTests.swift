import Protocol
import RESPClient
import TestSupport
import Deployment
import XCTest

final class RedisConnectionTests: XCTestCase {
    private var server: NodeProcess?
    private var port = 0

    override func setUpWithError() throws {
        let (s, p) = try startRealRedis(extraArguments: ["--enable-debug-command", "yes"])
        server = s
        port = p
    }

    override func tearDown() {
        server?.cleanUp()
        server = nil
    }

    private func connect(ioTimeoutMs: Int? = 5000) throws -> RedisConnection {
        try RedisConnection(host: "127.0.0.1", port: port, ioTimeoutMs: ioTimeoutMs)
    }

    func testCallAndValueTypes() throws {
        let c = try connect()
        XCTAssertEqual(try c.call("PING"), .simple("PONG"))
        XCTAssertEqual(try c.call("SET", "k", "v"), .simple("OK"))
        XCTAssertEqual(try c.call("GET", "k"), .bulk("v"))
        XCTAssertEqual(try c.call("GET", "missing"), .bulkString(nil))
        XCTAssertEqual(try c.call("INCR", "n"), .integer(1))
        XCTAssertEqual(try c.call("INCR", "k"), .err("ERR value is not an integer or out of range"))
        XCTAssertEqual(try c.call(["SET", "bin"].map(bytes) + [[0, 255, 13, 10]]), .simple("OK"))
        XCTAssertEqual(try c.call("GET", "bin"), .bulkString([0, 255, 13, 10]))
    }

    func testPipeliningKeepsOrder() throws {
        let c = try connect()
        for i in 0..<100 { try c.send(["RPUSH", "l", String(i)]) }
        try c.send(["LRANGE", "l", "0", "-1"])
        for i in 0..<100 { XCTAssertEqual(try c.readReply(), .integer(Int64(i + 1))) }
        let all = try c.readReply()
        XCTAssertEqual(all.elements?.count, 100)
        XCTAssertEqual(all.elements?.last, .bulk("99"))

        let replies = try c.pipeline([["SET", "a", "1"], ["INCRBY", "a", "41"], ["GET", "a"]])
        XCTAssertEqual(replies, [.simple("OK"), .integer(42), .bulk("42")])
    }

    func testReadRawReplyIsByteExact() throws {
        let c = try connect()
        try c.send(["PING"])
        try c.send(["GET", "nope"])
        try c.send(["RPUSH", "l", "a", "bb"])
        try c.send(["LRANGE", "l", "0", "-1"])
        try c.send(["NOSUCHCOMMAND"])
        XCTAssertEqual(try c.readRawReply(), bytes("+PONG\r\n"))
        XCTAssertEqual(try c.readRawReply(), bytes("$-1\r\n"))
        XCTAssertEqual(try c.readRawReply(), bytes(":2\r\n"))
        XCTAssertEqual(try c.readRawReply(), bytes("*2\r\n$1\r\na\r\n$2\r\nbb\r\n"))
        XCTAssertEqual(try c.readRawReply(), bytes("-ERR unknown command 'NOSUCHCOMMAND', with args beginning with: \r\n"))
    }

    func testRawReplyOfALargeNestedReplyMatchesItsParse() throws {
        let c = try connect()
        let big = String(repeating: "x", count: 300_000)
        try c.send(["SET", "big", big])
        try c.send(["MGET", "big", "nope", "big"])
        XCTAssertEqual(try c.readReply(), .simple("OK"))
        let raw = try c.readRawReply()
        XCTAssertEqual(raw.count, 4 + 2 * (9 + 300_000 + 2) + 5)
        let parsed = try XCTUnwrap(try ReplyParser().parse(raw))
        XCTAssertEqual(parsed.consumed, raw.count)
        XCTAssertEqual(parsed.value, .array([.bulk(big), .bulkString(nil), .bulk(big)]))
        // Many elements: reading stays linear because frames are scanned once.
        try c.send(["EVAL", "local t = {} for i = 1, 200000 do t[i] = i end return t", "0"])
        let many = try c.readReply()
        XCTAssertEqual(many.elements?.count, 200_000)
        XCTAssertEqual(many.elements?.last, .integer(200_000))
    }

    func testResp3AndAttributes() throws {
        let c = try connect()
        let hello = try c.hello(3)
        XCTAssertEqual(c.proto, 3)
        guard case .map(let kv) = hello else { return XCTFail("HELLO 3 is not a map: \(hello)") }
        XCTAssertTrue(kv.contains(.bulk("proto")))
        XCTAssertEqual(try c.call("DEBUG", "PROTOCOL", "double"), .double(3.141))
        XCTAssertEqual(try c.call("DEBUG", "PROTOCOL", "true"), .boolean(true))
        XCTAssertEqual(try c.call("DEBUG", "PROTOCOL", "null"), .null)
        // An attribute and the reply it decorates are one frame.
        try c.send(["DEBUG", "PROTOCOL", "attrib"])
        try c.send(["PING"])
        let raw = try c.readRawReply()
        XCTAssertEqual(raw.first, UInt8(ascii: "|"))
        XCTAssertEqual(try c.readReply(), .simple("PONG"))
        XCTAssertEqual(try c.call("DEBUG", "PROTOCOL", "attrib"), .bulk("Some real reply following the attribute"))
    }

    func testAuth() throws {
        let c = try connect()
        XCTAssertEqual(try c.call("CONFIG", "SET", "requirepass", "s3cret"), .simple("OK"))
        let other = try connect()
        XCTAssertTrue(try other.call("GET", "x").isError)
        XCTAssertEqual(try other.auth(password: "wrong").string,
                       "WRONGPASS invalid username-password pair or user is disabled.")
        XCTAssertEqual(try other.auth(password: "s3cret"), .simple("OK"))
        XCTAssertEqual(try other.auth(user: "default", password: "s3cret"), .simple("OK"))
        XCTAssertEqual(try other.call("GET", "x"), .bulkString(nil))
    }

    func testReadTimeoutThrows() throws {
        let c = try connect(ioTimeoutMs: 200)
        try c.send(["BLPOP", "empty", "0"])
        XCTAssertThrowsError(try c.readReply()) { XCTAssertEqual($0 as? RedisClientError, .timeout) }
    }

    func testTimedReadReturnsNilThenTheReply() throws {
        let c = try connect(ioTimeoutMs: nil)
        try c.send(["BLPOP", "q", "0"])
        XCTAssertNil(try c.readReply(timeoutMs: 50))
        let pusher = try connect()
        XCTAssertEqual(try pusher.call("RPUSH", "q", "job"), .integer(1))
        // No wall-clock assertion: wait as long as it takes.
        var reply: RESPValue?
        while reply == nil { reply = try c.readReply(timeoutMs: 1000) }
        XCTAssertEqual(reply, .array([.bulk("q"), .bulk("job")]))
    }

    func testPubSubStreaming() throws {
        let sub = try connect()
        try sub.send(["SUBSCRIBE", "news"])
        XCTAssertEqual(try sub.readReply(), .array([.bulk("subscribe"), .bulk("news"), .integer(1)]))
        XCTAssertNil(try sub.readReply(timeoutMs: 20))
        let pub = try connect()
        XCTAssertEqual(try pub.call("PUBLISH", "news", "one"), .integer(1))
        XCTAssertEqual(try pub.call("PUBLISH", "news", "two"), .integer(1))
        var got: [RESPValue] = []
        while got.count < 2 {
            if let m = try sub.readReply(timeoutMs: 1000) { got.append(m) }
        }
        XCTAssertEqual(got, [.array([.bulk("message"), .bulk("news"), .bulk("one")]),
                             .array([.bulk("message"), .bulk("news"), .bulk("two")])])
    }

    func testPubSubInResp3ArrivesAsPush() throws {
        let sub = try connect()
        try sub.hello(3)
        try sub.send(["SUBSCRIBE", "news"])
        XCTAssertEqual(try sub.readReply(), .push([.bulk("subscribe"), .bulk("news"), .integer(1)]))
        XCTAssertEqual(try connect().call("PUBLISH", "news", "hi"), .integer(1))
        var m: RESPValue?
        while m == nil { m = try sub.readReply(timeoutMs: 1000) }
        XCTAssertEqual(m, .push([.bulk("message"), .bulk("news"), .bulk("hi")]))
    }

    func testServerClosingIsReported() throws {
        let c = try connect()
        XCTAssertEqual(try c.call("CLIENT", "SETNAME", "victim"), .simple("OK"))
        let killer = try connect()
        XCTAssertEqual(try killer.call("CLIENT", "KILL", "SKIPME", "yes", "TYPE", "normal"), .integer(1))
        XCTAssertThrowsError(try c.call("PING")) { error in
            XCTAssertEqual(error as? RedisClientError, .connectionClosed)
        }
        XCTAssertFalse(c.isOpen)
        XCTAssertThrowsError(try c.call("PING"))
    }

    func testCloseIsIdempotent() throws {
        let c = try connect()
        c.close()
        c.close()
        XCTAssertThrowsError(try c.send(["PING"]))
    }
}
