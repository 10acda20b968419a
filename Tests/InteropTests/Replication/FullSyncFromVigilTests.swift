import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// Full resyncs served by a vigil-server master holding every type, to a
/// real redis-server 7.0 replica and to a vigil replica, from disk
/// (`$<len>` form, after a BGSAVE) and diskless (`$EOF:` form streamed by
/// the child): the replica ends with the master's DEBUG DIGEST while writes
/// go on during the sync, stays identical, and resumes by partial sync
/// after CLIENT KILL TYPE replica. The master logs Redis's lines.
final class FullSyncFromVigilTests: XCTestCase {
    private var fixture = ProcessFixture()
    private let debug = ["--enable-debug-command", "yes"]

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// A master with every type, slowed a little while saving so that writes land during the sync.
    private func startMaster(diskless: Bool) throws -> (ProcessFixture.Started, RedisConnection) {
        let master = try fixture.startVigil(["--repl-diskless-sync", diskless ? "yes" : "no", "--repl-diskless-sync-delay", "0",
                                             "--rdb-key-save-delay", "2000"] + debug)
        let m = try ProcessFixture.connect(master.port)
        try ReplicationSync.loadEveryType(m)
        return (master, m)
    }

    private func followAndResume(master: ProcessFixture.Started, m: RedisConnection, replica: ProcessFixture.Started,
                                 r: RedisConnection) throws {
        // Writes while the snapshot is written reach the replica through the held stream.
        try ReplicationSync.writeLoad(m, rounds: 30, tag: "during")
        let sync = ReplicationSync(master: m, replicas: [r])
        try sync.waitCaughtUp()
        try sync.assertSameData("after the full sync")
        XCTAssertEqual(try sync.info(m, "sync_full"), "1")
        try ReplicationSync.writeLoad(m, rounds: 60, tag: "after")
        try sync.waitCaughtUp()
        try sync.assertSameData("after the write load")
        XCTAssertEqual(try m.call(["CLIENT", "KILL", "TYPE", "replica"]).int, 1)
        try ReplicationSync.writeLoad(m, rounds: 20, tag: "resumed")
        try sync.waitCaughtUp()
        XCTAssertEqual(try sync.info(m, "sync_partial_ok"), "1")
        XCTAssertEqual(try sync.info(m, "sync_full"), "1")
        try sync.assertSameData("after the partial resync")
        XCTAssertTrue(try sync.info(m, "slave0")?.hasPrefix("ip=127.0.0.1,port=\(replica.port),state=online,") ?? false)
    }

    /// A real redis-server replica full-syncs from a vigil master, follows, resumes
    /// with a partial sync; the master logged `lines` (Redis's words for that transfer).
    @discardableResult
    private func realReplicaFullSyncs(diskless: Bool, masterLogs lines: (_ replicaName: String) -> [String])
        throws -> ProcessFixture.Started {
        let (master, m) = try startMaster(diskless: diskless)
        defer { m.close() }
        let replica = try fixture.startRedis(["--replicaof", "127.0.0.1", String(master.port)] + debug)
        let r = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(replica.port) }
        defer { r.close() }
        try followAndResume(master: master, m: m, replica: replica, r: r)
        for line in lines("127.0.0.1:\(replica.port)") {
            XCTAssertTrue(master.process.logText.contains(line), "master log lacks \"\(line)\"")
        }
        return replica
    }

    func testRealReplicaFullSyncsFromOurDiskSnapshot() throws {
        try realReplicaFullSyncs(diskless: false) { name in
            ["Replica \(name) asks for synchronization", "Full resync requested by replica \(name)",
             "Starting BGSAVE for SYNC with target: disk", "Background saving started by pid",
             "Background saving terminated with success", "Synchronization with replica \(name) succeeded",
             "Partial resynchronization request from \(name) accepted"]
        }
    }

    func testRealReplicaFullSyncsFromOurDisklessSnapshot() throws {
        let replica = try realReplicaFullSyncs(diskless: true) { name in
            ["Starting BGSAVE for SYNC with target: replicas sockets", "Background RDB transfer started by pid",
             "Diskless rdb transfer, done reading from pipe, 1 replicas still up.",
             "Background RDB transfer terminated with success",
             "Streamed RDB transfer with replica \(name) succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming",
             "Synchronization with replica \(name) succeeded"]
        }
        XCTAssertTrue(replica.process.logText.contains("MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk"),
                      replica.process.logTail())
    }

    func testVigilReplicaFullSyncsFromOurDiskSnapshot() throws {
        let (master, m) = try startMaster(diskless: false)
        defer { m.close() }
        let replica = try fixture.startVigil(["--replicaof", "127.0.0.1", String(master.port)] + debug)
        let r = try ProcessFixture.connect(replica.port)
        defer { r.close() }
        try followAndResume(master: master, m: m, replica: replica, r: r)
    }

    func testVigilReplicaFullSyncsFromOurDisklessSnapshot() throws {
        let (master, m) = try startMaster(diskless: true)
        defer { m.close() }
        let replica = try fixture.startVigil(["--replicaof", "127.0.0.1", String(master.port)] + debug)
        let r = try ProcessFixture.connect(replica.port)
        defer { r.close() }
        try followAndResume(master: master, m: m, replica: replica, r: r)
    }
}
