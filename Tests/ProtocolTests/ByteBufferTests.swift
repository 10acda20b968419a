import Protocol
import XCTest

final class ByteBufferTests: XCTestCase {
    func testAppendedBytesAreReadable() {
        var buf = ByteBuffer(capacity: 16)
        buf.append("hello")
        buf.append(contentsOf: [0, 255])
        XCTAssertEqual(buf.readableBytes, 7)
        XCTAssertEqual(buf.readableArray, b("hello") + [0, 255])
        XCTAssertEqual(buf.withReadableBytes { Array($0) }, b("hello") + [0, 255])
    }

    func testConsumingEverythingRewindsToTheStart() {
        var buf = ByteBuffer(capacity: 16)
        buf.append("abc")
        buf.moveReaderIndex(forwardBy: 3)
        XCTAssertTrue(buf.isEmpty)
        XCTAssertEqual(buf.readerIndex, 0)
        XCTAssertEqual(buf.writerIndex, 0)
    }

    func testPartialConsumeKeepsTheRest() {
        var buf = ByteBuffer(capacity: 16)
        buf.append("abcdef")
        buf.moveReaderIndex(forwardBy: 2)
        XCTAssertEqual(buf.readableArray, b("cdef"))
    }

    func testCompactionMovesUnreadBytesToTheFront() {
        var buf = ByteBuffer(capacity: 16)
        buf.append("0123456789abcd")
        buf.moveReaderIndex(forwardBy: 10)
        buf.append("efghij") // does not fit after the writer: compaction, no growth
        XCTAssertEqual(buf.capacity, 16)
        XCTAssertEqual(buf.readerIndex, 0)
        XCTAssertEqual(buf.readableArray, b("abcdefghij"))
    }

    func testGrowthKeepsContents() {
        var buf = ByteBuffer(capacity: 16)
        let data = (0..<1000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        for chunk in stride(from: 0, to: data.count, by: 33) { buf.append(contentsOf: data[chunk..<min(chunk + 33, data.count)]) }
        XCTAssertGreaterThanOrEqual(buf.capacity, 1000)
        XCTAssertEqual(buf.readableArray, data)
    }

    func testWriteWithUnsafeMutableBytesAdvancesByTheReturnedCount() {
        var buf = ByteBuffer(capacity: 16)
        let n = buf.writeWithUnsafeMutableBytes(minimum: 100) { p in
            XCTAssertGreaterThanOrEqual(p.count, 100)
            p[0] = 1; p[1] = 2
            return 2
        }
        XCTAssertEqual(n, 2)
        XCTAssertEqual(buf.readableArray, [1, 2])
    }

    func testNegativeWriteResultDoesNotMoveTheWriter() {
        var buf = ByteBuffer(capacity: 16)
        buf.append("x")
        XCTAssertEqual(buf.writeWithUnsafeMutableBytes(minimum: 4) { _ in -1 }, -1)
        XCTAssertEqual(buf.readableArray, b("x"))
    }

    func testShrinkIfIdleReleasesABurstAllocation() {
        var buf = ByteBuffer(capacity: 16)
        buf.append(contentsOf: [UInt8](repeating: 1, count: 1 << 20))
        buf.moveReaderIndex(forwardBy: 1 << 20)
        buf.shrinkIfIdle(to: 1024)
        XCTAssertEqual(buf.capacity, 1024)
    }

    func testShrinkIfIdleKeepsUnreadData() {
        var buf = ByteBuffer(capacity: 16)
        buf.append(contentsOf: [UInt8](repeating: 1, count: 1 << 16))
        buf.shrinkIfIdle(to: 16)
        XCTAssertEqual(buf.readableBytes, 1 << 16)
    }

    func testClearDropsEverything() {
        var buf = ByteBuffer(capacity: 16)
        buf.append("abc")
        buf.clear()
        XCTAssertTrue(buf.isEmpty)
    }

    func testReservingForAKnownMessageAllocatesExactlyItsSize() {
        var buf = ByteBuffer(capacity: 16)
        buf.append("abcdef")
        buf.moveReaderIndex(forwardBy: 2)
        buf.reserveReadable(100_000)
        XCTAssertEqual(buf.capacity, 100_000)
        XCTAssertEqual(buf.readableArray, b("cdef"))
    }

    func testReadsForAnAwaitedMessageFillItsRoomWithoutRegrowing() {
        var buf = ByteBuffer(capacity: 16)
        buf.reserveReadable(40_000)
        // A read asking its usual 16 KiB chunk takes what room is left instead of doubling it.
        for _ in 0..<3 {
            buf.writeWithUnsafeMutableBytes(minimum: 16 * 1024) { p in
                let n = min(p.count, 16 * 1024)
                for i in 0..<n { p[i] = 1 }
                return n
            }
        }
        XCTAssertEqual(buf.readableBytes, 40_000)
        XCTAssertEqual(buf.capacity, 40_000)
        // Once the message is consumed, reads grow the buffer as usual again.
        buf.moveReaderIndex(forwardBy: 40_000)
        buf.writeWithUnsafeMutableBytes(minimum: 64 * 1024) { _ in 0 }
        XCTAssertGreaterThanOrEqual(buf.capacity, 64 * 1024)
    }
}
