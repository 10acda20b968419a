import XCTest
@testable import ReplicationCore

final class StreamTests: XCTestCase {
    func testGetackIsAnsweredWithTheOffsetBeforeItAndCountedAfter() {
        var h = LinkHarness()
        h.fullSync(offset: 1000)
        h.clear()
        let set = LinkHarness.command("SET", "a", "1")
        let getack = LinkHarness.command("REPLCONF", "GETACK", "*")
        h.receive(set + getack)
        XCTAssertEqual(h.sentText, [LinkHarness.ack(1000 + Int64(set.count))])
        XCTAssertEqual(h.link.history.offset, 1000 + Int64(set.count + getack.count))
        XCTAssertEqual(h.applied, [["SET", "a", "1"]], "REPLCONF is not executed")
    }

    func testTransactionBytesAreCreditedAtExecAndForwardedWhole() {
        var h = LinkHarness()
        h.fullSync(offset: 0)
        h.clear()
        let multi = LinkHarness.command("MULTI"), incr = LinkHarness.command("INCR", "n"), exec = LinkHarness.command("EXEC")
        h.receive(multi + incr)
        XCTAssertEqual(h.link.history.offset, 0)
        XCTAssertEqual(h.link.infoOffsets.read, Int64(multi.count + incr.count))
        h.receive(exec)
        XCTAssertEqual(h.link.history.offset, Int64(multi.count + incr.count + exec.count))
        XCTAssertEqual(h.effects.filter { if case .forward = $0 { return true }; return false }, [.forward(multi + incr + exec)])
    }

    func testACommandSplitAcrossReadsIsAppliedOnceWithItsExactBytes() {
        var h = LinkHarness()
        h.fullSync(offset: 0)
        h.clear()
        let cmd = LinkHarness.command("SET", "key", String(repeating: "x", count: 100))
        h.receive(Array(cmd[0..<10]))
        h.receive(Array(cmd[10..<60]))
        XCTAssertTrue(h.applied.isEmpty)
        h.receive(Array(cmd[60...]))
        XCTAssertEqual(h.applied.count, 1)
        XCTAssertEqual(h.effects.last, .forward(cmd))
    }

    /// unit/pendingquerybuf: a 32 MB SET left the replica holding twice as
    /// much again in the link's buffers after it was applied.
    func testABigCommandsRoomIsGivenBackOnceApplied() {
        var h = LinkHarness()
        h.fullSync(offset: 0)
        h.clear()
        let big = LinkHarness.command("SET", "key", String(repeating: "v", count: 4 << 20))
        for start in stride(from: 0, to: big.count, by: 64 * 1024) {
            h.receive(Array(big[start..<min(start + 64 * 1024, big.count)]))
        }
        XCTAssertEqual(h.applied.count, 1)
        XCTAssertEqual(h.effects.last, .forward(big))
        XCTAssertLessThanOrEqual(h.link.input.capacity, ReplicaLink.keptBufferBytes)
        XCTAssertLessThanOrEqual(h.link.forwardBuffer.capacity, ReplicaLink.keptBufferBytes)
        let small = LinkHarness.command("SET", "a", "1")
        h.receive(small)
        XCTAssertEqual(h.effects.last, .forward(small))
    }

    func testAckGoesOutOncePerSecondWithTheAppliedOffset() {
        var h = LinkHarness()
        h.fullSync(offset: 50)
        h.clear()
        h.tick(after: 400)
        XCTAssertTrue(h.sent.isEmpty)
        h.tick(after: 600)
        XCTAssertEqual(h.sentText, [LinkHarness.ack(50)])
        h.receive(LinkHarness.command("ping"))
        h.tick(after: 999)
        XCTAssertEqual(h.sent.count, 1)
        h.tick(after: 1)
        XCTAssertEqual(h.sentText.last, LinkHarness.ack(64))
    }

    func testASilentMasterTimesOutAndTheReplicaReconnectsAskingForTheNextByte() {
        var h = LinkHarness(settings: ReplicaLinkSettings(listeningPort: 1, timeoutSeconds: 60))
        h.fullSync(offset: 100)
        let set = LinkHarness.command("SET", "a", "1")
        h.receive(set)
        let next = String(100 + set.count + 1)
        h.clear()
        for _ in 0..<60 { h.tick(after: 1000) }
        XCTAssertFalse(h.logs.contains("MASTER timeout: no data nor PING received..."))
        h.tick(after: 1)
        XCTAssertEqual(Array(h.logs.suffix(5)), ["MASTER timeout: no data nor PING received...", "Connection with master lost.",
                                                 "Caching the disconnected master state.", "Reconnecting to MASTER 10.0.0.1:6379",
                                                 "MASTER <-> REPLICA sync started"])
        XCTAssertEqual(h.link.linkDownSinceMs, h.now)
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n+OK\r\n+OK\r\n")
        XCTAssertEqual(h.sentText.last, String(decoding: LinkHarness.command("PSYNC", LinkHarness.masterId, next), as: UTF8.self))
        XCTAssertTrue(h.logs.contains("Trying a partial resynchronization (request \(LinkHarness.masterId):\(next))."))
    }

