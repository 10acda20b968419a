import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// Replicas that attach while a vigil-server master produces a snapshot
/// share it as Redis's rules allow (a disk BGSAVE with a replica waiting
/// for it; a diskless one started after repl-diskless-sync-delay or once
/// repl-diskless-sync-max-replicas wait), INFO shows them in wait_bgsave
/// meanwhile, and a BGSAVE for replication that dies drops its replicas
/// with Redis's log, which then sync again.
final class FullSyncSharingTests: XCTestCase {
    private var fixture = ProcessFixture()
    private let debug = ["--enable-debug-command", "yes"]

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func count(_ text: String, in process: NodeProcess) -> Int {
        process.logText.components(separatedBy: text).count - 1
    }

    private func waitForReplicaStates(_ m: RedisConnection, _ expected: [String], file: StaticString = #filePath, line: UInt = #line) throws {
        let sync = ReplicationSync(master: m, replicas: [])
        let deadline = Date().addingTimeInterval(15)
        var states: [String] = []
        while Date() < deadline {
            states = try (0..<expected.count).map { i in
                let fields = try sync.info(m, "slave\(i)") ?? ""
                return fields.split(separator: ",").first { $0.hasPrefix("state=") }.map { String($0.dropFirst(6)) } ?? "-"
            }
            if states == expected { return }
            usleep(50_000)
        }
        XCTFail("replica states \(states), expected \(expected)", file: file, line: line)
    }

    func testTwoReplicasShareOneDisklessTransferOnceEnoughWait() throws {
        let master = try fixture.startVigil(["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "60",
                                             "--repl-diskless-sync-max-replicas", "2"] + debug)
        let m = try ProcessFixture.connect(master.port)
        defer { m.close() }
        try ReplicationSync.loadEveryType(m)
        let first = try fixture.startRedis(["--replicaof", "127.0.0.1", String(master.port)] + debug)
        let r1 = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(first.port) }
        defer { r1.close() }
        try waitForReplicaStates(m, ["wait_bgsave"])
        ReplicationSync.waitForLog(master.process, "Delay next BGSAVE for diskless SYNC")
        let second = try fixture.startVigil(["--replicaof", "127.0.0.1", String(master.port)] + debug)
        let r2 = try ProcessFixture.connect(second.port)
        defer { r2.close() }
        let sync = ReplicationSync(master: m, replicas: [r1, r2])
        try sync.waitCaughtUp()
        try sync.assertSameData("after the shared transfer")
        XCTAssertEqual(count("Background RDB transfer started by pid", in: master.process), 1, master.process.logTail())
        XCTAssertTrue(master.process.logText.contains("Diskless rdb transfer, done reading from pipe, 2 replicas still up."))
        XCTAssertEqual(try sync.info(m, "sync_full"), "2")
        try waitForReplicaStates(m, ["online", "online"])
    }

    func testReplicaArrivingDuringADiskBgsaveForAnotherSharesIt() throws {
        let master = try fixture.startVigil(["--repl-diskless-sync", "no", "--rdb-key-save-delay", "100000"] + debug)
        let m = try ProcessFixture.connect(master.port)
        defer { m.close() }
        for cmd in PersistenceFixtures.commands(PersistenceFixtures.databases()) { XCTAssertFalse(try m.call(cmd).isError) }
        let first = try fixture.startRedis(["--replicaof", "127.0.0.1", String(master.port)] + debug)
        ReplicationSync.waitForLog(master.process, "Starting BGSAVE for SYNC with target: disk")
        let second = try fixture.startVigil(["--replicaof", "127.0.0.1", String(master.port)] + debug)
        ReplicationSync.waitForLog(master.process, "Waiting for end of BGSAVE for SYNC")
        try waitForReplicaStates(m, ["wait_bgsave", "wait_bgsave"])
        // Written while both wait: each gets it after the shared snapshot.
        try ReplicationSync.writeLoad(m, rounds: 10, tag: "while-saving")
        let r1 = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(first.port) }
        let r2 = try ProcessFixture.connect(second.port)
        defer { r1.close(); r2.close() }
        let sync = ReplicationSync(master: m, replicas: [r1, r2])
        try sync.waitCaughtUp(seconds: 30)
        try sync.assertSameData("after the shared BGSAVE")
        XCTAssertEqual(count("Background saving started by pid", in: master.process), 1, master.process.logTail())
        try waitForReplicaStates(m, ["online", "online"])
    }

    func testReplicaOfAFailedBgsaveIsDroppedAndSyncsAgain() throws {
        // No save points: a failed BGSAVE would otherwise refuse the retry's PING with MISCONF, as in Redis.
        let master = try fixture.startVigil(["--repl-diskless-sync", "no", "--rdb-key-save-delay", "1000000", "--save", ""] + debug)
        let m = try ProcessFixture.connect(master.port)
        defer { m.close() }
        for cmd in PersistenceFixtures.commands(PersistenceFixtures.databases()) { XCTAssertFalse(try m.call(cmd).isError) }
        let replica = try fixture.startRedis(["--replicaof", "127.0.0.1", String(master.port)] + debug)
        ReplicationSync.waitForLog(master.process, "Background saving started by pid ")
        let text = master.process.logText
        let after = text.components(separatedBy: "Background saving started by pid ").last ?? ""
        let pid = pid_t(after.prefix { $0.isNumber }) ?? 0
        XCTAssertGreaterThan(pid, 0)
        // Saving is slow only for the first child, then the replica's retry succeeds.
        XCTAssertEqual(try m.call(["CONFIG", "SET", "rdb-key-save-delay", "0"]).string, "OK")
        XCTAssertEqual(kill(pid, SIGKILL), 0)
        ReplicationSync.waitForLog(master.process, "Background saving terminated by signal 9")
        ReplicationSync.waitForLog(master.process, "SYNC failed. BGSAVE child returned an error")
        ReplicationSync.waitForLog(master.process, "Connection with replica 127.0.0.1:\(replica.port) lost.")
        let r = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(replica.port) }
        defer { r.close() }
        let sync = ReplicationSync(master: m, replicas: [r])
        try sync.waitCaughtUp(seconds: 30)
        try sync.assertSameData("after the second full sync")
        XCTAssertEqual(try sync.info(m, "sync_full"), "2")
    }
}
