import Foundation
import RESPClient
import TestSupport
import XCTest

/// Redis 7.0's unit/pause and unit/obuf-limits behaviours, on redis-server
/// and vigil-server side by side: under CLIENT PAUSE WRITE a script runs by
/// the flags it declares and the dataset stays constant (keys expire for
/// readers but are not deleted); a client over its output limit still runs
/// its transaction whole, and a huge reply stops being built once it is over.
final class ClientPauseAndOutputLimitTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// The reply as it came, readable.
    func raw(_ c: RedisConnection, _ args: String...) throws -> String {
        try c.send(args)
        return visible(try c.readRawReply())
    }

    func expiredKeys(_ c: RedisConnection) throws -> String {
        try c.infoField("expired_keys", section: "stats") ?? "?"
    }

    func observePausedScripts(port: Int) throws -> [String] {
        let admin = try ProcessFixture.connect(port), c = try ProcessFixture.connect(port)
        defer { [admin, c].forEach { $0.close() } }
        var seen: [String] = []
        _ = try admin.call("SET", "x", "y")
        _ = try admin.call("FUNCTION", "LOAD", "REPLACE",
                           "#!lua name=lib\nredis.register_function{function_name='ro', callback=function() return 'hello' end, flags={'no-writes'}}")
        _ = try admin.call("CLIENT", "PAUSE", "100000", "WRITE")
        seen.append("no-writes EVAL: \(try raw(c, "EVAL", "#!lua flags=no-writes\nreturn redis.call('get', KEYS[1])", "1", "x"))")
        seen.append("EVAL_RO: \(try raw(c, "EVAL_RO", "return redis.call('get', KEYS[1])", "1", "x"))")
        seen.append("no-writes FCALL: \(try raw(c, "FCALL", "ro", "0"))")
        try c.send(["EVAL", "return 1", "0"])
        seen.append("EVAL without flags: \(try c.readRawReply(timeoutMs: 300).map { visible($0) } ?? "waiting")")
        _ = try admin.call("CLIENT", "UNPAUSE")
        seen.append("after unpause: " + visible(try c.readRawReply()))
        return seen
    }

    func testScriptsRunUnderAWritePauseByTheFlagsTheyDeclare() throws {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        let expected = try Interop.talking(to: "redis-server") { try observePausedScripts(port: redis.port) }
        XCTAssertEqual(expected[3], "EVAL without flags: waiting", "redis-server itself: \(expected)")
        XCTAssertEqual(try observePausedScripts(port: vigil.port), expected)
    }

    func observeExpiryUnderPause(port: Int) throws -> [String] {
        let c = try ProcessFixture.connect(port)
        defer { c.close() }
        var seen: [String] = []
        let before = Int(try expiredKeys(c)) ?? -1
        _ = try c.call("MULTI")
        _ = try c.call("SET", "foo", "bar", "PX", "10")
        _ = try c.call("CLIENT", "PAUSE", "100000", "WRITE")
        _ = try c.call("EXEC")
        usleep(300_000)
        seen.append("GET while paused: \(try raw(c, "GET", "foo"))")
        seen.append("DBSIZE while paused: \(try raw(c, "DBSIZE"))")
        seen.append("expired while paused: \((Int(try expiredKeys(c)) ?? -1) - before)")
        _ = try c.call("CLIENT", "UNPAUSE")
        seen.append("GET after: \(try raw(c, "GET", "foo"))")
        seen.append("expired after: \((Int(try expiredKeys(c)) ?? -1) - before)")
        return seen
    }

    func testAPauseKeepsExpiredKeysUntilItEnds() throws {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        let expected = try Interop.talking(to: "redis-server") { try observeExpiryUnderPause(port: redis.port) }
        XCTAssertEqual(expected[1], "DBSIZE while paused: :1\\r\\n", "redis-server itself: \(expected)")
        XCTAssertEqual(try observeExpiryUnderPause(port: vigil.port), expected)
    }

    func observeTransactionOverItsOutputLimit(port: Int) throws -> [String] {
        let admin = try ProcessFixture.connect(port), c = try ProcessFixture.connect(port)
        defer { [admin, c].forEach { $0.close() } }
        _ = try admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 100000 0 0")
        for _ in 0..<150 { _ = try admin.call("LPUSH", "list", String(repeating: "x", count: 1000)) }
        _ = try admin.call("SET", "k1", "v1")
        _ = try c.call("MULTI")
        for cmd in [["SET", "k2", "v2"], ["GET", "k2"], ["LRANGE", "list", "0", "-1"], ["SET", "k3", "v3"], ["DEL", "k1"]] {
            _ = try c.call(cmd)
        }
        var seen: [String] = []
        seen.append("EXEC: " + ((try? raw(c, "EXEC")).map { "reply \($0.prefix(40))" } ?? "connection closed"))
        for k in ["k1", "k2", "k3"] { seen.append("\(k): \(try raw(admin, "GET", k))") }
        return seen
    }

    func testATransactionOverItsClientsOutputLimitRunsWhole() throws {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        let expected = try Interop.talking(to: "redis-server") { try observeTransactionOverItsOutputLimit(port: redis.port) }
        XCTAssertEqual(expected[0], "EXEC: connection closed", "redis-server itself: \(expected)")
        XCTAssertEqual(try observeTransactionOverItsOutputLimit(port: vigil.port), expected)
    }

    func testAHugeRandomReplyStopsAtTheOutputLimit() throws {
        let vigil = try fixture.startVigil()
        let admin = try ProcessFixture.connect(vigil.port)
        defer { admin.close() }
        _ = try admin.call("CONFIG", "SET", "client-output-buffer-limit", "normal 1000000 0 0")
        _ = try admin.call("HSET", "h", "a", "b")
        _ = try admin.call("SADD", "s", "a")
        _ = try admin.call("ZADD", "z", "1", "a")
        for cmd in [["HRANDFIELD", "h", "-999999999"], ["SRANDMEMBER", "s", "-999999999"], ["ZRANDMEMBER", "z", "-999999999"]] {
            // A billion picks (10 GB of reply) would not end within the minute
            // the connection waits; stopping at the limit closes it at once.
            let c = try ProcessFixture.connect(vigil.port, ioTimeoutMs: 60_000)
            do {
                _ = try c.call(cmd)
                XCTFail("\(cmd[0]) answered instead of closing the connection")
            } catch let e as RedisClientError {
                XCTAssertNotEqual(e, .timeout, "\(cmd[0]) still building its reply")
            }
            c.close()
        }
        XCTAssertEqual(try raw(admin, "PING"), "+PONG\\r\\n")
    }
}
