import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// FAILOVER (Redis 6.2+) over vigil-server nodes, mixed with redis-server
/// 7.0: the master pauses writes, waits for its target's ACK, becomes its
/// replica with PSYNC ... FAILOVER, and the target continues the history
/// (partial sync, the old id as replid2); roles and data are checked
/// afterwards. The command's errors are compared with real Redis's.
final class FailoverCommandTests: XCTestCase {
    private var fixture = ProcessFixture()
    private let debug = ["--enable-debug-command", "yes", "--repl-diskless-sync-delay", "0"]

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func start(vigil: Bool, _ args: [String]) throws -> (ProcessFixture.Started, RedisConnection) {
        if vigil {
            let s = try fixture.startVigil(args + debug)
            return (s, try ProcessFixture.connect(s.port))
        }
        let s = try fixture.startRedis(args + debug)
        return (s, try Interop.talking(to: "redis-server") { try ProcessFixture.connect(s.port) })
    }

    private func waitForRole(_ c: RedisConnection, _ role: String, linkUp: Bool = false,
                             file: StaticString = #filePath, line: UInt = #line) throws {
        let sync = ReplicationSync(master: c, replicas: [])
        let deadline = Date().addingTimeInterval(15)
        var seen = ""
        while Date() < deadline {
            seen = "\(try sync.info(c, "role") ?? "?") \(try sync.info(c, "master_failover_state") ?? "?") \(try sync.info(c, "master_link_status") ?? "-")"
            if seen.hasPrefix(role + " no-failover") && (!linkUp || seen.hasSuffix(" up")) { return }
            usleep(50_000)
        }
        XCTFail("role never became \(role): \(seen)", file: file, line: line)
    }

    private func waitUntilOnline(_ m: RedisConnection, file: StaticString = #filePath, line: UInt = #line) throws {
        let deadline = Date().addingTimeInterval(15)
        var seen: String?
        while Date() < deadline {
            seen = try ReplicationSync(master: m, replicas: []).info(m, "slave0")
            if seen?.contains(",state=online,") == true { return }
            usleep(50_000)
        }
        XCTFail("the replica never came online: \(seen ?? "none")", file: file, line: line)
    }

    /// Master `masterIsVigil` with one replica; FAILOVER TO the replica; both swap roles with the same data.
    private func failover(masterIsVigil: Bool, replicaIsVigil: Bool, named: Bool) throws {
        let (master, m) = try start(vigil: masterIsVigil, [])
        defer { m.close() }
        try ReplicationSync.loadEveryType(m)
        let (replica, r) = try start(vigil: replicaIsVigil, ["--replicaof", "127.0.0.1", String(master.port)])
        defer { r.close() }
        try ReplicationSync(master: m, replicas: [r]).waitCaughtUp()
        // A diskless sync's replica may be up before its master reaped the child and put it online.
        try waitUntilOnline(m)
        let oldId = try ReplicationSync(master: m, replicas: []).info(m, "master_replid")
        let command = named ? ["FAILOVER", "TO", "127.0.0.1", String(replica.port), "TIMEOUT", "5000"] : ["FAILOVER"]
        XCTAssertEqual(try m.call(command).string, "OK")
        try waitForRole(r, "master")
        try waitForRole(m, "slave", linkUp: true)
        XCTAssertEqual(try m.call(["SET", "refused", "1"]).string, "READONLY You can't write against a read only replica.")
        try ReplicationSync.writeLoad(r, rounds: 20, tag: "after-failover")
        let sync = ReplicationSync(master: r, replicas: [m])
        try sync.waitCaughtUp()
        try sync.assertSameData("after the failover")
        XCTAssertEqual(try sync.info(r, "master_replid2"), oldId)
        XCTAssertEqual(try sync.info(r, "sync_full"), "0", "the old master continued by partial sync")
        XCTAssertEqual(try sync.info(r, "sync_partial_ok"), "1")
    }

    /// The target refuses the PSYNC (its default user lacks it): the failover
    /// aborts once, the master is a master again with writes unpaused.
    func testAVigilMasterWhoseTargetRejectsThePsyncAbortsOnceAndStaysMaster() throws {
        let (master, m) = try start(vigil: true, [])
        defer { m.close() }
        let (replica, r) = try start(vigil: true, ["--replicaof", "127.0.0.1", String(master.port)])
        defer { r.close() }
        try ReplicationSync(master: m, replicas: [r]).waitCaughtUp()
        try waitUntilOnline(m)
        XCTAssertEqual(try r.call(["ACL", "SETUSER", "default", "-psync"]).string, "OK")
        XCTAssertEqual(try m.call(["FAILOVER", "TO", "127.0.0.1", String(replica.port)]).string, "OK")
        try waitForRole(m, "master")
        XCTAssertEqual(try m.call(["SET", "after", "1"]).string, "OK", "writes are unpaused")
        let aborts = master.process.logText.components(separatedBy: "aborted: Failover target rejected psync request").count - 1
        XCTAssertEqual(aborts, 1, master.process.logTail())
    }

    func testFailoverToANamedVigilReplica() throws {
        try failover(masterIsVigil: true, replicaIsVigil: true, named: true)
    }

    func testVigilMasterFailsOverToAnyRealReplica() throws {
        try failover(masterIsVigil: true, replicaIsVigil: false, named: false)
    }

    func testRealMasterFailsOverToAVigilReplica() throws {
        try failover(masterIsVigil: false, replicaIsVigil: true, named: true)
    }

    func testFailoverErrorsAreRedisErrors() throws {
        func replies(vigil: Bool) throws -> [String] {
            let (master, m) = try start(vigil: vigil, [])
            defer { m.close() }
            var out: [String] = []
            for cmd in [["FAILOVER", "ABORT"], ["FAILOVER"], ["FAILOVER", "TIMEOUT", "0"], ["FAILOVER", "TIMEOUT", "x"],
                        ["FAILOVER", "BOGUS"], ["FAILOVER", "TO", "127.0.0.1", "x"], ["FAILOVER", "FORCE", "FORCE"]] {
                out.append("\(try m.call(cmd))")
            }
            let (_, r) = try start(vigil: vigil, ["--replicaof", "127.0.0.1", String(master.port)])
            defer { r.close() }
            try ReplicationSync(master: m, replicas: [r]).waitCaughtUp()
            for cmd in [["FAILOVER", "FORCE", "TIMEOUT", "10"], ["FAILOVER", "TO", "127.0.0.1", "1"], ["FAILOVER", "TO", "127.0.0.1", "1", "FORCE"]] {
                out.append("\(try m.call(cmd))")
            }
            out.append("\(try r.call(["FAILOVER"]))")
            return out
        }
        XCTAssertEqual(try replies(vigil: true), try replies(vigil: false))
    }
}
