import XCTest
@testable import ReplicationCore

final class PayloadTests: XCTestCase {
    func testEofMarkPayloadIsDetectedAcrossChunksAndTheMarkIsNotPartOfTheRdb() {
        let mark = String(repeating: "0123456789", count: 4)
        var h = LinkHarness()
        h.handshake()
        h.receive("\n\n+FULLRESYNC \(LinkHarness.masterId) 1000\r\n\n$EOF:\(mark)\r\nREDIS0010")
        XCTAssertEqual(h.link.state, .transfer)
        XCTAssertTrue(h.logs.contains("Full resync from master: \(LinkHarness.masterId):1000"))
        h.receive("-body-" + mark.prefix(25))
        XCTAssertEqual(h.link.state, .transfer, "a mark cut in two is not the end yet")
        h.receive(String(mark.dropFirst(25)))
        XCTAssertEqual(h.link.state, .loading)
        XCTAssertEqual(String(decoding: h.payload, as: UTF8.self), "REDIS0010-body-")
        XCTAssertTrue(h.effects.contains(.beginPayload(length: nil)))
        h.clear()
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        // The diskless master waits for this ACK before streaming.
        XCTAssertEqual(h.sentText, [LinkHarness.ack(1000)])
        XCTAssertEqual(h.link.history.replid, LinkHarness.masterId)
        XCTAssertEqual(h.link.history.offset, 1000)
    }

    func testLengthPayloadHasNoTrailingNewlineAndWhatFollowsIsTheStream() {
        var h = LinkHarness()
        h.handshake()
        let cmd = String(decoding: LinkHarness.command("SET", "k", "v"), as: UTF8.self)
        h.receive("+FULLRESYNC \(LinkHarness.masterId) 7\r\n$5\r\nREDIS" + cmd)
        XCTAssertEqual(h.link.state, .loading)
        XCTAssertTrue(h.applied.isEmpty, "the stream waits for the load")
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        XCTAssertEqual(h.applied, [["SET", "k", "v"]])
        XCTAssertEqual(h.link.history.offset, 7 + Int64(cmd.utf8.count))
        XCTAssertEqual(Array(h.logs.suffix(4)), ["MASTER <-> REPLICA sync: receiving 5 bytes from master to disk",
                                                 "MASTER <-> REPLICA sync: Flushing old data",
                                                 "MASTER <-> REPLICA sync: Loading DB in memory",
                                                 "MASTER <-> REPLICA sync: Finished with success"])
    }

    func testAPayloadCutShortIsDiscardedAndNeverLoaded() {
        var h = LinkHarness()
        h.handshake()
        h.receive("+FULLRESYNC \(LinkHarness.masterId) 7\r\n$100\r\nREDIS")
        h.run { $0.closed(reason: "Connection reset by peer", nowMs: $1) }
        XCTAssertTrue(h.effects.contains(.discardPayload))
        XCTAssertFalse(h.effects.contains(.loadPayload))
        XCTAssertEqual(h.link.state, .connect)
        XCTAssertFalse(h.link.hasCachedMaster)
    }

    func testAnUnloadablePayloadLeavesNoCachedMasterSoTheNextSyncIsFull() {
        var h = LinkHarness()
        h.handshake()
        h.receive("+FULLRESYNC \(LinkHarness.masterId) 7\r\n$3\r\nxyz")
        h.run { $0.payloadLoaded(success: false, nowMs: $1) }
        XCTAssertEqual(h.link.state, .connect)
        XCTAssertTrue(h.logs.contains("Failed trying to load the MASTER synchronization DB from disk: Success"))
        h.clear()
        h.tick(after: 1000)
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n")
        XCTAssertEqual(h.sentText.last, "*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
    }
}
