import Deployment
import Persistence
import TestSupport
import XCTest

/// What an old-style SYNC gets from vigil-server holding keys: no
/// `+FULLRESYNC` line, the snapshot of those keys in the `$<len>` form
/// (no trailing CRLF), then the stream, starting with a SELECT.
final class SyncSnapshotProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testSyncWithKeysSendsTheirSnapshotThenTheStream() throws {
        // No cron PING in the stream compared below.
        let vigil = try fixture.startVigil(["--repl-ping-replica-period", "3600"])
        let c = try ProcessFixture.connect(vigil.port)
        defer { c.close() }
        XCTAssertEqual(try c.call("SET", "k", "v"), .simple("OK"))
        XCTAssertEqual(try c.call("RPUSH", "l", "a", "b"), .integer(2))
        let s = try RawSocket(port: vigil.port)
        defer { s.close() }
        XCTAssertTrue(s.send(Array("SYNC\r\n".utf8)))
        var got: [UInt8] = []
        let deadline = Date().addingTimeInterval(10)
        var header = "", length = -1
        while Date() < deadline {
            got += s.read(idleMs: 50, totalMs: 500)
            // Keepalive newlines may come first.
            let trimmed = got.drop { $0 == 10 }
            if let cr = trimmed.firstIndex(of: 13) {
                header = String(decoding: trimmed[trimmed.startIndex..<cr], as: UTF8.self)
                length = Int(header.dropFirst()) ?? -1
                if length >= 0 && trimmed.count >= cr + 2 - trimmed.startIndex + length { break }
            }
        }
        XCTAssertTrue(header.hasPrefix("$"), "payload header: \(visible(got))")
        let trimmed = Array(got.drop { $0 == 10 })
        let start = header.utf8.count + 2
        guard length > 0, trimmed.count >= start + length else { return XCTFail("short payload: \(visible(got))") }
        var reader = RDBReader(bytes: Array(trimmed[start..<start + length]))
        var keys: [String] = []
        _ = try reader.read { keys.append(String(decoding: $0.key.bytes, as: UTF8.self)) }
        XCTAssertEqual(keys.sorted(), ["k", "l"])

        XCTAssertEqual(try c.call("SET", "after", "1"), .simple("OK"))
        let stream = s.read(idleMs: 100, totalMs: 3000)
        XCTAssertEqual(visible(Array(trimmed[(start + length)...]) + stream),
                       visible(Array("*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$5\r\nafter\r\n$1\r\n1\r\n".utf8)))
    }
}
