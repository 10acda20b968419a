import Persistence
import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// DUMP and RESTORE through the command path: payloads, options and their
/// errors in Redis 7.0's order, TTLs, access stamps, dirty counting and the
/// propagated form. Time moves with `advanceClock`, never sleeps.
final class DumpRestoreTests: XCTestCase {
    private func payload(_ s: String) -> [UInt8] { DumpPayload.encode(.string(StringValue(Array(s.utf8)))) }

    private func restore(_ h: Harness, _ key: String, _ ttl: String, _ p: [UInt8], _ options: String...) -> RESPValue {
        h.call(bytes: [Array("RESTORE".utf8), Array(key.utf8), Array(ttl.utf8), p] + options.map { Array($0.utf8) })
    }

    private func err(_ s: String) -> RESPValue { .error(Array(s.utf8)) }

    /// The feed's output as text, from attaching until `body` has run.
    private func propagated(_ h: Harness, _ body: () -> Void) -> String {
        var out: [UInt8] = []
        h.server.feed.attach(id: 99) { out += $0 }
        body()
        h.server.feed.detach(id: 99)
        return String(decoding: out, as: UTF8.self)
    }

    /// A command as the feed writes it: `head`, the payload, then `tail`.
    private func command(_ head: [String], _ p: [UInt8], _ tail: [String]) -> String {
        var out: [UInt8] = []
        PropagationFeed.encode(head.map { Array($0.utf8) } + [p] + tail.map { Array($0.utf8) }, into: &out)
        return String(decoding: out, as: UTF8.self)
    }

