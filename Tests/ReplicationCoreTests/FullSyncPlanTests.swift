import ReplicationCore
import XCTest

/// When a master forks for a full resync, as 7.0's syncCommand and
/// shouldStartChildForReplication decide it.
final class FullSyncPlanTests: XCTestCase {
    func testNoChildDisklessWithDelayWaitsForTheCron() {
        XCTAssertEqual(FullSyncPlan.onRequest(child: .none, diskless: true, capaEof: true, delaySeconds: 5), .delay)
    }

    func testNoChildStartsAtOnceWithoutDelayOrWithoutEofCapability() {
        XCTAssertEqual(FullSyncPlan.onRequest(child: .none, diskless: true, capaEof: true, delaySeconds: 0), .startNow)
        XCTAssertEqual(FullSyncPlan.onRequest(child: .none, diskless: true, capaEof: false, delaySeconds: 5), .startNow)
        XCTAssertEqual(FullSyncPlan.onRequest(child: .none, diskless: false, capaEof: true, delaySeconds: 5), .startNow)
    }

    func testDiskBgsaveWithAWaitingReplicaIsShared() {
        XCTAssertEqual(FullSyncPlan.onRequest(child: .rdbDisk(sharedWith: false), diskless: false, capaEof: false, delaySeconds: 5),
                       .attachToRunning)
        XCTAssertEqual(FullSyncPlan.onRequest(child: .rdbDisk(sharedWith: true), diskless: false, capaEof: true, delaySeconds: 5),
                       .attachToRunning)
    }

    func testDiskBgsaveIsNotSharedWithLessCapableReplicaOrWhenNobodyWaitsForIt() {
        let line = "Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC"
        XCTAssertEqual(FullSyncPlan.onRequest(child: .rdbDisk(sharedWith: true), diskless: false, capaEof: false, delaySeconds: 5),
                       .waitForNext(log: line))
        XCTAssertEqual(FullSyncPlan.onRequest(child: .rdbDisk(sharedWith: nil), diskless: false, capaEof: true, delaySeconds: 5),
                       .waitForNext(log: line))
    }

    func testSocketTransferRunningMeansTheNextOne() {
        XCTAssertEqual(FullSyncPlan.onRequest(child: .rdbSockets, diskless: true, capaEof: true, delaySeconds: 0),
                       .waitForNext(log: "Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC"))
    }

    func testAofRewriteRunningDelaysTheBgsave() {
        XCTAssertEqual(FullSyncPlan.onRequest(child: .other, diskless: false, capaEof: true, delaySeconds: 5),
                       .waitForNext(log: "No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed"))
    }

    func testDisklessStartsAfterTheDelayOrWhenEnoughReplicasWait() {
        let young = FullSyncPlan.Waiting(capaEof: true, idleSeconds: 2)
        XCTAssertNil(FullSyncPlan.shouldStart(waiting: [young], diskless: true, delaySeconds: 5, maxReplicas: 0))
        XCTAssertNil(FullSyncPlan.shouldStart(waiting: [young], diskless: true, delaySeconds: 5, maxReplicas: 2))
        XCTAssertEqual(FullSyncPlan.shouldStart(waiting: [young, young], diskless: true, delaySeconds: 5, maxReplicas: 2), true)
        let old = FullSyncPlan.Waiting(capaEof: true, idleSeconds: 5)
        XCTAssertEqual(FullSyncPlan.shouldStart(waiting: [young, old], diskless: true, delaySeconds: 5, maxReplicas: 0), true)
        XCTAssertNil(FullSyncPlan.shouldStart(waiting: [], diskless: false, delaySeconds: 0, maxReplicas: 0))
    }

    func testOneReplicaWithoutEofCapabilityTakesTheGroupToDisk() {
        let group = [FullSyncPlan.Waiting(capaEof: true, idleSeconds: 9), FullSyncPlan.Waiting(capaEof: false, idleSeconds: 9)]
        let mincapa = FullSyncPlan.shouldStart(waiting: group, diskless: true, delaySeconds: 5, maxReplicas: 0)
        XCTAssertEqual(mincapa, false)
        XCTAssertFalse(FullSyncPlan.socketTarget(diskless: true, mincapaEof: false))
        XCTAssertTrue(FullSyncPlan.socketTarget(diskless: true, mincapaEof: true))
        XCTAssertEqual(FullSyncPlan.startLine(socketTarget: false), "Starting BGSAVE for SYNC with target: disk")
    }
}