    func testAHandshakeThatStallsIsCancelledAfterReplTimeoutAndReconnectsAtOnce() {
        var h = LinkHarness(settings: ReplicaLinkSettings(listeningPort: 1, timeoutSeconds: 5))
        h.run { $0.replicaOf(host: "m", port: 1, nowMs: $1, fromConfig: true) }
        h.run { $0.connected(nowMs: $1) }
        h.tick(after: 5000)
        XCTAssertFalse(h.logs.contains("Timeout connecting to the MASTER..."))
        h.clear()
        h.tick(after: 1)
        XCTAssertEqual(h.logs, ["Timeout connecting to the MASTER...", "Reconnecting to MASTER m:1 after failure",
                                "MASTER <-> REPLICA sync started"])
        XCTAssertEqual(h.effects.filter { $0 == .close || $0 == .connect(host: "m", port: 1) }, [.close, .connect(host: "m", port: 1)])
        XCTAssertEqual(h.link.state, .connecting)
    }

    func testABulkTransferThatStallsTimesOutWithRedisAdviceAndReconnectsAtOnce() {
        var h = LinkHarness(settings: ReplicaLinkSettings(listeningPort: 1, timeoutSeconds: 5))
        h.handshake()
        h.receive("+FULLRESYNC \(LinkHarness.masterId) 7\r\n$100\r\nREDIS")
        h.clear()
        h.tick(after: 5000)
        XCTAssertTrue(h.logs.isEmpty)
        h.tick(after: 1)
        XCTAssertEqual(h.logs, ["Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.",
                                "Reconnecting to MASTER 10.0.0.1:6379 after failure", "MASTER <-> REPLICA sync started"])
        XCTAssertEqual(h.effects.filter { $0 == .discardPayload || $0 == .close }, [.discardPayload, .close])
        XCTAssertEqual(h.link.state, .connecting)
    }

    func testAStreamLongerThanASliceIsAppliedASlicePerCallAndContinuedOnRequest() {
        var h = LinkHarness()
        h.fullSync(offset: 0)
        h.clear()
        let cmd = LinkHarness.command("SET", "k", String(repeating: "v", count: 1000))
        let count = 3 * ReplicaLink.streamSliceBytes / cmd.count
        h.receive(Array([[UInt8]](repeating: cmd, count: count).joined()))
        let firstSlice = h.applied.count
        XCTAssertGreaterThan(firstSlice, 0)
        XCTAssertLessThan(firstSlice, count, "one call applies one slice")
        XCTAssertEqual(h.effects.last, .continueStream)
        XCTAssertEqual(h.link.history.offset, Int64(firstSlice * cmd.count))
        XCTAssertTrue(h.link.streamPending)
        var calls = 0
        while h.link.streamPending {
            h.run { $0.continueStream(nowMs: $1) }
            calls += 1
        }
        XCTAssertEqual(calls, 2)
        XCTAssertEqual(h.applied.count, count)
        XCTAssertEqual(h.link.history.offset, Int64(count * cmd.count))
        XCTAssertNotEqual(h.effects.last, .continueStream, "nothing is left to continue")
    }

    func testBytesThatArriveWhileTheRestWaitsAreOnlyBufferedThenAppliedInOrder() {
        var h = LinkHarness()
        h.fullSync(offset: 0)
        h.clear()
        let big = LinkHarness.command("SET", "a", String(repeating: "1", count: ReplicaLink.streamSliceBytes))
        let small = LinkHarness.command("SET", "b", "2")
        h.receive(big + big)
        XCTAssertEqual(h.applied.map { $0[1] }, ["a"])
        h.receive(small)
        XCTAssertEqual(h.applied.map { $0[1] }, ["a"], "reading does not apply while a continuation is due")
        XCTAssertEqual(h.link.infoOffsets.read, Int64(2 * big.count + small.count))
        h.run { $0.continueStream(nowMs: $1) }
        XCTAssertEqual(h.applied.map { $0[1] }, ["a", "a"], "one slice per continuation")
        h.run { $0.continueStream(nowMs: $1) }
        XCTAssertEqual(h.applied.map { $0[1] }, ["a", "a", "b"])
        XCTAssertEqual(h.link.history.offset, Int64(2 * big.count + small.count))
        h.clear()
        h.receive(small)
        XCTAssertEqual(h.applied.count, 1, "caught up: what arrives is applied at once again")
    }

    func testCommandsOfOneReadAreForwardedAsOneRunStoppingBeforeAnOpenTransaction() {
        var h = LinkHarness()
        h.fullSync(offset: 0)
        h.clear()
        let set = LinkHarness.command("SET", "a", "1"), multi = LinkHarness.command("MULTI")
        let incr = LinkHarness.command("INCR", "n"), exec = LinkHarness.command("EXEC")
        h.receive(set + set + multi + incr)
        XCTAssertEqual(h.forwarded, [set + set])
        XCTAssertEqual(h.link.history.offset, Int64(2 * set.count))
        h.receive(exec + set)
        XCTAssertEqual(h.forwarded, [set + set, multi + incr + exec + set])
        XCTAssertEqual(h.link.history.offset, Int64(3 * set.count + multi.count + incr.count + exec.count))
    }

    func testATransactionCutBySliceEndsIsForwardedWholeAtItsExec() {
        var h = LinkHarness()
        h.fullSync(offset: 0)
        h.clear()
        let before = LinkHarness.command("SET", "a", String(repeating: "1", count: ReplicaLink.streamSliceBytes))
        let multi = LinkHarness.command("MULTI"), exec = LinkHarness.command("EXEC")
        let inside = LinkHarness.command("SET", "b", String(repeating: "2", count: ReplicaLink.streamSliceBytes / 2))
        let transaction = multi + inside + inside + inside + exec
        h.receive(before + transaction)
        while h.link.streamPending { h.run { $0.continueStream(nowMs: $1) } }
        XCTAssertEqual(h.forwarded, [before, transaction])
        XCTAssertEqual(h.applied.count, 6)
        XCTAssertEqual(h.link.history.offset, Int64(before.count + transaction.count))
    }
}
