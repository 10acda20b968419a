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

    func testParserTargetAttachesFlushesAndStartsLoadingAtTheHeader() {
        var h = demotedReplica(.parser)
        h.clear()
        h.receive("$EOF:\(String(repeating: "m", count: 40))\r\n")
        XCTAssertEqual(h.logs, ["MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to parser",
                                "Discarding previously cached master state.",
                                "MASTER <-> REPLICA sync: Flushing old data",
                                "MASTER <-> REPLICA sync: Loading DB in memory"])
        XCTAssertTrue(h.effects.contains(.disconnectReplicas))
        XCTAssertEqual(h.link.state, .transfer)
        var l = demotedReplica(.parser)
        l.receive("$7\r\n")
        XCTAssertTrue(l.logs.contains("MASTER <-> REPLICA sync: receiving 7 bytes from master to parser"))
    }

    func testAParsedPayloadWhoseMasterGoesSilentFailsAsAShortReadAndReconnects() {
        var h = LinkHarness(settings: ReplicaLinkSettings(listeningPort: 6380, timeoutSeconds: 2, loadTarget: .swapdb))
        h.link.history.offset = 20
        h.run { $0.replicaOf(host: "10.0.0.1", port: 6379, nowMs: $1) }
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n+FULLRESYNC \(LinkHarness.masterId) 500\r\n$100\r\nREDIS")
        h.clear()
        h.tick(after: 2001)
        XCTAssertEqual(h.logs, ["Short read or OOM loading DB. Unrecoverable error, aborting now.",
                                "Internal error in RDB reading offset 0, function at rdb.c:3249 -> Unexpected EOF reading RDB file. Failure loading rdb format from socket, assuming connection error, resuming operation.",
                                "Failed trying to load the MASTER synchronization DB from socket: Connection timed out",
                                "Reconnecting to MASTER 10.0.0.1:6379 after failure",
                                "MASTER <-> REPLICA sync started",
                                "MASTER <-> REPLICA sync: Discarding temporary DB in background"])
        XCTAssertFalse(h.logs.contains { $0.hasPrefix("Timeout receiving bulk data") })
        XCTAssertTrue(h.effects.contains(.discardPayload))
        XCTAssertTrue(h.link.hasCachedMaster, "swapdb never attached: the old dataset's history stays")
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
        XCTAssertEqual(h.logs, ["Failed trying to load the MASTER synchronization DB from socket: Success",
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
        XCTAssertTrue(h.logs.contains("Failed trying to load the MASTER synchronization DB from socket: Success"))
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
