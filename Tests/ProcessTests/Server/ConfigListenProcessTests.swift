import Foundation
import Glibc
import Protocol
import RESPClient
import Reactor
import Deployment
import TestSupport
import XCTest

/// CONFIG SET port / bind re-listen live, as redis-server 7.0.15 does:
/// refused when the new socket cannot be opened (the old one stays),
/// established connections untouched either way.
final class ConfigListenProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func accepts(_ port: Int) -> Bool {
        guard let c = try? ProcessFixture.connect(port, ioTimeoutMs: 2000) else { return false }
        return (try? c.call("PING")) == .simple("PONG")
    }

    private func tcpPort(_ c: RedisConnection) throws -> String? {
        let info = try c.call("INFO", "server").string ?? ""
        return info.split(separator: "\r\n").first { $0.hasPrefix("tcp_port:") }.map { String($0.dropFirst(9)) }
    }

    func testConfigSetPortMovesTheListenerAndKeepsConnections() throws {
        let s = try fixture.startVigil()
        let c = try ProcessFixture.connect(s.port)
        let newPort = Ports.free()
        XCTAssertEqual(try c.call("CONFIG", "SET", "port", String(newPort)), .simple("OK"))
        XCTAssertEqual(try c.call("PING"), .simple("PONG"), "the connection made before the move stays")
        XCTAssertEqual(try c.call("CONFIG", "GET", "port"), .array([.bulk("port"), .bulk(String(newPort))]))
        XCTAssertEqual(try tcpPort(c), String(newPort))
        XCTAssertTrue(accepts(newPort))
        XCTAssertFalse(accepts(s.port), "the old listener is closed")
    }

    func testConfigSetPortInUseIsRefusedAndKeepsTheOldListener() throws {
        let s = try fixture.startVigil()
        let taken = Ports.free()
        let occupant = try Socket.listenTCP(host: "127.0.0.1", port: taken)
        defer { Socket.close(occupant) }
        let c = try ProcessFixture.connect(s.port)
        XCTAssertEqual(try c.call("CONFIG", "SET", "port", String(taken)),
                       .err("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."))
        XCTAssertEqual(try c.call("CONFIG", "GET", "port"), .array([.bulk("port"), .bulk(String(s.port))]))
        XCTAssertEqual(try tcpPort(c), String(s.port))
        XCTAssertTrue(accepts(s.port))
    }

    /// 192.0.2.1 (TEST-NET-1) is on no interface here: binding to it fails
    /// locally, nothing is sent.
    func testConfigSetBindToAnAbsentAddressIsRefusedAndKeepsTheOldListener() throws {
        let s = try fixture.startVigil()
        let c = try ProcessFixture.connect(s.port)
        XCTAssertEqual(try c.call("CONFIG", "SET", "bind", "192.0.2.1"),
                       .err("ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses."))
        XCTAssertEqual(try c.call("CONFIG", "GET", "bind"), .array([.bulk("bind"), .bulk("127.0.0.1")]))
        XCTAssertTrue(accepts(s.port))
    }

    /// The old sockets close before the new ones open, so a new bind list
    /// can reuse the port.
    func testConfigSetBindOnTheSamePortRebinds() throws {
        let s = try fixture.startVigil()
        let c = try ProcessFixture.connect(s.port)
        XCTAssertEqual(try c.call("CONFIG", "SET", "bind", "127.0.0.1 -::1"), .simple("OK"))
        XCTAssertEqual(try c.call("CONFIG", "GET", "bind"), .array([.bulk("bind"), .bulk("127.0.0.1 -::1")]))
        XCTAssertTrue(accepts(s.port))
    }

    /// Redis names the first parameter whose apply fails: here `port`,
    /// tried with the new (unbindable) address.
    func testConfigSetPortAndBadBindIsRefusedAsPort() throws {
        let s = try fixture.startVigil()
        let c = try ProcessFixture.connect(s.port)
        let newPort = Ports.free()
        XCTAssertEqual(try c.call("CONFIG", "SET", "port", String(newPort), "bind", "192.0.2.1"),
                       .err("ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs."))
        XCTAssertEqual(try c.call("CONFIG", "GET", "port"), .array([.bulk("port"), .bulk(String(s.port))]))
        XCTAssertTrue(accepts(s.port))
        XCTAssertFalse(accepts(newPort))
    }

    /// An empty bind list opens no TCP socket at all (7.0's listenToPort),
    /// rather than falling back to the default addresses; redis-server alike.
    func testConfigSetEmptyBindStopsListeningOverTCP() throws {
        var servers = [try fixture.startVigil()]
        if let redis = try fixture.optionalRedis(purpose: "CONFIG SET bind \"\" on redis-server") { servers.append(redis) }
        for s in servers {
            let c = try ProcessFixture.connect(s.port)
            XCTAssertEqual(try c.call("CONFIG", "SET", "bind", ""), .simple("OK"))
            XCTAssertEqual(try c.call("CONFIG", "GET", "bind"), .array([.bulk("bind"), .bulk("")]))
            XCTAssertEqual(try c.call("PING"), .simple("PONG"), "the connection made before stays")
            XCTAssertFalse(accepts(s.port), "port \(s.port) still accepts")
            XCTAssertEqual(try c.call("CONFIG", "SET", "bind", "127.0.0.1"), .simple("OK"))
            XCTAssertTrue(accepts(s.port))
        }
    }

    func testConfigSetPortZeroStopsListeningOverTCP() throws {
        let s = try fixture.startVigil()
        let c = try ProcessFixture.connect(s.port)
        XCTAssertEqual(try c.call("CONFIG", "SET", "port", "0"), .simple("OK"))
        XCTAssertEqual(try c.call("PING"), .simple("PONG"))
        XCTAssertEqual(try tcpPort(c), "0")
        XCTAssertFalse(accepts(s.port))
    }
}
