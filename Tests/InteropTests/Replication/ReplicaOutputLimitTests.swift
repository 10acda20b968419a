import Deployment
import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// client-output-buffer-limit replica: a replica that stops reading is
/// dropped once the stream it has not taken crosses the hard limit, with
/// the lines real Redis logs; the same scenario runs against redis-server.
final class ReplicaOutputLimitTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// Returns (replicas left, the master's log) after a non-reading replica met a 256 KB limit.
    private func dropStalledReplica(vigil: Bool) throws -> (String?, String) {
        let args = ["--client-output-buffer-limit", "replica 256kb 0 0", "--repl-diskless-sync", "no"]
        let node = vigil ? try fixture.startVigil(args) : try fixture.startRedis(args)
        let m = try Interop.talking(to: vigil ? "vigil-server" : "redis-server") { try ProcessFixture.connect(node.port) }
        defer { m.close() }
        XCTAssertEqual(try m.call(["SET", "seed", "1"]).string, "OK")
        let fake = try RawSocket(port: node.port, receiveBuffer: 4096)
        defer { fake.close() }
        XCTAssertTrue(fake.send(Array("REPLCONF listening-port 1234\r\n".utf8)))
        XCTAssertEqual(String(decoding: fake.read(idleMs: 100, totalMs: 2000), as: UTF8.self), "+OK\r\n")
        XCTAssertTrue(fake.send(Array("PSYNC ? -1\r\n".utf8)))
        ReplicationSync.waitForLog(node.process, "Synchronization with replica 127.0.0.1:1234 succeeded")
        // From here on it reads nothing: 20 MB outgrow the socket buffers and the limit.
        let value = String(repeating: "v", count: 100_000)
        for i in 0..<200 {
            _ = try m.call(["SET", "k\(i)", value])
            if i % 5 == 4, try ReplicationSync(master: m, replicas: []).info(m, "connected_slaves") == "0" { break }
        }
        ReplicationSync.waitForLog(node.process, "Connection with replica 127.0.0.1:1234 lost.")
        return (try ReplicationSync(master: m, replicas: []).info(m, "connected_slaves"), node.process.logText)
    }

    func testReplicaThatStopsReadingIsDroppedAtTheHardLimitLikeRedis() throws {
        let ours = try dropStalledReplica(vigil: true)
        let theirs = try dropStalledReplica(vigil: false)
        XCTAssertEqual(ours.0, "0")
        XCTAssertEqual(ours.0, theirs.0)
        for log in [ours.1, theirs.1] {
            XCTAssertTrue(log.contains("scheduled to be closed ASAP for overcoming of output buffer limits."), log)
        }
    }
}
