import Keyspace
import Persistence
import TestSupport
import XCTest

/// Hashes written by Redis < 2.6 (RDB type 9, zipmap) load as Redis 7.0
/// converts them: a listpack hash, or a table past the listpack limits; a
/// malformed zipmap is a corrupt payload.
final class ZipmapLoadTests: XCTestCase {
    private func value(_ zipmap: [UInt8], limits: RDBLimits = RDBLimits()) throws -> Value {
        try DumpPayload.decode(CorruptionFixtures.seal([9] + ZipmapFixture.rdbString(zipmap)), limits: limits)
    }

    private func pairs(_ v: Value) -> [String: String] {
        guard case .hash(let h) = v else { return ["not a hash": "\(v)"] }
        var out: [String: String] = [:]
        h.forEach { f, v in out[String(decoding: f, as: UTF8.self)] = String(decoding: v, as: UTF8.self) }
        return out
    }

    func testASmallZipmapLoadsAsAListpackHashSkippingFreeBytes() throws {
        let v = try value(ZipmapFixture.zipmap([("f1", "v1"), ("field2", "value two")], free: 3))
        XCTAssertEqual(pairs(v), ["f1": "v1", "field2": "value two"])
        guard case .hash(let h) = v else { return XCTFail() }
        XCTAssertTrue(h.isListpack)
    }

    func testALengthOf254OrMoreTakesFiveBytes() throws {
        let long = String(repeating: "x", count: 300)
        let v = try value(ZipmapFixture.zipmap([("k", long)]))
        XCTAssertEqual(pairs(v), ["k": long])
        guard case .hash(let h) = v else { return XCTFail() }
        XCTAssertFalse(h.isListpack, "a value over hash-max-listpack-value makes a table")
    }

    func testMorePairsThanTheListpackLimitMakeATable() throws {
        var limits = RDBLimits()
        limits.hashMaxListpackEntries = 2
        let v = try value(ZipmapFixture.zipmap([("a", "1"), ("b", "2"), ("c", "3")]), limits: limits)
        guard case .hash(let h) = v else { return XCTFail() }
        XCTAssertFalse(h.isListpack)
        XCTAssertEqual(pairs(v).count, 3)
    }

    func testACountOf254MeansCountThePairs() throws {
        var z = ZipmapFixture.zipmap([("a", "1"), ("b", "2")])
        z[0] = 254
        XCTAssertEqual(pairs(try value(z)), ["a": "1", "b": "2"])
    }

    func testMalformedZipmapsAreCorrupt() {
        let good = ZipmapFixture.zipmap([("a", "1"), ("b", "2")])
        var wrongCount = good
        wrongCount[0] = 3
        var overrun = good
        overrun[1] = 200  // the first field's length runs past the end
        var hugeFree = good
        hugeFree[4] = 250
        for (name, z) in [("wrong count", wrongCount), ("empty", [0, 0xFF]), ("no end", Array(good.dropLast())),
                          ("field past the end", overrun), ("free bytes past the end", hugeFree),
                          ("duplicate field", ZipmapFixture.zipmap([("a", "1"), ("a", "2")])), ("too short", [0xFF])] {
            XCTAssertThrowsError(try value(z), name)
        }
    }
}
