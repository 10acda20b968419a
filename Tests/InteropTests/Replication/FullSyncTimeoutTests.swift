import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// A master that stops sending in the middle of a full sync's payload
/// (SIGSTOP): a vigil-server replica, next to a real redis-server 7.0
/// replica of the same master, shows the transfer in INFO, holds it in its
/// temp file, gives up after repl-timeout with Redis's advice, removes the
/// temp file, reconnects at once, and completes the sync once the master
/// resumes. Once with a real master, once with a vigil-server master.
final class FullSyncTimeoutTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testAStoppedRealMasterTimesTheTransferOutAndTheSyncCompletesAfterItResumes() throws {
        let master = try fixture.startRedis(Self.masterArgs)
        try stopMidTransfer(master, masterName: "redis-server")
    }

    func testAStoppedVigilMasterTimesTheTransferOutAndTheSyncCompletesAfterItResumes() throws {
        let master = try fixture.startVigil(Self.masterArgs)
        // The plain protocol, as a real replica gets it: a dual-channel
        // snapshot (Vigil to Vigil) is held in memory, not in the temp file.
        try stopMidTransfer(master, masterName: "vigil-server", vigilReplicaArgs: ["--vigil-dual-channel-replication", "no"])
    }

    /// swapdb parses from the socket: the stall is a short read inside the
    /// load (a real replica is blocked in it until repl-timeout), the old
    /// dataset stays, and the sync completes once the master resumes.
    func testAStoppedMasterDuringASwapdbParseKeepsTheOldDatasetAndRetries() throws {
        let master = try fixture.startRedis(Self.masterArgs)
        let m = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(master.port) }
        defer { m.close() }
        XCTAssertEqual(try m.call(["DEBUG", "POPULATE", "20000"]).string, "OK")
        let args = ["--repl-diskless-load", "swapdb", "--repl-timeout", "2", "--enable-debug-command", "yes"]
        let real = try fixture.startRedis(args)
        let vigil = try fixture.startVigil(args + ["--vigil-dual-channel-replication", "no"])
        let rr = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(real.port, ioTimeoutMs: 20_000) }
        let vr = try ProcessFixture.connect(vigil.port)
        defer { rr.close(); vr.close() }
        for r in [rr, vr] {
            XCTAssertEqual(try r.call(["SET", "own", "1"]).string, "OK")
            XCTAssertEqual(try r.call(["REPLICAOF", "127.0.0.1", String(master.port)]).string, "OK")
        }
        for replica in [real, vigil] {
            ReplicationSync.waitForLog(replica.process, "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to parser", seconds: 20)
        }
        usleep(300_000)
        master.process.kill(signal: SIGSTOP)
        var stopped = true
        defer { if stopped { master.process.kill(signal: SIGCONT) } }

        let expected = ["MASTER <-> REPLICA sync: Loading DB in memory",
                        "Short read or OOM loading DB. Unrecoverable error, aborting now.",
                        "Failure loading rdb format from socket, assuming connection error, resuming operation.",
                        "Failed trying to load the MASTER synchronization DB from socket: Connection timed out",
                        "Reconnecting to MASTER 127.0.0.1:\(master.port) after failure",
                        "MASTER <-> REPLICA sync: Discarding temporary DB in background"]
        for (r, replica) in [(rr, real), (vr, vigil)] {
            ReplicationSync.waitForLog(replica.process, "Discarding temporary DB in background", seconds: 10)
            var rest = Substring(replica.process.logText)
            for line in expected {
                guard let at = rest.range(of: line) else {
                    XCTFail("\(replica.process.executable): \"\(line)\" missing or out of order:\n\(replica.process.logTail(lines: 25))")
                    break
                }
                rest = rest[at.upperBound...]
            }
            XCTAssertFalse(replica.process.logText.contains("Timeout receiving bulk data"))
            XCTAssertEqual(try r.call(["GET", "own"]).string, "1", "the old dataset stays: \(replica.process.executable)")
        }

        master.process.kill(signal: SIGCONT)
        stopped = false
        _ = try m.call(["CONFIG", "SET", "rdb-key-save-delay", "0"])
        let sync = ReplicationSync(master: m, replicas: [rr, vr])
        try sync.waitCaughtUp(seconds: 60)
        try sync.assertSameData("after the master resumed")
        XCTAssertEqual(try vr.call(["EXISTS", "own"]).int, 0, "replaced by the master's dataset")
    }

    /// Diskless, slowed down per key so that the payload takes seconds; both
    /// replicas join the same transfer within the delay.
    private static let masterArgs = ["--repl-diskless-sync", "yes", "--repl-diskless-sync-delay", "1",
                                     "--rdb-key-save-delay", "300", "--enable-debug-command", "yes"]
    private static let timeoutLine = "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value."

    private func stopMidTransfer(_ master: ProcessFixture.Started, masterName: String, vigilReplicaArgs: [String] = []) throws {
        let m = try Interop.talking(to: masterName) { try ProcessFixture.connect(master.port) }
        defer { m.close() }
        XCTAssertEqual(try m.call(["DEBUG", "POPULATE", "20000"]).string, "OK")
        let args = ["--replicaof", "127.0.0.1", String(master.port), "--repl-timeout", "2", "--enable-debug-command", "yes"]
        let real = try fixture.startRedis(args)
        let vigil = try fixture.startVigil(args + vigilReplicaArgs)
        let rr = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(real.port) }
        let vr = try ProcessFixture.connect(vigil.port)
        defer { rr.close(); vr.close() }
        let sync = ReplicationSync(master: m, replicas: [rr, vr])

        // Both receive the payload, then the master stops.
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            let reading = try [rr, vr].allSatisfy { (Int(try sync.info($0, "master_sync_read_bytes") ?? "") ?? 0) > 0 }
            if reading { break }
            usleep(20_000)
        }
        master.process.kill(signal: SIGSTOP)
        var stopped = true
        defer { if stopped { master.process.kill(signal: SIGCONT) } }
        usleep(300_000)

        for (r, replica) in [(rr, real), (vr, vigil)] {
            print("checking the \(replica.process.executable) replica mid-transfer")
            let read = Int(try sync.info(r, "master_sync_read_bytes") ?? "") ?? 0
            XCTAssertGreaterThan(read, 0, "mid-transfer: \(replica.process.logTail(lines: 20))")
            XCTAssertEqual(try sync.info(r, "master_sync_in_progress"), "1")
            XCTAssertEqual(try sync.info(r, "master_sync_total_bytes"), "0", "the EOF form has no length")
            XCTAssertEqual(try sync.info(r, "master_sync_left_bytes"), String(-read))
            XCTAssertEqual(try sync.info(r, "master_sync_perc"), "0.00")
            XCTAssertEqual(try sync.info(r, "master_link_status"), "down")
            XCTAssertEqual(tempFiles(replica).count, 1, "the payload goes to temp-<unixtime>.<pid>.rdb")
        }

        for replica in [real, vigil] {
            ReplicationSync.waitForLog(replica.process, Self.timeoutLine, seconds: 10)
            ReplicationSync.waitForLog(replica.process, "Reconnecting to MASTER 127.0.0.1:\(master.port) after failure", seconds: 2)
            XCTAssertEqual(tempFiles(replica), [], "the aborted transfer's temp file is removed")
        }

        master.process.kill(signal: SIGCONT)
        stopped = false
        _ = try m.call(["CONFIG", "SET", "rdb-key-save-delay", "0"])
        try sync.waitCaughtUp(seconds: 60)
        try sync.assertSameData("after the master resumed")
        XCTAssertEqual(try vr.call(["DBSIZE"]).int, 20000)
    }

    private func tempFiles(_ s: ProcessFixture.Started) -> [String] {
        let files = (try? FileManager.default.contentsOfDirectory(atPath: s.dir)) ?? []
        return files.filter { $0.hasPrefix("temp-") && $0.hasSuffix(".rdb") }
    }
}
