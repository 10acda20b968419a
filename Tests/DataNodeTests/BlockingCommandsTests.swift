import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Blocking list commands across several in-process clients. Replies to a
/// blocked client arrive in its output buffer when another client's command
/// (or EXEC) completes; timeouts run through the server's own check after
/// moving the command clock, never by sleeping.
final class BlockingCommandsTests: XCTestCase {
    /// Sends a command from `c` and returns what it answered at once.
    private func send(_ h: Harness, _ c: Client, _ args: String...) -> String {
        String(decoding: h.raw(args, on: c), as: UTF8.self)
    }

    /// Takes what arrived in `c`'s output buffer since the last look.
    private func take(_ c: Client) -> String {
        defer { c.out.bytes.removeAll() }
        return String(decoding: c.out.bytes, as: UTF8.self)
    }

    private func isBlocked(_ c: Client) -> Bool { c.flags.contains(.blocked) }

    func testBlpopIsServedByAPushFromAnotherClient() throws {
        let h = try Harness()
        let a = h.newClient()
        XCTAssertEqual(send(h, a, "BLPOP", "k", "0"), "")
        XCTAssertTrue(isBlocked(a))
        XCTAssertEqual(h.server.blocking.blockedClients, 1)
        XCTAssertEqual(h.rawString("RPUSH", "k", "v1", "v2"), ":2\r\n", "the pusher sees the length before serving")
        XCTAssertEqual(take(a), "*2\r\n$1\r\nk\r\n$2\r\nv1\r\n")
        XCTAssertFalse(isBlocked(a))
        XCTAssertEqual(h.server.blocking.blockedClients, 0)
        XCTAssertEqual(h.call("LRANGE", "k", "0", "-1"), .array([.bulkString(Array("v2".utf8))]))
    }

