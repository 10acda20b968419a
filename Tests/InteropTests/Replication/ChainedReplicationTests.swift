import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// vigil → vigil → redis: the middle vigil replica serves its own replica
/// a full sync (a snapshot carrying the top master's replid and offset) and,
/// after CLIENT KILL TYPE replica, a partial one from its backlog; every
/// node shares one history and the same data.
final class ChainedReplicationTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testSubReplicaOfAVigilReplicaFollowsTheTopMastersHistory() throws {
        let debug = ["--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"]
        let top = try fixture.startVigil(debug)
        let m = try ProcessFixture.connect(top.port)
        defer { m.close() }
        try ReplicationSync.loadEveryType(m)
        let middle = try fixture.startVigil(["--replicaof", "127.0.0.1", String(top.port)] + debug)
        let mid = try ProcessFixture.connect(middle.port)
        defer { mid.close() }
        try ReplicationSync(master: m, replicas: [mid]).waitCaughtUp()
        let bottom = try fixture.startRedis(["--replicaof", "127.0.0.1", String(middle.port)] + debug)
        let b = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(bottom.port) }
        defer { b.close() }
        try ReplicationSync.writeLoad(m, rounds: 40, tag: "chain")
        let sync = ReplicationSync(master: m, replicas: [mid, b])
        try sync.waitCaughtUp()
        try sync.assertSameData("down the chain")
        XCTAssertEqual(try sync.info(mid, "sync_full"), "1")
        XCTAssertEqual(try sync.info(b, "master_replid"), try sync.info(m, "master_replid"))

        XCTAssertEqual(try mid.call(["CLIENT", "KILL", "TYPE", "replica"]).int, 1)
        try ReplicationSync.writeLoad(m, rounds: 20, tag: "resumed")
        try sync.waitCaughtUp()
        XCTAssertEqual(try sync.info(mid, "sync_partial_ok"), "1")
        XCTAssertEqual(try sync.info(mid, "sync_full"), "1")
        try sync.assertSameData("after the sub-replica resumed")
    }
}
