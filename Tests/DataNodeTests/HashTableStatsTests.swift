import XCTest
@testable import Keyspace

/// The text of DEBUG HTSTATS / HTSTATS-KEY, as dict.c's _dictGetStatsHt prints it.
final class HashTableStatsTests: XCTestCase {
    func testTextFollowsRedisLayoutAndRounding() {
        var s = HashTableStats(size: 8, used: 7)
        for length in [0, 0, 0, 1, 1, 2, 3, 0] { s.addChain(length: length) }
        XCTAssertEqual(HashTableStatsText.render([s]), """
            Hash table 0 stats (main hash table):
             table size: 8
             number of elements: 7
             different slots: 4
             max chain length: 3
             avg chain length (counted): 1.75
             avg chain length (computed): 1.75
             Chain length distribution:
               0: 4 (50.00%)
               1: 2 (25.00%)
               2: 1 (12.50%)
               3: 1 (12.50%)

            """)
    }

    func testAnEmptyTableHasNoStats() {
        XCTAssertEqual(HashTableStatsText.render([HashTableStats(size: 4, used: 0)]),
                       "Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n")
    }

    func testChainsOfFiftyOrMoreAreCountedButNotListed() {
        var s = HashTableStats(size: 1, used: 60)
        s.addChain(length: 60)
        XCTAssertEqual(s.maxChain, 60)
        let text = HashTableStatsText.render([s])
        XCTAssertFalse(text.contains("49:"))
        XCTAssertTrue(text.hasSuffix(" Chain length distribution:\n"))
    }

    func testPercentagesRoundAsPrintfDoes() {
        XCTAssertEqual(HashTableStatsText.fixed2(Double(Float(1) / Float(3) * 100)), "33.33")
        XCTAssertEqual(HashTableStatsText.fixed2(Double(Float(2) / Float(3))), "0.67")
    }
}
