import Foundation
import Protocol
import RESPClient
import TestSupport
import XCTest

/// A connection over maxclients, as redis-server 7.0 treats it: the error,
/// then close, counted in rejected_connections and not in
/// total_connections_received (only a connection that became a client counts).
final class MaxClientsProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// The refused socket's bytes, and how much INFO's two connection
    /// counters grew with it (readiness checks before it made clients of their own).
    private func refuseOne(port: Int) throws -> (reply: String, received: Int, rejected: Int) {
        let control = try ProcessFixture.connect(port)
        defer { control.close() }
        func counters() throws -> (Int, Int) {
            let info = String(decoding: try control.call("INFO", "stats").payloadBytes ?? [], as: UTF8.self)
            func field(_ name: String) -> Int {
                info.split(separator: "\r\n").first { $0.hasPrefix(name + ":") }.flatMap { Int($0.dropFirst(name.count + 1)) } ?? -1
            }
            return (field("total_connections_received"), field("rejected_connections"))
        }
        let before = try counters()
        let extra = try RawSocket(port: port)
        let reply = String(decoding: extra.readUntilEOF(timeoutMs: 5000), as: UTF8.self)
        extra.close()
        let after = try counters()
        return (reply, after.0 - before.0, after.1 - before.1)
    }

    func testConnectionOverMaxclientsIsRefusedAndCountedOnlyAsRejected() throws {
        let args = ["--maxclients", "1"]
        if let redis = try fixture.optionalRedis(args, purpose: "checking the refusal against redis-server itself") {
            let ref = try refuseOne(port: redis.port)
            XCTAssertEqual(ref.reply, "-ERR max number of clients reached\r\n", "redis-server itself")
            XCTAssertEqual(ref.received, 0, "redis-server itself")
            XCTAssertEqual(ref.rejected, 1, "redis-server itself")
        }
        let vigil = try fixture.startVigil(args)
        let got = try refuseOne(port: vigil.port)
        XCTAssertEqual(got.reply, "-ERR max number of clients reached\r\n")
        XCTAssertEqual(got.received, 0)
        XCTAssertEqual(got.rejected, 1)
    }
}
