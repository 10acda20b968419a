import Protocol
import TestSupport
import XCTest

/// sanitize-dump-payload (no, yes, clients as 7.0 accepts it): with yes, and
/// with clients for an ordinary client, RESTORE checks the value deeply and
/// refuses one that passes the CRC but is inconsistent inside with Redis's
/// "Bad data format" (InconsistentPayloads; the interop test shows real Redis
/// refusing the same bytes the same way).
final class RestoreSanitizeTests: XCTestCase {
    private let badFormat = RESPValue.error(Array("ERR Bad data format".utf8))

    private func restore(sanitize mode: String, _ payload: [UInt8]) throws -> RESPValue {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "sanitize-dump-payload", mode), .ok)
        return h.call(bytes: [Array("RESTORE".utf8), Array("k".utf8), Array("0".utf8), payload])
    }

    func testSanitizeYesRefusesEveryInconsistentPayload() throws {
        for (name, payload) in InconsistentPayloads.cases {
            XCTAssertEqual(try restore(sanitize: "yes", payload), badFormat, name)
        }
    }

    func testSanitizeClientsRefusesEveryInconsistentPayloadFromAClient() throws {
        for (name, payload) in InconsistentPayloads.cases {
            XCTAssertEqual(try restore(sanitize: "clients", payload), badFormat, name)
        }
    }

    func testConsistentPayloadRestoresWhateverTheSetting() throws {
        for mode in ["no", "yes", "clients"] {
            XCTAssertEqual(try restore(sanitize: mode, InconsistentPayloads.valid), .ok, mode)
        }
    }
}
