import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// Generic key commands: DEL/UNLINK/EXISTS/TOUCH/TYPE/RANDOMKEY, RENAME/MOVE/COPY,
/// KEYS/SCAN and OBJECT. Keys are planted straight into the database so these
/// tests do not depend on the string commands.
final class KeyCommandsTests: XCTestCase {
    // MARK: helpers

    /// Stores a string key in the client's current db (or `db`), with an optional TTL from now.
    func put(_ h: Harness, _ key: String, _ value: String = "v", ttlMs: Int64? = nil, db: Int? = nil) {
        let d = h.server.databases[db ?? h.client.dbIndex]
        _ = now(h)
        d.setKey(Key(key), .string(StringValue(Array(value.utf8))))
        if let t = ttlMs { d.setExpire(Key(key), at: now(h) + t) }
    }

    /// The command clock as the next command will see it.
    func now(_ h: Harness) -> Int64 { h.server.keyspace.nowMs = wallMs() + h.server.clockOffsetMs; return h.server.keyspace.nowMs }

    /// Moves the test clock just past a multiple of `unit` ms, so that stamps
    /// kept in seconds or minutes read exactly (no boundary falls inside a test).
    func alignClock(_ h: Harness, unit: Int64) {
        let t = now(h)
        h.advanceClock(ms: unit - t % unit + 50)
    }

    func wallMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    func value(_ h: Harness, _ key: String, db: Int = 0) -> String? {
        guard case .string(let s)? = h.server.databases[db].dict[Key(key)] else { return nil }
        return String(decoding: s.bytes, as: UTF8.self)
    }

    func strings(_ r: RESPValue) -> [String] {
        (r.elements ?? []).compactMap { $0.string }
    }

    /// Runs a full SCAN iteration and returns every key seen (with duplicates).
    func scanAll(_ h: Harness, _ extra: [String] = [], between: ((Int) -> Void)? = nil) -> [String] {
        var cursor = "0"
        var seen: [String] = []
        var round = 0
        repeat {
            let r = h.call(args: ["SCAN", cursor] + extra)
            guard let parts = r.elements, parts.count == 2, let c = parts[0].string else {
                XCTFail("bad SCAN reply \(r)")
                return seen
            }
            cursor = c
            seen += strings(parts[1])
            between?(round)
            round += 1
        } while cursor != "0" && round < 100_000
        return seen
    }

    // MARK: DEL, UNLINK, EXISTS, TOUCH, TYPE

    func testDelUnlinkCountDistinctLiveKeysAndBumpDirty() throws {
        let h = try Harness()
        put(h, "a"); put(h, "b"); put(h, "c"); put(h, "gone", ttlMs: 10)
        h.advanceClock(ms: 20)
        let dirty = h.server.dirty
        XCTAssertEqual(h.rawString("DEL", "a", "a", "nokey", "gone"), ":1\r\n")
        XCTAssertEqual(h.server.dirty, dirty + 1)
        XCTAssertEqual(h.rawString("UNLINK", "b", "c", "b"), ":2\r\n")
        XCTAssertEqual(h.server.dirty, dirty + 3)
        XCTAssertEqual(h.server.databases[0].count, 0)
        XCTAssertEqual(h.rawString("DEL"), "-ERR wrong number of arguments for 'del' command\r\n")
    }

    /// A set of 200 members in a hash table: its free effort (200) is over
    /// LAZYFREE_THRESHOLD (64).
    private func putLargeSet(_ h: Harness, _ key: String) {
        h.call(args: ["SADD", key] + (0..<200).map { "m\($0)" })
    }

    func testUnlinkDefersFreeingALargeValueAndCountsIt() throws {
        let h = try Harness()
        putLargeSet(h, "big")
        put(h, "small")
        XCTAssertEqual(h.rawString("UNLINK", "big", "small"), ":2\r\n")
        XCTAssertEqual(h.server.lazyfree.pendingObjects, 1, "only the large value waits")
        h.server.lazyfree.drain()
        XCTAssertEqual(h.server.lazyfree.pendingObjects, 0)
        XCTAssertEqual(h.server.lazyfree.freedObjects, 1)
        h.call("CONFIG", "RESETSTAT")
        XCTAssertEqual(h.server.lazyfree.freedObjects, 0)
    }

