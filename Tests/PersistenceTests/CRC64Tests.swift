import Persistence
import XCTest

final class CRC64Tests: XCTestCase {
    func testCheckValueIsRedis() {
        XCTAssertEqual(CRC64.checksum(Array("123456789".utf8)), 0xe9c6_d914_c4b8_d9ca)
    }

    func testMinimalRDBChecksumMatchesRedis() {
        // rdb.md §11: "REDIS0010" + EOF, checksum A9 FD 37 FE 89 A7 7E EB (little-endian).
        XCTAssertEqual(CRC64.checksum(Array("REDIS0010".utf8) + [0xFF]), 0xEB7E_A789_FE37_FDA9)
    }

    func testRunningChecksumEqualsOneShot() {
        let a = Array("REDIS0010".utf8), b: [UInt8] = [0xFA, 1, 2, 3, 0xFF]
        let running = b.withUnsafeBytes { CRC64.update(CRC64.checksum(a), $0) }
        XCTAssertEqual(running, CRC64.checksum(a + b))
    }
}
