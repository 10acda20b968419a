import XCTest
@testable import Keyspace

/// A stored string does not keep a reused argument buffer's spare room
/// (trimStringObjectIfNeeded): memory per key follows the value's length.
final class StringValueTrimTests: XCTestCase {
    private func heapCapacity(_ v: StringValue) -> Int? {
        if case .heap(let a, _, _) = v.storage { return a.capacity }
        return nil
    }

    func testAValueInAMuchLargerBufferIsCopiedToItsSize() {
        var buffer = [UInt8](repeating: 65, count: 300)
        buffer.reserveCapacity(1024)
        let v = StringValue(buffer)
        XCTAssertEqual(v.bytes, buffer)
        XCTAssertLessThan(heapCapacity(v) ?? .max, 300 + 64)
    }

    func testAValueFillingItsBufferKeepsIt() {
        let buffer = [UInt8](repeating: 65, count: 300)
        let v = StringValue(buffer)
        XCTAssertEqual(heapCapacity(v), buffer.capacity)
    }
}
