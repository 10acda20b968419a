import Protocol
import TestSupport
import XCTest

/// parseStrictInt64 (Redis string2ll), appendDecimal and formatDouble (%.17g).
final class NumberFormattingTests: XCTestCase {
    private func parse(_ s: String) -> Int64? { parseStrictInt64(Array(s.utf8)) }

    private func decimal(_ v: Int64) -> String {
        var out: [UInt8] = [120] // existing bytes must be kept
        appendDecimal(v, to: &out)
        XCTAssertEqual(out.first, 120)
        return String(decoding: out.dropFirst(), as: UTF8.self)
    }

    private func format(_ d: Double) -> String { String(decoding: formatDouble(d), as: UTF8.self) }

    func testPlainIntegersParse() {
        XCTAssertEqual(parse("0"), 0)
        XCTAssertEqual(parse("7"), 7)
        XCTAssertEqual(parse("123"), 123)
        XCTAssertEqual(parse("-123"), -123)
        XCTAssertEqual(parse("-1"), -1)
    }

    func testExtremesParse() {
        XCTAssertEqual(parse("9223372036854775807"), Int64.max)
        XCTAssertEqual(parse("-9223372036854775808"), Int64.min)
    }

    func testOverflowIsRejected() {
        XCTAssertNil(parse("9223372036854775808"))
        XCTAssertNil(parse("-9223372036854775809"))
        XCTAssertNil(parse("18446744073709551615"))
        XCTAssertNil(parse("18446744073709551616"))
        XCTAssertNil(parse("99999999999999999999"))
        XCTAssertNil(parse("-99999999999999999999"))
        XCTAssertNil(parse("123456789012345678901"))
    }

    func testPlusSignIsRejected() {
        XCTAssertNil(parse("+1"))
        XCTAssertNil(parse("+0"))
    }

    func testLeadingZerosAreRejected() {
        XCTAssertNil(parse("01"))
        XCTAssertNil(parse("00"))
        XCTAssertNil(parse("-01"))
        XCTAssertNil(parse("007"))
    }

    func testMinusZeroIsRejected() {
        XCTAssertNil(parse("-0"))
        XCTAssertNil(parse("-00"))
    }

    func testNonDigitsAndEmptyAreRejected() {
        XCTAssertNil(parse(""))
        XCTAssertNil(parse("-"))
        XCTAssertNil(parse(" 1"))
        XCTAssertNil(parse("1 "))
        XCTAssertNil(parse("1a"))
        XCTAssertNil(parse("1.0"))
        XCTAssertNil(parse("--1"))
        XCTAssertNil(parse("1-"))
        XCTAssertNil(parse("0x10"))
        XCTAssertNil(parseStrictInt64([UInt8(ascii: "1"), 0]))
    }

    func testWorksOnSlicesAndRawBuffers() {
        let bytes = b("x-42y")
        XCTAssertEqual(parseStrictInt64(bytes[1..<4]), -42)
        let v = bytes.withUnsafeBytes { parseStrictInt64(UnsafeRawBufferPointer(rebasing: $0[1..<4])) }
        XCTAssertEqual(v, -42)
    }

    func testRandomValuesRoundTripThroughTheirDecimalForm() {
        var rng = SeededRandom(seed: fuzzSeed(default: 0xDEC1))
        for _ in 0..<20000 {
            let v = Int64(bitPattern: rng.next()) >> rng.below(64)
            let s = String(v)
            XCTAssertEqual(parse(s), v, s)
            XCTAssertEqual(decimal(v), s)
        }
    }

    func testAppendDecimalOfSmallValues() {
        XCTAssertEqual(decimal(0), "0")
        XCTAssertEqual(decimal(9), "9")
        XCTAssertEqual(decimal(10), "10")
        XCTAssertEqual(decimal(-1), "-1")
        XCTAssertEqual(decimal(-9), "-9")
        XCTAssertEqual(decimal(-10), "-10")
    }

    func testAppendDecimalOfExtremes() {
        XCTAssertEqual(decimal(Int64.max), "9223372036854775807")
        XCTAssertEqual(decimal(Int64.min), "-9223372036854775808")
        XCTAssertEqual(decimal(Int64.min + 1), "-9223372036854775807")
    }

    func testFormatDoubleUsesShortestFormWhenExact() {
        XCTAssertEqual(format(1.5), "1.5")
        XCTAssertEqual(format(3), "3")
        XCTAssertEqual(format(-2.5), "-2.5")
        XCTAssertEqual(format(0.0001), "0.0001")
        XCTAssertEqual(format(123456789.123), "123456789.123")
    }

    func testFormatDoublePrintsSeventeenSignificantDigits() {
        // Values checked against redis-server 7.0 ZSCORE / ZINCRBY.
        XCTAssertEqual(format(1.0 + 0.1), "1.1000000000000001")
        XCTAssertEqual(format(0.1), "0.10000000000000001")
        XCTAssertEqual(format(0.00001), "1.0000000000000001e-05")
    }

    func testFormatDoubleSwitchesToExponentAtSeventeenDigits() {
        XCTAssertEqual(format(1e16), "10000000000000000")
        XCTAssertEqual(format(1e17), "1e+17")
        XCTAssertEqual(format(1e20), "1e+20")
        XCTAssertEqual(format(1.7976931348623157e308), "1.7976931348623157e+308")
        XCTAssertEqual(format(Double.leastNonzeroMagnitude), "4.9406564584124654e-324")
    }

    func testFormatDoubleInfinitiesAndNaN() {
        XCTAssertEqual(format(.infinity), "inf")
        XCTAssertEqual(format(-.infinity), "-inf")
        XCTAssertEqual(format(.nan), "nan")
    }

    func testFormattedDoublesParseBackExactly() {
        var rng = SeededRandom(seed: fuzzSeed(default: 0xD0B1E))
        for _ in 0..<5000 {
            let d = Double(bitPattern: rng.next())
            if !d.isFinite { continue }
            XCTAssertEqual(Double(format(d)), d, format(d))
        }
    }
}