    func testFirstComeFirstServedPerKey() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient(), c = h.newClient()
        _ = send(h, a, "BLPOP", "k", "0")
        _ = send(h, b, "BRPOP", "k", "0")
        _ = send(h, c, "BLPOP", "other", "k", "0")
        h.call("RPUSH", "k", "1", "2")
        XCTAssertEqual(take(a), "*2\r\n$1\r\nk\r\n$1\r\n1\r\n")
        XCTAssertEqual(take(b), "*2\r\n$1\r\nk\r\n$1\r\n2\r\n")
        XCTAssertEqual(take(c), "")
        XCTAssertTrue(isBlocked(c))
        XCTAssertEqual(h.call("EXISTS", "k"), .integer(0), "served to empty: deleted")
        h.call("RPUSH", "k", "3")
        XCTAssertEqual(take(c), "*2\r\n$1\r\nk\r\n$1\r\n3\r\n")
        h.call("RPUSH", "other", "x")
        XCTAssertEqual(take(c), "", "served once: no longer waits on its other key")
        XCTAssertEqual(h.call("LLEN", "other"), .integer(1))
    }

    func testSameKeyTwiceWaitsOnce() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient()
        _ = send(h, a, "BLPOP", "k", "k", "0")
        _ = send(h, b, "BLPOP", "k", "0")
        h.call("RPUSH", "k", "1", "2")
        XCTAssertEqual(take(a), "*2\r\n$1\r\nk\r\n$1\r\n1\r\n")
        XCTAssertEqual(take(b), "*2\r\n$1\r\nk\r\n$1\r\n2\r\n")
    }

    func testPushesInsideExecAreServedAfterExec() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient()
        _ = send(h, a, "BLPOP", "k", "0")
        _ = send(h, b, "BRPOP", "k", "0")
        h.call("MULTI")
        h.call("LPUSH", "k", "a")
        h.call("LPUSH", "k", "b")
        h.call("LPUSH", "k", "c")
        XCTAssertEqual(take(a), "")
        XCTAssertEqual(h.rawString("EXEC"), "*3\r\n:1\r\n:2\r\n:3\r\n")
        // Served against the list as EXEC left it: [c, b, a].
        XCTAssertEqual(take(a), "*2\r\n$1\r\nk\r\n$1\r\nc\r\n")
        XCTAssertEqual(take(b), "*2\r\n$1\r\nk\r\n$1\r\na\r\n")
        XCTAssertEqual(h.call("LRANGE", "k", "0", "-1"), .array([.bulkString(Array("b".utf8))]))

        // A key filled and emptied within one EXEC serves nobody.
        _ = send(h, a, "BLPOP", "e", "0")
        h.call("MULTI")
        h.call("RPUSH", "e", "x")
        h.call("LPOP", "e")
        h.call("EXEC")
        XCTAssertEqual(take(a), "")
        XCTAssertTrue(isBlocked(a))
    }

    func testKeysAreServedInTheOrderTheyWereSignalled() throws {
        let h = try Harness()
        let a = h.newClient()
        _ = send(h, a, "BLPOP", "k1", "k2", "0")
        h.call("MULTI")
        h.call("RPUSH", "k2", "a")
        h.call("RPUSH", "k1", "b")
        h.call("EXEC")
        XCTAssertEqual(take(a), "*2\r\n$2\r\nk2\r\n$1\r\na\r\n", "k2 became ready first")
        XCTAssertEqual(h.call("LLEN", "k1"), .integer(1))
    }

    func testCommandsInsideMultiNeverBlock() throws {
        let h = try Harness()
        h.call("MULTI")
        for cmd in [["BLPOP", "n", "0"], ["BRPOP", "n", "0"], ["BLMPOP", "0", "1", "n", "LEFT"],
                    ["BLMOVE", "n", "d", "LEFT", "LEFT", "0"], ["BRPOPLPUSH", "n", "d", "0"]] {
            h.call(args: cmd)
        }
        XCTAssertEqual(h.rawString("EXEC"), "*5\r\n*-1\r\n*-1\r\n*-1\r\n$-1\r\n$-1\r\n")
        XCTAssertFalse(isBlocked(h.client))
        XCTAssertEqual(h.server.blocking.blockedClients, 0)
    }

    func testOtherDatabasesAndMove() throws {
        let h = try Harness()
        let a = h.newClient()
        _ = send(h, a, "SELECT", "1")
        _ = send(h, a, "BLPOP", "k", "0")
        h.call("RPUSH", "k", "db0")
        XCTAssertEqual(take(a), "", "a push in db 0 does not wake a waiter of db 1")
        h.call("MOVE", "k", "1")
        XCTAssertEqual(take(a), "*2\r\n$1\r\nk\r\n$3\r\ndb0\r\n")

        _ = send(h, a, "BLPOP", "k", "0")
        let b = h.newClient()
        _ = send(h, b, "SELECT", "1")
        _ = send(h, b, "RPUSH", "k", "db1")
        XCTAssertEqual(take(a), "*2\r\n$1\r\nk\r\n$3\r\ndb1\r\n")

        // SWAPDB brings a list under a waiter.
        _ = send(h, a, "BLPOP", "w", "0")
        h.call("RPUSH", "w", "swapped")
        XCTAssertEqual(take(a), "")
        h.call("SWAPDB", "0", "1")
        XCTAssertEqual(take(a), "*2\r\n$1\r\nw\r\n$7\r\nswapped\r\n")
    }

    func testKeyOfAnotherTypeOrDeletedKeepsClientsWaiting() throws {
        let h = try Harness()
        let a = h.newClient()
        _ = send(h, a, "BLPOP", "k", "0")
        h.call("SET", "k", "string")
        XCTAssertEqual(take(a), "")
        XCTAssertTrue(isBlocked(a), "7.0 leaves the client blocked when the key gets another type")
        h.call("DEL", "k")
        XCTAssertTrue(isBlocked(a))
        h.call("RPUSH", "k", "v")
        XCTAssertEqual(take(a), "*2\r\n$1\r\nk\r\n$1\r\nv\r\n")
        // Pushed and deleted by the same transaction, then pushed again.
        _ = send(h, a, "BLPOP", "k", "0")
        h.call("MULTI")
        h.call("RPUSH", "k", "x")
        h.call("DEL", "k")
        h.call("EXEC")
        XCTAssertTrue(isBlocked(a))
        h.call("LPUSH", "k", "y")
        XCTAssertEqual(take(a), "*2\r\n$1\r\nk\r\n$1\r\ny\r\n")
    }

    func testBlmoveServesAndChains() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient()
        _ = send(h, a, "BLMOVE", "src", "mid", "RIGHT", "LEFT", "0")
        _ = send(h, b, "BLPOP", "mid", "0")
        h.call("RPUSH", "src", "1", "2")
        XCTAssertEqual(take(a), "$1\r\n2\r\n")
        XCTAssertEqual(take(b), "*2\r\n$3\r\nmid\r\n$1\r\n2\r\n", "the element BLMOVE pushed wakes the next waiter")
        XCTAssertEqual(h.call("LRANGE", "src", "0", "-1"), .array([.bulkString(Array("1".utf8))]))
        XCTAssertEqual(h.call("EXISTS", "mid"), .integer(0))

        _ = send(h, a, "BRPOPLPUSH", "q", "q", "0")
        h.call("RPUSH", "q", "only")
        XCTAssertEqual(take(a), "$4\r\nonly\r\n")
        XCTAssertEqual(h.call("LRANGE", "q", "0", "-1"), .array([.bulkString(Array("only".utf8))]))
    }

    func testBlmoveToWrongTypeFailsAndNextWaiterIsServed() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient()
        h.call("SET", "d", "string")
        _ = send(h, a, "BLMOVE", "s", "d", "LEFT", "RIGHT", "0")
        _ = send(h, b, "BLPOP", "s", "0")
        h.call("RPUSH", "s", "v1")
        XCTAssertEqual(take(a), "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n")
        XCTAssertFalse(isBlocked(a))
        XCTAssertEqual(take(b), "*2\r\n$1\r\ns\r\n$2\r\nv1\r\n")
        let blmove = h.server.commands.lookup(Array("blmove".utf8))!
        XCTAssertEqual(blmove.calls, 1)
        XCTAssertEqual(blmove.failedCalls, 1)
    }

    func testBlmpopServesWithCount() throws {
        let h = try Harness()
        let a = h.newClient()
        _ = send(h, a, "BLMPOP", "0", "2", "x", "y", "RIGHT", "COUNT", "5")
        h.call("RPUSH", "y", "1", "2", "3")
        XCTAssertEqual(take(a), "*2\r\n$1\r\ny\r\n*3\r\n$1\r\n3\r\n$1\r\n2\r\n$1\r\n1\r\n")
        XCTAssertEqual(h.call("EXISTS", "y"), .integer(0))
    }

    func testTimeouts() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient(), c = h.newClient()
        _ = send(h, a, "BLPOP", "k", "1.5")
        _ = send(h, b, "BLMOVE", "k", "d", "LEFT", "LEFT", "0.2")
        _ = send(h, c, "BLPOP", "k", "0")
        h.advanceClock(ms: 300)
        h.server.handleBlockedClientsTimeout()
        XCTAssertEqual(take(b), "*-1\r\n", "7.0 answers a null array to every list timeout")
        XCTAssertEqual(take(a), "")
        h.advanceClock(ms: 1000)
        h.server.handleBlockedClientsTimeout()
        XCTAssertEqual(take(a), "")
        h.advanceClock(ms: 300)
        h.server.handleBlockedClientsTimeout()
        XCTAssertEqual(take(a), "*-1\r\n")
        h.advanceClock(ms: 1_000_000)
        h.server.handleBlockedClientsTimeout()
        XCTAssertTrue(isBlocked(c), "timeout 0 waits forever")
        XCTAssertEqual(h.server.commands.lookup(Array("blpop".utf8))!.calls, 1)

        _ = send(h, a, "HELLO", "3")
        _ = take(a)
        _ = send(h, a, "BLMPOP", "0.001", "1", "k", "LEFT")
        h.advanceClock(ms: 2)
        h.server.handleBlockedClientsTimeout()
        XCTAssertEqual(take(a), "_\r\n")
    }

    func testTimeoutParsing() throws {
        let h = try Harness()
        for (arg, reply) in [("x", "-ERR timeout is not a float or out of range\r\n"), ("", "-ERR timeout is not a float or out of range\r\n"),
                             (" 1", "-ERR timeout is not a float or out of range\r\n"), ("nan", "-ERR timeout is not a float or out of range\r\n"),
                             ("-1", "-ERR timeout is negative\r\n"), ("inf", "-ERR timeout is negative\r\n"),
                             ("9223372036854775807", "-ERR timeout is negative\r\n"), ("1e1000", "-ERR timeout is negative\r\n")] {
            XCTAssertEqual(send(h, h.client, "BLPOP", "k", arg), reply, arg)
        }
        // Rounded up to whole milliseconds; tiny negatives round to 0 (forever).
        for (arg, forever) in [("-0.0001", true), ("0.0001", false), ("0x10", false), ("9223372036854775", true)] {
            let c = h.newClient()
            XCTAssertEqual(send(h, c, "BLPOP", "k", arg), "", arg)
            XCTAssertTrue(isBlocked(c), arg)
            let w = h.server.blocking.byClient[c.id]!
            XCTAssertEqual(w.deadlineMs == 0, forever, arg)
            h.server.freeClient(c, reason: "test")
        }
        XCTAssertEqual(h.server.blocking.blockedClients, 0)
    }

    func testClientUnblock() throws {
        let h = try Harness()
        let a = h.newClient()
        let id = String(a.id)
        XCTAssertEqual(h.rawString("CLIENT", "UNBLOCK", id), ":0\r\n", "not blocked")
        _ = send(h, a, "BLPOP", "k", "0")
        XCTAssertEqual(h.rawString("CLIENT", "UNBLOCK", id, "TIMEOUT"), ":1\r\n")
        XCTAssertEqual(take(a), "*-1\r\n")
        XCTAssertFalse(isBlocked(a))
        _ = send(h, a, "BRPOPLPUSH", "k", "d", "0")
        XCTAssertEqual(h.rawString("CLIENT", "UNBLOCK", id, "error"), ":1\r\n")
        XCTAssertEqual(take(a), "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "UNBLOCK", id, "error"), ":0\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "UNBLOCK", "abc", "foo"), "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "UNBLOCK", "abc"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "UNBLOCK", id, "timeout", "x"),
                       "-ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.\r\n")
        let blpop = h.server.commands.lookup(Array("blpop".utf8))!
        XCTAssertEqual(blpop.calls, 1)
        XCTAssertEqual(blpop.failedCalls, 1, "7.0 counts an unblocked command as failed")
        h.call("RPUSH", "k", "v")
        XCTAssertEqual(take(a), "", "an unblocked client is no longer served")
    }

    func testDisconnectedWaiterIsForgotten() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient()
        _ = send(h, a, "BLPOP", "k", "5")
        _ = send(h, b, "BLPOP", "k", "0")
        h.server.freeClient(a, reason: "gone")
        XCTAssertEqual(h.server.blocking.blockedClients, 1)
        h.call("RPUSH", "k", "v")
        XCTAssertEqual(take(b), "*2\r\n$1\r\nk\r\n$1\r\nv\r\n")
        h.advanceClock(ms: 10_000)
        h.server.handleBlockedClientsTimeout()
        XCTAssertEqual(take(a), "")
        XCTAssertTrue(h.server.blocking.queues.allSatisfy { $0.isEmpty })
    }

    func testReplyOffDropsTheLateReply() throws {
        let h = try Harness()
        let a = h.newClient()
        _ = send(h, a, "CLIENT", "REPLY", "OFF")
        _ = send(h, a, "BLPOP", "k", "0")
        h.call("RPUSH", "k", "v")
        XCTAssertEqual(take(a), "")
        XCTAssertEqual(h.call("EXISTS", "k"), .integer(0), "served all the same")
    }

    func testManyWaitersOnOneKey() throws {
        let h = try Harness()
        let clients = (0..<200).map { _ in h.newClient() }
        for c in clients { _ = send(h, c, "BLPOP", "k", "0") }
        // Half of them leave before anything arrives.
        for c in clients.enumerated() where c.offset % 2 == 0 { h.server.freeClient(c.element, reason: "gone") }
        h.call(args: ["RPUSH", "k"] + (0..<100).map { String($0) })
        for (i, c) in clients.enumerated() where i % 2 == 1 {
            XCTAssertEqual(take(c), "*2\r\n$1\r\nk\r\n$\(String(i / 2).count)\r\n\(i / 2)\r\n")
        }
        XCTAssertEqual(h.server.blocking.blockedClients, 0)
        XCTAssertTrue(h.server.blocking.queues.allSatisfy { $0.isEmpty })
    }
}
