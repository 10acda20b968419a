import Glibc
import XCTest
@testable import SentinelCore

/// The core decides what is an IP literal and formats times without libc;
/// these pin its answers to libc's own.
final class CoreLibcFreeTests: XCTestCase {
    static func inetPton(_ s: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, s, &v4) == 1 || inet_pton(AF_INET6, s, &v6) == 1
    }

    func testIPLiteralAgreesWithInetPtonOnEdgeCases() {
        let cases = ["127.0.0.1", "0.0.0.0", "255.255.255.255", "256.0.0.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "1.2.3.04",
                     "1..2.3", ".1.2.3", "1.2.3.", "1.2.3.4 ", " 1.2.3.4", "1.2.3.4\0junk", "", "localhost", "a.b.c.d",
                     "::", "::1", "1::", ":::", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8",
                     "1:2:3:4:5:6:7::8", "1::2::3", "12345::", "ffff::FFFF", "g::", "1:", ":1", "1:2:3:4:5:6:1.2.3.4",
                     "::ffff:127.0.0.1", "::127.0.0.1", "1:2:3:4:5:6:7:1.2.3.4", "::1.2.3", "::1.2.3.4.5", "1.2.3.4::",
                     "fe80::1%eth0", "[::1]", "0:0:0:0:0:0:0:0", "::0:0:0:0:0:0:0", "00000::", "0000::", "::01.2.3.4"]
        for s in cases {
            XCTAssertEqual(SentinelAddress.isIPLiteral(s), Self.inetPton(s), "\(s.debugDescription)")
        }
    }

    func testIPLiteralAgreesWithInetPtonOnSeededRandomStrings() {
        var rng = SentinelRandom(seed: 7)
        let alphabet = Array("0123456789abcdefABCDEFg.:x ")
        for _ in 0..<20_000 {
            let n = rng.below(18)
            let s = String((0..<n).map { _ in alphabet[rng.below(alphabet.count)] })
            XCTAssertEqual(SentinelAddress.isIPLiteral(s), Self.inetPton(s), "\(s.debugDescription)")
        }
    }

    func testUTCTimeTextMatchesAsctimeOfGmtime() {
        let secs: [Int64] = [0, 1, 59, 86_399, 86_400, 951_782_400, 951_868_800, 1_700_000_000, 4_102_444_800, -1, -86_401]
        var rng = SentinelRandom(seed: 11)
        for t in secs + (0..<2000).map({ _ in Int64(rng.below(8_000_000_000)) - 1_000_000_000 }) {
            var tt = time_t(t)
            var tm = tm()
            var buf = [CChar](repeating: 0, count: 64)
            XCTAssertNotNil(gmtime_r(&tt, &tm))
            XCTAssertNotNil(asctime_r(&tm, &buf))
            let libc = String(decoding: buf.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            XCTAssertEqual(CTimeText.utc(t * 1000 + 999), libc, "t=\(t)")
        }
    }
}
