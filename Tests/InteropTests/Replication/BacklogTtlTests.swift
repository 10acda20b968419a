import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// repl-backlog-ttl: a master left without replicas for that long frees its
/// backlog and takes a new replication id (its old history can no longer
/// be continued), logging Redis's line; checked on redis-server too.
final class BacklogTtlTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func backlogAfterTheLastReplicaLeft(vigil: Bool) throws -> (active: String?, sameId: Bool) {
        let args = ["--repl-backlog-ttl", "1", "--repl-diskless-sync", "no"]
        let node = vigil ? try fixture.startVigil(args) : try fixture.startRedis(args)
        let m = try Interop.talking(to: vigil ? "vigil-server" : "redis-server") { try ProcessFixture.connect(node.port) }
        defer { m.close() }
        let info = ReplicationSync(master: m, replicas: [])
        let fake = try RawSocket(port: node.port)
        XCTAssertTrue(fake.send(Array("PSYNC ? -1\r\n".utf8)))
        ReplicationSync.waitForLog(node.process, "Synchronization with replica")
        XCTAssertEqual(try info.info(m, "repl_backlog_active"), "1")
        let id = try info.info(m, "master_replid")
        fake.close()
        ReplicationSync.waitForLog(node.process, "Replication backlog freed after 1 seconds without connected replicas.")
        return (try info.info(m, "repl_backlog_active"), try info.info(m, "master_replid") == id)
    }

    func testBacklogIsFreedWithANewIdAfterTheTtlLikeRedis() throws {
        let ours = try backlogAfterTheLastReplicaLeft(vigil: true)
        let theirs = try backlogAfterTheLastReplicaLeft(vigil: false)
        XCTAssertEqual(ours.active, "0")
        XCTAssertFalse(ours.sameId)
        XCTAssertEqual(ours.active, theirs.active)
        XCTAssertEqual(ours.sameId, theirs.sameId)
    }
}
