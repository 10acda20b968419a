import Protocol
import XCTest
@testable import DataNode
@testable import Keyspace

/// Keys and string values held inline (up to 23 and 21 bytes) or in an array:
/// the two forms must be indistinguishable through every accessor.
final class InlineBytesTests: XCTestCase {
    private func bytes(_ n: Int, from start: UInt8 = 0x61) -> [UInt8] { (0..<n).map { start &+ UInt8($0 % 26) } }

    private var boundaryLengths: [Int] { [0, 1, 7, 8, 15, 16, 20, 21, 22, 23, 24, 25, 44, 45, 100] }

    func testKeyAndValueKeepTheirStridesWithTheInlineBytes() {
        XCTAssertEqual(MemoryLayout<Key>.stride, 24)
        XCTAssertEqual(MemoryLayout<StringValue>.stride, 24)
        XCTAssertEqual(MemoryLayout<Value>.stride, 24)
        XCTAssertEqual(MemoryLayout<Value?>.stride, 24)
    }

    func testKeyRoundTripsAtEveryBoundaryLength() {
        for n in boundaryLengths {
            let b = bytes(n)
            let k = Key(b)
            XCTAssertEqual(k.bytes, b, "length \(n)")
            XCTAssertEqual(k.count, n)
            XCTAssertEqual(k.withUnsafeBytes { Array($0) }, b)
            XCTAssertEqual(b.withUnsafeBytes { Key($0) }, k)
            XCTAssertEqual(Key(b[...]), k)
        }
    }

    func testKeysAreInlineUpTo23Bytes() {
        for n in [0, 22, 23, 24] {
            let inline: Bool
            if case .inline = Key(bytes(n)).storage { inline = true } else { inline = false }
            XCTAssertEqual(inline, n <= 23, "length \(n)")
        }
    }

    func testBinaryKeysWithZeroBytesDifferFromShorterOnes() {
        let a = Key([0x61]), b = Key([0x61, 0]), c = Key([0x61, 0, 0])
        XCTAssertNotEqual(a, b)
        XCTAssertNotEqual(b, c)
        XCTAssertLessThan(a, b)
        XCTAssertLessThan(b, c)
        XCTAssertEqual(Key([0, 0xFF, 0]).bytes, [0, 0xFF, 0])
        XCTAssertEqual(Set([a, b, c, Key([0x61, 0])]).count, 3)
    }

    func testEqualKeysMadeDifferentWaysHashEqually() {
        for n in boundaryLengths {
            let b = bytes(n)
            let fromArray = Key(b)
            let fromSlice = Key(([0x7A] + b)[1...])
            let fromBuffer = b.withUnsafeBytes { Key($0) }
            XCTAssertEqual(fromArray, fromSlice)
            XCTAssertEqual(fromArray.hashValue, fromSlice.hashValue, "length \(n)")
            XCTAssertEqual(fromArray.hashCode, fromBuffer.hashCode, "length \(n)")
        }
    }

    func testKeysDifferingInOneByteAreUnequal() {
        for n in [1, 8, 16, 23, 24, 30] {
            let b = bytes(n)
            for i in 0..<n {
                var c = b
                c[i] ^= 0x80
                XCTAssertNotEqual(Key(b), Key(c), "length \(n), byte \(i)")
            }
        }
    }

    func testKeysSortAsMemcmpThenLengthAcrossBothForms() {
        var all: [[UInt8]] = []
        for n in boundaryLengths { all.append(bytes(n)); all.append(bytes(n, from: 0x41)) }
        all += [[0xFF], [0x80, 0], [0, 0, 0, 1], Array(repeating: 0xFF, count: 23), Array(repeating: 0xFF, count: 24)]
        for x in all {
            for y in all {
                let want = compareBytes(x, y) < 0
                XCTAssertEqual(Key(x) < Key(y), want, "\(x) < \(y)")
            }
        }
    }

    func testStringValueRoundTripsAtEveryBoundaryLength() {
        for n in boundaryLengths {
            let b = bytes(n, from: 0)
            let s = StringValue(bytes: b, encoding: .raw)
            XCTAssertEqual(s.bytes, b, "length \(n)")
            XCTAssertEqual(s.count, n)
            XCTAssertEqual(s.withUnsafeBytes { Array($0) }, b)
            XCTAssertEqual(s.encoding, .raw)
        }
    }

    func testStringValuesAreInlineUpTo21Bytes() {
        for n in [0, 20, 21, 22] {
            let inline: Bool
            if case .inline = StringValue(bytes(n)).storage { inline = true } else { inline = false }
            XCTAssertEqual(inline, n <= 21, "length \(n)")
        }
    }

    func testStringValueEncodingFollowsRedisThresholds() {
        XCTAssertEqual(StringValue(Array("12345678901234567890".utf8)).encoding, .embstr)
        XCTAssertEqual(StringValue(Array("-9223372036854775808".utf8)).encoding, .int)
        XCTAssertEqual(StringValue(bytes(20)).encoding, .embstr)
        XCTAssertEqual(StringValue(bytes(44)).encoding, .embstr)
        XCTAssertEqual(StringValue(bytes(45)).encoding, .raw)
    }

    func testIntegerValuesAreWrittenInPlace() {
        for v: Int64 in [0, 7, -1, 10, 99, 100, -100, 1_234_567, .max, .min] {
            let s = StringValue(integer: v)
            XCTAssertEqual(s.bytes, Array(String(v).utf8))
            XCTAssertEqual(s.encoding, .int)
            XCTAssertFalse(s.unshared)
        }
    }

    func testEncodingAndUnsharedSurviveEitherForm() {
        for n in [3, 21, 22, 50] {
            var s = StringValue(bytes: bytes(n), encoding: .embstr)
            s.unshared = true
            s.encoding = .int
            XCTAssertEqual(s.encoding, .int)
            XCTAssertTrue(s.unshared)
            XCTAssertEqual(s.bytes, bytes(n))
            s.bytes.append(1)
            XCTAssertEqual(s.encoding, .int)
            XCTAssertTrue(s.unshared)
        }
    }

    func testAppendingGrowsAnInlineValueIntoAnArrayAndBack() {
        var s = StringValue(bytes: bytes(20), encoding: .embstr)
        s.bytes.append(contentsOf: [0, 1])
        XCTAssertEqual(s.count, 22)
        XCTAssertEqual(s.bytes, bytes(20) + [0, 1])
        if case .inline = s.storage { XCTFail("22 bytes should live out of line") }
        s.bytes.removeLast(2)
        XCTAssertEqual(s.bytes, bytes(20))
        if case .heap = s.storage { XCTFail("20 bytes should be inline again") }
    }

    func testMutatingALongValueEditsItsArrayInPlace() {
        var s = StringValue(bytes: bytes(100), encoding: .raw)
        let before = s.withUnsafeBytes { $0.baseAddress }
        s.bytes[0] = 0
        XCTAssertEqual(s.withUnsafeBytes { $0.baseAddress }, before)
        XCTAssertEqual(s.bytes[0], 0)
    }

    func testReplyWritesInlineAndArrayBytesAlike() {
        for n in [0, 5, 21, 22, 23, 24] {
            var w1 = RESPWriter(), w2 = RESPWriter(), w3 = RESPWriter()
            w1.bulk(Key(bytes(n)))
            w2.bulk(StringValue(bytes: bytes(n), encoding: .raw))
            w3.bulk(bytes(n))
            XCTAssertEqual(w1.bytes, w3.bytes)
            XCTAssertEqual(w2.bytes, w3.bytes)
        }
    }
}
