import Keyspace
import Persistence
import TestSupport
import XCTest

/// The pieces of the format, one rule each (rdb.md §3-8).
final class CodecTests: XCTestCase {
    private func value(_ body: [UInt8]) throws -> Value {
        try DumpPayload.decode(CorruptionFixtures.seal(body))
    }

    private func string(_ v: Value) -> String? {
        if case .string(let s) = v { return String(decoding: s.bytes, as: UTF8.self) }
        return nil
    }

    func testShortDecimalStringsAreWrittenAsTheSmallestInteger() {
        XCTAssertEqual(Array(DumpPayload.encode(.string(StringValue(Array("12".utf8)))).prefix(3)), [0, 0xC0, 12])
        XCTAssertEqual(Array(DumpPayload.encode(.string(StringValue(Array("-3000".utf8)))).prefix(4)), [0, 0xC1, 0x48, 0xF4])
        XCTAssertEqual(DumpPayload.encode(.string(StringValue(Array("2000000000".utf8))))[1], 0xC2)
        // Outside int32, or not canonical: plain text.
        XCTAssertEqual(DumpPayload.encode(.string(StringValue(Array("123456789012".utf8))))[1], 12)
        XCTAssertEqual(DumpPayload.encode(.string(StringValue(Array("007".utf8))))[1], 3)
    }

    func testLengthsUseTheSmallestForm() throws {
        for (n, prefix) in [(63, [0x3F]), (64, [0x40, 0x40]), (16383, [0x7F, 0xFF]), (16384, [0x80, 0, 0, 0x40, 0])] {
            let s = [UInt8](repeating: 0x61, count: n)
            var o = RDBOptions()
            o.compression = false
            let p = DumpPayload.encode(.string(StringValue(s)), options: o)
            XCTAssertEqual(Array(p[1...prefix.count]), prefix.map(UInt8.init), "length \(n)")
            XCTAssertEqual(string(try value(Array(p.dropLast(10)))), String(repeating: "a", count: n))
        }
    }

    /// redis-server 7.0.15's DUMP of a string whose last three bytes before
    /// the final one repeat earlier text: liblzf 3.6 takes the match there.
    func testLZFTakesAMatchThatEndsTheInput() {
        let s = Array("abcdefghijklmnopqrstuvwxyz0123abcdefghijklmnopqrstuvwxyzxyzQ".utf8)
        let hex = "00c3273c1e6162636465666768696a6b6c6d6e6f707172737475767778797a3031323361e0101d202000510a0038e81263e87eace4"
        let redis = stride(from: 0, to: hex.count, by: 2).map { i -> UInt8 in
            let a = hex.index(hex.startIndex, offsetBy: i)
            return UInt8(hex[a..<hex.index(a, offsetBy: 2)], radix: 16)!
        }
        XCTAssertEqual(DumpPayload.encode(.string(StringValue(s))), redis)
    }

    func testLZFRoundTripsAndIsUsedOnlyWhenItSavesFourBytes() throws {
        let compressible = Array(String(repeating: "abcdefgh", count: 40).utf8)
        let p = DumpPayload.encode(.string(StringValue(compressible)))
        XCTAssertEqual(p[1], 0xC3)
        XCTAssertEqual(string(try value(Array(p.dropLast(10)))), String(decoding: compressible, as: UTF8.self))
        let random = Array("qwertyuiopasdfghjklzxcvbnm1234567890".utf8)
        XCTAssertEqual(DumpPayload.encode(.string(StringValue(random)))[1], UInt8(random.count))
    }

    func testLZFDecodesBackReferencesThatOverlapTheirOutput() {
        // Literal "ab", then copy 7 bytes from distance 2: "ababababa".
        let out = [UInt8]([0x01, 0x61, 0x62, 0xA0, 0x01]).withUnsafeBytes { LZF.decompress($0, length: 9) }
        XCTAssertEqual(out.map { String(decoding: $0, as: UTF8.self) }, "ababababa")
        XCTAssertNil([UInt8]([0x01, 0x61, 0x62, 0xA0, 0x05]).withUnsafeBytes { LZF.decompress($0, length: 9) })
    }

