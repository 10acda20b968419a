import Deployment
import Foundation
import RESPClient
import TestSupport
import XCTest

/// bind-source-addr: a replica connects to its master from that address,
/// which the master then lists (INFO's slaveN ip=), as redis-server 7.0 does.
final class BindSourceAddrTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// The address the master lists for a replica started with `start` and set to follow it.
    private func listedAddress(replica: ProcessFixture.Started, master: ProcessFixture.Started) throws -> String? {
        let m = try ProcessFixture.connect(master.port)
        defer { m.close() }
        // The replica's peer address is not loopback's 127.0.0.1.
        XCTAssertEqual(try m.call("CONFIG", "SET", "protected-mode", "no"), .simple("OK"))
        let r = try ProcessFixture.connect(replica.port)
        defer { r.close() }
        XCTAssertEqual(try r.call("CONFIG", "SET", "bind-source-addr", "127.0.0.2"), .simple("OK"))
        XCTAssertEqual(try r.call("REPLICAOF", "127.0.0.1", String(master.port)), .simple("OK"))
        let sync = ReplicationSync(master: m, replicas: [r])
        try sync.waitCaughtUp()
        let slave0 = try sync.info(m, "slave0") ?? ""
        return slave0.split(separator: ",").first { $0.hasPrefix("ip=") }.map { String($0.dropFirst(3)) }
    }

    func testReplicaConnectsFromTheConfiguredSourceAddress() throws {
        let masterArgs = ["--repl-diskless-sync-delay", "0"]
        XCTAssertEqual(try listedAddress(replica: try fixture.startVigil(), master: try fixture.startVigil(masterArgs)), "127.0.0.2")
        if let real = try fixture.optionalRedis(purpose: "bind-source-addr on a redis-server replica") {
            XCTAssertEqual(try listedAddress(replica: real, master: try fixture.startVigil(masterArgs)), "127.0.0.2")
        }
    }
}
