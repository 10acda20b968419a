import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// PSYNC2 across a promotion: of three replicas of a real redis-server
/// master (two vigil-server, one redis-server), one vigil replica gets
/// REPLICAOF NO ONE; the other two and the old master itself re-pointed at
/// it continue by partial sync (its replid2 is the old history), with no
/// full sync, and all end with its data.
final class PromotionPartialSyncTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testReplicasAndTheOldMasterPartialSyncToAPromotedVigilReplica() throws {
        let debug = ["--enable-debug-command", "yes"]
        let old = try fixture.startRedis(["--repl-diskless-sync-delay", "0"] + debug)
        let m = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(old.port) }
        defer { m.close() }
        try ReplicationSync.writeLoad(m, rounds: 50, tag: "before")
        let follow = ["--replicaof", "127.0.0.1", String(old.port)] + debug
        let promoted = try fixture.startVigil(follow)
        let sibling = try fixture.startVigil(follow)
        let real = try fixture.startRedis(follow)
        let p = try ProcessFixture.connect(promoted.port), s = try ProcessFixture.connect(sibling.port)
        let r = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(real.port) }
        defer { p.close(); s.close(); r.close() }
        try ReplicationSync(master: m, replicas: [p, s, r]).waitCaughtUp()

        // The old master stops taking writes; every replica has all it wrote.
        let oldId = try ReplicationSync(master: m, replicas: []).info(m, "master_replid")
        let oldOffset = Int64(try ReplicationSync(master: m, replicas: []).info(m, "master_repl_offset") ?? "") ?? -1
        XCTAssertEqual(try p.call(["REPLICAOF", "NO", "ONE"]).string, "OK")
        let sync = ReplicationSync(master: p, replicas: [s, r, m])
        XCTAssertEqual(try sync.info(p, "master_replid2"), oldId)
        XCTAssertEqual(try sync.info(p, "second_repl_offset"), String(oldOffset + 1))

        for c in [s, r, m] {
            XCTAssertEqual(try c.call(["REPLICAOF", "127.0.0.1", String(promoted.port)]).string, "OK")
        }
        try ReplicationSync.writeLoad(p, rounds: 50, tag: "after")
        try sync.waitCaughtUp()
        XCTAssertEqual(try sync.info(p, "sync_full"), "0", "nobody needed a full sync")
        XCTAssertEqual(try sync.info(p, "sync_partial_ok"), "3")
        try sync.assertSameData("after the promotion")
        for c in [s, r, m] {
            XCTAssertEqual(try sync.info(c, "master_replid"), try sync.info(p, "master_replid"))
            XCTAssertEqual(try sync.info(c, "master_replid2"), oldId)
        }
    }
}
