import XCTest
@testable import ReplicationCore

final class Psync2Tests: XCTestCase {
    func testContinueWithANewIdKeepsTheOldOneAsReplid2UpToTheNextByte() {
        var h = LinkHarness()
        h.fullSync(offset: 1111 - 1)
        h.run { $0.closed(reason: "Connection reset by peer", nowMs: $1) }
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n")
        h.clear()
        let newId = String(repeating: "b", count: 40)
        h.receive("+CONTINUE \(newId)\r\n")
        XCTAssertEqual(h.link.history, ReplicationHistory(replid: newId, replid2: LinkHarness.masterId, secondReplOffset: 1111, offset: 1110))
        XCTAssertTrue(h.effects.contains(.disconnectReplicas))
        XCTAssertEqual(h.logs, ["Successful partial resynchronization with master.", "Master replication ID changed to \(newId)",
                                "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization."])
        XCTAssertEqual(h.link.state, .connected)
    }

    func testPromotionShiftsTheFollowedIdToReplid2() {
        var h = LinkHarness()
        h.fullSync(offset: 542)
        h.clear()
        let promoted = String(repeating: "d", count: 40)
        h.run { $0.becomeMaster(newId: promoted, nowMs: $1) }
        XCTAssertEqual(h.link.history, ReplicationHistory(replid: promoted, replid2: LinkHarness.masterId, secondReplOffset: 543, offset: 542))
        XCTAssertEqual(h.logs, ["Connection with master lost.", "Caching the disconnected master state.",
                                "Discarding previously cached master state.",
                                "Setting secondary replication ID to \(LinkHarness.masterId), valid up to offset: 543. New replication ID is \(promoted)"])
        XCTAssertEqual(h.link.state, .none)
    }

    func testADemotedMasterAsksToContinueItsOwnHistory() {
        var h = LinkHarness()
        h.link.history.offset = 64
        h.run { $0.replicaOf(host: "m", port: 1, nowMs: $1) }
        XCTAssertTrue(h.logs.contains("Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer."))
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n")
        XCTAssertEqual(h.sentText.last, String(decoding: LinkHarness.command("PSYNC", LinkHarness.ownId, "65"), as: UTF8.self))
    }

    func testMasterContinuesOnItsIdOrOnReplid2UpToSecondOffsetInsideTheBacklog() {
        let a = String(repeating: "a", count: 40), b = String(repeating: "b", count: 40)
        var backlog = ReplicationBacklog(size: 1 << 20, startingAfter: 0)
        backlog.append([UInt8](repeating: 1, count: 600))
        let history = ReplicationHistory(replid: b, replid2: a, secondReplOffset: 543, offset: 600)
        func decide(_ id: String, _ off: Int64, _ bl: ReplicationBacklog? = backlog) -> PsyncDecision {
            PsyncDecision.decide(replid: id, offset: off, history: history, backlog: bl, replica: "127.0.0.1:7000")
        }
        XCTAssertEqual(decide(b, 601), .partial(offset: 601), "the next byte: nothing to send")
        XCTAssertEqual(decide(b.uppercased(), 10), .partial(offset: 10))
        XCTAssertEqual(decide(a, 543), .partial(offset: 543))
        XCTAssertEqual(decide(a, 544), .full(reason: "Partial resynchronization not accepted: Requested offset for second ID was 544, but I can reply up to 543"))
        let c = String(repeating: "c", count: 40)
        XCTAssertEqual(decide(c, 5), .full(reason: "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '\(c)', my replication IDs are '\(b)' and '\(a)')"))
        XCTAssertEqual(decide(b, 602), .full(reason: "Unable to partial resync with replica 127.0.0.1:7000 for lack of backlog (Replica request was: 602)."))
        XCTAssertEqual(decide(b, 5, nil), .full(reason: "Unable to partial resync with replica 127.0.0.1:7000 for lack of backlog (Replica request was: 5)."))
        XCTAssertEqual(decide("?", -1), .full(reason: nil))
    }
}
