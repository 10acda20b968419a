import Deployment
import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// MIGRATE between vigil-server and real redis-server 7.0 processes, both
/// ways: keys arrive with their values and TTLs, COPY/REPLACE/KEYS/AUTH/AUTH2
/// behave as Redis's, and for each failure (no key, BUSYKEY, a wrong
/// password or database, a refused or silent target, bad arguments) a
/// vigil-server source replies exactly what a redis-server source replies.
final class MigrateRealRedisTests: XCTestCase {
    private var fixture = ProcessFixture()
    private var connections: [RedisConnection] = []

    override func tearDown() {
        for c in connections { c.close() }
        connections.removeAll()
        fixture.stopAll()
        super.tearDown()
    }

    private func vigil(_ args: [String] = []) throws -> (port: Int, conn: RedisConnection) {
        let s = try fixture.startVigil(["--enable-debug-command", "yes"] + args)
        let c = try ProcessFixture.connect(s.port)
        connections.append(c)
        return (s.port, c)
    }

    private func redis(_ args: [String] = []) throws -> (port: Int, conn: RedisConnection) {
        let s = try fixture.startRedis(["--enable-debug-command", "yes"] + args)
        let c = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(s.port) }
        connections.append(c)
        return (s.port, c)
    }

    /// The same commands on a vigil-server source and a redis-server source.
    private struct Sources {
        let ours: RedisConnection
        let theirs: RedisConnection

        @discardableResult
        func both(_ args: String...) throws -> (ours: RESPValue, theirs: RESPValue) {
            (try ours.call(args), try theirs.call(args))
        }
    }

    private func sources() throws -> Sources {
        Sources(ours: try vigil().conn, theirs: try redis().conn)
    }

    private func migrate(_ c: RedisConnection, to port: Int, _ rest: String...) throws -> RESPValue {
        try c.call(["MIGRATE", "127.0.0.1", String(port)] + rest)
    }

    // MARK: moving keys

    func testKeyMovesFromVigilToRedisWithItsTTL() throws {
        let (_, v) = try vigil()
        let (tport, t) = try redis()
        XCTAssertEqual(try v.call("SET", "k", "value", "PX", "100000"), .ok)
        XCTAssertEqual(try migrate(v, to: tport, "k", "0", "5000"), .ok)
        XCTAssertEqual(try v.call("EXISTS", "k").int, 0)
        XCTAssertEqual(try t.call("GET", "k").string, "value")
        let ttl = try XCTUnwrap(try t.call("PTTL", "k").int)
        XCTAssertTrue(ttl > 0 && ttl <= 100_000, "PTTL \(ttl)")
        XCTAssertEqual(try t.call("TTL", "plain").int, -2)
    }

    func testKeysOfEveryTypeMoveFromRedisToVigilIntact() throws {
        let (vport, v) = try vigil()
        let (_, r) = try redis()
        let setup: [[String]] = [
            ["SET", "s", "text"], ["RPUSH", "l", "a", "b", "c"], ["SADD", "set", "1", "2", "x"],
            ["HSET", "h", "f", "v", "g", "w"], ["ZADD", "z", "1", "a", "2.5", "b"],
            ["XADD", "x", "1-1", "f", "v"], ["PEXPIRE", "h", "100000"],
        ]
        for cmd in setup { XCTAssertFalse(try r.call(cmd).isError, "\(cmd)") }
        let keys = ["s", "l", "set", "h", "z", "x"]
        var digests: [String: String] = [:]
        for k in keys { digests[k] = try r.call("DEBUG", "DIGEST-VALUE", k).elements?.first?.string }
        XCTAssertEqual(try migrate(r, to: vport, "", "0", "5000", "KEYS", "s", "l", "missing", "set", "h", "z", "x"), .ok)
        XCTAssertEqual(try r.call(["EXISTS"] + keys).int, 0)
        for k in keys {
            XCTAssertEqual(try v.call("DEBUG", "DIGEST-VALUE", k).elements?.first?.string, digests[k], k)
        }
        let ttl = try XCTUnwrap(try v.call("PTTL", "h").int)
        XCTAssertTrue(ttl > 0 && ttl <= 100_000, "PTTL \(ttl)")
        XCTAssertEqual(try v.call("PTTL", "s").int, -1)
    }

    func testCopyLeavesTheSourceKeyInPlace() throws {
        let (_, v) = try vigil()
        let (tport, t) = try redis()
        XCTAssertEqual(try v.call("SET", "k", "value"), .ok)
        XCTAssertEqual(try migrate(v, to: tport, "k", "0", "5000", "COPY"), .ok)
        XCTAssertEqual(try v.call("GET", "k").string, "value")
        XCTAssertEqual(try t.call("GET", "k").string, "value")
    }

    func testMovedKeysReachReplicasAsDel() throws {
        let (mport, m) = try vigil()
        let replica = try fixture.startRedis(["--replicaof", "127.0.0.1", String(mport)])
        let r = try Interop.talking(to: "redis-server") { try ProcessFixture.connect(replica.port) }
        connections.append(r)
        let (tport, _) = try redis()
        XCTAssertEqual(try m.call("MSET", "a", "1", "b", "2", "c", "3"), .ok)
        try r.waitForInfo("master_link_status", "up")
        try waitUntil("the replica has the keys") { try r.call("DBSIZE").int == 3 }
        XCTAssertEqual(try migrate(m, to: tport, "", "0", "5000", "KEYS", "a", "b"), .ok)
        XCTAssertEqual(try migrate(m, to: tport, "c", "0", "5000", "COPY"), .ok)
        try waitUntil("the replica lost the moved keys") { try r.call("EXISTS", "a", "b").int == 0 }
        XCTAssertEqual(try r.call("GET", "c").string, "3", "COPY deletes nothing")
    }

    func testSelectIsSentOnlyWhenTheTargetDatabaseChanges() throws {
        let s = try sources()
        let (oursTarget, ot) = try redis()
        let (theirsTarget, tt) = try redis()
        for db in ["0", "0", "1", "1", "0"] {
            try s.both("SET", "k", "v")
            XCTAssertEqual(try migrate(s.ours, to: oursTarget, "k", db, "5000", "REPLACE"), .ok)
            XCTAssertEqual(try migrate(s.theirs, to: theirsTarget, "k", db, "5000", "REPLACE"), .ok)
        }
        func selects(_ c: RedisConnection) throws -> String? {
            try c.infoField("cmdstat_select", section: "commandstats").map { String($0.prefix { $0 != "," }) }
        }
        XCTAssertEqual(try selects(ot), "calls=3")
        XCTAssertEqual(try selects(ot), try selects(tt))
        XCTAssertEqual(try s.ours.infoField("migrate_cached_sockets"), "1")
        XCTAssertEqual(try s.ours.infoField("migrate_cached_sockets"), try s.theirs.infoField("migrate_cached_sockets"))
    }

    // MARK: the same replies as a redis-server source

    func testMissingKeysReplyNokeyLikeRedis() throws {
        let s = try sources()
        let (tport, _) = try redis()
        let single = try s.both("MIGRATE", "127.0.0.1", String(tport), "nothing", "0", "5000")
        XCTAssertEqual(single.ours, .simpleString(Array("NOKEY".utf8)))
        XCTAssertEqual(single.ours, single.theirs)
        let many = try s.both("MIGRATE", "127.0.0.1", String(tport), "", "0", "5000", "KEYS", "a", "b")
        XCTAssertEqual(many.ours, many.theirs)
    }

    func testBusyKeyOnATargetRedisIsReportedLikeRedis() throws {
        let s = try sources()
        let (tport, t) = try redis()
        XCTAssertEqual(try t.call("SET", "k", "target"), .ok)
        try s.both("SET", "k", "source")
        let refused = try s.both("MIGRATE", "127.0.0.1", String(tport), "k", "0", "5000")
        XCTAssertEqual(refused.ours.string, "ERR Target instance replied with error: BUSYKEY Target key name already exists.")
        XCTAssertEqual(refused.ours, refused.theirs)
        XCTAssertEqual(try s.ours.call("GET", "k").string, "source", "a refused key stays")
        XCTAssertEqual(try migrate(s.ours, to: tport, "k", "0", "5000", "REPLACE"), .ok)
        XCTAssertEqual(try t.call("GET", "k").string, "source")
    }

    func testBusyKeyOnATargetVigilIsReportedLikeRedis() throws {
        let (vport, v) = try vigil()
        let (rport, r) = try redis()
        let (_, source) = try redis()
        XCTAssertEqual(try v.call("SET", "k", "target"), .ok)
        XCTAssertEqual(try r.call("SET", "k", "target"), .ok)
        XCTAssertEqual(try source.call("SET", "k", "source"), .ok)
        let ours = try migrate(source, to: vport, "k", "0", "5000", "COPY")
        let theirs = try migrate(source, to: rport, "k", "0", "5000", "COPY")
        XCTAssertTrue(ours.isError)
        XCTAssertEqual(ours, theirs)
    }

    func testKeysFormMovesWhatTheTargetAcceptsAndReportsTheFirstRefusal() throws {
        let s = try sources()
        let (oursTarget, ot) = try redis()
        let (theirsTarget, tt) = try redis()
        for t in [ot, tt] { XCTAssertEqual(try t.call("SET", "b", "taken"), .ok) }
        try s.both("MSET", "a", "1", "b", "2", "c", "3")
        let ours = try migrate(s.ours, to: oursTarget, "", "0", "5000", "KEYS", "a", "b", "c")
        let theirs = try migrate(s.theirs, to: theirsTarget, "", "0", "5000", "KEYS", "a", "b", "c")
        XCTAssertTrue(ours.isError)
        XCTAssertEqual(ours, theirs)
        let left = try s.both("KEYS", "*")
        XCTAssertEqual(left.ours.elements?.compactMap(\.string), ["b"])
        XCTAssertEqual(try ot.call("MGET", "a", "b", "c"), try tt.call("MGET", "a", "b", "c"))
    }

    /// Both sources run the same steps against the same target: the cached
    /// connection keeps the last successful login, and a failed AUTH still
    /// lets the pipelined RESTORE run under it, on both.
    func testAuthAndAuth2ReachAPasswordProtectedTargetLikeRedis() throws {
        let s = try sources()
        let (tport, t) = try redis(["--requirepass", "secret"])
        XCTAssertEqual(try t.call("AUTH", "secret"), .ok)
        XCTAssertEqual(try t.call("ACL", "SETUSER", "mover", "on", ">pw", "~*", "+@all"), .ok)
        try s.both("MSET", "k1", "v", "k2", "v", "k3", "v")
        let port = String(tport)
        let steps: [[String]] = [
            ["MIGRATE", "127.0.0.1", port, "k1", "0", "5000", "REPLACE", "AUTH", "secret"],
            ["MIGRATE", "127.0.0.1", port, "k2", "0", "5000", "REPLACE", "AUTH2", "mover", "pw"],
            ["MIGRATE", "127.0.0.1", port, "k3", "0", "5000", "REPLACE", "AUTH", "nope"],
            ["MIGRATE", "127.0.0.1", port, "k3", "0", "5000", "REPLACE"],
        ]
        var ours: [RESPValue] = [], theirs: [RESPValue] = []
        for step in steps {
            ours.append(try s.ours.call(step))
            theirs.append(try s.theirs.call(step))
        }
        XCTAssertEqual(ours[0], .ok)
        XCTAssertEqual(ours[1], .ok)
        XCTAssertTrue(ours[2].string?.hasPrefix("ERR Target instance replied with error: WRONGPASS") ?? false, "\(ours[2])")
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(try t.call("MGET", "k1", "k2", "k3"), .array(Array(repeating: .bulkString(Array("v".utf8)), count: 3)))
        XCTAssertEqual(try s.ours.call("EXISTS", "k1", "k2", "k3"), try s.theirs.call("EXISTS", "k1", "k2", "k3"))
    }

    /// A fresh connection with no AUTH meets the target's password check.
    func testMissingAuthIsReportedLikeRedis() throws {
        let s = try sources()
        let (tport, _) = try redis(["--requirepass", "secret"])
        try s.both("SET", "k", "v")
        let r = try s.both("MIGRATE", "127.0.0.1", String(tport), "k", "0", "5000")
        XCTAssertEqual(r.ours.string, "ERR Target instance replied with error: NOAUTH Authentication required.")
        XCTAssertEqual(r.ours, r.theirs)
    }

    func testADatabaseTheTargetLacksIsReportedLikeRedis() throws {
        let s = try sources()
        let (tport, _) = try redis()
        try s.both("SET", "k", "v")
        let r = try s.both("MIGRATE", "127.0.0.1", String(tport), "k", "99", "5000")
        XCTAssertEqual(r.ours.string, "ERR Target instance replied with error: ERR DB index is out of range")
        XCTAssertEqual(r.ours, r.theirs)
    }

    func testARefusedConnectionIsReportedLikeRedis() throws {
        let s = try sources()
        let closed = Ports.free()
        try s.both("SET", "k", "v")
        let r = try s.both("MIGRATE", "127.0.0.1", String(closed), "k", "0", "1000")
        XCTAssertTrue(r.ours.string?.hasPrefix("IOERR") ?? false, "\(r.ours)")
        XCTAssertEqual(r.ours, r.theirs)
        XCTAssertEqual(try s.ours.call("EXISTS", "k").int, 1)
    }

    func testASilentTargetTimesOutLikeRedis() throws {
        let s = try sources()
        let silent = try SilentListener()
        defer { silent.close() }
        try s.both("SET", "k", "v")
        let r = try s.both("MIGRATE", "127.0.0.1", String(silent.port), "k", "0", "200")
        XCTAssertEqual(r.ours.string, "IOERR error or timeout reading to target instance")
        XCTAssertEqual(r.ours, r.theirs)
        XCTAssertEqual(try s.ours.call("EXISTS", "k").int, 1)
        let stats = try s.both("INFO", "errorstats")
        XCTAssertEqual(stats.ours.string?.contains("errorstat_IOERR:count=1"), true)
    }

    func testArgumentErrorsMatchRedis() throws {
        let s = try sources()
        try s.both("SET", "k", "v")
        let cases: [[String]] = [
            ["MIGRATE", "127.0.0.1", "1", "k", "0"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "100", "BOGUS"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "100", "AUTH"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "100", "AUTH2", "user"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "100", "KEYS", "k"],
            ["MIGRATE", "127.0.0.1", "1", "k", "x", "100"],
            ["MIGRATE", "127.0.0.1", "1", "k", "0", "1.5"],
            ["MIGRATE", "127.0.0.1", "1", "nokey", "x", "y"],
        ]
        for cmd in cases {
            XCTAssertEqual(try s.ours.call(cmd), try s.theirs.call(cmd), "\(cmd)")
        }
    }

    func testKeyPermissionsAreCheckedLikeRedis() throws {
        let s = try sources()
        let (tport, _) = try redis()
        let port = String(tport)
        try s.both("ACL", "SETUSER", "limited", "on", "nopass", "~a*", "+@all")
        try s.both("MSET", "a1", "v", "b1", "v")
        try s.both("AUTH", "limited", "any")
        let cases: [[String]] = [
            ["MIGRATE", "127.0.0.1", port, "b1", "0", "5000", "COPY"],
            ["MIGRATE", "127.0.0.1", port, "", "0", "5000", "COPY", "KEYS", "a1", "b1"],
            ["MIGRATE", "127.0.0.1", port, "", "0", "5000", "COPY", "REPLACE", "KEYS", "a1"],
        ]
        var ours: [RESPValue] = [], theirs: [RESPValue] = []
        for cmd in cases {
            ours.append(try s.ours.call(cmd))
            theirs.append(try s.theirs.call(cmd))
        }
        XCTAssertEqual(ours.map { $0.string?.hasPrefix("NOPERM") ?? false }, [true, true, false], "\(ours)")
        XCTAssertEqual(ours, theirs)
    }

    func testCommandGetkeysMatchesRedis() throws {
        let s = try sources()
        let cases: [[String]] = [
            ["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "k", "0", "100"],
            ["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "100", "AUTH", "keys", "KEYS", "a", "b"],
            ["COMMAND", "GETKEYS", "MIGRATE", "h", "1", "", "0", "100", "COPY", "REPLACE", "AUTH2", "u", "p", "KEYS", "a"],
        ]
        for cmd in cases {
            XCTAssertEqual(try s.ours.call(cmd), try s.theirs.call(cmd), "\(cmd)")
        }
    }

    private func waitUntil(_ what: String, seconds: Double = 10, file: StaticString = #filePath, line: UInt = #line,
                           _ done: () throws -> Bool) throws {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if try done() { return }
            usleep(20_000)
        }
        XCTFail("timed out waiting until \(what)", file: file, line: line)
    }
}
