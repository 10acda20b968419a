import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// A vigil replica shut down with a save and restarted from its RDB takes
/// the history from the file's AUX fields (repl-id, repl-offset,
/// repl-stream-db) and continues by partial sync, as 7.0 does.
final class RestartedReplicaPartialSyncTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testRestartedVigilReplicaContinuesFromItsRdbHistory() throws {
        let debug = ["--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"]
        let master = try fixture.startVigil(debug)
        let m = try ProcessFixture.connect(master.port)
        defer { m.close() }
        try ReplicationSync.loadEveryType(m)
        let follow = ["--replicaof", "127.0.0.1", String(master.port)] + debug
        let first = try fixture.startVigil(follow)
        var r = try ProcessFixture.connect(first.port)
        try ReplicationSync(master: m, replicas: [r]).waitCaughtUp()
        // The stream leaves the replica in db 3: the restarted one must resume there.
        _ = try m.call(["SELECT", "3"])
        XCTAssertEqual(try m.call(["SET", "in-db-3", "x"]).string, "OK")
        try ReplicationSync(master: m, replicas: [r]).waitCaughtUp()
        _ = try? r.call(["SHUTDOWN", "SAVE"])
        r.close()
        first.process.waitUntilExit()

        XCTAssertEqual(try m.call(["SET", "while-down", "y"]).string, "OK")
        _ = try m.call(["SELECT", "0"])
        try ReplicationSync.writeLoad(m, rounds: 10, tag: "while-down")
        let again = try fixture.startVigil(follow + ["--dir", first.dir], port: first.port)
        r = try ProcessFixture.connect(again.port)
        defer { r.close() }
        let sync = ReplicationSync(master: m, replicas: [r])
        try sync.waitCaughtUp()
        try sync.assertSameData("after the restart")
        XCTAssertEqual(try sync.info(m, "sync_full"), "1", "the restart needed no full sync")
        XCTAssertEqual(try sync.info(m, "sync_partial_ok"), "1")
        XCTAssertTrue(again.process.logText.contains("MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization."), again.process.logTail())
    }

    /// The master side of the same rule, checked against 7.0.15: a master
    /// restarted from its RDB keeps the saved history as replid2 (valid up
    /// to the saved offset + 1) with a backlog starting there, so its real
    /// replica continues by partial sync.
    func testRestartedVigilMasterLetsItsRealReplicaContinue() throws {
        let debug = ["--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"]
        let first = try fixture.startVigil(debug)
        var m = try ProcessFixture.connect(first.port)
        try ReplicationSync.loadEveryType(m)
        let replica = try fixture.startRedis(["--replicaof", "127.0.0.1", String(first.port)] + debug)
        let r = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(replica.port) }
        defer { r.close() }
        try ReplicationSync(master: m, replicas: [r]).waitCaughtUp()
        let oldId = try ReplicationSync(master: m, replicas: []).info(m, "master_replid")
        let oldOffset = Int64(try ReplicationSync(master: m, replicas: []).info(m, "master_repl_offset") ?? "") ?? -1
        _ = try? m.call(["SHUTDOWN", "SAVE"])
        m.close()
        first.process.waitUntilExit()

        let again = try fixture.startVigil(debug + ["--dir", first.dir], port: first.port)
        m = try ProcessFixture.connect(again.port)
        defer { m.close() }
        let sync = ReplicationSync(master: m, replicas: [r])
        XCTAssertEqual(try sync.info(m, "master_replid2"), oldId)
        XCTAssertEqual(try sync.info(m, "second_repl_offset"), String(oldOffset + 1))
        XCTAssertEqual(try sync.info(m, "repl_backlog_first_byte_offset"), String(oldOffset + 1))
        try ReplicationSync.writeLoad(m, rounds: 10, tag: "after-restart")
        try sync.waitCaughtUp()
        try sync.assertSameData("after the master's restart")
        XCTAssertEqual(try sync.info(m, "sync_full"), "0")
        XCTAssertEqual(try sync.info(m, "sync_partial_ok"), "1")
    }
}