    func testLZFCompressorOutputDecompresses() {
        let c = LZFCompressor()
        for seed in 0..<50 {
            let input = (0..<(200 + seed * 37)).map { UInt8(truncatingIfNeeded: ($0 * seed) % 7 + ($0 % 13 == 0 ? seed : 0)) }
            guard let packed = input.withUnsafeBytes({ c.compressForRDB($0) }) else { continue }
            XCTAssertEqual(packed.withUnsafeBytes { LZF.decompress($0, length: input.count) }, input)
        }
    }

    func testIntsetBlobIsRedisLayout() throws {
        let s = SetValue()
        for v in ["-3", "1", "5"] { s.add(Array(v.utf8), maxIntsetEntries: 512) }
        let p = DumpPayload.encode(.set(s))
        // rdb.md §7's verified example: {-3,1,5}.
        XCTAssertEqual(Array(p[0..<16]), [11, 14, 2, 0, 0, 0, 3, 0, 0, 0, 0xFD, 0xFF, 1, 0, 5, 0])
    }

    func testUnsortedIntsetIsCorrupt() {
        let blob: [UInt8] = [2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 1, 0]
        XCTAssertThrowsError(try value([11, UInt8(blob.count)] + blob))
    }

    func testListpackIntegersAndStrings() throws {
        // lp(a, 1, -5000 as int16): the quicklist-2 layout of rdb.md §5.1.
        let lp: [UInt8] = [0x10, 0, 0, 0, 3, 0, 0x81, 0x61, 2, 0x01, 1, 0xF1, 0x78, 0xEC, 3, 0xFF]
        let v = try value([18, 1, 2, UInt8(lp.count)] + lp)
        guard case .list(let l) = v else { return XCTFail("\(v)") }
        XCTAssertEqual(l.elements.map { String(decoding: $0, as: UTF8.self) }, ["a", "1", "-5000"])
    }

    func testListpackWithWrongBacklenIsCorrupt() {
        let lp: [UInt8] = [0x0D, 0, 0, 0, 2, 0, 0x81, 0x61, 3, 0x01, 1, 0xFF]
        XCTAssertThrowsError(try value([18, 1, 2, UInt8(lp.count)] + lp))
    }

    func testZiplistListDecodes() throws {
        // zlbytes, zltail, zllen; entries "ab" and 7 (immediate int), end.
        let zl: [UInt8] = [0x13, 0, 0, 0, 0x0E, 0, 0, 0, 2, 0, 0x00, 0x02, 0x61, 0x62, 0x04, 0xF8, 0xFF]
        var fixed = zl
        fixed[0] = UInt8(zl.count)
        let v = try value([10, UInt8(fixed.count)] + fixed)
        guard case .list(let l) = v else { return XCTFail("\(v)") }
        XCTAssertEqual(l.elements.map { String(decoding: $0, as: UTF8.self) }, ["ab", "7"])
    }

    func testDuplicateSetMembersAreCorrupt() {
        XCTAssertThrowsError(try value([2, 2, 1, 0x61, 1, 0x61])) { e in
            XCTAssertEqual((e as? RDBError)?.message, DumpPayload.badFormatError)
        }
    }

    func testEmptyCollectionIsABadPayload() {
        XCTAssertThrowsError(try value([2, 0]))
    }

    /// Redis names the first ten empty keys it skips in its log.
    func testEmptyCollectionsInAFileAreSkippedAndTheFirstTenNamed() throws {
        var f = Array("REDIS0010".utf8) + [0xFE, 0]
        for i in 0..<12 { f += [2, 2, 0x73, 0x30 + UInt8(i % 10), 0] }  // "s0".."s9", "s0", "s1": empty sets
        f += [0, 1, 0x6B, 1, 0x76, 0xFF, 0, 0, 0, 0, 0, 0, 0, 0]
        let summary = try RDBReader.load(f).summary
        XCTAssertEqual(summary.emptyKeysSkipped, 12)
        XCTAssertEqual(summary.keysLoaded, 1)
        XCTAssertEqual(summary.emptyKeysNamed.map { String(decoding: $0, as: UTF8.self) }, (0..<10).map { "s\($0)" })
    }

