import Protocol
import Reactor
import XCTest
@testable import DataNode
@testable import RESPClient

/// The non-blocking client against an in-process vigil server on the same loop.
final class ReactorClientTests: XCTestCase {
    var server: Server!

    override func setUpWithError() throws {
        var config = ServerConfig()
        config.port = 0
        config.bind = ["127.0.0.1"]
        server = try Server(config: config, configFile: nil)
        try server.listen()
    }

    func runUntil(timeoutMs: Int64 = 3000, _ done: () -> Bool) {
        let deadline = EventLoop.monotonicMs() + timeoutMs
        while !done() && EventLoop.monotonicMs() < deadline { server.loop.runOnce(maxWaitMs: 10) }
    }

    func testPipelinedRepliesArriveInOrder() {
        let client = ReactorClient(host: "127.0.0.1", port: server.port, loop: server.loop)
        client.connect()
        var replies: [RESPValue] = []
        client.send(["SET", "k", "v"]) { replies.append((try? $0.get()) ?? .null) }
        client.send(["GET", "k"]) { replies.append((try? $0.get()) ?? .null) }
        client.send(["NOSUCH"]) { replies.append((try? $0.get()) ?? .null) }
        runUntil { replies.count == 3 }
        XCTAssertEqual(replies, [.simple("OK"), .bulk("v"),
                                 .err("ERR unknown command 'NOSUCH', with args beginning with: ")])
        XCTAssertEqual(client.outstanding, 0)
        client.close()
    }

    func testConnectRefusedFailsPendingCommands() {
        let port = server.port
        let client = ReactorClient(host: "127.0.0.1", port: port == 1 ? 2 : 1, loop: server.loop)
        var closed: String?
        var result: Result<RESPValue, RedisClientError>?
        client.onClose = { closed = $0 }
        client.connect(timeoutMs: 500)
        client.send(["PING"]) { result = $0 }
        runUntil { closed != nil && result != nil }
        XCTAssertNotNil(closed)
        guard case .failure(let error)? = result else { return XCTFail("PING on a refused link succeeded") }
        XCTAssertEqual(error, .connectionClosed)
        XCTAssertEqual(client.state, .closed)
    }

    func testAuthIsSentFirstWhenConfigured() {
        server.config.requirepass = "secret"
        let client = ReactorClient(host: "127.0.0.1", port: server.port, loop: server.loop)
        client.auth = (nil, "secret")
        client.connect()
        var reply: RESPValue?
        client.send(["PING"]) { reply = try? $0.get() }
        runUntil { reply != nil }
        XCTAssertEqual(reply, .simple("PONG"))
    }

    func testSubscriptionMessagesGoToPushHandler() {
        let sub = ReactorClient(host: "127.0.0.1", port: server.port, loop: server.loop)
        var pushes: [RESPValue] = []
        sub.onPush = { pushes.append($0) }
        sub.connect()
        sub.subscribe(["news"])
        runUntil { pushes.count == 1 }
        let pub = ReactorClient(host: "127.0.0.1", port: server.port, loop: server.loop)
        pub.connect()
        var receivers: RESPValue?
        pub.send(["PUBLISH", "news", "hello"]) { receivers = try? $0.get() }
        runUntil { pushes.count == 2 && receivers != nil }
        XCTAssertEqual(receivers, .integer(1))
        XCTAssertEqual(pushes.last, .array([.bulk("message"), .bulk("news"), .bulk("hello")]))
    }
}
