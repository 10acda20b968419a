import Protocol
@testable import RESPClient
import XCTest

final class FrameScannerTests: XCTestCase {
    private let frames: [String] = [
        "+OK\r\n", "-ERR x\r\n", ":-12\r\n", "$-1\r\n", "$0\r\n\r\n", "$5\r\nh\r\nlo\r\n",
        "*-1\r\n", "*0\r\n", "*2\r\n$1\r\na\r\n*1\r\n:1\r\n", "_\r\n", ",1.5\r\n", "#t\r\n",
        "(123456789012345678901234567890\r\n", "=8\r\ntxt:abcd\r\n", "!3\r\nERR\r\n",
        "%2\r\n+a\r\n:1\r\n+b\r\n*2\r\n:1\r\n:2\r\n", "~1\r\n+x\r\n", ">3\r\n+message\r\n+ch\r\n$2\r\nhi\r\n",
        "|1\r\n+ttl\r\n:3\r\n$3\r\nval\r\n", "*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n", "%0\r\n", "|0\r\n+x\r\n",
    ]

    private func scan(_ bytes: [UInt8], _ s: inout FrameScanner) throws -> Int? {
        try bytes.withUnsafeBytes { try s.scan($0) }
    }

    func testWholeFramesEndExactly() throws {
        for f in frames {
            var s = FrameScanner()
            let b = Array(f.utf8) + Array("+NEXT\r\n".utf8)
            XCTAssertEqual(try scan(b, &s), f.utf8.count, "frame \(f.debugDescription)")
            // The parser agrees on the boundary.
            XCTAssertEqual(try ReplyParser().parse(b)?.consumed, f.utf8.count, "parser on \(f.debugDescription)")
        }
    }

    func testByteAtATimeAcrossAllFrames() throws {
        let stream = Array(frames.joined().utf8)
        var s = FrameScanner()
        var start = 0
        var found: [Int] = []
        var end = start
        while end < stream.count {
            end += 1
            if let n = try scan(Array(stream[start..<end]), &s) {
                found.append(n)
                start += n
                end = start
                s.reset()
            }
        }
        XCTAssertEqual(found, frames.map { $0.utf8.count })
    }

    func testMalformedInputThrows() {
        for bad in ["?x\r\n", "$abc\r\n", "*-2\r\n", "~-1\r\n", "$-5\r\n"] {
            var s = FrameScanner()
            XCTAssertThrowsError(try scan(Array(bad.utf8), &s), bad.debugDescription)
        }
    }
}
