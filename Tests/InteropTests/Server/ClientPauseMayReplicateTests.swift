import Foundation
import RESPClient
import TestSupport
import XCTest

/// CLIENT PAUSE WRITE on redis-server 7.0 and vigil-server: commands that may
/// replicate (PFCOUNT, PUBLISH) wait like writes, the waiting clients count
/// in INFO's blocked_clients, and an EXEC whose queue only reads runs.
final class ClientPauseMayReplicateTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func infoField(_ c: RedisConnection, _ name: String) throws -> String? {
        guard case .bulkString(let b?) = try c.call("INFO", "clients") else { return nil }
        return String(decoding: b, as: UTF8.self).split(separator: "\r\n")
            .first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)) }
    }

    /// What one server does; compared between the two.
    func observe(port: Int) throws -> [String] {
        let admin = try ProcessFixture.connect(port)
        let pf = try ProcessFixture.connect(port), pub = try ProcessFixture.connect(port), tx = try ProcessFixture.connect(port)
        defer { [admin, pf, pub, tx].forEach { $0.close() } }
        var seen: [String] = []
        _ = try admin.call("CLIENT", "PAUSE", "100000", "WRITE")
        try pf.send(["PFCOUNT", "h"])
        try pub.send(["PUBLISH", "c", "m"])
        // A transaction of reads is not held.
        _ = try tx.call("MULTI")
        _ = try tx.call("GET", "x")
        try tx.send(["EXEC"])
        seen.append("read EXEC: \(try tx.readRawReply(timeoutMs: 2000).map { visible($0) } ?? "held")")
        // The paused commands are still waiting (no reply within 300 ms).
        seen.append("PFCOUNT before unpause: \(try pf.readRawReply(timeoutMs: 300).map { visible($0) } ?? "waiting")")
        seen.append("PUBLISH before unpause: \(try pub.readRawReply(timeoutMs: 300).map { visible($0) } ?? "waiting")")
        seen.append("blocked_clients: \(try infoField(admin, "blocked_clients") ?? "?")")
        _ = try admin.call("CLIENT", "UNPAUSE")
        seen.append("PFCOUNT: " + visible(try pf.readRawReply()))
        seen.append("PUBLISH: " + visible(try pub.readRawReply()))
        seen.append("blocked_clients after: \(try infoField(admin, "blocked_clients") ?? "?")")
        return seen
    }

    func testWritePauseHoldsMayReplicateCommandsAndCountsThemBlocked() throws {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        let expected = try Interop.talking(to: "redis-server") { try observe(port: redis.port) }
        XCTAssertEqual(expected[3], "blocked_clients: 2", "redis-server itself: \(expected)")
        XCTAssertEqual(try observe(port: vigil.port), expected)
    }
}
