import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// A writable replica expires the keys its own clients gave a TTL (its
/// master never will); keys from its master are left to the master.
final class WritableReplicaExpiryTests: XCTestCase {
    private func writableReplica() throws -> Harness {
        let h = try Harness()
        h.server.keyspace.isMaster = false
        h.server.config.replicaReadOnly = false
        return h
    }

    func testAKeySetWithATTLOnAWritableReplicaIsExpiredByTheCron() throws {
        let h = try writableReplica()
        XCTAssertEqual(h.call("SET", "foo", "bar", "PX", "1"), .ok)
        XCTAssertEqual(h.server.writableReplicaExpires[Key("foo")], [0])
        let expiredBefore = h.server.keyspace.expiredKeys
        h.server.clockOffsetMs += 10
        h.server.cron()
        XCTAssertNil(h.server.databases[0].dict[Key("foo")])
        XCTAssertEqual(h.server.keyspace.expiredKeys, expiredBefore + 1)
        XCTAssertTrue(h.server.writableReplicaExpires.isEmpty)
    }

    func testAKeyNotYetDueWhenTheCronRunsIsKeptUntilItIsDue() throws {
        let h = try writableReplica()
        h.call("SET", "foo", "bar", "EX", "100")
        h.server.cron()
        XCTAssertEqual(h.server.writableReplicaExpires[Key("foo")], [0])
        h.server.clockOffsetMs += 200_000
        h.server.cron()
        XCTAssertNil(h.server.databases[0].dict[Key("foo")])
        XCTAssertTrue(h.server.writableReplicaExpires.isEmpty)
    }

    func testAWriteToAnExpiredKeyOnAWritableReplicaStartsANewKeyWithoutTheTTL() throws {
        let h = try writableReplica()
        h.server.activeExpireEnabled = false
        h.call("SET", "n", "5", "PX", "10")
        h.server.clockOffsetMs += 100
        XCTAssertEqual(h.call("INCR", "n"), .integer(1))
        XCTAssertEqual(h.call("TTL", "n"), .integer(-1))
    }

    func testAWriteOnAReadOnlyReplicaLeavesAnExpiredKeyInPlace() throws {
        let h = try writableReplica()
        h.server.activeExpireEnabled = false
        h.call("SET", "n", "5", "PX", "10")
        h.server.config.replicaReadOnly = true
        h.server.clockOffsetMs += 100
        XCTAssertEqual(h.call("EXISTS", "n"), .integer(0))
        XCTAssertNil(h.server.databases[0].lookupWrite(Key("n")))
        XCTAssertNotNil(h.server.databases[0].dict[Key("n")])
    }

    func testAKeyWithoutATTLIsNotRemembered() throws {
        let h = try writableReplica()
        XCTAssertEqual(h.call("SET", "foo", "bar"), .ok)
        XCTAssertTrue(h.server.writableReplicaExpires.isEmpty)
    }

    func testAKeyWhoseTTLWasRemovedIsForgottenAndKept() throws {
        let h = try writableReplica()
        h.call("SET", "foo", "bar", "EX", "100")
        h.call("PERSIST", "foo")
        h.server.clockOffsetMs += 200_000
        h.server.cron()
        XCTAssertEqual(h.call("GET", "foo"), .bulkString(Array("bar".utf8)))
        XCTAssertTrue(h.server.writableReplicaExpires.isEmpty)
    }
}
