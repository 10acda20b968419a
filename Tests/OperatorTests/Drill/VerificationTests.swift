import XCTest
@testable import Operator

final class VerificationTests: XCTestCase {
    let a = Address(host: "127.0.0.1", port: 6380)
    let b = Address(host: "127.0.0.1", port: 6381)

    func info(_ offset: Int, _ replicas: [String]) -> [String: String] {
        var text = "# Replication\r\nrole:master\r\nconnected_slaves:\(replicas.count)\r\n"
        for (i, r) in replicas.enumerated() { text += "slave\(i):\(r)\r\n" }
        text += "master_repl_offset:\(offset)\r\n"
        return ReplyFields.info(text)
    }

    func testReplicasAtTheMastersOffsetAreInSync() {
        let i = info(500, ["ip=127.0.0.1,port=6381,state=online,offset=500,lag=0",
                           "ip=127.0.0.1,port=6382,state=online,offset=500,lag=1"])
        XCTAssertTrue(ReplicaLine.inSync(i, expected: 2))
        XCTAssertEqual(ReplicaLine.parse(i).replicas.map(\.address.port), [6381, 6382])
    }

    func testAReplicaBehindIsNotInSync() {
        XCTAssertFalse(ReplicaLine.inSync(info(500, ["ip=127.0.0.1,port=6381,state=online,offset=480,lag=0"]), expected: 1))
    }

    func testAReplicaStillLoadingDoesNotCount() {
        let i = info(500, ["ip=127.0.0.1,port=6381,state=online,offset=500,lag=0",
                           "ip=127.0.0.1,port=6382,state=wait_bgsave,offset=0,lag=0"])
        XCTAssertFalse(ReplicaLine.inSync(i, expected: 2))
        XCTAssertTrue(ReplicaLine.inSync(i, expected: 1))
    }

    func testResyncsAreCountedBetweenReadings() {
        let d = ResyncCounters.delta(before: [a: .init(full: 2, partial: 1), b: .init(full: 0, partial: 0)],
                                     after: [a: .init(full: 3, partial: 1), b: .init(full: 0, partial: 2)])
        XCTAssertEqual(d, ResyncCounters(full: 1, partial: 2))
    }

    func testARestartedNodeCountsFromZero() {
        let d = ResyncCounters.delta(before: [a: .init(full: 5, partial: 4)], after: [a: .init(full: 1, partial: 0)])
        XCTAssertEqual(d, ResyncCounters(full: 1, partial: 0))
    }

    func testAddressesParseWithV6Brackets() {
        XCTAssertEqual(Address(parsing: "[::1]:6379"), Address(host: "::1", port: 6379))
        XCTAssertEqual(Address(parsing: "::1:6379")?.host, "::1")
        XCTAssertEqual(Address(host: "::1", port: 6379).description, "[::1]:6379")
        XCTAssertNil(Address(parsing: "host:99999"))
    }
}

final class SyncTargetTests: XCTestCase {
    func testReplicasThatReachedTheTargetAreInSyncThoughTheMasterMovedOn() {
        // Sentinel hellos keep moving the master's offset; replicas ack once a second.
        let info = ReplyFields.info("master_repl_offset:900\r\nslave0:ip=127.0.0.1,port=6381,state=online,offset=800,lag=0\r\n")
        XCTAssertFalse(ReplicaLine.inSync(info, expected: 1))
        XCTAssertTrue(ReplicaLine.inSync(info, expected: 1, target: 800))
    }
}

final class LocalProcessTests: XCTestCase {
    func testARedisProcessTitleIsNotACommandLine() {
        XCTAssertTrue(LocalProcess.isProcessTitle(["redis-server 127.0.0.1:6380"]))
        XCTAssertTrue(LocalProcess.isProcessTitle(["redis-server", "*:6379"]))
    }

    func testARealCommandLineIsKept() {
        XCTAssertFalse(LocalProcess.isProcessTitle(["/usr/bin/vigil-server", "--port", "6380", "--replicaof", "127.0.0.1", "6379"]))
        XCTAssertFalse(LocalProcess.isProcessTitle(["vigil", "server", "/run/node-6380.conf"]))
    }
}
