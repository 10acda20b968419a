import CoreKit
import XCTest
@testable import Keyspace

/// ChainedDict is dict.c: these pin the behaviours Redis's own tests and
/// DEBUG HTSTATS-KEY observe (table sizes, when rehashing starts and moves,
/// the resize policy during a fork, SCAN's guarantee, uniform random picks).
final class ChainedDictTests: XCTestCase {
    /// A key whose hash the test chooses, to build chains on purpose.
    struct Hashed: PrehashedKey {
        let id: Int
        let prehash: Int
    }

    override func tearDown() {
        DictResizing.policy = .enable
        super.tearDown()
    }

    private func key(_ i: Int) -> Key { Key(Array("m:\(i)".utf8)) }

    /// Every chain is consistent with the counters: each entry once, in the
    /// bucket its hash names.
    private func assertConsistent<K, V>(_ d: ChainedDict<K, V>, file: StaticString = #filePath, line: UInt = #line) {
        let stats = d.stats
        XCTAssertEqual(stats.map(\.used).reduce(0, +), d.count, file: file, line: line)
        for s in stats where s.used > 0 {
            XCTAssertEqual(s.totalChain, s.used, file: file, line: line)
            XCTAssertEqual(s.chainLengths.reduce(0, +), s.size, file: file, line: line)
        }
        var seen = Set<Int>()
        var c: UInt64 = 0
        repeat { c = d.scan(cursor: c) { seen.insert($0) } } while c != 0
        XCTAssertEqual(seen.count, d.count, file: file, line: line)
    }

