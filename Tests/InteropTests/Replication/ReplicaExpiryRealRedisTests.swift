import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Keys expire on a replica only when the master says so: a vigil-server
/// replica and a redis-server replica of the same real master answer the
/// same while a key's TTL has passed but the master has not deleted it yet,
/// and both drop it with the master's DEL.
final class ReplicaExpiryRealRedisTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testAnExpiredKeyReadsAsMissingButStaysUntilTheMastersDel() throws {
        let master = try fixture.startRedis(["--repl-diskless-sync-delay", "0", "--enable-debug-command", "yes"])
        let m = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(master.port) }
        defer { m.close() }
        // The master deletes the key only when it is touched.
        XCTAssertEqual(try m.call(["DEBUG", "SET-ACTIVE-EXPIRE", "0"]).string, "OK")
        let theirs = try fixture.startRedis(["--replicaof", "127.0.0.1", String(master.port)])
        let ours = try fixture.startVigil(["--replicaof", "127.0.0.1", String(master.port)])
        let rt = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(theirs.port) }
        let ro = try ProcessFixture.connect(ours.port)
        defer { rt.close(); ro.close() }
        XCTAssertEqual(try m.call(["SET", "e", "v", "PX", "300"]).string, "OK")
        XCTAssertEqual(try m.call(["SET", "keep", "v"]).string, "OK")
        try ReplicationSync(master: m, replicas: [rt, ro]).waitCaughtUp()
        usleep(500_000)
        for cmd in [["GET", "e"], ["EXISTS", "e"], ["TTL", "e"], ["DBSIZE"], ["GET", "keep"]] {
            let real = try Interop.talking(to: "redis-server") { try rt.call(cmd) }
            XCTAssertEqual(try ro.call(cmd), real, "\(cmd) before the master's DEL")
        }
        XCTAssertEqual(try ro.call(["DBSIZE"]).int, 2, "still held, as on redis-server")
        XCTAssertEqual(try m.call(["GET", "e"]), .bulkString(nil))
        try ReplicationSync(master: m, replicas: [rt, ro]).waitCaughtUp()
        for cmd in [["DBSIZE"], ["EXISTS", "e"]] {
            let real = try Interop.talking(to: "redis-server") { try rt.call(cmd) }
            XCTAssertEqual(try ro.call(cmd), real, "\(cmd) after the master's DEL")
        }
        XCTAssertEqual(try ro.call(["DBSIZE"]).int, 1)
    }
}
