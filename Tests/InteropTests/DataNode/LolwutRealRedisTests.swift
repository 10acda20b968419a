import Foundation
import RESPClient
import TestSupport
import XCTest

/// LOLWUT byte for byte against redis-server 7.0.15 where its drawing is
/// deterministic (Schotter's first two rows of squares are never rotated).
final class LolwutRealRedisTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testLolwutRepliesAsRedis() throws {
        let cases: [[String]] = [
            ["LOLWUT"], ["LOLWUT", "VERSION", "7"], ["LOLWUT", "VERSION", "x"], ["LOLWUT", "VERSION"],
            ["LOLWUT", "VERSION", "5", "40", "4", "2"], ["LOLWUT", "VERSION", "5", "1", "1", "1"],
            ["LOLWUT", "VERSION", "5", "0", "-3", "2"], ["LOLWUT", "VERSION", "5", "5000", "300", "1"],
            ["LOLWUT", "VERSION", "5", "abc"], ["LOLWUT", "VERSION", "49"], ["LOLWUT", "VERSION", "4294967301", "10", "2", "2"],
            ["LOLWUT", "junk"],
        ]
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        for proto in ["2", "3"] {
            let r = try ProcessFixture.connect(redis.port), v = try ProcessFixture.connect(vigil.port)
            defer { r.close(); v.close() }
            for c in [r, v] { try c.send(["HELLO", proto]); _ = try c.readRawReply() }
            for args in cases {
                try r.send(args)
                let expected = try Interop.talking(to: "redis-server") { try r.readRawReply() }
                try v.send(args)
                XCTAssertEqual(visible(try v.readRawReply(), limit: 100_000), visible(expected, limit: 100_000), "RESP\(proto) \(args)")
            }
        }
    }

    /// The random rows: same size and the same fixed first rows and caption.
    func testSchotterDrawingHasRedisShape() throws {
        let redis = try fixture.startRedis()
        let vigil = try fixture.startVigil()
        func lines(_ port: Int) throws -> [String] {
            let c = try ProcessFixture.connect(port)
            defer { c.close() }
            guard case .bulkString(let b?) = try c.call("LOLWUT", "VERSION", "5") else { return [] }
            return String(decoding: b, as: UTF8.self).components(separatedBy: "\n")
        }
        let expected = try Interop.talking(to: "redis-server") { try lines(redis.port) }
        let actual = try lines(vigil.port)
        XCTAssertEqual(actual.count, expected.count)
        XCTAssertEqual(actual.prefix(4), expected.prefix(4))
        XCTAssertEqual(actual.suffix(3), expected.suffix(3))
        XCTAssertEqual(actual.map { $0.count }, expected.map { $0.count })
    }
}
