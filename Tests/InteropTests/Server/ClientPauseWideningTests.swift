import Deployment
import Protocol
import RESPClient
import TestSupport
import XCTest

/// CLIENT PAUSE only widens (7.0's pauseClients): `CLIENT PAUSE 0 ALL` during
/// a WRITE pause turns it into an ALL pause until the WRITE pause's end, so a
/// read from another client is held. Checked on redis-server and vigil-server.
final class ClientPauseWideningTests: XCTestCase {
    private let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
    }

    /// Whether a GET from a second client is answered within 300 ms after the
    /// pause commands, and what the first client got for them.
    private func readHeld(port: Int) throws -> (pauseReplies: [UInt8], getAnswered: Bool, getAfterUnpause: [UInt8]) {
        let admin = try RawSocket(port: port), reader = try RawSocket(port: port)
        defer { admin.close(); reader.close() }
        XCTAssertTrue(admin.send(RESPWriter.command([Array("CLIENT".utf8), Array("PAUSE".utf8), Array("100000".utf8), Array("WRITE".utf8)])
                                 + RESPWriter.command([Array("CLIENT".utf8), Array("PAUSE".utf8), Array("0".utf8), Array("ALL".utf8)])))
        let pauseReplies = admin.read(idleMs: 100, totalMs: 2000)
        XCTAssertTrue(reader.send(RESPWriter.command([Array("GET".utf8), Array("k".utf8)])))
        let early = reader.read(idleMs: 300, totalMs: 300)
        XCTAssertTrue(admin.send(RESPWriter.command([Array("CLIENT".utf8), Array("UNPAUSE".utf8)])))
        _ = admin.read(idleMs: 100, totalMs: 2000)
        let late = early.isEmpty ? reader.read(idleMs: 100, totalMs: 2000) : early
        return (pauseReplies, !early.isEmpty, late)
    }

    func testZeroTimeoutAllPauseHoldsReadsDuringAWritePause() throws {
        let real = try fixture.startRedis(), ours = try fixture.startVigil()
        let r = try readHeld(port: real.port), o = try readHeld(port: ours.port)
        XCTAssertEqual(r.pauseReplies, Array("+OK\r\n+OK\r\n".utf8))
        XCTAssertFalse(r.getAnswered, "redis-server holds the read")
        XCTAssertEqual(o.pauseReplies, r.pauseReplies)
        XCTAssertEqual(o.getAnswered, r.getAnswered)
        XCTAssertEqual(o.getAfterUnpause, r.getAfterUnpause)
    }
}
