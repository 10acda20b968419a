import XCTest
@testable import ReplicationCore

/// repl-diskless-load as 7.0.15's readSyncBulkPayload applies it: which
/// target the payload goes to, what each logs, and when the cached master
/// is discarded (replicationAttachToNewMaster, not at +FULLRESYNC).
final class DisklessLoadTests: XCTestCase {
    private static let oldId = LinkHarness.ownId

    /// A node that was a master turns replica (a cached master of its own history).
    private func demotedReplica(_ target: PayloadLoadTarget) -> LinkHarness {
        var h = LinkHarness(settings: ReplicaLinkSettings(listeningPort: 6380, loadTarget: target))
        h.link.history.offset = 20
        h.run { $0.replicaOf(host: "10.0.0.1", port: 6379, nowMs: $1) }
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n")
        h.receive("+FULLRESYNC \(LinkHarness.masterId) 500\r\n")
        return h
    }

    func testTheChoiceFollowsTheSettingAndWhetherTheDatasetIsEmpty() {
        XCTAssertEqual(PayloadLoadTarget.choose(setting: "disabled", datasetIsEmpty: true), .disk)
        XCTAssertEqual(PayloadLoadTarget.choose(setting: "on-empty-db", datasetIsEmpty: true), .parser)
        XCTAssertEqual(PayloadLoadTarget.choose(setting: "on-empty-db", datasetIsEmpty: false), .disk)
        XCTAssertEqual(PayloadLoadTarget.choose(setting: "swapdb", datasetIsEmpty: false), .swapdb)
    }

    func testDiskTargetDiscardsTheCachedMasterWhenThePayloadIsCompleteNotAtFullresync() {
        var h = demotedReplica(.disk)
        XCTAssertTrue(h.link.hasCachedMaster, "kept while the payload arrives")
        h.clear()
        h.receive("$5\r\nREDIS")
        XCTAssertEqual(h.logs, ["MASTER <-> REPLICA sync: receiving 5 bytes from master to disk",
                                "Discarding previously cached master state.",
                                "MASTER <-> REPLICA sync: Flushing old data",
                                "MASTER <-> REPLICA sync: Loading DB in memory"])
        XCTAssertEqual(h.link.payloadTarget, .disk)
    }

    func testParserTargetSaysSoForBothPayloadForms() {
        var h = demotedReplica(.parser)
        h.receive("$EOF:\(String(repeating: "m", count: 40))\r\n")
        XCTAssertEqual(h.logs.last, "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to parser")
        var l = demotedReplica(.parser)
        l.receive("$7\r\n")
        XCTAssertEqual(l.logs.last, "MASTER <-> REPLICA sync: receiving 7 bytes from master to parser")
    }

    func testSwapdbFlushesNothingAndSwapsOnlyOnceTheNewDatasetLoaded() {
        var h = demotedReplica(.swapdb)
        h.clear()
        h.receive("$5\r\nREDIS")
        XCTAssertEqual(h.logs, ["MASTER <-> REPLICA sync: receiving 5 bytes from master to parser",
                                "MASTER <-> REPLICA sync: Loading DB in memory"])
        XCTAssertFalse(h.effects.contains(.disconnectReplicas), "its replicas stay until the swap")
        XCTAssertTrue(h.link.hasCachedMaster)
        h.clear()
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        XCTAssertEqual(h.logs, ["Discarding previously cached master state.",
                                "MASTER <-> REPLICA sync: Swapping active DB with loaded DB",
                                "MASTER <-> REPLICA sync: Discarding old DB in background",
                                "MASTER <-> REPLICA sync: Finished with success"])
        XCTAssertTrue(h.effects.contains(.disconnectReplicas))
        XCTAssertEqual(h.link.history.replid, LinkHarness.masterId)
        XCTAssertEqual(h.link.state, .connected)
    }

    func testASwapdbLoadThatFailsKeepsTheOldDatasetsHistoryForTheNextPsync() {
        var h = demotedReplica(.swapdb)
        h.receive("$3\r\nxyz")
        h.clear()
        h.run { $0.payloadLoaded(success: false, nowMs: $1) }
        XCTAssertEqual(h.logs, ["Failed trying to load the MASTER synchronization DB from socket, check server logs.",
                                "MASTER <-> REPLICA sync: Discarding temporary DB in background"])
        XCTAssertTrue(h.link.hasCachedMaster)
        h.tick(after: 1000)
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n")
        XCTAssertTrue(h.logs.contains("Trying a partial resynchronization (request \(Self.oldId):21)."))
    }

    func testAParsedPayloadThatFailsToLoadSaysSocket() {
        var h = demotedReplica(.parser)
        h.receive("$3\r\nxyz")
        h.run { $0.payloadLoaded(success: false, nowMs: $1) }
        XCTAssertTrue(h.logs.contains("Failed trying to load the MASTER synchronization DB from socket, check server logs."))
        XCTAssertFalse(h.link.hasCachedMaster, "the flushed dataset continues no history")
    }

    func testATransferCutShortLeavesTheCachedMasterForAPartialResync() {
        var h = demotedReplica(.disk)
        h.receive("$100\r\nREDIS")
        h.run { $0.closed(reason: "Connection reset by peer", nowMs: $1) }
        XCTAssertTrue(h.link.hasCachedMaster)
        h.clear()
        h.tick(after: 1000)
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n")
        XCTAssertEqual(h.logs.last, "Trying a partial resynchronization (request \(Self.oldId):21).")
    }

    func testReadBytesCountTheEofMarkAsRedisDoes() {
        let mark = String(repeating: "z", count: 40)
        var framing = PayloadFraming(.eofMark(Array(mark.utf8)))
        _ = framing.consume(Array("REDIS0010".utf8)[...])
        XCTAssertEqual(framing.received, 9)
        XCTAssertEqual(framing.delivered, 0, "held back until known not to be the mark")
    }
}
