import XCTest
@testable import ReplicationCore

/// A replica's CLIENT PAUSE holds its master's stream at the first command
/// the pause holds (Redis postpones the master client like any other).
final class StreamPauseTests: XCTestCase {
    private static let writePause = StreamPause(holdsAll: false,
                                                writeCommands: [Array("set".utf8), Array("incr".utf8), Array("publish".utf8), Array("script|load".utf8)],
                                                containers: [Array("script".utf8)])
    private static let allPause = StreamPause(holdsAll: true, writeCommands: writePause.writeCommands, containers: writePause.containers)

    private func streaming(offset: Int64 = 0) -> LinkHarness {
        var h = LinkHarness()
        h.fullSync(offset: offset)
        h.clear()
        return h
    }

    func testAWritePauseHoldsTheFirstWriteAndEverythingAfterItWhileTheStreamIsStillRead() {
        var h = streaming()
        h.link.pauseStream(Self.writePause)
        let ping = LinkHarness.command("PING"), set = LinkHarness.command("SET", "a", "1"), ping2 = LinkHarness.command("PING")
        h.receive(ping + set + ping2)
        XCTAssertEqual(h.applied, [["PING"]])
        XCTAssertEqual(h.link.history.offset, Int64(ping.count), "the held command is not credited")
        XCTAssertEqual(h.link.infoOffsets.read, Int64(ping.count + set.count + ping2.count))
        XCTAssertEqual(h.forwarded, [ping])
        XCTAssertTrue(h.link.streamHeld)
    }

    func testUnpausingAppliesTheHeldCommandAndWhatWasBufferedBehindItInOrder() {
        var h = streaming()
        h.link.pauseStream(Self.writePause)
        let set = LinkHarness.command("SET", "a", "1"), incr = LinkHarness.command("INCR", "n")
        h.receive(set)
        h.receive(incr)
        XCTAssertTrue(h.applied.isEmpty)
        h.run { link, _ in link.unpauseStream() }
        XCTAssertEqual(h.applied, [["SET", "a", "1"], ["INCR", "n"]])
        XCTAssertEqual(h.link.history.offset, Int64(set.count + incr.count))
        XCTAssertEqual(h.forwarded, [set + incr])
        XCTAssertFalse(h.link.streamHeld)
    }

    func testAWritePauseAnswersGetackBeforeTheFirstWriteButNotAfterIt() {
        var h = streaming(offset: 10)
        h.link.pauseStream(Self.writePause)
        let getack = LinkHarness.command("REPLCONF", "GETACK", "*"), set = LinkHarness.command("SET", "a", "1")
        h.receive(getack + set + getack)
        XCTAssertEqual(h.sentText, [LinkHarness.ack(10)])
        h.clear()
        h.run { link, _ in link.unpauseStream() }
        XCTAssertEqual(h.sentText, [LinkHarness.ack(10 + Int64(getack.count + set.count))])
    }

    func testAnAllPauseHoldsReadsAndGetackToo() {
        var h = streaming()
        h.link.pauseStream(Self.allPause)
        h.receive(LinkHarness.command("PING") + LinkHarness.command("REPLCONF", "GETACK", "*"))
        XCTAssertTrue(h.applied.isEmpty)
        XCTAssertTrue(h.sent.isEmpty)
        XCTAssertEqual(h.link.history.offset, 0)
    }

    func testASubcommandIsJudgedByItsContainerAndSubcommandName() {
        var h = streaming()
        h.link.pauseStream(Self.writePause)
        h.receive(LinkHarness.command("SCRIPT", "FLUSH") + LinkHarness.command("script", "LOAD", "return 1"))
        XCTAssertEqual(h.applied, [["SCRIPT", "FLUSH"]])
    }

    func testAnExecIsHeldWhenItsTransactionQueuedAWriteBeforeThePauseBegan() {
        var h = streaming()
        let multi = LinkHarness.command("MULTI"), incr = LinkHarness.command("INCR", "n"), exec = LinkHarness.command("EXEC")
        h.receive(multi + incr)
        h.link.pauseStream(Self.writePause)
        h.receive(exec)
        XCTAssertEqual(h.applied, [["MULTI"], ["INCR", "n"]])
        XCTAssertEqual(h.link.history.offset, 0)
        h.run { link, _ in link.unpauseStream() }
        XCTAssertEqual(h.link.history.offset, Int64(multi.count + incr.count + exec.count))
        XCTAssertEqual(h.forwarded, [multi + incr + exec])
    }

    func testAnExecOfReadsOnlyIsNotHeldByAWritePause() {
        var h = streaming()
        h.link.pauseStream(Self.writePause)
        h.receive(LinkHarness.command("MULTI") + LinkHarness.command("PING") + LinkHarness.command("EXEC"))
        XCTAssertEqual(h.applied, [["MULTI"], ["PING"], ["EXEC"]])
        XCTAssertFalse(h.link.streamHeld)
    }

    func testALostLinkDropsTheHeldCommandUncreditedSoPsyncAsksForItAgain() {
        var h = streaming(offset: 100)
        h.link.pauseStream(Self.writePause)
        h.receive(LinkHarness.command("SET", "a", "1"))
        h.run { $0.closed(reason: "reset", nowMs: $1) }
        XCTAssertFalse(h.link.streamHeld)
        XCTAssertEqual(h.link.history.offset, 100)
    }

    func testUnpausingWithNothingHeldDoesNothing() {
        var h = streaming()
        h.link.pauseStream(Self.writePause)
        XCTAssertEqual(h.run { link, _ in link.unpauseStream() }, [])
        XCTAssertNil(h.link.streamPause)
    }
}
