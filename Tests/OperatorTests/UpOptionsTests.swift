@testable import Operator
import XCTest

final class UpOptionsTests: XCTestCase {
    func testDefaultsAreTheDocumentedPorts() throws {
        let o = try UpOptions.parse([])
        XCTAssertEqual(o.dataPorts, [6380, 6381, 6382])
        XCTAssertEqual(o.sentinelPorts, [26380, 26381, 26382])
        XCTAssertEqual(o.directory, "vigil-run")
    }

    func testPortBaseMovesAllSix() throws {
        let o = try UpOptions.parse(["--port-base", "7000"])
        XCTAssertEqual(o.dataPorts, [7000, 7001, 7002])
        XCTAssertEqual(o.sentinelPorts, [27000, 27001, 27002])
    }

    func testRepeatedPortIsRefused() {
        XCTAssertThrowsError(try UpOptions.parse(["--ports", "7000,7001,7000"]))
    }

    func testTwoRunDirectoriesAreRefused() {
        XCTAssertThrowsError(try UpOptions.parse(["a", "b"]))
    }
}

final class LocalTopologyTests: XCTestCase {
    func testRenderMovesPortsAndDirOnly() {
        let t = LocalTopology(dataPorts: [7000, 7001, 7002], sentinelPorts: [9000, 9001, 9002])
        let run = RunDirectory("/tmp/r")
        let sentinel = t.members[3]
        let out = t.render(template: "# port 26380 in a comment\nport 26380\ndir ./\nsentinel monitor mymaster 127.0.0.1 6380 2\nsentinel down-after-milliseconds mymaster 1500",
                           member: sentinel, run: run)
        XCTAssertEqual(out, "# port 26380 in a comment\nport 9000\ndir \"/tmp/r\"\nsentinel monitor mymaster 127.0.0.1 7000 2\nsentinel down-after-milliseconds mymaster 1500")
        let replica = t.members[1]
        XCTAssertEqual(t.render(template: "replicaof 127.0.0.1 6380", member: replica, run: run),
                       "replicaof 127.0.0.1 7000\ndir \"/tmp/r/node-2\"")
    }
}