    func testDelFreesAtOnceUnlessLazyfreeLazyUserDel() throws {
        let h = try Harness()
        putLargeSet(h, "a")
        h.call("DEL", "a")
        XCTAssertEqual(h.server.lazyfree.pendingObjects, 0)
        h.call("CONFIG", "SET", "lazyfree-lazy-user-del", "yes")
        putLargeSet(h, "b")
        h.call("DEL", "b")
        XCTAssertEqual(h.server.lazyfree.pendingObjects, 1)
    }

    func testExistsCountsRepeatsAndStats() throws {
        let h = try Harness()
        put(h, "a"); put(h, "old", ttlMs: 5)
        h.advanceClock(ms: 6)
        let hits = h.server.keyspace.keyspaceHits, misses = h.server.keyspace.keyspaceMisses
        XCTAssertEqual(h.rawString("EXISTS", "a", "a", "nokey", "old"), ":2\r\n")
        // Redis counts EXISTS lookups as hits and misses.
        XCTAssertEqual(h.server.keyspace.keyspaceHits, hits + 2)
        XCTAssertEqual(h.server.keyspace.keyspaceMisses, misses + 2)
        XCTAssertNil(h.server.databases[0].dict[Key("old")], "the expired key is reaped on access")
    }

    func testTouchAndType() throws {
        let h = try Harness()
        put(h, "a"); put(h, "b", ttlMs: 1)
        h.advanceClock(ms: 2)
        XCTAssertEqual(h.rawString("TOUCH", "a", "a", "b", "nokey"), ":2\r\n")
        XCTAssertEqual(h.rawString("TYPE", "a"), "+string\r\n")
        XCTAssertEqual(h.rawString("TYPE", "b"), "+none\r\n")
        XCTAssertEqual(h.rawString("TYPE", "nokey"), "+none\r\n")
    }

