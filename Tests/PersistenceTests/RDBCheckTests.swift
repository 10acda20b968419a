import Persistence
import XCTest

/// redis-check-rdb's report conventions, without the tool (the same files
/// against redis-check-rdb itself: InteropTests.CheckRDBToolTests).
final class RDBCheckTests: XCTestCase {
    /// rdb.md §11: the 18-byte file 7.0.15 loads.
    let minimal: [UInt8] = Array("REDIS0010".utf8) + [0xFF, 0xA9, 0xFD, 0x37, 0xFE, 0x89, 0xA7, 0x7E, 0xEB]

    func testMinimalFileLooksOK() {
        let check = RDBCheck(bytes: minimal, name: "m.rdb", nowMs: 0)
        XCTAssertTrue(check.ok)
        XCTAssertEqual(check.lines, ["[offset 0] Checking RDB file m.rdb", "[offset 18] Checksum OK",
                                     "[offset 18] \\o/ RDB looks OK! \\o/", "[info] 0 keys read", "[info] 0 expires",
                                     "[info] 0 already expired"])
    }

    func testTruncationReportsTheBytesReadBeforeIt() {
        let check = RDBCheck(bytes: Array(minimal.prefix(14)), name: "t.rdb", nowMs: 0)
        XCTAssertFalse(check.ok)
        XCTAssertEqual(Array(check.lines[1...3]), ["--- RDB ERROR DETECTED ---", "[offset 10] Unexpected EOF reading RDB file",
                                                   "[additional info] While doing: check-sum"])
    }

    func testCorruptValueIsWordedAsRedisReportsCorruption() {
        var f = Array("REDIS0010".utf8) + [0xFE, 0, 0x0B, 1, 0x73, 5, 1, 2, 3, 4, 5, 0xFF]
        f += [UInt8](repeating: 0, count: 8)
        let check = RDBCheck(bytes: f, name: "c.rdb", nowMs: 0)
        XCTAssertTrue(check.terminatedByCorruption)
        XCTAssertEqual(Array(check.lines[3...6]), [
            "[offset 20] Internal error in RDB reading offset 0, function at rdb.c:2214 -> Intset integrity check failed.",
            "[additional info] While doing: read-object-value", "[additional info] Reading key 's'",
            "[additional info] Reading type 11 (set-intset)",
        ])
    }
}
