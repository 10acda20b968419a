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

    /// The eight-bytes-at-a-time path and its byte tail agree with the
    /// bit-by-bit definition for every length and alignment around a word.
    func testSlicedChecksumEqualsBitwiseDefinition() {
        func bitwise(_ bytes: ArraySlice<UInt8>) -> UInt64 {
            var crc: UInt64 = 0
            for b in bytes {
                crc ^= UInt64(b)
                for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x95AC_9329_AC4B_C9B5 : crc >> 1 }
            }
            return crc
        }
        let data = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
        for start in 0..<9 {
            for length in 0..<(data.count - start) {
                let slice = data[start..<(start + length)]
                XCTAssertEqual(CRC64.checksum(Array(slice)), bitwise(slice), "start \(start) length \(length)")
                let sliced = slice.withUnsafeBytes { CRC64.update(0, $0) }
                XCTAssertEqual(sliced, bitwise(slice), "unaligned start \(start) length \(length)")
            }
        }
    }
}
