import Foundation
import Glibc
import RESPClient
import TestSupport
import Deployment
import XCTest

/// NodeProcess with a real redis-server: a stopped server times a call out, its late reply still arrives, and it stops cleanly.
final class NodeProcessRealRedisTests: XCTestCase {
    func testRedisServerLifecycle() throws {
        let (server, port) = try startRealRedis()
        XCTAssertEqual(try RedisConnection(host: "127.0.0.1", port: port).call("PING"), .simple("PONG"))
        server.kill(signal: SIGSTOP)
        let c = try RedisConnection(host: "127.0.0.1", port: port, ioTimeoutMs: 100)
        XCTAssertThrowsError(try c.call("PING")) { XCTAssertEqual($0 as? RedisClientError, .timeout) }
        server.kill(signal: SIGCONT)
        XCTAssertEqual(try c.readReply(), .simple("PONG")) // the late reply to the timed-out PING
        server.terminate()
        XCTAssertFalse(server.isRunning)
        XCTAssertTrue(server.logText.contains("Ready to accept connections"))
        server.cleanUp()
    }
}