    func testDumpOfMissingKeyIsNull() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("DUMP", "nokey"), .nilBulk)
    }

    func testDumpReturnsThePayloadOfTheValue() throws {
        let h = try Harness()
        h.call("RPUSH", "l", "a", "b", "1")
        guard case .list(let l)? = h.server.databases[0].dict[Key("l")] else { return XCTFail("no list") }
        XCTAssertEqual(h.call("DUMP", "l"), .bulkString(DumpPayload.encode(.list(l))))
    }

    func testDumpThenRestoreRecreatesTheValue() throws {
        let h = try Harness()
        h.call("HSET", "h", "f1", "v1", "f2", "2")
        guard case .bulkString(let p?) = h.call("DUMP", "h") else { return XCTFail("no payload") }
        XCTAssertEqual(restore(h, "h2", "0", p), .ok)
        XCTAssertEqual(h.call("HGET", "h2", "f2"), .bulk("2"))
        XCTAssertEqual(h.call("OBJECT", "ENCODING", "h2"), .bulk("listpack"))
        XCTAssertEqual(h.call("TTL", "h2"), .integer(-1))
    }

    func testRestoreOntoExistingKeyIsBusyKey() throws {
        let h = try Harness()
        h.call("SET", "k", "old")
        XCTAssertEqual(restore(h, "k", "0", payload("new")), err("BUSYKEY Target key name already exists."))
        XCTAssertEqual(h.call("GET", "k"), .bulk("old"))
    }

    func testRestoreReplaceOverwritesAndDropsTheOldTTL() throws {
        let h = try Harness()
        h.call("SET", "k", "old", "EX", "100")
        XCTAssertEqual(restore(h, "k", "0", payload("new"), "REPLACE"), .ok)
        XCTAssertEqual(h.call("GET", "k"), .bulk("new"))
        XCTAssertEqual(h.call("TTL", "k"), .integer(-1))
    }

    func testRestoreWithTtlSetsRelativeExpiry() throws {
        // A clock that stands still: the TTL counts from a fresh reading, equal to the command's time.
        let h = try Harness(clock: NodeClock(manualWallUs: 1_700_000_000_000_000))
        XCTAssertEqual(restore(h, "k", "5000", payload("v")), .ok)
        XCTAssertEqual(h.server.databases[0].expireTime(Key("k")), h.server.keyspace.nowMs + 5000)
    }

    func testRestoreAbsttlTakesAnAbsoluteTime() throws {
        let h = try Harness()
        XCTAssertEqual(restore(h, "k", "99999999999123", payload("v"), "ABSTTL"), .ok)
        XCTAssertEqual(h.call("PEXPIRETIME", "k"), .integer(99_999_999_999_123))
    }

    func testRestoreAbsttlInThePastCreatesNothing() throws {
        let h = try Harness()
        let dirty = h.server.dirty
        XCTAssertEqual(restore(h, "k", "1", payload("v"), "ABSTTL"), .ok)
        XCTAssertEqual(h.call("EXISTS", "k"), .integer(0))
        XCTAssertEqual(h.server.dirty, dirty, "nothing changed")
    }

    func testRestoreReplaceWithPastTimeDeletesAndPropagatesDel() throws {
        let h = try Harness()
        h.call("SET", "k", "old")
        let dirty = h.server.dirty
        let stream = propagated(h) { XCTAssertEqual(restore(h, "k", "1", payload("v"), "ABSTTL", "REPLACE"), .ok) }
        XCTAssertEqual(h.call("EXISTS", "k"), .integer(0))
        XCTAssertEqual(h.server.dirty, dirty + 1)
        XCTAssertTrue(stream.hasSuffix("*2\r\n$3\r\nDEL\r\n$1\r\nk\r\n"), stream)
    }

    func testReplicaKeepsRestoredKeyWhoseTimeHasPassed() throws {
        let h = try Harness()
        h.server.keyspace.isMaster = false
        XCTAssertEqual(restore(h, "k", "1", payload("v"), "ABSTTL"), .ok)
        XCTAssertEqual(h.server.databases[0].expireTime(Key("k")), 1)
    }

    func testRelativeTtlPropagatesAsAbsoluteWithAbsttl() throws {
        let h = try Harness()
        let p = payload("v")
        let stream = propagated(h) { XCTAssertEqual(restore(h, "k", "5000", p, "REPLACE"), .ok) }
        let when = String(h.server.databases[0].expireTime(Key("k")) ?? -1)
        XCTAssertTrue(stream.hasSuffix(command(["RESTORE", "k", when], p, ["REPLACE", "ABSTTL"])), stream)
    }

    func testRestoreWithoutTtlPropagatesAsGiven() throws {
        let h = try Harness()
        let p = payload("v")
        let stream = propagated(h) { XCTAssertEqual(restore(h, "k", "0", p), .ok) }
        XCTAssertTrue(stream.hasSuffix(command(["RESTORE", "k", "0"], p, [])), stream)
    }

    func testRestoreCountsOneChange() throws {
        let h = try Harness()
        let dirty = h.server.dirty
        XCTAssertEqual(restore(h, "k", "0", payload("v")), .ok)
        XCTAssertEqual(h.server.dirty, dirty + 1)
    }

    func testNegativeTtlIsRefused() throws {
        let h = try Harness()
        XCTAssertEqual(restore(h, "k", "-1", payload("v")), err("ERR Invalid TTL value, must be >= 0"))
        XCTAssertEqual(restore(h, "k", "abc", payload("v")), err("ERR value is not an integer or out of range"))
    }

    func testBusyKeyIsCheckedBeforeTheTtl() throws {
        let h = try Harness()
        h.call("SET", "k", "v")
        XCTAssertEqual(restore(h, "k", "-1", payload("v")), err("BUSYKEY Target key name already exists."))
    }

    func testWrongChecksumOrVersionIsRefused() throws {
        let h = try Harness()
        var p = payload("v")
        p[p.count - 1] ^= 0xFF
        XCTAssertEqual(restore(h, "k", "0", p), err("ERR DUMP payload version or checksum are wrong"))
        XCTAssertEqual(restore(h, "k", "0", Array("short".utf8)), err("ERR DUMP payload version or checksum are wrong"))
        var newer = payload("v")
        newer[newer.count - 10] = 11
        XCTAssertEqual(restore(h, "k", "0", newer), err("ERR DUMP payload version or checksum are wrong"))
    }

    func testUndecodableBodyIsBadDataFormat() throws {
        let h = try Harness()
        // A valid footer around an unknown type byte.
        var body: [UInt8] = [200, 1, 0x61, 10, 0]
        body += withCRC(body)
        XCTAssertEqual(restore(h, "k", "0", body), err("ERR Bad data format"))
        XCTAssertEqual(h.call("EXISTS", "k"), .integer(0))
    }

    private func withCRC(_ b: [UInt8]) -> [UInt8] {
        var crc = CRC64.checksum(b)
        var out: [UInt8] = []
        for _ in 0..<8 {
            out.append(UInt8(crc & 0xFF))
            crc >>= 8
        }
        return out
    }

    func testOptionErrorsInRedisOrder() throws {
        let h = try Harness()
        let p = payload("v")
        XCTAssertEqual(restore(h, "k", "0", p, "FOO"), err("ERR syntax error"))
        XCTAssertEqual(restore(h, "k", "0", p, "IDLETIME"), err("ERR syntax error"))
        XCTAssertEqual(restore(h, "k", "0", p, "IDLETIME", "x"), err("ERR value is not an integer or out of range"))
        XCTAssertEqual(restore(h, "k", "0", p, "IDLETIME", "-1"), err("ERR Invalid IDLETIME value, must be >= 0"))
        XCTAssertEqual(restore(h, "k", "0", p, "FREQ", "256"), err("ERR Invalid FREQ value, must be >= 0 and <= 255"))
        XCTAssertEqual(restore(h, "k", "0", p, "FREQ", "-1"), err("ERR Invalid FREQ value, must be >= 0 and <= 255"))
        XCTAssertEqual(restore(h, "k", "0", p, "FREQ"), err("ERR syntax error"))
        XCTAssertEqual(restore(h, "k", "-5", p, "FOO"), err("ERR syntax error"), "options are parsed first")
    }

    func testIdletimeAndFreqExcludeEachOther() throws {
        let h = try Harness()
        let p = payload("v")
        XCTAssertEqual(restore(h, "k", "0", p, "IDLETIME", "5", "FREQ", "5"), err("ERR syntax error"))
        XCTAssertEqual(restore(h, "k", "0", p, "FREQ", "5", "IDLETIME", "5"), err("ERR syntax error"))
    }

    func testIdletimeBackdatesTheAccessTime() throws {
        let h = try Harness()
        XCTAssertEqual(restore(h, "k", "0", payload("v"), "IDLETIME", "1000"), .ok)
        XCTAssertEqual(h.call("OBJECT", "IDLETIME", "k"), .integer(1000))
    }

    func testIdletimeBeyondRedisClockWrapsAsItsClock() throws {
        let clock: Int64 = 1_415_937 + 107 << 24
        XCTAssertEqual(DumpRestoreCommands.redisIdle(1000, clock: clock), 1000)
        XCTAssertEqual(DumpRestoreCommands.redisIdle(2_000_000, clock: clock), 2_000_000, "one wrap back reads right")
        // Measured on redis-server 7.0.15 at that clock.
        XCTAssertEqual(DumpRestoreCommands.redisIdle(100_000_000, clock: clock), 16_113_920)
    }

    func testFreqSetsTheCounterUnderLFU() throws {
        let h = try Harness()
        h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        XCTAssertEqual(restore(h, "k", "0", payload("v"), "FREQ", "100"), .ok)
        XCTAssertEqual(h.call("OBJECT", "FREQ", "k"), .integer(100))
    }

    func testFreqIsIgnoredUnderLRU() throws {
        let h = try Harness()
        XCTAssertEqual(restore(h, "k", "0", payload("v"), "FREQ", "100"), .ok)
        XCTAssertEqual(h.call("OBJECT", "IDLETIME", "k"), .integer(0))
    }

    func testRestoredCollectionTakesTheConfiguredEncoding() throws {
        let h = try Harness()
        h.call("CONFIG", "SET", "hash-max-listpack-entries", "1")
        let hv = HashValue()
        for f in ["a", "b"] { hv.set(Array(f.utf8), Array("1".utf8), maxEntries: 512, maxValue: 64) }
        XCTAssertEqual(restore(h, "h", "0", DumpPayload.encode(.hash(hv))), .ok)
        XCTAssertEqual(h.call("OBJECT", "ENCODING", "h"), .bulk("hashtable"))
    }

    func testRestoreAskingBehavesAsRestore() throws {
        let h = try Harness()
        XCTAssertEqual(h.call(bytes: [Array("RESTORE-ASKING".utf8), Array("k".utf8), Array("0".utf8), payload("v")]), .ok)
        XCTAssertEqual(h.call("GET", "k"), .bulk("v"))
    }

    func testRestoreOfEveryFixtureValueDumpsTheSamePayload() throws {
        let h = try Harness()
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count {
                let p = DumpPayload.encode(db.dict.value(at: i))
                let key = db.dict.key(at: i).bytes
                XCTAssertEqual(h.call(bytes: [Array("RESTORE".utf8), key, Array("0".utf8), p]), .ok)
                XCTAssertEqual(h.call(bytes: [Array("DUMP".utf8), key]), .bulkString(p), db.dict.key(at: i).string)
            }
        }
    }
}
