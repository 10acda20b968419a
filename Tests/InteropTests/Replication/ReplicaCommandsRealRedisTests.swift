import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// What a replica answers its own clients, side by side with redis-server
/// 7.0.15 in the same situation: REPLICAOF's replies, READONLY, MASTERDOWN,
/// ROLE and the INFO replication fields while the master is unreachable,
/// and the id shift of REPLICAOF NO ONE.
final class ReplicaCommandsRealRedisTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// A port nothing listens on: the link stays down.
    private let deadPort = "1"

    private func bothServers(_ args: [String] = []) throws -> (redis: RedisConnection, vigil: RedisConnection) {
        let redis = try fixture.startRedis(args)
        let vigil = try fixture.startVigil(args)
        let r = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(redis.port) }
        return (r, try ProcessFixture.connect(vigil.port))
    }

    private func both(_ s: (redis: RedisConnection, vigil: RedisConnection), _ cmd: [String],
                      file: StaticString = #filePath, line: UInt = #line) throws {
        let theirs = try Interop.talking(to: "redis-server") { try s.redis.call(cmd) }
        let ours = try s.vigil.call(cmd)
        XCTAssertEqual(ours, theirs, "\(cmd)", file: file, line: line)
    }

    func testReplicaofRepliesReadonlyAndMasterdownMatchRedis() throws {
        let s = try bothServers()
        defer { s.redis.close(); s.vigil.close() }
        try both(s, ["SET", "k", "v"])
        try both(s, ["REPLICAOF", "NO", "ONE"])
        try both(s, ["REPLICAOF", "127.0.0.1", "-1"])
        try both(s, ["REPLICAOF", "127.0.0.1", "65536"])
        try both(s, ["SLAVEOF", "127.0.0.1", "abc"])
        try both(s, ["REPLICAOF", "127.0.0.1", deadPort])
        try both(s, ["REPLICAOF", "127.0.0.1", deadPort])
        try both(s, ["PSYNC", "?", "-1"])
        try both(s, ["SET", "k", "w"])
        try both(s, ["MULTI"])
        try both(s, ["INCR", "n"])
        try both(s, ["EXEC"])
        try both(s, ["GET", "k"])
        try both(s, ["CONFIG", "SET", "replica-serve-stale-data", "no"])
        try both(s, ["GET", "k"])
        try both(s, ["PING"])
        try both(s, ["CONFIG", "SET", "replica-read-only", "no"])
        try both(s, ["SET", "k", "x"])
        try both(s, ["CONFIG", "SET", "replica-serve-stale-data", "yes"])
        try both(s, ["SET", "k", "x"])
        try both(s, ["GET", "k"])
    }

    func testRoleAndInfoReplicationOfAReplicaWhoseMasterIsDownMatchRedis() throws {
        let s = try bothServers()
        defer { s.redis.close(); s.vigil.close() }
        try both(s, ["REPLICAOF", "127.0.0.1", deadPort])
        usleep(300_000)
        try both(s, ["ROLE"])
        let theirs = try fields(s.redis)
        let ours = try fields(s.vigil)
        XCTAssertEqual(ours.map(\.0), theirs.map(\.0), "field names and order")
        let ids: Set<String> = ["master_replid"]
        for ((name, mine), (_, real)) in zip(ours, theirs) where !ids.contains(name) {
            XCTAssertEqual(mine, real, name)
        }
    }

    func testReplicaofNoOneKeepsTheFollowedHistoryAsReplid2LikeRedis() throws {
        let s = try bothServers()
        defer { s.redis.close(); s.vigil.close() }
        for c in [s.redis, s.vigil] {
            let before = try value(c, "master_replid")
            XCTAssertEqual(try c.call(["REPLICAOF", "127.0.0.1", deadPort]).string, "OK")
            XCTAssertEqual(try c.call(["REPLICAOF", "NO", "ONE"]).string, "OK")
            XCTAssertEqual(try value(c, "role"), "master")
            XCTAssertEqual(try value(c, "master_replid2"), before)
            XCTAssertEqual(try value(c, "second_repl_offset"), "1")
            XCTAssertNotEqual(try value(c, "master_replid"), before)
        }
    }

    /// A key a writable replica's own client gave a TTL is deleted by the
    /// replica's cron once it is due, in any database, even when the cron
    /// saw it before it was due (expireSlaveKeys keeps it until then).
    func testWritableReplicaDeletesItsOwnExpiredKeysInAnyDatabaseLikeRedis() throws {
        let s = try bothServers()
        defer { s.redis.close(); s.vigil.close() }
        try both(s, ["REPLICAOF", "127.0.0.1", deadPort])
        try both(s, ["CONFIG", "SET", "slave-read-only", "no"])
        try both(s, ["SELECT", "5"])
        // Several cron ticks (hz 10) see the key before it is due.
        try both(s, ["SET", "k", "v", "PX", "600"])
        try both(s, ["DBSIZE"])
        for c in [s.redis, s.vigil] {
            let deadline = Date().addingTimeInterval(5)
            while try c.call(["DBSIZE"]) != .integer(0) && Date() < deadline { usleep(50_000) }
        }
        try both(s, ["DBSIZE"])
        XCTAssertEqual(try s.vigil.infoField("expired_keys", section: "stats"), "1")
    }

    /// A write on a writable replica deletes the expired key it touches
    /// first (lookupKeyWrite), so INCR starts a new key without the old TTL;
    /// a read leaves the expired key in place (only the master deletes it).
    func testWritableReplicaWriteRecreatesAnExpiredKeyWithoutItsTtlLikeRedis() throws {
        let s = try bothServers(["--enable-debug-command", "yes"])
        defer { s.redis.close(); s.vigil.close() }
        try both(s, ["REPLICAOF", "127.0.0.1", deadPort])
        try both(s, ["CONFIG", "SET", "replica-read-only", "no"])
        try both(s, ["DEBUG", "SET-ACTIVE-EXPIRE", "0"])
        try both(s, ["SET", "key1", "5", "PX", "10"])
        try both(s, ["SET", "key2", "5", "PX", "10"])
        usleep(100_000)
        try both(s, ["DBSIZE"])
        try both(s, ["INCR", "key1"])
        try both(s, ["TTL", "key1"])
        try both(s, ["GET", "key2"])
        try both(s, ["DBSIZE"])
        XCTAssertEqual(try s.vigil.call(["TTL", "key1"]), .integer(-1))
        XCTAssertEqual(try s.vigil.call(["DBSIZE"]), .integer(2))
    }

    private func fields(_ c: RedisConnection) throws -> [(String, String)] {
        let text = String(decoding: try c.call(["INFO", "replication"]).bytes ?? [], as: UTF8.self)
        return text.split(separator: "\r\n").dropFirst().compactMap { line in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), String(line[line.index(after: colon)...]))
        }
    }

    private func value(_ c: RedisConnection, _ name: String) throws -> String? {
        try fields(c).first { $0.0 == name }?.1
    }
}
