import Keyspace
import Persistence
import TestSupport
import XCTest

/// Hash and zset listpacks are decoded in place, straight into the value
/// (no array per element); a zset listpack goes that way only when it is
/// what Redis writes, sorted. These pin what either way must give.
final class ListpackLoadTests: XCTestCase {
    /// A listpack of short strings and small integers (an Int element).
    private func listpack(_ elements: [Any]) -> [UInt8] {
        var body: [UInt8] = []
        for e in elements {
            var entry: [UInt8]
            if let i = e as? Int {
                entry = [UInt8(i)]  // 7-bit unsigned integer
            } else {
                let s = Array((e as! String).utf8)
                entry = [0x80 | UInt8(s.count)] + s
            }
            entry.append(UInt8(entry.count))  // backlen
            body += entry
        }
        let total = 6 + body.count + 1
        return [UInt8(total & 0xFF), UInt8(total >> 8), 0, 0, UInt8(elements.count & 0xFF), UInt8(elements.count >> 8)]
            + body + [0xFF]
    }

    private func value(type: UInt8, _ lp: [UInt8], limits: RDBLimits = RDBLimits()) throws -> Value {
        // The string's length: 6 bits, or 14 (rdb.md §3).
        let length: [UInt8] = lp.count < 64 ? [UInt8(lp.count)] : [0x40 | UInt8(lp.count >> 8), UInt8(lp.count & 0xFF)]
        return try DumpPayload.decode(CorruptionFixtures.seal([type] + length + lp), limits: limits)
    }

    private func entries(_ v: Value) -> [String] {
        guard case .zset(let z) = v else { return ["not a zset: \(v)"] }
        var out: [String] = []
        z.forEach { m, s in out.append("\(String(decoding: m, as: UTF8.self))=\(s)") }
        return out
    }

    func testSortedZsetListpackLoadsInItsOrder() throws {
        let v = try value(type: 17, listpack(["a", 1, "b", "1.5", "c", 2]))
        XCTAssertEqual(entries(v), ["a=1.0", "b=1.5", "c=2.0"])
    }

    func testZsetListpackOutOfOrderIsSortedOnLoad() throws {
        let v = try value(type: 17, listpack(["c", 2, "b", 1, "a", 1]))
        XCTAssertEqual(entries(v), ["a=1.0", "b=1.0", "c=2.0"])
    }

    func testZsetListpackWithAnIntegerMemberLoadsItAsText() throws {
        let v = try value(type: 17, listpack([7, 1, "x", 2]))
        XCTAssertEqual(entries(v), ["7=1.0", "x=2.0"])
    }

    func testZsetListpackWithARepeatedMemberIsCorrupt() {
        XCTAssertThrowsError(try value(type: 17, listpack(["a", 1, "a", 2]))) { e in
            XCTAssertEqual((e as? RDBError)?.message, DumpPayload.badFormatError)
        }
    }

    func testZsetListpackWithAnOddElementCountIsCorrupt() {
        XCTAssertThrowsError(try value(type: 17, listpack(["a", 1, "b"])))
    }

    func testHashListpackIntegersLoadAsText() throws {
        let v = try value(type: 16, listpack([1, 2, "f", "v"]))
        guard case .hash(let h) = v else { return XCTFail("\(v)") }
        XCTAssertEqual(h.pairs.map { "\(String(decoding: $0.0, as: UTF8.self))=\(String(decoding: $0.1, as: UTF8.self))" },
                       ["1=2", "f=v"])
    }

    func testHashListpackWithARepeatedFieldIsCorrupt() {
        XCTAssertThrowsError(try value(type: 16, listpack(["f", "v", "f", "w"]))) { e in
            XCTAssertEqual((e as? RDBError)?.message, DumpPayload.badFormatError)
        }
    }

    func testHashListpackWithMoreFieldsThanTheLimitIsAHashtable() throws {
        var limits = RDBLimits()
        limits.hashMaxListpackEntries = 2
        let v = try value(type: 16, listpack(["a", 1, "b", 2, "c", 3]), limits: limits)
        guard case .hash(let h) = v else { return XCTFail("\(v)") }
        XCTAssertEqual(h.encodingName, "hashtable")
        XCTAssertEqual(h.count, 3)
    }

    func testZsetListpackWithMoreMembersThanTheLimitIsASkiplist() throws {
        var limits = RDBLimits()
        limits.zsetMaxListpackEntries = 2
        let v = try value(type: 17, listpack(["a", 1, "b", 2, "c", 3]), limits: limits)
        guard case .zset(let z) = v else { return XCTFail("\(v)") }
        XCTAssertEqual(z.encodingName, "skiplist")
        XCTAssertEqual(entries(v), ["a=1.0", "b=2.0", "c=3.0"])
    }
}
