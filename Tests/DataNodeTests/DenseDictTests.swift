import CoreKit
import XCTest
@testable import DataNode
@testable import Keyspace

/// DenseDict against a Dictionary model under random inserts, overwrites and
/// deletes (its index is a hand-written chained table).
final class DenseDictTests: XCTestCase {
    func testRandomOperationsMatchADictionaryModel() {
        var rng = FastRandom(seed: 42)
        var d = DenseDict<Key, Int>()
        var model: [Key: Int] = [:]
        for step in 0..<200_000 {
            let k = Key(Array("k\(Int.random(in: 0..<5000, using: &rng))".utf8))
            switch Int.random(in: 0..<10, using: &rng) {
            case 0..<5:
                let isNew = d.set(k, step)
                XCTAssertEqual(isNew, model[k] == nil)
                model[k] = step
            case 5..<8:
                XCTAssertEqual(d.remove(k), model.removeValue(forKey: k))
            default:
                XCTAssertEqual(d[k], model[k])
            }
            if step % 20_000 == 0 { XCTAssertEqual(d.count, model.count) }
        }
        XCTAssertEqual(d.count, model.count)
        for (k, v) in model { XCTAssertEqual(d[k], v) }
        for i in 0..<d.count { XCTAssertEqual(model[d.key(at: i)], d.value(at: i)) }
    }

    func testKeysWithEqualHashTagsAreStillDistinguished() {
        // Many keys share a bucket; lookups must compare the bytes on a tag match.
        var d = DenseDict<Key, Int>()
        for i in 0..<10_000 { d.set(Key(Array("key:\(i)".utf8)), i) }
        for i in stride(from: 0, to: 10_000, by: 3) { XCTAssertEqual(d.remove(Key(Array("key:\(i)".utf8))), i) }
        for i in 0..<10_000 {
            XCTAssertEqual(d[Key(Array("key:\(i)".utf8))], i % 3 == 0 ? nil : i)
        }
    }

    func testScanReturnsEveryEntryPresentThroughoutDespiteDeletes() {
        var d = DenseDict<Key, Int>()
        for i in 0..<1000 { d.set(Key(Array("m\(i)".utf8)), i) }
        var seen = Set<Int>()
        var cursor = 0
        var deleted = Set<Int>()
        repeat {
            cursor = d.scan(cursor: cursor, count: 10) { _, v in seen.insert(v) }
            // Delete a few entries between calls, as concurrent clients would.
            for j in 0..<3 {
                let victim = (cursor * 7 + j * 131) % 1000
                if d.remove(Key(Array("m\(victim)".utf8))) != nil { deleted.insert(victim) }
            }
        } while cursor != 0
        for i in 0..<1000 where !deleted.contains(i) { XCTAssertTrue(seen.contains(i), "missed m\(i)") }
    }

    func testRemovingByPositionMatchesADictionaryModel() {
        // Eviction deletes by position: chains of a table held at 6 entries
        // per bucket are walked by reference, the moved last entry relinked.
        DictResizing.policy = .avoid
        defer { DictResizing.policy = .enable }
        var rng = FastRandom(seed: 7)
        var d = DenseDict<Key, Int>(tracksAccess: true)
        var model: [Key: Int] = [:]
        for i in 0..<4096 { d.set(Key(Array("p\(i)".utf8)), i) { _ in UInt32(i) }; model[Key(Array("p\(i)".utf8))] = i }
        for step in 0..<20_000 {
            if step % 2 == 0, let i = d.randomPosition(using: &rng) {
                let k = d.key(at: i)
                XCTAssertEqual(d.remove(at: i), model.removeValue(forKey: k))
                XCTAssertNil(d.stamp(of: k))
            } else {
                let k = Key(Array("p\(Int.random(in: 0..<8192, using: &rng))".utf8))
                d.set(k, step) { _ in UInt32(step) }
                model[k] = step
            }
        }
        XCTAssertEqual(d.count, model.count)
        for (k, v) in model { XCTAssertEqual(d[k], v) }
        for i in 0..<d.count {
            XCTAssertEqual(d.position(of: d.key(at: i)), i)
            XCTAssertEqual(d.stamp(of: d.key(at: i)), UInt32(d.value(at: i)))
        }
    }

    func testAPositionHintIsTrustedOnlyWhenItStillHoldsTheKey() {
        var d = DenseDict<Key, Int>()
        for i in 0..<100 { d.set(Key(Array("h\(i)".utf8)), i) }
        let k = Key(Array("h10".utf8))
        XCTAssertEqual(d.position(of: k, hint: 10), 10)
        // Another key's position, or one past the end: found by lookup.
        XCTAssertEqual(d.position(of: k, hint: 11), 10)
        XCTAssertEqual(d.position(of: k, hint: 500), 10)
        d.remove(k)
        XCTAssertNil(d.position(of: k, hint: 10))
    }
}