    func testNewerVersionOrWrongChecksumIsRefusedWithRedisMessage() {
        var p = DumpPayload.encode(.string(StringValue(Array("x".utf8))))
        p[p.count - 10] = 11
        XCTAssertThrowsError(try DumpPayload.decode(p)) { e in
            XCTAssertEqual((e as? RDBError)?.message, "DUMP payload version or checksum are wrong")
        }
    }

    func testFileVersionAboveTenIsRefusedAsRedisDoes() {
        var f = Array("REDIS0011".utf8) + [0xFF]
        f += withUnsafeBytes(of: CRC64.checksum(f).littleEndian, Array.init)
        XCTAssertThrowsError(try RDBReader.load(f)) { e in
            XCTAssertEqual(e as? RDBError, RDBError(offset: 5, message: "Can't handle RDB format version 11"))
        }
    }

    func testZeroChecksumIsNotVerified() throws {
        let f = Array("REDIS0010".utf8) + [0xFF, 0, 0, 0, 0, 0, 0, 0, 0]
        XCTAssertFalse(try RDBReader.load(f).summary.checksumVerified)
    }

    func testWrongChecksumNamesBothValues() {
        let f = Array("REDIS0010".utf8) + [0xFF, 0xA8, 0xFD, 0x37, 0xFE, 0x89, 0xA7, 0x7E, 0xEB]
        XCTAssertThrowsError(try RDBReader.load(f)) { e in
            XCTAssertEqual((e as? RDBError)?.message, "RDB CRC error")
            XCTAssertEqual((e as? RDBError)?.warning, "Wrong RDB checksum expected: (eb7ea789fe37fda9) but got (eb7ea789fe37fda8). Aborting now.")
        }
    }

    func testTruncatedFileIsAShortReadAtItsEnd() {
        XCTAssertThrowsError(try RDBReader.load(Array("REDIS0010".utf8))) { e in
            XCTAssertEqual(e as? RDBError, RDBError(offset: 9, message: "Short read or OOM loading DB. Unrecoverable error, aborting now."))
        }
    }

    func testTruncatedStreamNamesWhatWasBeingReadWhereItEnds() {
        // No nodes, then the file ends where the stream's length should be.
        let f = Array("REDIS0010".utf8) + [0xFE, 0, 19, 2, 0x73, 0x31, 0]
        XCTAssertThrowsError(try RDBReader.load(f)) { e in
            XCTAssertEqual(e as? RDBError, RDBError(offset: 16, message: "Stream object metadata loading failed."))
        }
    }

    func testOldSecondsExpireIsReadAsMilliseconds() throws {
        var f = Array("REDIS0006".utf8) + [0xFD, 0x10, 0, 0, 0, 0, 1, 0x6B, 1, 0x76, 0xFF]
        f += withUnsafeBytes(of: CRC64.checksum(f).littleEndian, Array.init)
        XCTAssertEqual(try RDBReader.load(f).keys.first?.meta.expireAtMs, 16_000)
    }

    func testIdleAndFreqAreReadForTheNextKeyOnly() throws {
        var f = Array("REDIS0010".utf8) + [0xF8, 0x05, 0, 1, 0x61, 1, 0x76, 0xF9, 9, 0, 1, 0x62, 1, 0x76, 0, 1, 0x63, 1, 0x76, 0xFF]
        f += withUnsafeBytes(of: CRC64.checksum(f).littleEndian, Array.init)
        let keys = try RDBReader.load(f).keys
        XCTAssertEqual(keys.map(\.meta), [RDBKeyMeta(idleSeconds: 5), RDBKeyMeta(lfuFreq: 9), RDBKeyMeta()])
    }

    func testHugeDeclaredLengthIsAShortReadNotAnAllocation() {
        let f = Array("REDIS0010".utf8) + [0, 1, 0x61, 0x81, 0x7F, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]
        XCTAssertThrowsError(try RDBReader.load(f)) { e in
            XCTAssertEqual((e as? RDBError)?.message, "Short read or OOM loading DB. Unrecoverable error, aborting now.")
        }
    }
}
