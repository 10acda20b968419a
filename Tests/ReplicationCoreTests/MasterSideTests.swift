import XCTest
@testable import ReplicationCore

final class MasterSideTests: XCTestCase {
    func testBacklogWrapsAroundKeepingTheNewestBytesAndTheirOffsets() {
        var bl = ReplicationBacklog(size: 100, startingAfter: 1000)
        XCTAssertEqual(bl.size, ReplicationBacklog.minimumSize, "raised to 16 KiB as Redis does")
        XCTAssertEqual(bl.firstByteOffset, 1001)
        XCTAssertEqual(bl.histlen, 0)
        let n = ReplicationBacklog.minimumSize
        let data = (0..<(n + 300)).map { UInt8(truncatingIfNeeded: $0 * 7) }
        bl.append(data[0..<500])
        bl.append(data[500...])
        XCTAssertEqual(bl.histlen, n)
        XCTAssertEqual(bl.endOffset, 1000 + Int64(data.count))
        XCTAssertEqual(bl.firstByteOffset, 1001 + 300)
        XCTAssertNil(bl.bytes(from: 1300), "overwritten")
        XCTAssertEqual(bl.bytes(from: 1301), Array(data[300...]))
        XCTAssertEqual(bl.bytes(from: bl.endOffset - 2), Array(data.suffix(3)))
        XCTAssertEqual(bl.bytes(from: bl.endOffset + 1), [])
        XCTAssertNil(bl.bytes(from: bl.endOffset + 2))
    }

    func testBacklogResizeKeepsTheNewestBytes() {
        var bl = ReplicationBacklog(size: 32 * 1024, startingAfter: 0)
        let data = (0..<(30 * 1024)).map { UInt8(truncatingIfNeeded: $0) }
        bl.append(data)
        bl.resize(16 * 1024)
        XCTAssertEqual(bl.histlen, 16 * 1024)
        XCTAssertEqual(bl.endOffset, Int64(data.count))
        XCTAssertEqual(bl.bytes(from: bl.firstByteOffset), Array(data.suffix(16 * 1024)))
    }

    func testGoodReplicasAreOnlineWithARecentAckAndWaitCountsAcksAtTheOffset() {
        var r = AttachedReplicas()
        r.attach(id: 1, ip: "127.0.0.1", port: 7001, state: .waitBgsave, nowMs: 0)
        r.attach(id: 2, ip: "127.0.0.1", port: 7002, state: .waitBgsave, nowMs: 0)
        r.setState(id: 1, .online, nowMs: 0)
        r.setState(id: 2, .online, nowMs: 0)
        r.acknowledged(id: 1, offset: 500, nowMs: 1000)
        r.acknowledged(id: 2, offset: 300, nowMs: 1000)
        r.acknowledged(id: 2, offset: 200, nowMs: 9000)
        XCTAssertEqual(r.replicas[1].ackOffset, 300, "an ACK never moves the offset back")
        XCTAssertEqual(r.acknowledgedCount(atLeast: 300), 2)
        XCTAssertEqual(r.acknowledgedCount(atLeast: 301), 1)
        XCTAssertEqual(r.goodCount(nowMs: 11_999, maxLagSeconds: 10), 2)
        XCTAssertEqual(r.goodCount(nowMs: 12_000, maxLagSeconds: 10), 1)
        XCTAssertTrue(r.refusesWrites(minReplicas: 2, maxLagSeconds: 10, nowMs: 12_000))
        XCTAssertFalse(r.refusesWrites(minReplicas: 0, maxLagSeconds: 10, nowMs: 12_000), "disabled at 0")
        XCTAssertEqual(r.replicas[0].lag(nowMs: 12_000), 11)
        XCTAssertEqual(r.timedOut(nowMs: 61_001, timeoutSeconds: 60), [1])
    }

    func testPingGoesIntoTheStreamEveryPeriodOnlyWithReplicas() {
        var s = ReplicaPingSchedule()
        let due = (0..<21).map { _ in s.cron(periodSeconds: 10, hasReplicas: true) }
        XCTAssertEqual(due.enumerated().filter { $0.element }.map(\.offset), [0, 10, 20])
        var idle = ReplicaPingSchedule()
        XCTAssertFalse(idle.cron(periodSeconds: 10, hasReplicas: false))
        XCTAssertEqual(ReplicaPingSchedule.ping.count, 14)
    }
}