    func testRandomOperationsMatchASetModel() {
        var rng = FastRandom(seed: 7)
        var d = ChainedDict<Key, Int>()
        var model: [Key: Int] = [:]
        for step in 0..<100_000 {
            let k = key(Int.random(in: 0..<3000, using: &rng))
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                XCTAssertEqual(d.set(k, step), model[k] == nil)
                model[k] = step
            case 5..<8:
                XCTAssertEqual(d.remove(k), model.removeValue(forKey: k))
                d.shrinkIfSparse()
            default:
                XCTAssertEqual(d.get(k), model[k])
            }
            if step % 10_000 == 0 { assertConsistent(d) }
        }
        XCTAssertEqual(d.count, model.count)
        for i in 0..<d.count { XCTAssertEqual(model[d.key(at: i)], d.value(at: i)) }
        assertConsistent(d)
    }

    func testTheTableStartsAtFourBucketsAndDoublesWhenFull() {
        var d = ChainedDict<Key, Void>()
        for i in 0..<4 { d.insert(key(i), ()) }
        XCTAssertEqual(d.size0, 4)
        XCTAssertFalse(d.isRehashing)
        // The fifth insert finds the table full: an 8-bucket target, one bucket moved per operation.
        d.insert(key(4), ())
        XCTAssertTrue(d.isRehashing)
        XCTAssertEqual(d.size1, 8)
        XCTAssertEqual(d.stats.map(\.table), [0, 1])
        for _ in 0..<8 { _ = d.contains(key(0)) }
        XCTAssertFalse(d.isRehashing)
        XCTAssertEqual(d.size0, 8)
        XCTAssertEqual(d.count, 5)
        assertConsistent(d)
    }

    func testAPresizedTableIsTheNextPowerOfTwo() {
        XCTAssertEqual(ChainedDict<Key, Void>(minimumCapacity: 129).size0, 256)
        XCTAssertEqual(ChainedDict<Key, Void>(minimumCapacity: 512).size0, 512)
        XCTAssertEqual(ChainedDict<Key, Void>(minimumCapacity: 3).size0, 4)
    }

    func testWhileAChildRunsATableGrowsOnlyPastFiveEntriesPerBucket() {
        var d = ChainedDict<Key, Void>()
        for i in 0..<4 { d.insert(key(i), ()) }
        DictResizing.policy = .avoid
        for i in 4..<21 { d.insert(key(i), ()) }
        XCTAssertFalse(d.isRehashing, "21 entries in 4 buckets is not past the ratio")
        XCTAssertEqual(d.size0, 4)
        for i in 21..<25 { d.insert(key(i), ()) }
        XCTAssertTrue(d.isRehashing)
        XCTAssertEqual(d.size1, 32)
        assertConsistent(d)
    }

    func testWhileAChildRunsRehashingWaitsUnlessTheSizesDifferFivefold() {
        var d = ChainedDict<Key, Void>()
        for i in 0..<5 { d.insert(key(i), ()) }
        XCTAssertTrue(d.isRehashing)
        DictResizing.policy = .avoid
        for _ in 0..<20 { _ = d.contains(key(0)) }
        XCTAssertTrue(d.isRehashing, "4 -> 8 is not extreme: no rehash step")
        DictResizing.policy = .forbid
        XCTAssertFalse(d.rehash(100))
        XCTAssertTrue(d.isRehashing)
        DictResizing.policy = .enable
        while d.rehash(1) {}
        XCTAssertEqual(d.size0, 8)

        // 1024 -> 16 is past the ratio: it proceeds while a child runs.
        var big = ChainedDict<Key, Void>(minimumCapacity: 1024)
        for i in 0..<10 { big.insert(key(i), ()) }
        big.shrinkIfSparse()
        XCTAssertEqual(big.size1, 16)
        DictResizing.policy = .avoid
        while big.rehash(1) {}
        XCTAssertFalse(big.isRehashing)
        XCTAssertEqual(big.size0, 16)
    }

    func testATableShrinksBelowTenPercentFillButNotWhileAChildRuns() {
        var d = ChainedDict<Key, Void>(minimumCapacity: 128)
        for i in 0..<13 { d.insert(key(i), ()) }
        d.shrinkIfSparse()
        XCTAssertFalse(d.isRehashing, "13 of 128 is over 10%")
        d.remove(key(12))
        DictResizing.policy = .avoid
        d.shrinkIfSparse()
        XCTAssertFalse(d.isRehashing)
        DictResizing.policy = .enable
        d.shrinkIfSparse()
        XCTAssertTrue(d.isRehashing)
        XCTAssertEqual(d.size1, 16)
        assertConsistent(d)
    }

    func testScanReturnsEveryEntryPresentThroughoutWhileTheTableGrowsAndShrinks() {
        var d = ChainedDict<Key, Void>()
        for i in 0..<1000 { d.insert(key(i), ()) }
        var seen = Set<Key>()
        var cursor: UInt64 = 0
        var round = 0
        repeat {
            var visited: [Int] = []
            cursor = d.scan(cursor: cursor) { visited.append($0) }
            for e in visited { seen.insert(d.key(at: e)) }
            round += 1
            // Grow with new entries, then shrink them away again, between calls.
            if round % 40 == 0 { for j in 0..<2000 { d.insert(key(100_000 + round * 10_000 + j), ()) } }
            if round % 40 == 20 {
                var extra: [Key] = []
                for i in 0..<d.count { let k = d.key(at: i); if k.count >= 8 { extra.append(k) } }
                for k in extra {
                    d.remove(k)
                    d.shrinkIfSparse()
                }
            }
        } while cursor != 0
        for i in 0..<1000 { XCTAssertTrue(seen.contains(key(i)), "m:\(i) missed") }
    }

    func testRandomPicksAreUniformOverOneLongChain() {
        var d = ChainedDict<Hashed, Void>()
        // Thirty entries, all in bucket 0 of the 32-bucket table.
        for i in 0..<30 { d.insert(Hashed(id: i, prehash: 0), ()) }
        while d.rehash(1) {}
        XCTAssertEqual(d.stats[0].slots, 1)
        XCTAssertEqual(d.stats[0].maxChain, 30)
        var rng = FastRandom(seed: 3)
        var hits = [Int](repeating: 0, count: 30)
        let draws = 30_000
        for _ in 0..<draws { hits[d.key(at: d.randomEntry(using: &rng)!).id] += 1 }
        // Chi-square with 29 degrees of freedom: 73 is a 0.00001 tail (as the Tcl test).
        let expected = Double(draws) / 30
        let chi = hits.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        XCTAssertLessThan(chi, 73, "\(hits)")
    }

    func testRandomPicksAloneFinishARehash() {
        var d = ChainedDict<Key, Void>()
        for i in 0..<200 { d.insert(key(i), ()) }
        for i in 0..<190 {
            d.remove(key(i))
            d.shrinkIfSparse()
        }
        XCTAssertTrue(d.isRehashing)
        var rng = FastRandom(seed: 9)
        var found = Set<Key>()
        for _ in 0..<2000 { found.insert(d.key(at: d.randomEntry(using: &rng)!)) }
        XCTAssertFalse(d.isRehashing)
        XCTAssertEqual(found, Set((190..<200).map(key)))
        assertConsistent(d)
    }

    func testStatsTextHasDictGetStatsLayout() {
        var s = HashTableStats(table: 0, size: 4, used: 3)
        s.slots = 2
        s.maxChain = 2
        s.totalChain = 3
        s.chainLengths[0] = 2
        s.chainLengths[1] = 1
        s.chainLengths[2] = 1
        let target = HashTableStats(table: 1, size: 8, used: 0)
        XCTAssertEqual(HashTableStatsText.render([s, target]), """
            Hash table 0 stats (main hash table):
             table size: 4
             number of elements: 3
             different slots: 2
             max chain length: 2
             avg chain length (counted): 1.50
             avg chain length (computed): 1.50
             Chain length distribution:
               0: 2 (50.00%)
               1: 1 (25.00%)
               2: 1 (25.00%)
            Hash table 1 stats (rehashing target):
            No stats available for empty dictionaries

            """)
    }
}
