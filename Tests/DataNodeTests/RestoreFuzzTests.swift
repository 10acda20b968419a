import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Mutated DUMP payloads through RESTORE's command path (dispatch, option
/// parsing, decoding, storing): every one gives OK or one of Redis's two
/// payload errors, never a crash, and a restored key is readable (DUMPs again).
/// 20,000 by default; VIGIL_FUZZ_MUTATIONS=<n> for more.
final class RestoreFuzzTests: XCTestCase {
    func testMutatedPayloadsAreRestoredOrRefusedWithRedisErrors() throws {
        let h = try Harness()
        let bodies = CorruptionFixtures.payloadBodies(maxBytes: 3000)
        let count = CorruptionFixtures.mutationCount(default: 20_000)
        var rng = SeededRandom(seed: 23)
        var restored = 0, badFormat = 0, badFooter = 0
        let badFormatReply = RESPValue.error(Array("ERR Bad data format".utf8))
        let badFooterReply = RESPValue.error(Array("ERR DUMP payload version or checksum are wrong".utf8))
        for n in 0..<count {
            var payload = CorruptionFixtures.seal(CorruptionFixtures.mutate(bodies[n % bodies.count], &rng))
            // One in ten keeps the edit after sealing: the footer itself is damaged.
            if n % 10 == 0 { payload = CorruptionFixtures.mutate(payload, &rng) }
            let reply = h.call(bytes: [Array("RESTORE".utf8), Array("k".utf8), Array("0".utf8), payload, Array("REPLACE".utf8)])
            switch reply {
            case .ok:
                restored += 1
                guard case .bulkString(let again?) = h.call("DUMP", "k") else { return XCTFail("restored key \(n) has no DUMP") }
                XCTAssertFalse(again.isEmpty)
            case badFormatReply: badFormat += 1
            case badFooterReply: badFooter += 1
            default: return XCTFail("mutation \(n) (seed 23): unexpected reply \(reply)")
            }
        }
        XCTAssertGreaterThan(restored, 0)
        XCTAssertGreaterThan(badFormat, 0)
        XCTAssertGreaterThan(badFooter, 0)
        print("RESTORE fuzz: \(count) payloads, \(restored) restored, \(badFormat) bad format, \(badFooter) bad footer")
    }
}
