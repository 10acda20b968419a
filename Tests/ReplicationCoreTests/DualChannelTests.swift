import XCTest
@testable import ReplicationCore

final class DualChannelTests: XCTestCase {
    static let token = String(repeating: "f", count: 40)
    static let plainCapa = "*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n"
    static let dualCapa = "*7\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n$4\r\ncapa\r\n$18\r\nvigil-dual-channel\r\n"

    private func dualHarness(limit: Int = 0) -> LinkHarness {
        LinkHarness(settings: ReplicaLinkSettings(listeningPort: 6380, dualChannel: true, dualChannelBufferLimit: limit))
    }

    /// Up to the offer, the snapshot connection opened and its handshake answered.
    private func offered(_ h: inout LinkHarness) {
        h.handshake()
        h.receive("\(DualChannel.offerReply) \(Self.token)\r\n")
        h.run { $0.snapshotConnected(nowMs: $1) }
        h.run { $0.snapshotReceived(Array("+OK\r\n".utf8), nowMs: $1) }
    }

    private var snapshotSent: (LinkHarness) -> [String] {
        { h in h.effects.compactMap { if case .sendSnapshot(let b) = $0 { return String(decoding: b, as: UTF8.self) } else { return nil } } }
    }

    func testTheCapabilityIsAnnouncedOnlyWhenTheDirectiveIsOn() {
        var plain = LinkHarness()
        plain.run { $0.replicaOf(host: "m", port: 1, nowMs: $1, fromConfig: true) }
        plain.run { $0.connected(nowMs: $1) }
        plain.receive("+PONG\r\n")
        XCTAssertTrue(plain.sentText.last!.hasSuffix(Self.plainCapa))

        var dual = dualHarness()
        dual.run { $0.replicaOf(host: "m", port: 1, nowMs: $1, fromConfig: true) }
        dual.run { $0.connected(nowMs: $1) }
        dual.receive("+PONG\r\n")
        XCTAssertTrue(dual.sentText.last!.hasSuffix(Self.dualCapa))
    }

    func testTheMasterOffersTheDualChannelOnlyToAPsyncReplicaThatAnnouncedItWhenEnabled() {
        XCTAssertTrue(DualChannel.masterOffers(enabled: true, replicaAnnounced: true, psync: true))
        XCTAssertFalse(DualChannel.masterOffers(enabled: false, replicaAnnounced: true, psync: true))
        XCTAssertFalse(DualChannel.masterOffers(enabled: true, replicaAnnounced: false, psync: true))
        XCTAssertFalse(DualChannel.masterOffers(enabled: true, replicaAnnounced: true, psync: false))
    }

    func testTheReplicasOwnBufferIsFullOnlyAtAConfiguredLimit() {
        XCTAssertFalse(DualChannel.isFull(buffered: 1 << 30, limit: 0), "0 means no limit")
        XCTAssertTrue(DualChannel.isFull(buffered: 10, limit: 10))
        XCTAssertFalse(DualChannel.isFull(buffered: 9, limit: 10))
    }

    func testWithoutALimitTheReplicaReadsTheWholeStreamOfTheSnapshotPhase() {
        var h = dualHarness()
        offered(&h)
        for _ in 0..<1000 { h.receive(LinkHarness.command("SET", "k", String(repeating: "v", count: 1000))) }
        XCTAssertFalse(h.effects.contains(.holdMainLink))
        XCTAssertEqual(h.link.state, .transfer)
    }

