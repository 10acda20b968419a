import XCTest
@testable import Keyspace

/// The keyspace index grows as Redis's dict does (DEBUG HTSTATS sizes match),
/// and holds back growth while a fork child lives or maxmemory is near.
final class ChainedIndexTests: XCTestCase {
    override func tearDown() {
        DictResizing.policy = .enable
        DictResizing.keyspaceOverMaxmemoryAfterAlloc = nil
    }

    private func key(_ i: Int) -> Key { Key(Array("key:\(i)".utf8)) }

    private func filled(_ n: Int, guardsMemory: Bool = false) -> DenseDict<Key, Int> {
        var d = DenseDict<Key, Int>(guardsMemory: guardsMemory)
        for i in 0..<n { d.set(key(i), i) }
        return d
    }

    func testTableDoublesWhenEntriesReachItsSizeAsRedisDict() {
        XCTAssertEqual(filled(1).indexStats.size, 4)
        XCTAssertEqual(filled(4).indexStats.size, 4)
        XCTAssertEqual(filled(5).indexStats.size, 8)
        XCTAssertEqual(filled(4096).indexStats.size, 4096)
        XCTAssertEqual(filled(4097).indexStats.size, 8192)
    }

    func testOverwritingAKeyNeverGrowsTheTable() {
        var d = filled(4096)
        d.set(key(7), -1)
        XCTAssertEqual(d.indexStats.size, 4096)
    }

    func testWhileAChildLivesTheTableGrowsOnlyPastFiveEntriesPerBucket() {
        var d = filled(4096)
        DictResizing.policy = .avoid
        for i in 4096..<(4096 * 6) { d.set(key(i), i) }
        XCTAssertEqual(d.indexStats.size, 4096, "6 entries per bucket is not over the ratio yet")
        d.set(key(4096 * 6), 0)
        d.set(key(4096 * 6 + 1), 0)
        XCTAssertEqual(d.indexStats.size, 32768)
        for i in 0...(4096 * 6 + 1) { XCTAssertEqual(d[key(i)] != nil, true) }
    }

    func testGrowthResumesOnTheNextInsertOnceTheChildIsGone() {
        var d = filled(4096)
        DictResizing.policy = .avoid
        d.set(key(5000), 0)
        d.set(key(5001), 0)
        XCTAssertEqual(d.indexStats.size, 4096)
        DictResizing.policy = .enable
        d.set(key(5002), 0)
        XCTAssertEqual(d.indexStats.size, 8192)
    }

    func testAKeyspaceTableDoesNotGrowOverMaxmemoryUntilItsLoadPassesTheLimit() {
        var d = filled(4096, guardsMemory: true)
        var asked: [Int] = []
        DictResizing.keyspaceOverMaxmemoryAfterAlloc = { asked.append($0); return true }
        for i in 4096..<6627 { d.set(key(i), i) }
        XCTAssertEqual(d.indexStats.size, 4096, "load 6627/4096 = 1.6179 is under 1.618")
        XCTAssertEqual(asked.first, 8192 * 8, "the new bucket array's bytes")
        d.set(key(6627), 0)
        d.set(key(6628), 0)
        XCTAssertEqual(d.indexStats.size, 8192)
    }

    func testAMemberTableIgnoresTheMaxmemoryCheck() {
        var d = filled(4096)
        DictResizing.keyspaceOverMaxmemoryAfterAlloc = { _ in true }
        d.set(key(4096), 0)
        XCTAssertEqual(d.indexStats.size, 8192)
    }

    func testASparseTableShrinksToTheSmallestSizeHoldingItsEntries() {
        var d = filled(4096)
        for i in 0..<4000 { d.remove(key(i)) }
        d.shrinkIndexIfSparse()
        XCTAssertEqual(d.indexStats.size, 128)
        for i in 4000..<4096 { XCTAssertEqual(d[key(i)], i) }
    }

    func testATableNeverShrinksWhileAChildLives() {
        var d = filled(4096)
        for i in 0..<4000 { d.remove(key(i)) }
        DictResizing.policy = .avoid
        d.shrinkIndexIfSparse()
        XCTAssertEqual(d.indexStats.size, 4096)
    }

    func testStatsCountEveryEntryOnceAcrossTheChains() {
        let s = filled(3000).indexStats
        XCTAssertEqual(s.used, 3000)
        XCTAssertEqual(s.totalChain, 3000)
        XCTAssertEqual(s.chainLengths.reduce(0, +), s.size)
        XCTAssertEqual(s.size - s.chainLengths[0], s.slots)
    }
}
