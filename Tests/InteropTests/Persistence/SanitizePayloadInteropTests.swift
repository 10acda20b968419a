import Deployment
import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest
@testable import DataNode

/// sanitize-dump-payload against a real redis-server 7.0: under yes and
/// clients, the payloads that pass the CRC but are inconsistent inside
/// (InconsistentPayloads) get the same reply from both, Redis's
/// "Bad data format". Under no, Redis stores the ones a shallow check lets
/// through and Vigil still refuses them: it turns every value into its own
/// structures, which cannot hold a duplicate field or an unsorted intset.
final class SanitizePayloadInteropTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }

    private func restore(_ call: ([[UInt8]]) throws -> RESPValue, mode: String, _ payload: [UInt8]) throws -> RESPValue {
        XCTAssertEqual(try call([b("CONFIG"), b("SET"), b("sanitize-dump-payload"), b(mode)]), .ok)
        _ = try call([b("DEL"), b("k")])
        return try call([b("RESTORE"), b("k"), b("0"), payload])
    }

    func testSanitizedRestoreRefusesWhatRedisRefuses() throws {
        let (server, port) = try startRealRedis()
        defer { server.cleanUp() }
        let c = try Interop.talking(to: "redis-server") { try RedisConnection(host: "127.0.0.1", port: port) }
        defer { c.close() }
        let h = try Harness()
        for mode in ["yes", "clients"] {
            for (name, payload) in InconsistentPayloads.cases + [("valid", InconsistentPayloads.valid)] {
                let theirs = try restore({ try c.call($0) }, mode: mode, payload)
                XCTAssertEqual(try restore({ h.call(bytes: $0) }, mode: mode, payload), theirs, "\(name) under \(mode)")
            }
        }
    }

    func testUnsanitizedRestoreRefusesWhatRedisWouldStoreBroken() throws {
        let (server, port) = try startRealRedis()
        defer { server.cleanUp() }
        let c = try Interop.talking(to: "redis-server") { try RedisConnection(host: "127.0.0.1", port: port) }
        defer { c.close() }
        let h = try Harness()
        for (name, payload) in InconsistentPayloads.cases {
            let theirs = try restore({ try c.call($0) }, mode: "no", payload)
            let ours = try restore({ h.call(bytes: $0) }, mode: "no", payload)
            XCTAssertEqual(ours, .error(b("ERR Bad data format")), name)
            if theirs != ours { XCTAssertEqual(theirs, .ok, "\(name): Redis neither refuses nor stores it") }
        }
    }
}
