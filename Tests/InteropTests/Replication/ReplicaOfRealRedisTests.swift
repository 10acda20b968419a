import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// A vigil-server replica of a real redis-server 7.0 master: it full-syncs
/// every type (EOF-mark and `$<len>` payloads), follows a write load to the
/// same DEBUG DIGEST, and after losing the link from either side resumes
/// with a partial sync the master counts in sync_partial_ok.
final class ReplicaOfRealRedisTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testDisklessFullSyncWriteLoadAndPartialResyncAfterEitherSideDropsTheLink() throws {
        try followRealMaster(masterArgs: ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "0"])
    }

    func testDiskPayloadFullSyncWriteLoadAndPartialResync() throws {
        try followRealMaster(masterArgs: ["--repl-diskless-sync", "no"])
    }

    private func followRealMaster(masterArgs: [String]) throws {
        let master = try fixture.startRedis(masterArgs + ["--enable-debug-command", "yes"])
        let m = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(master.port) }
        defer { m.close() }
        for cmd in PersistenceFixtures.commands(PersistenceFixtures.databases()) {
            XCTAssertFalse(try m.call(cmd).isError)
        }
        let replica = try fixture.startVigil(["--replicaof", "127.0.0.1", String(master.port), "--enable-debug-command", "yes"])
        let r = try ProcessFixture.connect(replica.port)
        defer { r.close() }
        let sync = ReplicationSync(master: m, replicas: [r])

        try sync.waitCaughtUp()
        try sync.assertSameData("after the full sync")
        XCTAssertEqual(try sync.info(m, "sync_full"), "1")

        try ReplicationSync.writeLoad(m, rounds: 300, tag: "a")
        try sync.waitCaughtUp()
        try sync.assertSameData("after the write load")

        XCTAssertEqual(try r.call(["CLIENT", "KILL", "TYPE", "master"]).int, 1)
        try ReplicationSync.writeLoad(m, rounds: 50, tag: "b")
        try sync.waitCaughtUp()
        XCTAssertEqual(try sync.info(m, "sync_partial_ok"), "1", "resumed by PSYNC after CLIENT KILL TYPE master")
        try sync.assertSameData("after the replica dropped the link")

        XCTAssertEqual(try m.call(["CLIENT", "KILL", "TYPE", "replica"]).int, 1)
        try ReplicationSync.writeLoad(m, rounds: 50, tag: "c")
        try sync.waitCaughtUp()
        XCTAssertEqual(try sync.info(m, "sync_partial_ok"), "2", "resumed by PSYNC after CLIENT KILL TYPE replica")
        XCTAssertEqual(try sync.info(m, "sync_full"), "1")
        try sync.assertSameData("after the master dropped the link")
        XCTAssertEqual(try sync.info(r, "master_replid"), try sync.info(m, "master_replid"))
    }
}
