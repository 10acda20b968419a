import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// REPLCONF's replies on a master, side by side with redis-server 7.0.15
/// (replication.md §2): errors, options, and the ACK that is never answered.
final class ReplconfRealRedisTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testReplconfRepliesMatchRedis() throws {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        let theirs = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(redis.port) }
        let ours = try ProcessFixture.connect(vigil.port)
        defer { theirs.close(); ours.close() }
        let cases: [[String]] = [
            ["REPLCONF", "listening-port"],
            ["REPLCONF", "listening-port", "abc"],
            ["REPLCONF", "listening-port", "7000", "capa", "eof", "capa", "psync2", "capa", "future"],
            ["REPLCONF", "ip-address", String(repeating: "1", count: 256)],
            ["REPLCONF", "ip-address", "10.0.0.1"],
            ["REPLCONF", "NoSuchOption", "1"],
            ["REPLCONF", "rdb-only", "2"],
            ["REPLCONF", "rdb-only", "1"],
            ["REPLCONF", "rdb-filter-only", "keys"],
            ["REPLCONF", "rdb-only", "x"],
            ["REPLCONF", "rdb-filter-only", ""],
        ]
        for cmd in cases {
            let real = try Interop.talking(to: "redis-server") { try theirs.call(cmd) }
            XCTAssertEqual(try ours.call(cmd), real, "\(cmd)")
        }
        // GETACK and ACK (from a connection that is not a replica) are never
        // answered: the next reply is PING's.
        for c in [theirs, ours] {
            try c.send(["REPLCONF", "GETACK", "*"])
            try c.send(["REPLCONF", "ACK", "10", "FACK", "10"])
            XCTAssertEqual(try c.call(["PING"]), .simpleString(Array("PONG".utf8)))
        }
    }
}
