import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Every write command vigil-server implements, run on redis-server 7.0 and
/// on vigil-server with `notify-keyspace-events KEAn`; what a
/// `PSUBSCRIBE __key*__:*` connection receives after each command must be the
/// same messages in the same order.
final class KeyspaceEventsScriptTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// One command on connection `conn`; `reply: false` leaves its reply
    /// unread (a blocked client), `readPending` reads one owed reply first.
    struct Step {
        var conn = "a"
        var args: [String]
        var reply = true
        var readPending: String? = nil
        /// RESTORE from this server's own DUMP of the named key.
        var restoreFrom: String? = nil
        /// The reply is random (SPOP with a count): only its type is kept.
        var randomReply = false
    }

    func c(_ args: String...) -> Step { Step(args: args) }
    func random(_ args: String...) -> Step { Step(args: args, randomReply: true) }

    /// Runs the steps on one server and returns its transcript: per step, the
    /// command, its reply and the events it published.
    func transcript(port: Int, flags: String, _ steps: [Step]) throws -> [String] {
        let admin = try ProcessFixture.connect(port, ioTimeoutMs: 5000)
        defer { admin.close() }
        _ = try admin.call("CONFIG", "SET", "notify-keyspace-events", flags)
        // The active cycle would publish `expired` at a time of its choosing.
        _ = try admin.call("DEBUG", "SET-ACTIVE-EXPIRE", "0")
        let watcher = try KeyspaceEventWatcher(port: port)
        defer { watcher.close() }
        var conns: [String: RedisConnection] = [:]
        defer { conns.values.forEach { $0.close() } }
        var lines: [String] = []
        for s in steps {
            if conns[s.conn] == nil { conns[s.conn] = try ProcessFixture.connect(port, ioTimeoutMs: 5000) }
            let c = conns[s.conn]!
            var args = s.args.map { Array($0.utf8) }
            if let src = s.restoreFrom {
                guard case .bulkString(let payload?) = try c.call(["DUMP", src]) else {
                    XCTFail("port \(port): DUMP \(src) returned nothing")
                    continue
                }
                args.append(payload)
                args += [Array("REPLACE".utf8)]
            }
            try c.send(args)
            var line = "\(s.conn)> \(s.args.joined(separator: " "))"
            if s.reply {
                let r = try c.readRawReply()
                line += " -> " + (s.randomReply ? String(decoding: r.prefix(1), as: UTF8.self) : visible(r, limit: 80))
            }
            if let owed = s.readPending, let o = conns[owed] {
                line += " | \(owed) got " + visible(try o.readRawReply(), limit: 80)
            }
            lines.append(line)
            lines += try watcher.drain().map { "    " + $0 }
        }
        return lines
    }

    func assertSameEvents(_ steps: [Step], flags: String = "KEAn", file: StaticString = #filePath, line: UInt = #line) throws {
        let redis = try fixture.startRedis(["--enable-debug-command", "yes"])
        let vigil = try fixture.startVigil(["--enable-debug-command", "yes"])
        let expected = try Interop.talking(to: "redis-server") { try transcript(port: redis.port, flags: flags, steps) }
        let actual = try transcript(port: vigil.port, flags: flags, steps)
        if expected != actual {
            let diff = zip(expected, actual).enumerated().first { $0.element.0 != $0.element.1 }
            let at = diff?.offset ?? min(expected.count, actual.count)
            XCTFail("""
                keyspace events differ from redis-server's at line \(at):
                redis: \(at < expected.count ? expected[at] : "<end>")
                vigil: \(at < actual.count ? actual[at] : "<end>")
                context (redis):
                \(expected[max(0, at - 8)..<min(expected.count, at + 3)].joined(separator: "\n"))
                """, file: file, line: line)
        }
    }

    func testStringCommandsPublishRedisEvents() throws {
        try assertSameEvents([
            c("SET", "s1", "v"), c("SET", "s1", "v2", "EX", "100"), c("SET", "s1", "v3", "KEEPTTL"),
            c("SET", "s1", "x", "NX"), c("SET", "s1", "y", "XX", "GET"), c("SET", "s1", "z", "PXAT", "1"),
            c("SETNX", "s2", "a"), c("SETNX", "s2", "b"), c("SETEX", "s3", "100", "v"), c("PSETEX", "s4", "100000", "v"),
            c("GETSET", "s2", "b"), c("MSET", "m1", "1", "m2", "2"), c("MSETNX", "m3", "1", "m4", "2"),
            c("MSETNX", "m3", "1", "m5", "1"), c("APPEND", "s5", "hello"), c("APPEND", "s5", "x"),
            c("INCR", "n1"), c("INCRBY", "n1", "5"), c("DECR", "n1"), c("DECRBY", "n1", "2"), c("INCR", "s5"),
            c("INCRBYFLOAT", "n2", "1.5"), c("INCRBYFLOAT", "n2", "1"), c("SETRANGE", "s6", "3", "abc"),
            c("SETRANGE", "s6", "0", ""), c("SETRANGE", "s6", "0", "x"), c("GETDEL", "s6"), c("GETDEL", "s6"),
            c("GETEX", "s3", "PERSIST"), c("GETEX", "s3", "EX", "100"), c("GETEX", "s3", "PERSIST"),
            c("GETEX", "s3", "PERSIST"), c("GETEX", "s3", "EXAT", "1"), c("GETEX", "s4"),
            c("SETBIT", "b1", "7", "1"), c("SETBIT", "b1", "7", "1"), c("SETBIT", "b1", "100", "0"),
            c("BITFIELD", "b2", "SET", "u8", "0", "255", "GET", "u8", "0"), c("BITFIELD", "b2", "INCRBY", "u8", "0", "0"),
            c("BITFIELD", "b2", "GET", "u8", "0"), c("BITOP", "OR", "b3", "b1", "b2"), c("BITOP", "AND", "b3", "nosuch"),
            c("PFADD", "h1", "a", "b", "c"), c("PFADD", "h1", "a"), c("PFADD", "h0"), c("PFMERGE", "h2", "h1"), c("PFCOUNT", "h1"),
            c("SET", "e1", "v", "PX", "1"), c("DEBUG", "SLEEP", "0.02"), c("GET", "e1"),
            c("SET", "e2", "v", "PX", "1"), c("DEBUG", "SLEEP", "0.02"), c("SET", "e2", "again"),
        ])
    }

    func testKeyspaceCommandsPublishRedisEvents() throws {
        try assertSameEvents([
            c("MSET", "m1", "1", "m2", "2", "m3", "3", "s2", "x", "s3", "y", "s4", "z"),
            c("DEL", "m1", "m2", "nosuch"), c("UNLINK", "m3"), c("EXPIRE", "s2", "100"), c("PEXPIRE", "s2", "100000"),
            c("EXPIREAT", "s2", "99999999999"), c("PEXPIREAT", "s2", "99999999999000"), c("EXPIRE", "s2", "100", "NX"),
            c("PERSIST", "s2"), c("PERSIST", "s2"), c("EXPIRE", "s2", "-1"), c("EXPIRE", "nosuch", "10"),
            c("RENAME", "s3", "s3r"), c("RENAME", "s3r", "s3r"), c("RENAMENX", "s4", "s3r"), c("RENAMENX", "s4", "s4r"),
            c("SET", "s5", "v", "EX", "100"), c("RENAME", "s5", "s4r"),
            c("COPY", "s4r", "s4c"), c("COPY", "s4r", "s4c"), c("COPY", "s4r", "s4c", "REPLACE"), c("COPY", "s4r", "s4c", "DB", "1"),
            c("MOVE", "s4c", "2"), c("MOVE", "s4c", "2"), c("SELECT", "2"), c("SET", "indb2", "v"), c("DEL", "s4c"), c("SELECT", "0"),
            Step(args: ["RESTORE", "rk", "0"], restoreFrom: "s4r"), Step(args: ["RESTORE", "rk", "1"], restoreFrom: "s4r"),
            c("SWAPDB", "0", "1"), c("FLUSHDB"), c("FLUSHALL"),
            c("MULTI"), c("SET", "t", "1"), c("INCR", "t"), c("EXPIRE", "t", "100"), c("EXEC"),
        ])
    }

    func testListCommandsPublishRedisEvents() throws {
        try assertSameEvents([
            c("LPUSH", "l1", "a", "b", "c"), c("RPUSH", "l1", "d"), c("LPUSHX", "l1", "z"), c("RPUSHX", "nol", "z"),
            c("LINSERT", "l1", "BEFORE", "a", "x"), c("LINSERT", "l1", "BEFORE", "nope", "x"), c("LSET", "l1", "0", "y"),
            c("LREM", "l1", "0", "x"), c("LREM", "l1", "0", "nope"), c("LTRIM", "l1", "0", "3"), c("LPOP", "l1"),
            c("RPOP", "l1", "2"), c("LPOP", "l1", "0"), c("LMOVE", "l1", "l2", "LEFT", "RIGHT"), c("RPOPLPUSH", "l2", "l1"),
            c("RPOPLPUSH", "l1", "l1"), c("LMPOP", "2", "nol", "l1", "LEFT", "COUNT", "5"),
            c("RPUSH", "l3", "1", "2", "3"), c("LTRIM", "l3", "5", "10"), c("RPUSH", "l4", "x"), c("LREM", "l4", "0", "x"),
            c("RPUSH", "l5", "1", "2", "3"), c("BLPOP", "l5", "0"), c("BRPOP", "l5", "0"),
            c("BLMOVE", "l5", "l6", "RIGHT", "LEFT", "0"), c("BLMPOP", "0", "1", "l6", "RIGHT"),
            Step(conn: "b", args: ["BLMOVE", "bl", "bl2", "LEFT", "RIGHT", "0"], reply: false),
            Step(args: ["RPUSH", "bl", "v"], readPending: "b"),
            Step(conn: "b", args: ["BLPOP", "bl3", "0"], reply: false),
            Step(args: ["LPUSH", "bl3", "v", "w"], readPending: "b"),
            c("RPUSH", "sl", "3", "1", "2"), c("SORT", "sl", "STORE", "so"), c("SORT", "nosuch", "STORE", "so"),
        ])
    }

    func testSetAndHashCommandsPublishRedisEvents() throws {
        try assertSameEvents([
            c("SADD", "s", "a", "b", "c", "1"), c("SADD", "s", "a"), c("SREM", "s", "a", "nosuch"), c("SREM", "s", "nosuch"),
            c("SMOVE", "s", "s2", "b"), c("SMOVE", "s", "s2", "zz"), c("SMOVE", "s2", "s2", "b"), random("SPOP", "s"),
            random("SPOP", "s2", "5"), c("SADD", "one", "x"), c("SPOP", "one"), c("SADD", "big", "1", "2", "3", "4", "5", "6"),
            random("SPOP", "big", "2"), random("SPOP", "big", "3"), c("SPOP", "big", "0"),
            c("SADD", "x", "1", "2", "3"), c("SADD", "y", "2", "3", "4"), c("SINTERSTORE", "d", "x", "y"),
            c("SUNIONSTORE", "d", "x", "y"), c("SDIFFSTORE", "d", "x", "y"), c("SDIFFSTORE", "d", "x", "x"),
            c("SINTERSTORE", "d", "x", "y"), c("SINTERSTORE", "d", "x", "nosuch"), c("SADD", "m", "q"), c("SMOVE", "m", "x", "q"),
            c("HSET", "h", "f", "v", "f2", "v2"), c("HSET", "h", "f", "v"), c("HSETNX", "h", "f", "v"), c("HSETNX", "h", "f3", "v"),
            c("HSETNX", "h2", "f", "v"), c("HMSET", "h", "a", "1"), c("HINCRBY", "h", "n", "2"), c("HINCRBY", "h3", "n", "2"),
            c("HINCRBYFLOAT", "h", "fl", "1.5"), c("HINCRBY", "h", "f", "1"), c("HDEL", "h", "f", "nosuch"), c("HDEL", "h", "nosuch"),
            c("HDEL", "h", "f2", "f3", "a", "n", "fl"),
        ])
    }

    func testSortedSetAndGeoCommandsPublishRedisEvents() throws {
        try assertSameEvents([
            c("ZADD", "z", "1", "a", "2", "b", "3", "c"), c("ZADD", "z", "1", "a"), c("ZADD", "z", "CH", "5", "a"),
            c("ZADD", "z", "INCR", "5", "a"), c("ZADD", "z", "XX", "1", "new"), c("ZINCRBY", "z", "1", "b"),
            c("ZINCRBY", "z2", "1", "b"), c("ZREM", "z", "c", "nosuch"), c("ZREMRANGEBYSCORE", "z", "0", "3"),
            c("ZREMRANGEBYSCORE", "z", "100", "200"), c("ZREMRANGEBYRANK", "z", "0", "0"),
            c("ZADD", "z", "1", "a", "1", "b", "1", "c"), c("ZREMRANGEBYLEX", "z", "[a", "[b"), c("ZPOPMIN", "z"),
            c("ZADD", "z", "1", "a", "1", "b"), c("ZPOPMAX", "z", "5"), c("ZPOPMIN", "z"),
            c("ZADD", "za", "1", "a", "2", "b"), c("ZADD", "zb", "2", "b", "3", "c"), c("ZUNIONSTORE", "zd", "2", "za", "zb"),
            c("ZINTERSTORE", "zd", "2", "za", "zb"), c("ZDIFFSTORE", "zd", "2", "za", "zb"), c("ZDIFFSTORE", "zd", "2", "za", "za"),
            c("ZRANGESTORE", "zr", "za", "0", "-1"), c("ZRANGESTORE", "zr", "za", "5", "10"), c("ZMPOP", "1", "za", "MIN"),
            c("BZPOPMIN", "zb", "0"), c("BZMPOP", "0", "1", "zb", "MAX", "COUNT", "5"),
            Step(conn: "b", args: ["BZPOPMAX", "bz", "0"], reply: false),
            Step(args: ["ZADD", "bz", "1", "a"], readPending: "b"),
            c("GEOADD", "g", "13.361389", "38.115556", "Palermo", "15.087269", "37.502669", "Catania"),
            c("GEOADD", "g", "XX", "13.361389", "38.115556", "Palermo"),
            c("GEOSEARCHSTORE", "gs", "g", "FROMMEMBER", "Palermo", "BYRADIUS", "200", "km"),
            c("GEOSEARCHSTORE", "gs", "g", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"),
            c("GEOSEARCHSTORE", "gs2", "nosuch", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "km"),
            c("GEORADIUS", "g", "15", "37", "200", "km", "STORE", "gr"),
            c("GEORADIUSBYMEMBER", "g", "Palermo", "1", "m", "STOREDIST", "gr"),
            c("GEORADIUS", "g", "0", "0", "1", "km", "STORE", "gr"),
        ])
    }

    func testStreamCommandsPublishRedisEvents() throws {
        try assertSameEvents([
            c("XADD", "st", "1-1", "f", "v"), c("XADD", "st", "MAXLEN", "1", "2-1", "f", "v"),
            c("XADD", "st", "MAXLEN", "5", "3-1", "f", "v"), c("XADD", "nost", "NOMKSTREAM", "*", "f", "v"),
            c("XDEL", "st", "2-1", "9-9"), c("XDEL", "st", "9-9"), c("XADD", "st", "4-1", "f", "v"), c("XTRIM", "st", "MAXLEN", "0"),
            c("XTRIM", "st", "MAXLEN", "0"), c("XSETID", "st", "10-1"), c("XGROUP", "CREATE", "st", "g1", "$"),
            c("XGROUP", "CREATE", "st", "g1", "$"), c("XGROUP", "CREATE", "st2", "g1", "$", "MKSTREAM"),
            c("XGROUP", "SETID", "st", "g1", "0"), c("XGROUP", "CREATECONSUMER", "st", "g1", "c1"),
            c("XGROUP", "CREATECONSUMER", "st", "g1", "c1"), c("XADD", "st", "11-1", "f", "v"),
            c("XREADGROUP", "GROUP", "g1", "c2", "COUNT", "1", "STREAMS", "st", ">"),
            c("XREADGROUP", "GROUP", "g1", "c2", "COUNT", "1", "STREAMS", "st", ">"),
            c("XCLAIM", "st", "g1", "c3", "0", "11-1"), c("XAUTOCLAIM", "st", "g1", "c4", "0", "0"),
            c("XACK", "st", "g1", "11-1"), c("XGROUP", "DELCONSUMER", "st", "g1", "c1"),
            c("XGROUP", "DELCONSUMER", "st", "g1", "nobody"), c("XGROUP", "DESTROY", "st", "g1"), c("XGROUP", "DESTROY", "st", "g1"),
        ])
    }

    /// The classes filter what is published: strings only, keyevent only, keyspace only.
    func testEventClassesFilterWhatIsPublished() throws {
        let steps = [c("SET", "k", "v"), c("EXPIRE", "k", "100"), c("LPUSH", "l", "a"), c("DEL", "l"), c("HSET", "h", "f", "v"),
                     c("SADD", "s", "m"), c("ZADD", "z", "1", "m"), c("XADD", "x", "1-1", "f", "v")]
        try assertSameEvents(steps, flags: "E$")
        fixture.stopAll()
        try assertSameEvents(steps, flags: "Kgl")
        fixture.stopAll()
        try assertSameEvents(steps, flags: "A")
        fixture.stopAll()
        try assertSameEvents(steps, flags: "KEhzst")
    }
}
