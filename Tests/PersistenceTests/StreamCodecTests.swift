import Keyspace
import Persistence
import TestSupport
import XCTest

/// Type 19 and 15 streams (rdb.md §5.4): node listpacks byte for byte as
/// redis-server holds them, the metadata and groups, and the loader's checks.
final class StreamCodecTests: XCTestCase {
    private typealias F = StreamFixtures
    private let seen: Int64 = 1_796_581_704_161

    /// redis-server 7.0.15's DUMP after XADD s 1-1 a 1 b hello, XADD s 1-2 a 2 b x,
    /// XADD s 2-0 c 3, XDEL s 1-2, XGROUP CREATE s g 0, XREADGROUP GROUP g alice COUNT 1 STREAMS s >.
    private let redisDump = "130110000000000000000100000000000000014043430000001900020101010201816102816202000102010001000101018568656c6c6f0605010301000101010201817802050100010101dfff02010181630203010601ff0202000101010203010167010181ffffffffffffffff0100000000000000010000000000000001e1419d4ca2010000010105616c696365e1419d4ca201000001000000000000000100000000000000010a006973f8cac75f46b8"

    private func bytes(hex: String) -> [UInt8] {
        var out: [UInt8] = []
        var it = hex.makeIterator()
        while let a = it.next(), let b = it.next() { out.append(UInt8(String([a, b]), radix: 16)!) }
        return out
    }

    private func small() -> StreamValue {
        F.stream([("1-1", ["a", "1", "b", "hello"]), ("1-2", ["a", "2", "b", "x"]), ("2-0", ["c", "3"])], deleting: ["1-2"],
                 groups: [F.Group("g", lastID: "1-1", entriesRead: -1,
                                  consumers: [F.Consumer("alice", seenTime: seen, pending: [F.Pending("1-1", time: seen, count: 1)])])])
    }

    func testDumpOfAStreamWithATombstoneAndAGroupIsRedisBytes() {
        XCTAssertEqual(DumpPayload.encode(.stream(small())), bytes(hex: redisDump))
    }

    func testRedisDumpLoadsIntoTheSameStream() throws {
        guard case .stream(let s) = try DumpPayload.decode(bytes(hex: redisDump)) else { return XCTFail("not a stream") }
        XCTAssertEqual(F.describe(s), F.describe(small()))
        XCTAssertEqual(s.nodes.count, 1)
        XCTAssertEqual(s.nodes[0].deleted, 1)
        let g = try XCTUnwrap(s.group(Array("g".utf8)))
        let alice = try XCTUnwrap(g.consumer(Array("alice".utf8)))
        XCTAssertEqual(alice.seenTime, seen)
        // One NACK shared by the group PEL and the consumer's.
        XCTAssertTrue(g.pel[StreamID(ms: 1, seq: 1)] === alice.pel[StreamID(ms: 1, seq: 1)])
        XCTAssertEqual(g.pel[StreamID(ms: 1, seq: 1)]?.deliveryTime, seen)
    }

