import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class TransactionCommandsTests: XCTestCase {
    func testMultiExecAndErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("EXEC"), "-ERR EXEC without MULTI\r\n")
        XCTAssertEqual(h.rawString("DISCARD"), "-ERR DISCARD without MULTI\r\n")
        XCTAssertEqual(h.call("MULTI"), .ok)
        XCTAssertEqual(h.rawString("MULTI"), "-ERR MULTI calls can not be nested\r\n")
        XCTAssertEqual(h.rawString("SET", "k", "v"), "+QUEUED\r\n")
        XCTAssertEqual(h.rawString("GET", "k"), "+QUEUED\r\n")
        // The nested MULTI error does not doom the transaction.
        XCTAssertEqual(h.rawString("EXEC"), "*2\r\n+OK\r\n$1\r\nv\r\n")
        XCTAssertFalse(h.client.flags.contains(.multi))
        XCTAssertEqual(h.call("MULTI"), .ok)
        XCTAssertEqual(h.rawString("EXEC"), "*0\r\n")
    }

    func testQueueingErrorAbortsExec() throws {
        let h = try Harness()
        _ = h.rawString("MULTI")
        _ = h.rawString("SET", "k", "v")
        XCTAssertEqual(h.rawString("FOO"), "-ERR unknown command 'FOO', with args beginning with: \r\n")
        XCTAssertEqual(h.rawString("EXEC"), "-EXECABORT Transaction discarded because of previous errors.\r\n")
        XCTAssertEqual(h.rawString("GET", "k"), "$-1\r\n")
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("SET", "a"), "-ERR wrong number of arguments for 'set' command\r\n")
        XCTAssertEqual(h.rawString("EXEC"), "-EXECABORT Transaction discarded because of previous errors.\r\n")
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("DISCARD", "x"), "-ERR wrong number of arguments for 'discard' command\r\n")
        XCTAssertEqual(h.rawString("EXEC"), "-EXECABORT Transaction discarded because of previous errors.\r\n")
        XCTAssertEqual(h.rawString("EXEC"), "-ERR EXEC without MULTI\r\n")
    }

    /// Dispatch rejecting EXEC itself aborts with the reason (7.0 execCommandAbort).
    func testRejectedExecAbortsWithReason() throws {
        let h = try Harness()
        _ = h.rawString("MULTI")
        _ = h.rawString("SET", "k", "v")
        XCTAssertEqual(h.rawString("EXEC", "x"),
                       "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n")
        XCTAssertFalse(h.client.flags.contains(.multi))
        XCTAssertEqual(h.rawString("EXEC"), "-ERR EXEC without MULTI\r\n")
        XCTAssertEqual(h.rawString("EXEC", "x"),
                       "-EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command\r\n")
        XCTAssertEqual(h.rawString("GET", "k"), "$-1\r\n")
    }

    func testRuntimeErrorsDoNotAbort() throws {
        let h = try Harness()
        _ = h.rawString("SET", "s", "notanumber")
        _ = h.rawString("MULTI")
        _ = h.rawString("SET", "k", "1")
        _ = h.rawString("INCR", "s")
        _ = h.rawString("INCR", "k")
        XCTAssertEqual(h.rawString("EXEC"), "*3\r\n+OK\r\n-ERR value is not an integer or out of range\r\n:2\r\n")
    }

    func testDiscard() throws {
        let h = try Harness()
        _ = h.rawString("WATCH", "k")
        _ = h.rawString("MULTI")
        _ = h.rawString("SET", "k", "v")
        XCTAssertEqual(h.call("DISCARD"), .ok)
        XCTAssertEqual(h.rawString("GET", "k"), "$-1\r\n")
        XCTAssertTrue(h.client.watchedKeys.isEmpty)
        XCTAssertTrue(h.client.multiQueue.isEmpty)
    }

    func testWatchRules() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("WATCH"), "-ERR wrong number of arguments for 'watch' command\r\n")
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("WATCH", "x"), "-ERR WATCH inside MULTI is not allowed\r\n")
        XCTAssertEqual(h.rawString("UNWATCH"), "+QUEUED\r\n")
        _ = h.rawString("SET", "a", "b")
        // The WATCH error does not doom the transaction either.
        XCTAssertEqual(h.rawString("EXEC"), "*2\r\n+OK\r\n+OK\r\n")
    }

    func testWatchedKeyChangedByOtherClient() throws {
        let h = try Harness()
        let other = h.newClient()
        XCTAssertEqual(h.call("WATCH", "k"), .ok)
        _ = h.raw(["SET", "k", "2"], on: other)
        _ = h.rawString("MULTI")
        _ = h.rawString("GET", "k")
        XCTAssertEqual(h.rawString("EXEC"), "*-1\r\n")
        XCTAssertTrue(h.client.watchedKeys.isEmpty)
        // RESP3: null.
        _ = h.rawString("HELLO", "3")
        _ = h.rawString("WATCH", "k")
        _ = h.raw(["SET", "k", "3"], on: other)
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("EXEC"), "_\r\n")
        // Next transaction starts clean.
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("EXEC"), "*0\r\n")
    }

    func testWatchIsPerDatabase() throws {
        let h = try Harness()
        let other = h.newClient()
        _ = h.rawString("WATCH", "k")
        _ = h.raw(["SELECT", "1"], on: other)
        _ = h.raw(["SET", "k", "x"], on: other)
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("EXEC"), "*0\r\n")
    }

    func testUnwatchClearsDirtyState() throws {
        let h = try Harness()
        let other = h.newClient()
        _ = h.rawString("WATCH", "k")
        _ = h.raw(["SET", "k", "2"], on: other)
        XCTAssertEqual(h.call("UNWATCH"), .ok)
        _ = h.rawString("MULTI")
        _ = h.rawString("SET", "k", "mine")
        XCTAssertEqual(h.rawString("EXEC"), "*1\r\n+OK\r\n")
    }

    func testOwnWriteInsideTransactionDoesNotAbortIt() throws {
        let h = try Harness()
        _ = h.rawString("WATCH", "k")
        _ = h.rawString("MULTI")
        _ = h.rawString("SET", "k", "1")
        _ = h.rawString("SET", "k", "2")
        XCTAssertEqual(h.rawString("EXEC"), "*2\r\n+OK\r\n+OK\r\n")
    }

    // MARK: expiry (7.0 semantics, checked against redis-server 7.0.15)

    func testWatchedKeyExpiringBeforeExecAborts() throws {
        let h = try Harness()
        h.server.activeExpireEnabled = false
        _ = h.rawString("SET", "k", "v", "PX", "100")
        _ = h.rawString("WATCH", "k")
        h.advanceClock(ms: 200)
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("EXEC"), "*-1\r\n")
    }

    /// "k" expired (lazily, active expiry off) before the harness client
    /// WATCHed it; `other` is a second client to touch it afterwards.
    private func watchingKeyExpiredBeforeWatch() throws -> (Harness, other: Client) {
        let h = try Harness()
        let other = h.newClient()
        h.server.activeExpireEnabled = false
        _ = h.rawString("SET", "k", "v", "PX", "100")
        h.advanceClock(ms: 200)
        _ = h.rawString("WATCH", "k")
        return (h, other)
    }

    func testKeyAlreadyExpiredAtWatchTimeIsNoChange() throws {
        let (h, _) = try watchingKeyExpiredBeforeWatch()
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("EXEC"), "*0\r\n")
    }

    func testLazyDeletionOfKeyExpiredAtWatchTimeIsNoChange() throws {
        let (h, other) = try watchingKeyExpiredBeforeWatch()
        XCTAssertEqual(h.raw(["GET", "k"], on: other), Array("$-1\r\n".utf8))
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("EXEC"), "*0\r\n")
    }

    func testRecreatingKeyExpiredAtWatchTimeAborts() throws {
        let (h, other) = try watchingKeyExpiredBeforeWatch()
        _ = h.raw(["GET", "k"], on: other)
        _ = h.raw(["SET", "k", "1"], on: other)
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("EXEC"), "*-1\r\n")
    }

    func testOverwritingKeyExpiredAtWatchTimeAborts() throws {
        let (h, other) = try watchingKeyExpiredBeforeWatch()
        _ = h.raw(["SET", "k", "1"], on: other)
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("EXEC"), "*-1\r\n")
    }

    func testExecStateInClientFlags() throws {
        let h = try Harness()
        _ = h.rawString("MULTI")
        XCTAssertTrue(h.client.flags.contains(.multi))
        _ = h.rawString("PING")
        XCTAssertEqual(h.client.multiQueue.count, 1)
        XCTAssertEqual(h.rawString("EXEC"), "*1\r\n+PONG\r\n")
        XCTAssertFalse(h.client.flags.contains(.multi))
        XCTAssertTrue(h.client.multiQueue.isEmpty)
        XCTAssertEqual(h.client.lastCommandName, "exec")
    }
}
