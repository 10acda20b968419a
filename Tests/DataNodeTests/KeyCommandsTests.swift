import Protocol
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
        h.advanceClock(ms: 1)
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
        h.advanceClock(ms: 100)
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

/// The same script against Vigil (in process) and a real redis-server,
/// comparing decoded replies (bulk vs simple string, null kinds, integers and
/// error texts all count). Replies whose order Redis leaves to its hash
/// table are compared sorted; time-dependent ones are avoided.
final class KeyCommandsDifferentialTests: XCTestCase {
    enum Compare { case exact, sorted, sortedScan, skip }

    func testRepliesMatchRealRedis() throws {
        let redis = try ConfigRealRedis()
        let h = try Harness()
        let x50 = String(repeating: "x", count: 50)
        var script: [([String], Compare)] = [
            (["SET", "a", "1"], .exact), (["SET", "s", "hello"], .exact), (["SET", "big", x50], .exact),
            (["SET", "n", "-7"], .exact), (["SET", "e", "v"], .exact),
            // DEL/UNLINK/EXISTS/TOUCH/TYPE
            (["EXISTS", "a", "a", "nokey", "s"], .exact), (["EXISTS"], .exact), (["TOUCH", "big", "nokey", "big"], .exact),
            (["TYPE", "a"], .exact), (["TYPE", "nokey"], .exact), (["TYPE"], .exact),
            (["DEL", "e", "e", "nokey"], .exact), (["UNLINK", "nokey"], .exact), (["DEL"], .exact), (["UNLINK"], .exact),
            // RENAME/RENAMENX
            (["RENAME", "nokey", "x"], .exact), (["RENAMENX", "nokey", "x"], .exact), (["RENAME", "a", "a"], .exact),
            (["RENAMENX", "a", "a"], .exact), (["RENAMENX", "a", "s"], .exact), (["RENAME", "a", "a2"], .exact),
            (["RENAME", "a2", "a"], .exact), (["RENAMENX", "a", "fresh"], .exact), (["RENAME", "fresh", "a"], .exact),
            (["RENAME", "a"], .exact),
            // MOVE
            (["MOVE", "a", "0"], .exact), (["MOVE", "a", "16"], .exact), (["MOVE", "a", "-1"], .exact),
            (["MOVE", "a", "abc"], .exact), (["MOVE", "a", "99999999999"], .exact), (["MOVE", "a", "2147483648"], .exact),
            (["MOVE", "a", "-2147483649"], .exact), (["MOVE", "nokey", "1"], .exact), (["MOVE", "n", "1"], .exact),
            (["MOVE", "n", "1"], .exact), (["SET", "n", "here"], .exact), (["MOVE", "n", "1"], .exact),
            // COPY
            (["COPY", "a", "a"], .exact), (["COPY", "a", "b", "DB", "abc"], .exact), (["COPY", "a", "b", "DB", "99"], .exact),
            (["COPY", "a", "b", "DB", "-1"], .exact), (["COPY", "a", "b", "DB", "2147483648"], .exact),
            (["COPY", "a", "b", "DB"], .exact), (["COPY", "a", "b", "foo"], .exact), (["COPY", "a", "b", "REPLACE", "foo"], .exact),
            (["COPY", "nokey", "b"], .exact), (["COPY", "a", "b"], .exact), (["COPY", "a", "b"], .exact),
            (["COPY", "s", "b", "REPLACE"], .exact), (["GET", "b"], .exact), (["COPY", "a", "a", "DB", "0"], .exact),
            (["COPY", "a", "a", "DB", "3", "DB", "4"], .exact), (["COPY", "a", "c", "replace", "replace", "db", "0"], .exact),
            // EXPIRE family
            (["EXPIRE", "big", "abc"], .exact), (["EXPIRE", "big", "1", "nx", "xx"], .exact), (["EXPIRE", "big", "1", "gt", "lt"], .exact),
            (["EXPIRE", "big", "1", "nx", "gt"], .exact), (["EXPIRE", "big", "1", "xx", "lt", "nx"], .exact),
            (["EXPIRE", "big", "1", "foo"], .exact), (["EXPIRE", "big", "abc", "foo"], .exact), (["EXPIRE", "big", "abc", "nx", "xx"], .exact),
            (["EXPIRE", "big", "9223372036854775807"], .exact), (["EXPIRE", "big", "-9223372036854775808"], .exact),
            (["EXPIRE", "big", "9223372036854774"], .exact), (["PEXPIRE", "big", "9223372036854775807"], .exact),
            (["EXPIREAT", "big", "9223372036854775807"], .exact), (["PEXPIREAT", "big", "9223372036854775807"], .exact),
            (["EXPIRETIME", "big"], .exact), (["PEXPIRETIME", "big"], .exact), (["PERSIST", "big"], .exact),
            (["PERSIST", "big"], .exact), (["PERSIST", "nokey"], .exact), (["TTL", "big"], .exact), (["PTTL", "big"], .exact),
            (["TTL", "nokey"], .exact), (["PTTL", "nokey"], .exact), (["EXPIRETIME", "nokey"], .exact), (["PEXPIRETIME", "nokey"], .exact),
            (["EXPIREAT", "big", "99999999999", "XX"], .exact), (["EXPIREAT", "big", "99999999999", "GT"], .exact),
            (["EXPIREAT", "big", "99999999999", "NX"], .exact), (["EXPIREAT", "big", "99999999999", "LT"], .exact),
            (["EXPIRETIME", "big"], .exact), (["EXPIREAT", "big", "99999999998", "GT"], .exact),
            (["EXPIREAT", "big", "99999999999", "GT"], .exact), (["EXPIREAT", "big", "99999999998", "LT"], .exact),
            (["PEXPIRETIME", "big"], .exact), (["PEXPIREAT", "big", "99999999998501", "XX", "GT"], .exact),
            (["EXPIRETIME", "big"], .exact), (["PEXPIREAT", "big", "99999999998499"], .exact), (["EXPIRETIME", "big"], .exact),
            (["EXPIRE", "s", "100"], .exact), (["TTL", "s"], .exact), (["EXPIRE", "s", "-1"], .exact), (["EXISTS", "s"], .exact),
            (["SET", "s", "hello"], .exact), (["PEXPIREAT", "s", "1"], .exact), (["TYPE", "s"], .exact),
            (["EXPIRE", "nokey", "10"], .exact), (["EXPIRE", "a"], .exact), (["TTL"], .exact),
            // RENAME and COPY carry the TTL.
            (["SET", "t", "v"], .exact), (["PEXPIREAT", "t", "99999999999123"], .exact), (["RENAME", "t", "t2"], .exact),
            (["PEXPIRETIME", "t2"], .exact), (["COPY", "t2", "t3"], .exact), (["PEXPIRETIME", "t3"], .exact),
            (["MOVE", "t3", "5"], .exact), (["SELECT", "5"], .exact), (["PEXPIRETIME", "t3"], .exact),
            (["RANDOMKEY"], .exact), (["SELECT", "6"], .exact), (["RANDOMKEY"], .exact), (["SELECT", "0"], .exact),
            (["RENAME", "t2", "big"], .exact), (["PEXPIRETIME", "big"], .exact), (["RENAME", "c", "big"], .exact),
            (["PEXPIRETIME", "big"], .exact),
            // KEYS and SCAN
            (["MSET", "user:1", "a", "user:2", "b", "user:10", "c", "item:1", "d", "h[x]", "e"], .exact),
            (["KEYS", "*"], .sorted), (["KEYS", "user:?"], .sorted), (["KEYS", "user:*"], .sorted), (["KEYS", "h\\[x\\]"], .sorted),
            (["KEYS", "[a-j]*"], .sorted), (["KEYS", "nomatch"], .exact), (["KEYS"], .exact),
            (["SCAN", "0", "COUNT", "1000"], .sortedScan), (["SCAN", "0", "MATCH", "user:*", "COUNT", "1000"], .sortedScan),
            (["SCAN", "0", "TYPE", "string", "COUNT", "1000"], .sortedScan), (["SCAN", "0", "TYPE", "STRING", "COUNT", "1000"], .sortedScan),
            (["SCAN", "0", "TYPE", "hash", "COUNT", "1000"], .sortedScan), (["SCAN", "0", "MATCH", "*", "COUNT", "1000"], .sortedScan),
            (["SCAN", "abc"], .exact), (["SCAN", " 1"], .exact), (["SCAN", "1 "], .exact), (["SCAN", "18446744073709551616"], .exact),
            (["SCAN", "0", "COUNT", "0"], .exact), (["SCAN", "0", "COUNT", "-5"], .exact), (["SCAN", "0", "COUNT", "x"], .exact),
            (["SCAN", "0", "COUNT", "9223372036854775808"], .exact), (["SCAN", "0", "MATCH"], .exact), (["SCAN", "0", "TYPE"], .exact),
            (["SCAN", "0", "foo", "bar"], .exact), (["SCAN", "x", "COUNT", "0"], .exact), (["SCAN"], .exact),
            // OBJECT
            (["OBJECT", "HELP"], .exact), (["OBJECT", "help", "x"], .exact), (["OBJECT"], .exact), (["OBJECT", "foo"], .exact),
            (["OBJECT", "foo", "bar"], .exact), (["OBJECT", "ENCODING"], .exact), (["OBJECT", "ENCODING", "a", "b"], .exact),
            (["OBJECT", "ENCODING", "a"], .exact), (["OBJECT", "ENCODING", "user:1"], .exact), (["OBJECT", "ENCODING", "big"], .exact),
            (["OBJECT", "ENCODING", "nokey"], .exact), (["OBJECT", "REFCOUNT", "a"], .exact), (["OBJECT", "REFCOUNT", "user:1"], .exact),
            (["OBJECT", "REFCOUNT", "nokey"], .exact), (["OBJECT", "IDLETIME", "nokey"], .exact), (["OBJECT", "FREQ", "nokey"], .exact),
            (["OBJECT", "FREQ", "a"], .exact),
            (["SET", "i9999", "9999"], .exact), (["OBJECT", "REFCOUNT", "i9999"], .exact),
            (["SET", "i10000", "10000"], .exact), (["OBJECT", "REFCOUNT", "i10000"], .exact),
            (["SET", "i0", "0"], .exact), (["OBJECT", "REFCOUNT", "i0"], .exact), (["OBJECT", "REFCOUNT", "n"], .exact),
        ]
        script += [
            (["CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"], .exact), (["OBJECT", "FREQ", "nokey"], .exact),
            (["SET", "f", "v"], .exact), (["OBJECT", "FREQ", "f"], .exact), (["OBJECT", "IDLETIME", "f"], .exact),
            (["GET", "f"], .exact), (["OBJECT", "FREQ", "f"], .exact),
            (["CONFIG", "SET", "maxmemory-policy", "noeviction"], .exact), (["OBJECT", "FREQ", "f"], .exact),
            (["HELLO", "3"], .skip), (["OBJECT", "ENCODING", "nokey"], .exact), (["TYPE", "nokey"], .exact),
            (["SCAN", "0", "MATCH", "user:1*", "COUNT", "1000"], .sortedScan), (["RANDOMKEY"], .skip),
        ]
        for (args, mode) in script {
            let mine = h.call(args: args)
            let theirs = try redis.call(args)
            switch mode {
            case .skip: continue
            case .exact: XCTAssertEqual(mine, theirs, "\(args)")
            case .sorted: XCTAssertEqual(sortedArray(mine), sortedArray(theirs), "\(args)")
            case .sortedScan:
                let m = mine.elements ?? [], t = theirs.elements ?? []
                XCTAssertEqual(m.count, 2, "\(args): \(mine)")
                XCTAssertEqual(t.count, 2, "\(args): \(theirs)")
                guard m.count == 2, t.count == 2 else { continue }
                XCTAssertEqual(m[0], t[0], "\(args) cursor")
                XCTAssertEqual(sortedArray(m[1]), sortedArray(t[1]), "\(args)")
            }
        }
    }

    func sortedArray(_ v: RESPValue) -> RESPValue {
        guard case .array(let a?) = v else { return v }
        return .array(a.sorted { ($0.bytes ?? []).lexicographicallyPrecedes($1.bytes ?? []) })
    }
}
