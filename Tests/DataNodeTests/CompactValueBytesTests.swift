import XCTest
@testable import Keyspace

/// Values of 22...44 bytes (past the inline capacity, inside Redis's embstr
/// limit) live in one block with a one-byte length instead of an array with
/// its 32-byte header: fewer bytes per key under the same maxmemory.
final class CompactValueBytesTests: XCTestCase {
    private func bytes(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) } }

    private func isCompact(_ v: StringValue) -> Bool {
        if case .compact = v.storage { return true }
        return false
    }

    func testValuesFrom22Through44BytesAreCompactAndLongerOnesKeepAnArray() {
        for n in 0...60 {
            let v = StringValue(bytes: bytes(n), encoding: .embstr)
            XCTAssertEqual(isCompact(v), (22...44).contains(n), "length \(n)")
            XCTAssertEqual(v.count, n)
            XCTAssertEqual(v.bytes, bytes(n))
            XCTAssertEqual(v.withUnsafeBytes { Array($0) }, bytes(n))
        }
    }

    func testACompactValueKeepsItsEncodingAndSharingFlag() {
        var v = StringValue(bytes: bytes(32), encoding: .raw, unshared: true)
        XCTAssertEqual(v.encoding, .raw)
        XCTAssertTrue(v.unshared)
        v.encoding = .embstr
        v.unshared = false
        XCTAssertEqual(v.encoding, .embstr)
        XCTAssertFalse(v.unshared)
        XCTAssertTrue(isCompact(v))
        XCTAssertEqual(v.bytes, bytes(32))
    }

    func testCopyingRawBytesMakesTheSameForms() {
        for n in [21, 22, 32, 44, 45] {
            let v = bytes(n).withUnsafeBytes { StringValue($0, encoding: .embstr) }
            XCTAssertEqual(isCompact(v), (22...44).contains(n))
            XCTAssertEqual(v.bytes, bytes(n))
        }
    }

    func testMutatingACompactValueLeavesItsCopiesAlone() {
        var a = StringValue(bytes: bytes(30), encoding: .embstr)
        let b = a
        a.bytes[0] = 0
        a.bytes.append(9)
        XCTAssertEqual(b.bytes, bytes(30))
        XCTAssertEqual(a.bytes, [0] + bytes(30).dropFirst() + [9])
        XCTAssertTrue(isCompact(a))
    }

    func testA32ByteValueTakesASmallerBlockThanItsArray() {
        let array = bytes(32)
        let v = StringValue(bytes: array, encoding: .embstr)
        guard case .compact(let block, _, _) = v.storage else { return XCTFail("32 bytes should be compact") }
        // Both capacities are what the allocator's block holds past the
        // header (Swift asks malloc_usable_size), so header + capacity is the block.
        let header = block.withUnsafeMutablePointerToElements {
            UnsafeRawPointer(Unmanaged.passUnretained(block).toOpaque()).distance(to: UnsafeRawPointer($0))
        }
        XCTAssertEqual(header, 17)
        XCTAssertLessThan(header + block.capacity, 32 + array.capacity)
    }
}