    func testTheOfferOpensASnapshotConnectionThatNamesTheTokenThenAsksForAFullResync() {
        var h = dualHarness()
        h.handshake()
        h.receive("\(DualChannel.offerReply) \(Self.token)\r\n")
        XCTAssertTrue(h.effects.contains(.connectSnapshot(host: "10.0.0.1", port: 6379)))
        XCTAssertEqual(h.link.state, .transfer)
        h.run { $0.snapshotConnected(nowMs: $1) }
        XCTAssertEqual(snapshotSent(h), [String(decoding: LinkHarness.command("REPLCONF", "capa", "eof", "vigil-snapshot", Self.token), as: UTF8.self)])
        h.run { $0.snapshotReceived(Array("+OK\r\n".utf8), nowMs: $1) }
        XCTAssertEqual(snapshotSent(h).last, "*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
    }

    func testTheSnapshotConnectionAuthenticatesLikeTheMainLink() {
        var h = LinkHarness(settings: ReplicaLinkSettings(listeningPort: 1, masterAuth: Array("pw".utf8), dualChannel: true))
        h.run { $0.replicaOf(host: "m", port: 1, nowMs: $1, fromConfig: true) }
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n+OK\r\n")
        h.receive("\(DualChannel.offerReply) \(Self.token)\r\n")
        h.run { $0.snapshotConnected(nowMs: $1) }
        XCTAssertTrue(snapshotSent(h)[0].hasPrefix("*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n"))
        h.run { $0.snapshotReceived(Array("+OK\r\n".utf8), nowMs: $1) }
        XCTAssertEqual(snapshotSent(h).count, 1, "PSYNC waits for both replies")
        h.run { $0.snapshotReceived(Array("+OK\r\n".utf8), nowMs: $1) }
        XCTAssertEqual(snapshotSent(h).last, "*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
    }

    func testTheStreamBufferedDuringTheSnapshotIsAppliedFromTheSnapshotsOffsetOn() {
        var h = dualHarness()
        offered(&h)
        let set = LinkHarness.command("SET", "k", "v")
        // The stream may arrive before the snapshot connection's +FULLRESYNC.
        h.receive(set)
        XCTAssertTrue(h.applied.isEmpty)
        h.run { $0.snapshotReceived(Array("\n+FULLRESYNC \(LinkHarness.masterId) 100\r\n\n$3\r\nab".utf8), nowMs: $1) }
        h.receive(LinkHarness.command("DEL", "k"))
        XCTAssertFalse(h.effects.contains(.loadPayload))
        h.run { $0.snapshotReceived(Array("c".utf8), nowMs: $1) }
        XCTAssertEqual(h.payload, Array("abc".utf8))
        XCTAssertFalse(h.effects.contains(.closeSnapshot), "the master closes it once the payload is out")
        XCTAssertEqual(h.effects.last, .loadPayload)
        XCTAssertTrue(h.applied.isEmpty, "nothing applied before the snapshot is loaded")
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        XCTAssertEqual(h.applied, [["SET", "k", "v"], ["DEL", "k"]])
        let streamed = Int64(set.count + LinkHarness.command("DEL", "k").count)
        XCTAssertEqual(h.link.history.offset, 100 + streamed)
        XCTAssertEqual(h.link.history.replid, LinkHarness.masterId)
        XCTAssertEqual(h.link.state, .connected)
        XCTAssertEqual(h.sentText.last, LinkHarness.ack(100), "the first ACK names the snapshot's offset")
        XCTAssertNil(h.link.dual)
    }

    func testAStreamThatFillsTheReplicasOwnLimitHoldsTheMainLinkUntilTheSnapshotIsLoaded() {
        var h = dualHarness(limit: 40)
        offered(&h)
        let set = LinkHarness.command("SET", "k", "v")
        h.receive(set)
        XCTAssertFalse(h.effects.contains(.holdMainLink))
        h.receive(set)
        XCTAssertEqual(h.effects.filter { $0 == .holdMainLink }.count, 1)
        XCTAssertTrue(h.logs.contains { $0.hasPrefix("Replication buffer limit has been reached (54 bytes, limit 40)") })
        XCTAssertEqual(h.link.state, .transfer, "the sync goes on: the master holds the rest")
        XCTAssertFalse(h.effects.contains(.close))
        XCTAssertFalse(h.link.plainNextAttempt)
        // Bytes that were in flight when the link was held are kept.
        h.receive(set)
        XCTAssertEqual(h.effects.filter { $0 == .holdMainLink }.count, 1, "held once")
        h.run { $0.snapshotReceived(Array("+FULLRESYNC \(LinkHarness.masterId) 100\r\n$3\r\nabc".utf8), nowMs: $1) }
        XCTAssertFalse(h.effects.contains(.releaseMainLink), "still held while the snapshot loads")
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        XCTAssertTrue(h.effects.contains(.releaseMainLink))
        XCTAssertEqual(h.applied, [["SET", "k", "v"], ["SET", "k", "v"], ["SET", "k", "v"]])
        XCTAssertEqual(h.link.history.offset, 100 + Int64(3 * set.count))
        XCTAssertEqual(h.link.state, .connected)
    }

    func testAnUnheldDualSyncDoesNotReleaseTheMainLinkAfterItsLoad() {
        var h = dualHarness(limit: 1 << 20)
        offered(&h)
        h.receive(LinkHarness.command("SET", "k", "v"))
        h.run { $0.snapshotReceived(Array("+FULLRESYNC \(LinkHarness.masterId) 100\r\n$3\r\nabc".utf8), nowMs: $1) }
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        XCTAssertFalse(h.effects.contains(.holdMainLink))
        XCTAssertFalse(h.effects.contains(.releaseMainLink))
        XCTAssertEqual(h.applied, [["SET", "k", "v"]])
    }

    func testALostSnapshotConnectionFallsBackToAPlainFullResync() {
        var h = dualHarness()
        offered(&h)
        h.run { $0.snapshotReceived(Array("+FULLRESYNC \(LinkHarness.masterId) 100\r\n$10\r\nabc".utf8), nowMs: $1) }
        h.run { $0.snapshotClosed(reason: "Connection reset by peer", nowMs: $1) }
        XCTAssertEqual(h.link.state, .connect)
        XCTAssertTrue(h.effects.contains(.close))
        XCTAssertTrue(h.effects.contains(.discardPayload))
        XCTAssertFalse(h.effects.contains(.closeSnapshot), "it is closed already")
        XCTAssertTrue(h.logs.contains("Dual-channel sync failed: the snapshot connection was lost (Connection reset by peer). Retrying with a plain full resync."))
        XCTAssertTrue(h.link.plainNextAttempt)
    }

    func testAfterAFailedDualSyncOnlyTheNextAttemptIsPlain() {
        var h = dualHarness()
        offered(&h)
        h.run { $0.snapshotClosed(reason: "Connection reset by peer", nowMs: $1) }
        h.clear()
        h.tick(after: 1000)
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n")
        XCTAssertTrue(h.sentText.last!.hasSuffix(Self.plainCapa), "the retry is Redis's plain full resync")
        h.receive("+OK\r\n+OK\r\n")
        XCTAssertFalse(h.link.plainNextAttempt, "only one attempt is plain")
    }

    func testAMasterThatGoesAwayMidSyncClosesTheSnapshotConnectionAndTheCronRetries() {
        var h = dualHarness()
        offered(&h)
        h.run { $0.closed(reason: "Connection reset by peer", nowMs: $1) }
        XCTAssertEqual(h.link.state, .connect)
        XCTAssertTrue(h.effects.contains(.closeSnapshot))
        XCTAssertTrue(h.logs.contains("Dual-channel sync abandoned: the master connection was lost; retrying"))
        h.clear()
        h.run { $0.snapshotClosed(reason: "late", nowMs: $1) }
        XCTAssertTrue(h.effects.isEmpty, "the snapshot connection of an abandoned sync is ignored")
        h.tick(after: 1000)
        XCTAssertEqual(h.logs.first, "Connecting to MASTER 10.0.0.1:6379")
    }

    func testARefusedSnapshotConnectionFallsBackToAPlainFullResync() {
        var h = dualHarness()
        h.handshake()
        h.receive("\(DualChannel.offerReply) \(Self.token)\r\n")
        h.run { $0.snapshotConnected(nowMs: $1) }
        h.run { $0.snapshotReceived(Array("-ERR unknown or expired vigil-snapshot token\r\n".utf8), nowMs: $1) }
        XCTAssertEqual(h.link.state, .connect)
        XCTAssertTrue(h.effects.contains(.closeSnapshot))
        XCTAssertTrue(h.link.plainNextAttempt)
    }

    func testATimeoutDuringTheSnapshotClosesBothConnections() {
        var h = dualHarness()
        offered(&h)
        h.tick(after: 61_000)
        XCTAssertEqual(h.link.state, .connecting, "reconnects at once, as after any transfer timeout")
        XCTAssertTrue(h.effects.contains(.close))
        XCTAssertTrue(h.effects.contains(.closeSnapshot))
    }

    func testAnOfferTheReplicaDidNotAskForIsAnUnexpectedPsyncReply() {
        var h = LinkHarness()
        h.handshake()
        h.receive("\(DualChannel.offerReply) \(Self.token)\r\n")
        XCTAssertFalse(h.effects.contains { if case .connectSnapshot = $0 { return true }; return false })
        XCTAssertEqual(h.sentText.last, "SYNC\r\n")
    }

    /// Up to the payload loading: the snapshot connection delivered "abc" at offset 100.
    private func loading(_ h: inout LinkHarness) {
        offered(&h)
        h.run { $0.snapshotReceived(Array("+FULLRESYNC \(LinkHarness.masterId) 100\r\n$3\r\nabc".utf8), nowMs: $1) }
    }

    func testTheStreamThatArrivesWhileTheSnapshotLoadsIsBufferedThenApplied() {
        var h = dualHarness()
        loading(&h)
        XCTAssertEqual(h.link.state, .loading)
        let set = LinkHarness.command("SET", "k", "v")
        h.receive(set)
        XCTAssertTrue(h.applied.isEmpty, "nothing applied while the snapshot loads")
        XCTAssertEqual(h.link.state, .loading)
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        XCTAssertEqual(h.applied, [["SET", "k", "v"]])
        XCTAssertEqual(h.link.history.offset, 100 + Int64(set.count))
    }

    func testAStreamThatFillsTheReplicasOwnLimitWhileTheSnapshotLoadsHoldsTheMainLinkAndTheLoadGoesOn() {
        var h = dualHarness(limit: 40)
        loading(&h)
        let set = LinkHarness.command("SET", "k", "v")
        h.receive(set)
        h.receive(set)
        XCTAssertEqual(h.effects.filter { $0 == .holdMainLink }.count, 1)
        XCTAssertEqual(h.link.state, .loading, "the loader goes on")
        XCTAssertFalse(h.effects.contains(.close))
        h.clear()
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        XCTAssertEqual(h.effects.filter { $0 == .releaseMainLink }.count, 1)
        XCTAssertEqual(h.applied, [["SET", "k", "v"], ["SET", "k", "v"]])
    }

    func testAFailedLoadOfAHeldDualSyncClosesTheLinkRatherThanReleasingIt() {
        var h = dualHarness(limit: 40)
        loading(&h)
        h.receive(LinkHarness.command("SET", "k", "v"))
        h.receive(LinkHarness.command("SET", "k", "v"))
        h.clear()
        h.run { $0.payloadLoaded(success: false, nowMs: $1) }
        XCTAssertTrue(h.effects.contains(.close))
        XCTAssertFalse(h.effects.contains(.releaseMainLink))
        XCTAssertEqual(h.link.state, .connect)
    }

    func testALargeBufferedStreamIsAppliedInSlicesAfterTheLoad() {
        var h = dualHarness()
        loading(&h)
        let cmd = LinkHarness.command("SET", "k", String(repeating: "v", count: 1000))
        let count = 2 * ReplicaLink.streamSliceBytes / cmd.count + 1
        h.receive(Array([[UInt8]](repeating: cmd, count: count).joined()))
        h.run { $0.payloadLoaded(success: true, nowMs: $1) }
        XCTAssertEqual(h.link.state, .connected)
        XCTAssertEqual(h.effects.last, .continueStream)
        XCTAssertLessThan(h.applied.count, count)
        while h.link.streamPending { h.run { $0.continueStream(nowMs: $1) } }
        XCTAssertEqual(h.applied.count, count)
        XCTAssertEqual(h.link.history.offset, 100 + Int64(count * cmd.count))
    }
}
