import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Stream commands in process: replies, errors that leave nothing behind,
/// and XREAD / XREADGROUP blocking across clients.
final class StreamCommandsTests: XCTestCase {
    private func send(_ h: Harness, _ c: Client, _ args: String...) -> String {
        String(decoding: h.raw(args, on: c), as: UTF8.self)
    }

    private func take(_ c: Client) -> String {
        defer { c.out.bytes.removeAll() }
        return String(decoding: c.out.bytes, as: UTF8.self)
    }

    func testXaddWithExplicitAndPartialIDs() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("XADD", "s", "5-1", "a", "1"), "$3\r\n5-1\r\n")
        XCTAssertEqual(h.rawString("XADD", "s", "5-*", "a", "2"), "$3\r\n5-2\r\n")
        XCTAssertEqual(h.rawString("XADD", "s", "7", "a", "3"), "$3\r\n7-0\r\n")
        XCTAssertEqual(h.rawString("XLEN", "s"), ":3\r\n")
        XCTAssertEqual(h.rawString("XRANGE", "s", "(5-1", "+", "COUNT", "1"), "*1\r\n*2\r\n$3\r\n5-2\r\n*2\r\n$1\r\na\r\n$1\r\n2\r\n")
    }

    func testXaddGeneratedIDFollowsTheClockOrTheLastID() throws {
        let h = try Harness()
        h.call("XADD", "s", "99999999999999-5", "a", "1")
        XCTAssertEqual(h.rawString("XADD", "s", "*", "a", "1"), "$16\r\n99999999999999-6\r\n", "the clock is behind: last seq + 1")
    }

    func testRejectedXaddLeavesNoKey() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("XADD", "s", "0-0", "a", "1"), "-ERR The ID specified in XADD must be greater than 0-0\r\n")
        XCTAssertEqual(h.rawString("XADD", "s", "1-1", "a"), "-ERR wrong number of arguments for 'xadd' command\r\n")
        XCTAssertEqual(h.rawString("XADD", "s", "NOMKSTREAM", "1-1", "a", "1"), "$-1\r\n")
        XCTAssertEqual(h.rawString("EXISTS", "s"), ":0\r\n")
    }

    func testIDsAtOrBelowTheTopAreRefused() throws {
        let h = try Harness()
        h.call("XADD", "s", "5-5", "a", "1")
        let err = "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n"
        XCTAssertEqual(h.rawString("XADD", "s", "5-5", "a", "1"), err)
        XCTAssertEqual(h.rawString("XADD", "s", "4", "a", "1"), err)
        h.call("XADD", "s", "6-18446744073709551615", "a", "1")
        XCTAssertEqual(h.rawString("XADD", "s", "6-*", "a", "1"), "-ERR Elements are too large to be stored\r\n")
        h.call("XSETID", "s", "18446744073709551615-18446744073709551615")
        XCTAssertEqual(h.rawString("XADD", "s", "*", "a", "1"),
                       "-ERR The stream has exhausted the last possible ID, unable to add more items\r\n")
    }

    func testMalformedIDsShareOneError() throws {
        let h = try Harness()
        h.call("XADD", "s", "1", "a", "1")
        for bad in ["abc", "-1", "1-x", "0x10", "18446744073709551616", ""] {
            XCTAssertEqual(h.rawString("XDEL", "s", bad), "-ERR Invalid stream ID specified as stream command argument\r\n", bad)
        }
        XCTAssertEqual(h.rawString("XDEL", "s", " 1"), ":1\r\n", "strtoull's leading space")
    }

    func testXdelWithOneBadIDDeletesNothing() throws {
        let h = try Harness()
        h.call("XADD", "s", "1", "a", "1")
        h.call("XADD", "s", "2", "a", "1")
        XCTAssertTrue(h.rawString("XDEL", "s", "1", "bad").hasPrefix("-ERR Invalid stream ID"))
        XCTAssertEqual(h.rawString("XLEN", "s"), ":2\r\n")
    }

    func testApproximateXaddTrimRewritesToExact() throws {
        let h = try Harness()
        var fed: [[UInt8]] = []
        h.server.feed.attach(id: 1) { fed.append($0) }
        h.call("XADD", "s", "MAXLEN", "~", "1", "1-1", "a", "1")
        let text = fed.map { String(decoding: $0, as: UTF8.self) }.joined()
        XCTAssertTrue(text.contains("$6\r\nMAXLEN\r\n$1\r\n=\r\n$1\r\n1\r\n$3\r\n1-1\r\n"), text)
    }

    func testConsumerGroupReadAckAndPending() throws {
        let h = try Harness()
        h.call("XADD", "s", "1", "a", "1")
        h.call("XADD", "s", "2", "b", "2")
        XCTAssertEqual(h.rawString("XGROUP", "CREATE", "s", "g", "0"), "+OK\r\n")
        XCTAssertEqual(h.rawString("XREADGROUP", "GROUP", "g", "alice", "COUNT", "1", "STREAMS", "s", ">"),
                       "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n")
        XCTAssertEqual(h.rawString("XPENDING", "s", "g"), "*4\r\n:1\r\n$3\r\n1-0\r\n$3\r\n1-0\r\n*1\r\n*2\r\n$5\r\nalice\r\n$1\r\n1\r\n")
        XCTAssertEqual(h.rawString("XACK", "s", "g", "1-0", "9-9"), ":1\r\n")
        XCTAssertEqual(h.rawString("XPENDING", "s", "g"), "*4\r\n:0\r\n$-1\r\n$-1\r\n*-1\r\n")
    }

    func testHistoryReadShowsDeletedEntriesAsNil() throws {
        let h = try Harness()
        h.call("XADD", "s", "1", "a", "1")
        h.call("XGROUP", "CREATE", "s", "g", "0")
        h.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
        h.call("XDEL", "s", "1")
        XCTAssertEqual(h.rawString("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", "0"),
                       "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*-1\r\n")
    }

    func testXclaimDropsDeletedEntriesFromThePEL() throws {
        let h = try Harness()
        h.call("XADD", "s", "1", "a", "1")
        h.call("XGROUP", "CREATE", "s", "g", "0")
        h.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
        h.call("XDEL", "s", "1")
        XCTAssertEqual(h.rawString("XCLAIM", "s", "g", "d", "0", "1"), "*0\r\n")
        XCTAssertEqual(h.rawString("XPENDING", "s", "g", "-", "+", "10"), "*0\r\n")
    }

    func testXautoclaimCursorIsTheNextPendingID() throws {
        let h = try Harness()
        for i in 1...3 { h.call(args: ["XADD", "s", "\(i)", "a", "1"]) }
        h.call("XGROUP", "CREATE", "s", "g", "0")
        h.call("XREADGROUP", "GROUP", "g", "c", "STREAMS", "s", ">")
        XCTAssertEqual(h.rawString("XAUTOCLAIM", "s", "g", "d", "0", "0", "COUNT", "1", "JUSTID"),
                       "*3\r\n$3\r\n2-0\r\n*1\r\n$3\r\n1-0\r\n*0\r\n")
    }

    func testBlockedXreadIsServedByXadd() throws {
        let h = try Harness()
        let a = h.newClient()
        XCTAssertEqual(send(h, a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$"), "")
        XCTAssertTrue(a.flags.contains(.blocked))
        h.call("XADD", "s", "1", "a", "1")
        XCTAssertEqual(take(a), "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n")
        XCTAssertFalse(a.flags.contains(.blocked))
    }

    func testBlockedXreadKeepsWaitingWhenNothingNewArrives() throws {
        let h = try Harness()
        h.call("XADD", "s", "5", "a", "1")
        let a = h.newClient()
        _ = send(h, a, "XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        h.call("XDEL", "s", "5")
        XCTAssertEqual(take(a), "")
        XCTAssertTrue(a.flags.contains(.blocked))
        h.call("DEL", "s")
        XCTAssertTrue(a.flags.contains(.blocked), "XREAD without a group waits through a deletion")
    }

    func testBlockedReadersAreServedInArrivalOrder() throws {
        let h = try Harness()
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        let a = h.newClient(), b = h.newClient()
        _ = send(h, a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
        _ = send(h, b, "XREADGROUP", "GROUP", "g", "b", "BLOCK", "0", "STREAMS", "s", ">")
        h.call("XADD", "s", "1", "x", "1")
        XCTAssertTrue(take(a).contains("1-0"))
        XCTAssertEqual(take(b), "", "the group's last ID moved: nothing new for the second reader")
        h.call("XADD", "s", "2", "x", "2")
        XCTAssertTrue(take(b).contains("2-0"))
    }

    func testDestroyedGroupEndsABlockedXreadgroup() throws {
        let h = try Harness()
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        let a = h.newClient()
        _ = send(h, a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
        h.call("XGROUP", "DESTROY", "s", "g")
        XCTAssertEqual(take(a), "-NOGROUP the consumer group this client was blocked on no longer exists\r\n")
    }

    func testDeletedKeyEndsABlockedXreadgroup() throws {
        let h = try Harness()
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        let a = h.newClient()
        _ = send(h, a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
        h.call("DEL", "s")
        XCTAssertEqual(take(a), "-UNBLOCKED the stream key no longer exists\r\n")
    }

    func testFlushallEndsABlockedXreadgroup() throws {
        let h = try Harness()
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        let a = h.newClient()
        _ = send(h, a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
        h.call("FLUSHALL")
        XCTAssertEqual(take(a), "-UNBLOCKED the stream key no longer exists\r\n")
    }

    func testFlushdbEndsABlockedXreadgroup() throws {
        let h = try Harness()
        h.call("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        let a = h.newClient()
        _ = send(h, a, "XREADGROUP", "GROUP", "g", "a", "BLOCK", "0", "STREAMS", "s", ">")
        h.call("FLUSHDB")
        XCTAssertEqual(take(a), "-UNBLOCKED the stream key no longer exists\r\n")
    }

    func testBlockInsideMultiAnswersAsATimeout() throws {
        let h = try Harness()
        h.call("MULTI")
        h.call("XREAD", "BLOCK", "0", "STREAMS", "s", "$")
        XCTAssertEqual(h.rawString("EXEC"), "*1\r\n*-1\r\n")
    }

    func testBlockedXreadTimesOut() throws {
        let h = try Harness()
        let a = h.newClient()
        _ = send(h, a, "XREAD", "BLOCK", "100", "STREAMS", "s", "0")
        h.advanceClock(ms: 200)
        h.server.handleBlockedClientsTimeout()
        XCTAssertEqual(take(a), "*-1\r\n")
    }

    func testTypeEncodingCopyAndRename() throws {
        let h = try Harness()
        h.call("XADD", "s", "1", "a", "1")
        XCTAssertEqual(h.rawString("TYPE", "s"), "+stream\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "ENCODING", "s"), "$6\r\nstream\r\n")
        XCTAssertEqual(h.rawString("COPY", "s", "t"), ":1\r\n")
        h.call("XADD", "s", "2", "a", "2")
        XCTAssertEqual(h.rawString("XLEN", "t"), ":1\r\n", "the copy shares nothing")
        XCTAssertEqual(h.rawString("RENAME", "t", "u"), "+OK\r\n")
        XCTAssertEqual(h.rawString("XLEN", "u"), ":1\r\n")
        h.call("SET", "str", "x")
        guard case .array(let parts?) = h.call("SCAN", "0", "TYPE", "stream"), parts.count == 2,
              case .array(let keys?) = parts[1] else { return XCTFail("SCAN reply") }
        XCTAssertEqual(keys.compactMap { $0.bytes.map { String(decoding: $0, as: UTF8.self) } }.sorted(), ["s", "u"])
    }
}
