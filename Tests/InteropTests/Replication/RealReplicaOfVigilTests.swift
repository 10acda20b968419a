import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// A real redis-server 7.0 replica of a vigil-server master (empty when the
/// replica syncs: full syncs of a dataset come with the snapshot work):
/// it follows a write load to the same DEBUG DIGEST, and after losing the
/// link from either side resumes from our backlog (our sync_partial_ok);
/// the master's INFO and ROLE list it with its ACKed offset.
final class RealReplicaOfVigilTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testRealReplicaFollowsOurStreamAndResumesFromOurBacklog() throws {
        let master = try fixture.startVigil(["--enable-debug-command", "yes"])
        let m = try ProcessFixture.connect(master.port)
        defer { m.close() }
        let replica = try fixture.startRedis(["--replicaof", "127.0.0.1", String(master.port), "--enable-debug-command", "yes"])
        let r = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(replica.port) }
        defer { r.close() }
        let sync = ReplicationSync(master: m, replicas: [r])
        try sync.waitCaughtUp()
        XCTAssertEqual(try sync.info(m, "sync_full"), "1")
        XCTAssertEqual(try sync.info(m, "repl_backlog_active"), "1")

        for cmd in PersistenceFixtures.commands(PersistenceFixtures.databases()) { XCTAssertFalse(try m.call(cmd).isError) }
        try ReplicationSync.writeLoad(m, rounds: 200, tag: "a")
        try sync.waitCaughtUp()
        try sync.assertSameData("after the write load")

        XCTAssertEqual(try m.call(["CLIENT", "KILL", "TYPE", "replica"]).int, 1)
        try ReplicationSync.writeLoad(m, rounds: 30, tag: "b")
        try sync.waitCaughtUp()
        XCTAssertEqual(try sync.info(m, "sync_partial_ok"), "1")

        XCTAssertEqual(try r.call(["CLIENT", "KILL", "TYPE", "master"]).int, 1)
        try ReplicationSync.writeLoad(m, rounds: 30, tag: "c")
        try sync.waitCaughtUp()
        XCTAssertEqual(try sync.info(m, "sync_partial_ok"), "2")
        XCTAssertEqual(try sync.info(m, "sync_full"), "1")
        try sync.assertSameData("after both partial resyncs")

        // The replica ACKs every second: ROLE lists it at our offset (read
        // from the same reply: a PING may move it at any time).
        let deadline = Date().addingTimeInterval(5)
        var role = try m.call(["ROLE"])
        func offsets(_ role: RESPValue) -> (ours: String?, acked: String?) {
            (role.elements?[1].string, role.elements?[2].elements?.first?.elements?[2].string)
        }
        while Date() < deadline, offsets(role).ours != offsets(role).acked {
            usleep(100_000)
            role = try m.call(["ROLE"])
        }
        XCTAssertEqual(role.elements?[2].elements?.first?.elements?.map { $0.string ?? "" },
                       ["127.0.0.1", String(replica.port), offsets(role).ours ?? "?"])
        XCTAssertTrue(try sync.info(m, "slave0")?.hasPrefix("ip=127.0.0.1,port=\(replica.port),state=online,offset=") ?? false)
    }
}
