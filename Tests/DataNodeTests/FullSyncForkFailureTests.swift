import Glibc
import TestSupport
import XCTest
@testable import DataNode

/// startBgsaveForReplication when the fork fails: the replicas waiting for
/// that snapshot get Redis's error, stop being replicas and are closed after it.
final class FullSyncForkFailureTests: XCTestCase {
    func testReplicaOfAFailedForkGetsRedisErrorAndIsClosed() throws {
        var config = ServerConfig()
        config.saveParams = []
        let h = try Harness(config: config)
        h.server.forkProcess = {
            errno = EAGAIN
            return -1
        }
        h.call("SET", "k", "v")
        let replica = h.newClient()
        XCTAssertEqual(String(decoding: h.raw(["PSYNC", "?", "-1"], on: replica), as: UTF8.self),
                       "-ERR BGSAVE failed, replication can't continue\r\n")
        XCTAssertTrue(replica.flags.contains(.closeAfterReply))
        XCTAssertFalse(replica.flags.contains(.replica))
        XCTAssertEqual(h.server.infoReplication().first { $0.0 == "connected_slaves" }?.1, "0")
        XCTAssertTrue(h.server.replication.syncs.isEmpty)
    }
}
