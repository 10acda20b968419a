import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// WAIT and min-replicas-to-write on a vigil-server master with a
/// redis-server replica, side by side with a redis-server master with one.
final class WaitAndMinReplicasTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testWaitCountsAcknowledgingReplicasAndMinReplicasRefusesWritesLikeRedis() throws {
        let realMaster = try fixture.startRedis()
        let ourMaster = try fixture.startVigil()
        let theirs = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(realMaster.port) }
        let ours = try ProcessFixture.connect(ourMaster.port)
        defer { theirs.close(); ours.close() }
        var replicas: [RedisConnection] = []
        for port in [realMaster.port, ourMaster.port] {
            let r = try fixture.startRedis(["--replicaof", "127.0.0.1", String(port)])
            replicas.append(try Interop.talking(to: "redis-server") { try ProcessFixture.connect(r.port) })
        }
        defer { replicas.forEach { $0.close() } }
        try ReplicationSync(master: theirs, replicas: [replicas[0]]).waitCaughtUp()
        try ReplicationSync(master: ours, replicas: [replicas[1]]).waitCaughtUp()

        func both(_ cmd: [String], file: StaticString = #filePath, line: UInt = #line) throws {
            let real = try Interop.talking(to: "redis-server") { try theirs.call(cmd) }
            XCTAssertEqual(try ours.call(cmd), real, "\(cmd)", file: file, line: line)
        }
        try both(["SET", "k", "1"])
        // The write is ACKed only after the GETACK the blocked WAIT sends.
        try both(["WAIT", "1", "5000"])
        let start = Date()
        try both(["WAIT", "2", "300"])
        XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 0.6, "both waited their timeout")
        try both(["WAIT", "0", "0"])
        try both(["WAIT", "x", "0"])
        try both(["WAIT", "1", "-1"])
        try both(["WAIT", "1", "x"])
        // (WAIT inside MULTI is left out: redis-server's answer there races
        // with its own GETACK bookkeeping, 0 or 1 from run to run.)
        try both(["CONFIG", "SET", "min-replicas-to-write", "2"])
        try both(["SET", "k", "2"])
        try both(["GET", "k"])
        try both(["MULTI"])
        try both(["INCR", "n"])
        try both(["EXEC"])
        try both(["CONFIG", "SET", "min-replicas-to-write", "1"])
        try both(["SET", "k", "3"])
        let goodOurs = try ReplicationSync(master: ours, replicas: []).info(ours, "min_slaves_good_slaves")
        let goodTheirs = try ReplicationSync(master: theirs, replicas: []).info(theirs, "min_slaves_good_slaves")
        XCTAssertEqual(goodOurs, goodTheirs)
        XCTAssertEqual(goodOurs, "1")
    }
}
