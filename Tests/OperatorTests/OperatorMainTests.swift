import XCTest
@testable import Operator

final class OperatorMainTests: XCTestCase {
    func testNoCommandFailsWithUsage() {
        XCTAssertEqual(OperatorMain.run(arguments: []), 1)
    }

    func testUnknownCommandFails() {
        XCTAssertEqual(OperatorMain.run(arguments: ["frobnicate"]), 1)
    }

    func testHelpSucceeds() {
        XCTAssertEqual(OperatorMain.run(arguments: ["help"]), 0)
    }

    func testUsageNamesEveryCommand() {
        for command in ["up", "down", "status", "drill", "server", "sentinel"] {
            XCTAssertTrue(OperatorMain.usage.contains("  \(command) "), command)
        }
    }
}
