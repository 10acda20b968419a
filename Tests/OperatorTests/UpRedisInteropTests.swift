import Deployment
import Foundation
@testable import Operator
import TestSupport
import XCTest

/// `vigil up --redis`: the same configs and topology with real redis-server
/// and redis-sentinel, which the drills compare against.
final class UpRedisInteropTests: XCTestCase {
    func testRedisDeploymentComesUpAgreesAndGoesDown() throws {
        _ = try Interop.tool("redis-server", purpose: "vigil up --redis")
        _ = try Interop.tool("redis-sentinel", purpose: "vigil up --redis")
        let fixture = try UpFixture()
        defer { fixture.tearDown() }
        let up = try fixture.up(["--detach", "--redis"])
        guard up.status == 0 else {
            throw Interop.unavailable("vigil up --redis failed: \(up.stdout)\(up.stderr)")
        }
        let children = fixture.children
        XCTAssertEqual(children.count, 6)
        for port in fixture.sentinelPorts {
            let view = try fixture.sentinelView(port)
            XCTAssertEqual(view["port"], String(fixture.dataPorts[0]))
            XCTAssertEqual(view["num-slaves"], "2")
            XCTAssertEqual(view["num-other-sentinels"], "2")
        }
        let commandLines = children.map { LocalProcesses.commandLine($0.pid).joined(separator: " ") }
        XCTAssertTrue(commandLines.allSatisfy { $0.contains("redis-") }, "\(commandLines)")
        let down = try fixture.down()
        XCTAssertEqual(down.status, 0, down.stderr)
        XCTAssertTrue(UpFixture.allGone(children.map(\.pid), within: 1))
    }
}
