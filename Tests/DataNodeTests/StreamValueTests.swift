import Keyspace
import XCTest

/// The stream type on its own: node layout as Redis builds it, deletion,
/// trimming and the 7.0 read counters.
final class StreamValueTests: XCTestCase {
    private func id(_ ms: UInt64, _ seq: UInt64 = 0) -> StreamID { StreamID(ms: ms, seq: seq) }
    private let pair: [[UInt8]] = [Array("f".utf8), Array("v".utf8)]

    private func filled(_ n: Int, maxEntries: Int = 100, maxBytes: Int = 4096) -> StreamValue {
        let s = StreamValue()
        for i in 1...n { s.append(id(UInt64(i)), pair, maxBytes: maxBytes, maxEntries: maxEntries) }
        return s
    }

    private func ids(_ s: StreamValue, reverse: Bool = false) -> [UInt64] {
        var out: [UInt64] = []
        s.forEach(from: .zero, to: .max, reverse: reverse) { i, _ in out.append(i.ms); return true }
        return out
    }

    func testAHundredAndFirstEntryStartsASecondNode() {
        XCTAssertEqual(filled(100).nodes.count, 1)
        XCTAssertEqual(filled(101).nodes.count, 2)
    }

    func testNodeBytesFollowRedisListpackSizes() {
        // Master entry: counters, one field, terminator; then one same-fields entry.
        let s = filled(1)
        // 7 header/end + count(2) + deleted(2) + num-fields(2) + "f"(3) + 0(2) + flags(2) + ms(2) + seq(2) + "v"(3) + lp-count(2)
        XCTAssertEqual(s.nodes[0].listpackBytes, 29)
    }

    func testByteLimitSplitsNodesBeforeTheEntryLimit() {
        let s = StreamValue()
        let big: [[UInt8]] = [Array("f".utf8), [UInt8](repeating: 120, count: 1000)]
        for i in 1...10 { s.append(id(UInt64(i)), big, maxBytes: 4096, maxEntries: 100) }
        XCTAssertEqual(s.nodes.count, 3, "about four 1000-byte values fit in a 4096-byte node")
    }

    func testEntriesWithOtherFieldsKeepTheirNames() {
        let s = StreamValue()
        s.append(id(1), pair, maxBytes: 4096, maxEntries: 100)
        s.append(id(2), [Array("g".utf8), Array("w".utf8), Array("h".utf8), Array("x".utf8)], maxBytes: 4096, maxEntries: 100)
        XCTAssertEqual(s.entry(id(2)), [Array("g".utf8), Array("w".utf8), Array("h".utf8), Array("x".utf8)])
        XCTAssertEqual(s.entry(id(1)), pair)
    }

    func testRangesWalkBothWays() {
        let s = filled(250)
        XCTAssertEqual(ids(s), Array(1...250))
        XCTAssertEqual(ids(s, reverse: true), Array((1...250).reversed()))
        var some: [UInt64] = []
        s.forEach(from: id(99), to: id(102)) { i, _ in some.append(i.ms); return true }
        XCTAssertEqual(some, [99, 100, 101, 102])
    }

    func testDeletingTheLastLiveEntryOfANodeFreesIt() {
        let s = filled(101)
        XCTAssertTrue(s.delete(id(101)))
        XCTAssertEqual(s.nodes.count, 1)
        XCTAssertFalse(s.delete(id(101)), "already gone")
        XCTAssertTrue(s.delete(id(1)))
        XCTAssertEqual(s.nodes[0].deleted, 1, "a deleted entry stays flagged in its node")
        XCTAssertEqual(s.length, 99)
    }

    func testExactMaxlenFlagsEntriesInsideTheHeadNode() {
        let s = filled(150)
        XCTAssertEqual(s.trim(.maxLen(30), approx: false, limit: 0), 120)
        XCTAssertEqual(s.length, 30)
        XCTAssertEqual(s.nodes.count, 1)
        XCTAssertEqual(s.firstID, id(121))
    }

    func testApproximateMaxlenDropsOnlyWholeNodes() {
        let s = filled(250)
        XCTAssertEqual(s.trim(.maxLen(30), approx: true, limit: 10_000), 200)
        XCTAssertEqual(s.length, 50)
        XCTAssertEqual(s.trim(.maxLen(30), approx: true, limit: 10_000), 0, "the last node cannot go whole")
    }

    func testApproximateTrimStopsAtItsLimit() {
        let s = filled(300)
        XCTAssertEqual(s.trim(.maxLen(0), approx: true, limit: 150), 100)
    }

    func testMinidTrimsBelowTheID() {
        let s = filled(150)
        XCTAssertEqual(s.trim(.minID(id(120)), approx: false, limit: 0), 119)
        XCTAssertEqual(s.edgeID(first: true), id(120))
    }

    func testRadixTreeNodesCountTheCompressedTrie() {
        XCTAssertEqual(StreamValue().radixTreeNodes, 1)
        XCTAssertEqual(filled(1).radixTreeNodes, 2)
        // Masters 1-0 and 101-0 differ in the eighth byte: the root's chain, the
        // branch, and per key a chain plus its leaf (redis-server reports 6).
        XCTAssertEqual(filled(101).radixTreeNodes, 6)
    }

    func testLagIsExactUntilATombstoneLiesAhead() {
        let s = filled(3)
        let g = s.createGroup(Array("g".utf8), lastID: .zero, entriesRead: -1)!
        XCTAssertEqual(s.lag(of: g), 3)
        s.advance(g, to: id(1))
        XCTAssertEqual(g.entriesRead, 1)
        XCTAssertEqual(s.lag(of: g), 2)
        _ = s.delete(id(2))
        s.maxDeletedID = id(2)
        XCTAssertNil(s.lag(of: g), "a deleted entry after the group's position")
    }

    func testDuplicateSharesNoState() {
        let s = filled(5)
        let g = s.createGroup(Array("g".utf8), lastID: .zero, entriesRead: -1)!
        let c = g.createConsumer(Array("c".utf8), now: 1)!
        g.assign(id(1), to: c, time: 1, count: 1)
        let copy = s.duplicate()
        _ = s.delete(id(1))
        g.acknowledge(id(1))
        XCTAssertEqual(copy.length, 5)
        XCTAssertEqual(copy.group(Array("g".utf8))?.pel.count, 1)
        XCTAssertEqual(copy.group(Array("g".utf8))?.consumer(Array("c".utf8))?.pel.count, 1)
    }

    func testPendingMapKeepsOrderThroughFrontAndMiddleRemovals() {
        var m = StreamIDMap<Int>()
        for i in 1...200 { m.insert(id(UInt64(i)), i) }
        m.insert(id(0, 5), 0)
        for i in 1...150 { XCTAssertEqual(m.remove(id(UInt64(i))), i) }
        XCTAssertNil(m.remove(id(1)))
        XCTAssertEqual(m.remove(id(170)), 170)
        XCTAssertEqual(m.count, 50)
        XCTAssertEqual(Array(m.ids), [id(0, 5)] + (151...200).filter { $0 != 170 }.map { id(UInt64($0)) })
        XCTAssertEqual(m.ids[m.lowerBound(id(160, 1))], id(161))
        XCTAssertEqual(m.lowerBound(id(999)), m.ids.endIndex)
    }
}
