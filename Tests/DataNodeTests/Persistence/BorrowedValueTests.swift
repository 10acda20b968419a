import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

/// BorrowedValue lends out the very object a stored value holds.
final class BorrowedValueTests: XCTestCase {
    func testTheEnumLayoutThisBuildUsesIsTheOneAssumed() {
        XCTAssertTrue(BorrowedValue.layoutHolds, "collections would be copied (and retained) in a saving child")
    }

    func testEachCollectionIsLentAsItself() {
        let h = HashValue(), l = ListValue(), s = SetValue(), z = SortedSetValue(), st = StreamValue()
        let stored: [Value] = [.hash(h), .list(l), .set(s), .zset(z), .stream(st)]
        let objects: [AnyObject] = [h, l, s, z, st]
        stored.withUnsafeBufferPointer { b in
            for i in 0..<b.count {
                let lent: AnyObject? = BorrowedValue.with(b.baseAddress! + i) { v in
                    switch v {
                    case .hash(let x): return x
                    case .list(let x): return x
                    case .set(let x): return x
                    case .zset(let x): return x
                    case .stream(let x): return x
                    case .string: return nil
                    }
                }
                XCTAssertTrue(lent === objects[i], "case \(i)")
            }
        }
    }

    func testStringsPassThrough() {
        let stored: [Value] = [.string(StringValue(Array("hello".utf8)))]
        stored.withUnsafeBufferPointer { b in
            BorrowedValue.with(b.baseAddress!) { v in
                guard case .string(let s) = v else { return XCTFail("not a string") }
                XCTAssertEqual(s.bytes, Array("hello".utf8))
            }
        }
    }
}
