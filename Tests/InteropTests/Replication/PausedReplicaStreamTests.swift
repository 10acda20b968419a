import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// CLIENT PAUSE WRITE on a replica holds its master's writes: the stream is
/// still read (slave_read_repl_offset reaches the master's offset) but not
/// applied (slave_repl_offset and the data stay) until CLIENT UNPAUSE, as
/// Redis 7.0 postpones its master client like any other. A real redis-server
/// replica is put through the same steps, so the behaviour pinned is Redis's.
final class PausedReplicaStreamTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testVigilReplicaOfVigilMasterHoldsWritesUntilUnpause() throws {
        let master = try fixture.startVigil()
        try assertPauseHoldsStream(masterPort: master.port) { try fixture.startVigil($0) }
    }

    func testVigilReplicaOfRealMasterHoldsWritesUntilUnpause() throws {
        let master = try Interop.talking(to: "redis-server") { try fixture.startRedis() }
        try assertPauseHoldsStream(masterPort: master.port) { try fixture.startVigil($0) }
    }

    func testRealReplicaOfRealMasterHoldsWritesUntilUnpause() throws {
        let master = try Interop.talking(to: "redis-server") { try fixture.startRedis() }
        try Interop.talking(to: "redis-server") {
            try assertPauseHoldsStream(masterPort: master.port) { try fixture.startRedis($0) }
        }
    }

    private func assertPauseHoldsStream(masterPort: Int, startReplica: ([String]) throws -> ProcessFixture.Started,
                                        file: StaticString = #filePath, line: UInt = #line) throws {
        let m = try ProcessFixture.connect(masterPort)
        defer { m.close() }
        // No PINGs from the master meanwhile: the offsets move only with our writes.
        XCTAssertFalse(try m.call(["CONFIG", "SET", "repl-ping-replica-period", "3600"]).isError)
        let replica = try startReplica(["--replicaof", "127.0.0.1", String(masterPort)])
        let r = try ProcessFixture.connect(replica.port)
        defer { r.close() }
        let sync = ReplicationSync(master: m, replicas: [r])
        try sync.waitCaughtUp()
        // After the full sync: its stream's first write brings the SELECT,
        // which a WRITE pause would not hold.
        XCTAssertEqual(try m.call(["SET", "foo", "bar"]).string, "OK")
        try sync.waitCaughtUp()
        let before = try sync.info(r, "slave_repl_offset")

        XCTAssertEqual(try r.call(["CLIENT", "PAUSE", "100000", "WRITE"]).string, "OK")
        XCTAssertEqual(try m.call(["SET", "foo2", "bar2"]).string, "OK")
        let target = try sync.info(m, "master_repl_offset")
        try waitFor("the replica read the write", file: file, line: line) { try sync.info(r, "slave_read_repl_offset") == target }
        XCTAssertEqual(try sync.info(r, "slave_repl_offset"), before, "not applied while paused", file: file, line: line)
        XCTAssertTrue(try r.call(["GET", "foo2"]).isNull, "not applied while paused", file: file, line: line)

        XCTAssertEqual(try r.call(["CLIENT", "UNPAUSE"]).string, "OK")
        try sync.waitCaughtUp()
        XCTAssertEqual(try r.call(["GET", "foo2"]).string, "bar2", file: file, line: line)
    }

    private func waitFor(_ what: String, seconds: Double = 10, file: StaticString, line: UInt, _ condition: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try condition() { return }
            usleep(50_000)
        }
        XCTFail("timed out waiting: \(what)", file: file, line: line)
    }
}
