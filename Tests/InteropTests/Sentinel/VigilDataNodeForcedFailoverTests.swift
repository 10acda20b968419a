import Foundation
import Glibc
import RESPClient
import Deployment
import TestSupport
import XCTest

/// SENTINEL FAILOVER over vigil-server data nodes with the master alive,
/// under each kind of sentinel: the best replica is promoted, the old master
/// and the other replica follow it with identical data, and every sentinel,
/// restarted from the file it rewrote during the failover, reports the same
/// state again.
final class VigilDataNodeForcedFailoverTests: XCTestCase {
    func testVigilSentinelsForceAFailoverOfALiveVigilMaster() throws {
        try ForcedFailover(priorities: [10, 20], sentinels: [.vigil, .vigil, .vigil], vigilDataNodes: true)
            .run(step: "forced failover over vigil nodes")
    }

    func testRedisSentinelsForceAFailoverOfALiveVigilMaster() throws {
        try ForcedFailover(priorities: [10, 20], sentinels: [.real, .real, .real], vigilDataNodes: true)
            .run(step: "forced failover over vigil nodes")
    }
}
