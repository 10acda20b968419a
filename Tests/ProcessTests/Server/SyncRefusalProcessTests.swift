import Deployment
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Until vigil-server can write an RDB, the only snapshot it can send a
/// replica is an empty one: a SYNC or PSYNC while it holds keys is refused
/// (the replica retries) instead of handing over a snapshot that would make
/// the replica silently lose the dataset.
final class SyncRefusalProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    func testSyncWithKeysIsRefusedAndTheConnectionStaysAClient() throws {
        let vigil = try fixture.startVigil()
        let c = try ProcessFixture.connect(vigil.port)
        defer { c.close() }
        XCTAssertEqual(try c.call("SET", "k", "v"), .simple("OK"))
        for request in [["SYNC"], ["PSYNC", "?", "-1"]] {
            guard case .error(let e) = try c.call(request) else { return XCTFail("\(request) was not refused") }
            XCTAssertEqual(String(decoding: e, as: UTF8.self),
                           "ERR this node cannot send a snapshot of a non-empty dataset yet (no RDB support)")
        }
        XCTAssertEqual(try c.call("GET", "k"), .bulk("v"), "still an ordinary client")
        XCTAssertTrue(fixture.started[0].process.logText.contains("refused, the dataset is not empty"))
    }

    func testSyncOnAnEmptyDatasetStartsTheStream() throws {
        let vigil = try fixture.startVigil()
        let c = try ProcessFixture.connect(vigil.port)
        defer { c.close() }
        try c.send(["PSYNC", "?", "-1"])
        guard case .simpleString(let header) = try c.readReply() else { return XCTFail("no +FULLRESYNC") }
        XCTAssertTrue(String(decoding: header, as: UTF8.self).hasPrefix("FULLRESYNC "))
    }
}