    func testNodeListpacksHaveTheSizeTheNodeAccountsFor() {
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count {
                guard case .stream(let s) = db.dict.value(at: i) else { continue }
                for n in s.nodes { XCTAssertEqual(RDBWriter.nodeListpack(n).count, n.listpackBytes, db.dict.key(at: i).string) }
            }
        }
    }

    func testTombstonesAndSameFieldsFlagsSurviveARoundTrip() throws {
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count {
                guard case .stream(let s) = db.dict.value(at: i) else { continue }
                let payload = DumpPayload.encode(.stream(s))
                guard case .stream(let back) = try DumpPayload.decode(payload) else { return XCTFail() }
                XCTAssertEqual(DumpPayload.encode(.stream(back)), payload, db.dict.key(at: i).string)
                XCTAssertEqual(back.nodes.map { $0.deleted }, s.nodes.map { $0.deleted })
            }
        }
    }

    // MARK: type 15

    private func lengthBytes(_ n: UInt64) -> [UInt8] {
        precondition(n < 64)
        return [UInt8(n)]
    }

    /// A type-15 body: no first ID, max deleted ID, entries added or entries read.
    private func type15(_ s: StreamValue, groupLast: StreamID) -> [UInt8] {
        var body: [UInt8] = [15, UInt8(s.nodes.count)]
        for n in s.nodes {
            body += [16] + n.master.bigEndianKey
            let lp = RDBWriter.nodeListpack(n)
            precondition(lp.count < 64)
            body += [UInt8(lp.count)] + lp
        }
        body += lengthBytes(UInt64(s.length)) + lengthBytes(s.lastID.ms) + lengthBytes(s.lastID.seq)
        body += [1, 1, UInt8(ascii: "g")] + lengthBytes(groupLast.ms) + lengthBytes(groupLast.seq) + [0, 0]
        return body
    }

    func testTypeFifteenDerivesFirstIDEntriesAddedAndEntriesReadAsSevenDoes() throws {
        let s = F.stream([("1-0", ["a", "1"]), ("2-0", ["a", "2"]), ("3-0", ["a", "3"])], deleting: ["1-0"])
        guard case .stream(let back) = try DumpPayload.decode(CorruptionFixtures.seal(type15(s, groupLast: .zero))) else { return XCTFail() }
        XCTAssertEqual(back.firstID, StreamID(ms: 2, seq: 0))
        XCTAssertEqual(back.maxDeletedID, .zero)
        XCTAssertEqual(back.entriesAdded, 2)
        XCTAssertEqual(back.length, 2)
        // Before the first entry with nothing deleted known: entries_added - length.
        XCTAssertEqual(back.group(Array("g".utf8))?.entriesRead, 0)
    }

    func testTypeFifteenEmptyStreamRecordsMaxAsFirstID() throws {
        let empty = F.stream([("4-0", ["a", "1"])], deleting: ["4-0"])
        guard case .stream(let back) = try DumpPayload.decode(CorruptionFixtures.seal(type15(empty, groupLast: StreamID(ms: 4, seq: 0)))) else {
            return XCTFail()
        }
        XCTAssertEqual(back.firstID, .max)
        XCTAssertEqual(back.length, 0)
        XCTAssertEqual(back.group(Array("g".utf8))?.entriesRead, 0)
    }

    // MARK: refusals

    /// The message a file holding `body` (type byte and value) is refused
    /// with; a cut file ends right after the body.
    private func refusal(_ body: [UInt8], cut: Bool = false) -> String? {
        let end: [UInt8] = cut ? [] : [0xFF] + [UInt8](repeating: 0, count: 8)
        let file = Array("REDIS0010".utf8) + [body[0], 1, UInt8(ascii: "k")] + body.dropFirst() + end
        do {
            _ = try RDBReader.load(file)
            return nil
        } catch let e as RDBError {
            return e.message
        } catch {
            return "\(error)"
        }
    }

    private func smallBody() -> [UInt8] { Array(bytes(hex: redisDump).dropLast(10)) }

    func testConsumerPendingEntryMissingFromTheGroupPELIsRefused() {
        var b = smallBody()
        // The consumer's PEL ID is the last 16 bytes: make it 1-2.
        b[b.count - 1] = 2
        XCTAssertEqual(refusal(b), "Consumer entry not found in group global PEL")
    }

    func testGroupPendingEntryWithoutConsumerIsRefused() {
        var b = smallBody()
        // The consumer owns nothing: drop its one ID.
        b.removeLast(16)
        b[b.count - 1] = 0
        XCTAssertEqual(refusal(b), "Stream CG PEL entry without consumer")
    }

    /// Deep validation (redis-check-rdb's) finds no master entry.
    func testEmptyListpackInsideAStreamFailsTheIntegrityCheck() {
        let body: [UInt8] = [19, 1, 16] + StreamID(ms: 1, seq: 0).bigEndianKey + [7, 7, 0, 0, 0, 0, 0, 0xFF] + [0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertEqual(refusal(body), "Stream listpack integrity check failed.")
    }

    func testEntryOwnedByTwoConsumersIsRefused() {
        let b = smallBody()
        // A second consumer "bob" listing alice's entry.
        let consumer = Array(b.suffix(31))
        var two = Array(b.dropLast(32)) + [2] + consumer
        two += [3] + Array("bob".utf8) + consumer.suffix(25)
        XCTAssertEqual(refusal(two), "Stream consumer PEL entry already has a consumer assigned")
    }

    func testShortReadInsideAStreamNamesWhatWasBeingRead() {
        let b = smallBody()
        XCTAssertEqual(refusal(Array(b.prefix(2)), cut: true), "Stream master ID loading failed: invalid encoding or I/O error.")
        XCTAssertEqual(refusal(Array(b.prefix(30)), cut: true), "Stream listpacks loading failed.")
        XCTAssertEqual(refusal(Array(b.prefix(90)), cut: true), "Stream object metadata loading failed.")
        XCTAssertEqual(refusal(Array(b.prefix(b.count - 3)), cut: true), "Stream short read reading PEL streamID.")
    }

    func testBadMasterEntryTerminatorIsRefused() {
        var b = smallBody()
        // The master entry's terminating 0 (after "a", "b") becomes 1.
        let at = b.firstIndex(of: 0x62)! + 2
        XCTAssertEqual(b[at], 0)
        b[at] = 1
        XCTAssertEqual(refusal(b), "Stream listpack integrity check failed.")
    }

    func testNodeKeyOfTheWrongSizeIsRefused() {
        var b = smallBody()
        b[2] = 15
        b.remove(at: 3)
        XCTAssertEqual(refusal(b), "Stream node key entry is not the size of a stream ID")
    }

    func testTwoNodesWithOneKeyAreRefused() {
        let s = F.stream([("1-0", ["a", "1"])])
        let lp = RDBWriter.nodeListpack(s.nodes[0])
        let node = [16] + s.nodes[0].master.bigEndianKey + [UInt8(lp.count)] + lp
        let body: [UInt8] = [19, 2] + node + node + [2, 1, 0, 1, 0, 0, 0, 1, 0]
        XCTAssertEqual(refusal(body), "Listpack re-added with existing key")
    }

    func testLengthThatDisagreesWithTheNodesIsRefused() {
        var b = smallBody()
        // Type, node count, 16-byte key with its length, the listpack's
        // 14-bit length and its 67 bytes: then the stream's length.
        let at = 2 + 17 + 2 + 67
        XCTAssertEqual(b[at], 2)
        b[at] = 3
        XCTAssertEqual(refusal(b), "Stream length inconsistent with rax entries")
    }

    func testMutatedStreamPayloadsGiveAStreamOrAnError() {
        var o = RDBOptions()
        o.compression = false
        var bodies: [[UInt8]] = []
        for db in PersistenceFixtures.databases() {
            for i in 0..<db.dict.count {
                guard case .stream = db.dict.value(at: i) else { continue }
                let p = DumpPayload.encode(db.dict.value(at: i), options: o)
                if p.count < 4000 { bodies.append(Array(p.dropLast(10))) }
            }
        }
        var rng = SeededRandom(seed: 19)
        var decoded = 0, refused = 0
        for n in 0..<CorruptionFixtures.mutationCount(default: 20_000) {
            let m = CorruptionFixtures.mutate(bodies[n % bodies.count], &rng)
            do {
                if case .stream(let s) = try DumpPayload.decode(CorruptionFixtures.seal(m)) {
                    // What loads must be usable: read it whole and write it back.
                    s.forEach(from: .zero, to: .max) { _, _ in true }
                    _ = DumpPayload.encode(.stream(s))
                }
                decoded += 1
            } catch {
                refused += 1
            }
        }
        XCTAssertGreaterThan(refused, 0)
        XCTAssertGreaterThan(decoded, 0)
    }
}