    func testRandomKey() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("RANDOMKEY"), "$-1\r\n")
        put(h, "x1", ttlMs: 5); put(h, "x2", ttlMs: 5); put(h, "live")
        h.advanceClock(ms: 10)
        for _ in 0..<20 { XCTAssertEqual(h.rawString("RANDOMKEY"), "$4\r\nlive\r\n") }
        XCTAssertEqual(h.server.databases[0].count, 1, "expired picks are reaped")
        h.call("DEL", "live")
        put(h, "y", ttlMs: 1)
        h.advanceClock(ms: 2)
        XCTAssertEqual(h.rawString("RANDOMKEY"), "$-1\r\n")
    }

    // MARK: RENAME, RENAMENX

    func testRenameCarriesValueAndTTL() throws {
        let h = try Harness()
        put(h, "src", "hello", ttlMs: 100_000)
        put(h, "dst", "old", ttlMs: 500_000)
        let when = h.server.databases[0].expireTime(Key("src"))
        let dirty = h.server.dirty
        XCTAssertEqual(h.rawString("RENAME", "src", "dst"), "+OK\r\n")
        XCTAssertEqual(h.server.dirty, dirty + 1)
        XCTAssertEqual(value(h, "dst"), "hello")
        XCTAssertNil(value(h, "src"))
        XCTAssertEqual(h.server.databases[0].expireTime(Key("dst")), when)
        XCTAssertNil(h.server.databases[0].expireTime(Key("src")))

        // A source without TTL leaves the destination without one.
        put(h, "plain", "p")
        XCTAssertEqual(h.rawString("RENAME", "plain", "dst"), "+OK\r\n")
        XCTAssertNil(h.server.databases[0].expireTime(Key("dst")))
        XCTAssertEqual(value(h, "dst"), "p")
    }

    func testRenameErrorsAndSameKey() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("RENAME", "nokey", "x"), "-ERR no such key\r\n")
        XCTAssertEqual(h.rawString("RENAMENX", "nokey", "x"), "-ERR no such key\r\n")
        XCTAssertEqual(h.rawString("RENAME", "nokey", "nokey"), "-ERR no such key\r\n")
        put(h, "a", "1", ttlMs: 50_000)
        let dirty = h.server.dirty
        XCTAssertEqual(h.rawString("RENAME", "a", "a"), "+OK\r\n")
        XCTAssertEqual(h.rawString("RENAMENX", "a", "a"), ":0\r\n")
        XCTAssertEqual(h.server.dirty, dirty)
        XCTAssertNotNil(h.server.databases[0].expireTime(Key("a")))
        // An expired source is missing.
        put(h, "e", ttlMs: 1)
        h.advanceClock(ms: 2)
        XCTAssertEqual(h.rawString("RENAME", "e", "f"), "-ERR no such key\r\n")
    }

    func testRenameNX() throws {
        let h = try Harness()
        put(h, "a", "1"); put(h, "b", "2")
        XCTAssertEqual(h.rawString("RENAMENX", "a", "b"), ":0\r\n")
        XCTAssertEqual(value(h, "a"), "1")
        XCTAssertEqual(h.rawString("RENAMENX", "a", "c"), ":1\r\n")
        XCTAssertEqual(value(h, "c"), "1")
        // An expired destination does not block it.
        put(h, "d", "x", ttlMs: 1)
        h.advanceClock(ms: 2)
        XCTAssertEqual(h.rawString("RENAMENX", "c", "d"), ":1\r\n")
        XCTAssertNil(h.server.databases[0].expireTime(Key("d")))
    }

    // MARK: MOVE

    func testMove() throws {
        let h = try Harness()
        put(h, "k", "v", ttlMs: 60_000)
        let when = h.server.databases[0].expireTime(Key("k"))
        XCTAssertEqual(h.rawString("MOVE", "k", "0"), "-ERR source and destination objects are the same\r\n")
        XCTAssertEqual(h.rawString("MOVE", "k", "16"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.rawString("MOVE", "k", "-1"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.rawString("MOVE", "k", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("MOVE", "k", "2147483648"),
                       "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n")
        XCTAssertEqual(h.rawString("MOVE", "nokey", "1"), ":0\r\n")
        let dirty = h.server.dirty
        XCTAssertEqual(h.rawString("MOVE", "k", "3"), ":1\r\n")
        XCTAssertEqual(h.server.dirty, dirty + 1)
        XCTAssertNil(value(h, "k"))
        XCTAssertEqual(value(h, "k", db: 3), "v")
        XCTAssertEqual(h.server.databases[3].expireTime(Key("k")), when)
        // Target exists: nothing moves.
        put(h, "k", "here")
        XCTAssertEqual(h.rawString("MOVE", "k", "3"), ":0\r\n")
        XCTAssertEqual(value(h, "k"), "here")
        XCTAssertEqual(value(h, "k", db: 3), "v")
    }

    // MARK: COPY

    func testCopy() throws {
        let h = try Harness()
        put(h, "a", "1", ttlMs: 70_000)
        let when = h.server.databases[0].expireTime(Key("a"))
        XCTAssertEqual(h.rawString("COPY", "a", "a"), "-ERR source and destination objects are the same\r\n")
        XCTAssertEqual(h.rawString("COPY", "a", "a", "DB", "0"), "-ERR source and destination objects are the same\r\n")
        XCTAssertEqual(h.rawString("COPY", "a", "b", "DB", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("COPY", "a", "b", "DB", "16"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.rawString("COPY", "a", "b", "DB"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("COPY", "a", "b", "FOO"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("COPY", "nokey", "b"), ":0\r\n")

        XCTAssertEqual(h.rawString("COPY", "a", "b"), ":1\r\n")
        XCTAssertEqual(value(h, "b"), "1")
        XCTAssertEqual(value(h, "a"), "1")
        XCTAssertEqual(h.server.databases[0].expireTime(Key("b")), when)

        put(h, "c", "other")
        XCTAssertEqual(h.rawString("COPY", "a", "c"), ":0\r\n")
        XCTAssertEqual(value(h, "c"), "other")
        XCTAssertEqual(h.rawString("COPY", "a", "c", "replace"), ":1\r\n")
        XCTAssertEqual(value(h, "c"), "1")

        // Across databases, the last DB option wins; same key name is fine there.
        XCTAssertEqual(h.rawString("COPY", "a", "a", "DB", "1", "DB", "2"), ":1\r\n")
        XCTAssertNil(h.server.databases[1].dict[Key("a")])
        XCTAssertEqual(value(h, "a", db: 2), "1")
        XCTAssertEqual(h.server.databases[2].expireTime(Key("a")), when)

        // The copy is independent of the source.
        h.server.databases[0].setKey(Key("a"), .string(StringValue(Array("changed".utf8))))
        XCTAssertEqual(value(h, "b"), "1")
    }

    // MARK: KEYS

    func testKeysPatternsAndExpiredHidden() throws {
        let h = try Harness()
        for k in ["hello", "hallo", "hxllo", "heeeello", "world", "h[a]"] { put(h, k) }
        put(h, "hbllo", ttlMs: 1)
        h.advanceClock(ms: 2)
        XCTAssertEqual(Set(strings(h.call("KEYS", "*"))), ["hello", "hallo", "hxllo", "heeeello", "world", "h[a]"])
        XCTAssertEqual(Set(strings(h.call("KEYS", "h?llo"))), ["hello", "hallo", "hxllo"])
        XCTAssertEqual(Set(strings(h.call("KEYS", "h*llo"))), ["hello", "hallo", "hxllo", "heeeello"])
        XCTAssertEqual(Set(strings(h.call("KEYS", "h[ae]llo"))), ["hello", "hallo"])
        XCTAssertEqual(Set(strings(h.call("KEYS", "h[^e]llo"))), ["hallo", "hxllo"])
        XCTAssertEqual(Set(strings(h.call("KEYS", "h\\[a\\]"))), ["h[a]"])
        XCTAssertEqual(h.rawString("KEYS", "nomatch*"), "*0\r\n")
        // KEYS hides expired keys without deleting them.
        XCTAssertNotNil(h.server.databases[0].dict[Key("hbllo")])
    }

    // MARK: SCAN

    func testScanIteratesEverything() throws {
        let h = try Harness()
        for i in 0..<1000 { put(h, "key:\(i)") }
        let seen = scanAll(h)
        XCTAssertEqual(Set(seen).count, 1000)
        XCTAssertEqual(seen.count, 1000, "an unchanged keyspace yields each key once")
        let big = scanAll(h, ["COUNT", "300"])
        XCTAssertEqual(Set(big).count, 1000)
    }

    func testScanReplyShapeAndCount() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SCAN", "0"), "*2\r\n$1\r\n0\r\n*0\r\n")
        for i in 0..<25 { put(h, "k\(i)") }
        let r = h.call("SCAN", "0", "COUNT", "5")
        guard let parts = r.elements, parts.count == 2 else { return XCTFail("\(r)") }
        guard case .bulkString(let c?) = parts[0] else { return XCTFail("cursor must be a bulk string: \(r)") }
        XCTAssertNotEqual(c, Array("0".utf8))
        XCTAssertEqual(parts[1].elements?.count, 5)
    }

    func testScanErrors() throws {
        let h = try Harness()
        put(h, "a")
        XCTAssertEqual(h.rawString("SCAN", "abc"), "-ERR invalid cursor\r\n")
        XCTAssertEqual(h.rawString("SCAN", " 1"), "-ERR invalid cursor\r\n")
        XCTAssertEqual(h.rawString("SCAN", "1 "), "-ERR invalid cursor\r\n")
        XCTAssertEqual(h.rawString("SCAN", "1.5"), "-ERR invalid cursor\r\n")
        XCTAssertEqual(h.rawString("SCAN", "18446744073709551616"), "-ERR invalid cursor\r\n")
        XCTAssertEqual(h.rawString("SCAN", "-"), "-ERR invalid cursor\r\n")
        // The cursor wins over a bad option.
        XCTAssertEqual(h.rawString("SCAN", "x", "COUNT", "0"), "-ERR invalid cursor\r\n")
        XCTAssertEqual(h.rawString("SCAN", "0", "COUNT", "0"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SCAN", "0", "COUNT", "-1"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SCAN", "0", "COUNT", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("SCAN", "0", "MATCH"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SCAN", "0", "TYPE"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SCAN", "0", "FOO", "bar"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("SCAN"), "-ERR wrong number of arguments for 'scan' command\r\n")
    }

    func testScanCursorParsingLikeStrtoul() {
        XCTAssertEqual(KeyCommands.parseScanCursor(Array("".utf8)), 0)
        XCTAssertEqual(KeyCommands.parseScanCursor(Array("00".utf8)), 0)
        XCTAssertEqual(KeyCommands.parseScanCursor(Array("+7".utf8)), 7)
        XCTAssertEqual(KeyCommands.parseScanCursor(Array("-1".utf8)), UInt64.max)
        XCTAssertEqual(KeyCommands.parseScanCursor(Array("18446744073709551615".utf8)), UInt64.max)
        XCTAssertNil(KeyCommands.parseScanCursor(Array("\t1".utf8)))
        XCTAssertNil(KeyCommands.parseScanCursor(Array("0x10".utf8)))
        XCTAssertNil(KeyCommands.parseScanCursor(Array("+".utf8)))
    }

    func testScanOddCursorsAreAccepted() throws {
        let h = try Harness()
        for i in 0..<5 { put(h, "k\(i)") }
        // A cursor beyond the keyspace (or a wrapped negative one) just resumes from the top.
        for c in ["-1", "18446744073709551615", "999", "+3", ""] {
            let r = h.call("SCAN", c)
            XCTAssertEqual(r.elements?.count, 2, "SCAN \(c): \(r)")
        }
    }

    func testScanMatchAndType() throws {
        let h = try Harness()
        for i in 0..<50 { put(h, "user:\(i)") }
        for i in 0..<50 { put(h, "item:\(i)") }
        XCTAssertEqual(Set(scanAll(h, ["MATCH", "user:*"])).count, 50)
        XCTAssertEqual(Set(scanAll(h, ["MATCH", "user:1?"])).count, 10)
        XCTAssertEqual(Set(scanAll(h, ["MATCH", "*"])).count, 100)
        XCTAssertEqual(Set(scanAll(h, ["TYPE", "string"])).count, 100)
        XCTAssertEqual(Set(scanAll(h, ["TYPE", "STRING", "COUNT", "7"])).count, 100)
        XCTAssertEqual(scanAll(h, ["TYPE", "list"]).count, 0)
        XCTAssertEqual(scanAll(h, ["TYPE", "nosuchtype"]).count, 0)
        // The last option of a kind wins.
        XCTAssertEqual(Set(scanAll(h, ["MATCH", "user:*", "MATCH", "item:*"])).allSatisfy { $0.hasPrefix("item:") }, true)
    }

    func testScanSkipsAndReapsExpiredKeys() throws {
        let h = try Harness()
        for i in 0..<100 { put(h, "live:\(i)") }
        for i in 0..<100 { put(h, "dead:\(i)", ttlMs: 10) }
        h.advanceClock(ms: 20)
        let seen = Set(scanAll(h, ["COUNT", "17"]))
        XCTAssertEqual(seen, Set((0..<100).map { "live:\($0)" }))
        XCTAssertEqual(h.server.databases[0].count, 100)
    }

    /// Keys present for the whole iteration are returned even while others are
    /// deleted and added between calls (Redis's SCAN guarantee).
    func testScanGuaranteeUnderChurn() throws {
        let h = try Harness()
        for i in 0..<500 { put(h, "stable:\(i)") }
        for i in 0..<500 { put(h, "churn:\(i)") }
        var next = 0
        let seen = Set(scanAll(h, ["COUNT", "13"]) { round in
            // Delete a few churn keys and add new ones every round.
            for _ in 0..<7 where next < 500 {
                h.server.databases[0].delete(Key("churn:\(next)"))
                next += 1
            }
            for j in 0..<5 { self.put(h, "new:\(round):\(j)") }
        })
        for i in 0..<500 { XCTAssertTrue(seen.contains("stable:\(i)"), "stable:\(i) missed") }
    }

    // MARK: OBJECT

    func testObjectHelp() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("OBJECT", "HELP"),
            "*15\r\n+OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+ENCODING <key>\r\n+    Return the kind of internal representation used in order to store the value\r\n+    associated with a <key>.\r\n+FREQ <key>\r\n+    Return the access frequency index of the <key>. The returned integer is\r\n+    proportional to the logarithm of the recent access frequency of the key.\r\n+IDLETIME <key>\r\n+    Return the idle time of the <key>, that is the approximated number of\r\n+    seconds elapsed since the last access to the key.\r\n+REFCOUNT <key>\r\n+    Return the number of references of the value associated with the specified\r\n+    <key>.\r\n+HELP\r\n+    Prints this help.\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "foo"), "-ERR unknown subcommand 'foo'. Try OBJECT HELP.\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "encoding"), "-ERR wrong number of arguments for 'object|encoding' command\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "help", "x"), "-ERR wrong number of arguments for 'object|help' command\r\n")
    }

    func testObjectEncodingAndRefcount() throws {
        let h = try Harness()
        put(h, "i", "123"); put(h, "neg", "-5"); put(h, "bigint", "10000")
        put(h, "s", "hello"); put(h, "raw", String(repeating: "x", count: 45))
        XCTAssertEqual(h.rawString("OBJECT", "ENCODING", "i"), "$3\r\nint\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "ENCODING", "s"), "$6\r\nembstr\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "ENCODING", "raw"), "$3\r\nraw\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "ENCODING", "nokey"), "$-1\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "REFCOUNT", "i"), ":2147483647\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "REFCOUNT", "neg"), ":1\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "REFCOUNT", "bigint"), ":1\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "REFCOUNT", "s"), ":1\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "REFCOUNT", "nokey"), "$-1\r\n")
        h.client.proto = 3
        XCTAssertEqual(h.rawString("OBJECT", "ENCODING", "nokey"), "_\r\n")
    }

    func testObjectIdletimeTracksAccess() throws {
        let h = try Harness()
        alignClock(h, unit: 1000)
        put(h, "k")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "k"), ":0\r\n")
        h.advanceClock(ms: 5_000)
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "k"), ":5\r\n")
        // NOTOUCH lookups leave the clock alone.
        h.call("TYPE", "k"); h.call("EXISTS", "k"); h.call("TTL", "k"); h.call("OBJECT", "ENCODING", "k")
        h.call("SCAN", "0", "TYPE", "string"); h.call("KEYS", "*")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "k"), ":5\r\n")
        // A read access resets it.
        h.call("TOUCH", "k")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "k"), ":0\r\n")
        // RENAME and MOVE carry the access time; COPY makes a fresh object.
        h.advanceClock(ms: 3_000)
        put(h, "other")
        h.server.databases[0].setExpire(Key("k"), at: now(h) + 999_999)
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "k"), ":3\r\n")
        XCTAssertEqual(h.rawString("COPY", "k", "copied"), ":1\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "copied"), ":0\r\n")
        h.advanceClock(ms: 2_000)
        XCTAssertEqual(h.rawString("RENAME", "copied", "renamed"), "+OK\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "renamed"), ":0\r\n", "RENAME's write lookup is an access")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "nokey"), "$-1\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "FREQ", "nokey"), "$-1\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "FREQ", "k"),
                       "-ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n")
    }

    /// Redis keeps one object per integer 0..<10000, access stamp included:
    /// reading any key holding 9 is an access of every key holding 9.
    func testKeysHoldingTheSameSmallIntegerShareOneAccessTime() throws {
        let h = try Harness()
        alignClock(h, unit: 1000)
        XCTAssertEqual(h.rawString("SET", "a", "9"), "+OK\r\n")
        XCTAssertEqual(h.rawString("INCRBY", "b", "9"), ":9\r\n")
        XCTAssertEqual(h.rawString("SET", "big", "10000"), "+OK\r\n")
        XCTAssertEqual(h.rawString("GET", "big"), "$5\r\n10000\r\n")
        h.advanceClock(ms: 5_000)
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "big"), ":5\r\n")
        let idleA = h.rawString("OBJECT", "IDLETIME", "a")
        XCTAssertEqual(idleA, h.rawString("OBJECT", "IDLETIME", "b"), "one shared 9")
        XCTAssertNotEqual(idleA, ":0\r\n")
        XCTAssertEqual(h.rawString("GET", "b"), "$1\r\n9\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "a"), ":0\r\n", "reading b touched the shared 9")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "big"), ":5\r\n", "10000 is not shared")
    }

    /// COPY makes a private integer; INCR of it to 0..<10000 stores the shared one again.
    func testIncrementingACopiedSmallIntegerSharesItAgain() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SET", "a", "9"), "+OK\r\n")
        XCTAssertEqual(h.rawString("COPY", "a", "b"), ":1\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "REFCOUNT", "b"), ":1\r\n")
        XCTAssertEqual(h.rawString("INCR", "b"), ":10\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "REFCOUNT", "b"), ":2147483647\r\n")
    }

    /// With maxmemory under an LRU policy Redis stops sharing integers, so
    /// every key keeps its own access time.
    func testSmallIntegersKeepTheirOwnAccessTimeUnderAnLRUMemoryLimit() throws {
        let h = try Harness()
        h.server.config.maxmemory = 1 << 30
        h.server.config.maxmemoryPolicy = "allkeys-lru"
        alignClock(h, unit: 1000)
        XCTAssertEqual(h.rawString("SET", "a", "9"), "+OK\r\n")
        XCTAssertEqual(h.rawString("SET", "b", "9"), "+OK\r\n")
        h.advanceClock(ms: 5_000)
        XCTAssertEqual(h.rawString("GET", "b"), "$1\r\n9\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "a"), ":5\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "REFCOUNT", "a"), ":1\r\n")
    }

    func testObjectFreqUnderLFU() throws {
        let h = try Harness()
        h.server.config.maxmemoryPolicy = "allkeys-lfu"
        h.server.syncAccessPolicy()
        alignClock(h, unit: 60_000)
        put(h, "k")
        XCTAssertEqual(h.rawString("OBJECT", "FREQ", "k"), ":5\r\n", "new keys start at LFU_INIT_VAL")
        XCTAssertEqual(h.rawString("OBJECT", "IDLETIME", "k"),
                       "-ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.\r\n")
        h.call("TOUCH", "k")
        XCTAssertEqual(h.rawString("OBJECT", "FREQ", "k"), ":6\r\n", "at the initial value an access always counts")
        for _ in 0..<200 { h.call("TOUCH", "k") }
        let f = h.call("OBJECT", "FREQ", "k").int ?? 0
        XCTAssertGreaterThan(f, 6)
        XCTAssertLessThan(f, 60, "the counter is logarithmic")
        // One decrement per idle minute (lfu-decay-time 1).
        h.advanceClock(ms: 3 * 60_000)
        XCTAssertEqual(h.call("OBJECT", "FREQ", "k").int, f - 3)
        h.advanceClock(ms: 300 * 60_000)
        XCTAssertEqual(h.rawString("OBJECT", "FREQ", "k"), ":0\r\n")
    }

    func testLookupsTreatExpiredKeysAsMissing() throws {
        let h = try Harness()
        for k in ["a", "b", "c", "d", "e", "f", "g"] { put(h, k, "1", ttlMs: 100) }
        h.advanceClock(ms: 101)
        XCTAssertEqual(h.rawString("EXISTS", "a"), ":0\r\n")
        XCTAssertEqual(h.rawString("TYPE", "b"), "+none\r\n")
        XCTAssertEqual(h.rawString("OBJECT", "ENCODING", "c"), "$-1\r\n")
        XCTAssertEqual(h.rawString("MOVE", "d", "1"), ":0\r\n")
        XCTAssertEqual(h.rawString("COPY", "e", "x"), ":0\r\n")
        XCTAssertEqual(h.rawString("TOUCH", "f"), ":0\r\n")
        XCTAssertEqual(h.rawString("DEL", "g"), ":0\r\n")
        XCTAssertEqual(h.rawString("KEYS", "*"), "*0\r\n")
        XCTAssertEqual(h.rawString("RANDOMKEY"), "$-1\r\n")
        XCTAssertEqual(h.server.databases[0].count, 0)
        XCTAssertEqual(h.server.databases[1].count, 0)
    }

    func testWritesSignalWatchers() throws {
        let h = try Harness()
        put(h, "w")
        var touched: [String] = []
        let previous = h.server.keyspace.onModified
        h.server.keyspace.onModified = { db, k in touched.append(k.string); previous?(db, k) }
        h.call("EXPIRE", "w", "100")
        h.call("PERSIST", "w")
        h.call("RENAME", "w", "w2")
        h.call("COPY", "w2", "w3")
        h.call("MOVE", "w3", "1")
        h.call("DEL", "w2")
        XCTAssertEqual(touched, ["w", "w", "w2", "w", "w3", "w3", "w3", "w2"])
    }
}
