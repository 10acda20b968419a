import XCTest
@testable import Operator

final class StatusOptionsTests: XCTestCase {
    func testDefaultsAskTheLocalDeploymentsFirstSentinel() throws {
        let o = try StatusOptions.parse([])
        XCTAssertEqual(o.sentinels, [StatusOptions.Address(host: "127.0.0.1", port: 26380)])
        XCTAssertNil(o.masterName)
        XCTAssertFalse(o.json)
        XCTAssertFalse(o.watch)
    }

    func testSeveralSentinelsKeepTheirOrder() throws {
        let o = try StatusOptions.parse(["--sentinel", "10.0.0.1:26379", "mymaster", "--sentinel", "[::1]:5000", "--json"])
        XCTAssertEqual(o.sentinels.map(\.description), ["10.0.0.1:26379", "[::1]:5000"])
        XCTAssertEqual(o.masterName, "mymaster")
        XCTAssertTrue(o.json)
    }

    func testWatchTakesIntervalAndCount() throws {
        let o = try StatusOptions.parse(["--watch", "--interval", "0.5", "--count", "3"])
        XCTAssertTrue(o.watch)
        XCTAssertEqual(o.interval, 0.5)
        XCTAssertEqual(o.count, 3)
    }

    func testMalformedAddressIsRejectedNamingIt() {
        XCTAssertThrowsError(try StatusOptions.parse(["--sentinel", "localhost"])) {
            XCTAssertEqual("\($0)", "--sentinel wants host:port, got 'localhost'")
        }
        XCTAssertThrowsError(try StatusOptions.parse(["--sentinel", "h:70000"]))
    }

    func testTwoMasterNamesAreRejected() {
        XCTAssertThrowsError(try StatusOptions.parse(["a", "b"]))
    }

    func testCountWithoutWatchIsRejected() {
        XCTAssertThrowsError(try StatusOptions.parse(["--count", "2"]))
    }

    func testUnknownOptionIsRejected() {
        XCTAssertThrowsError(try StatusOptions.parse(["--frobnicate"])) {
            XCTAssertEqual("\($0)", "unknown option '--frobnicate'")
        }
    }

    func testNonPositiveIntervalIsRejected() {
        XCTAssertThrowsError(try StatusOptions.parse(["--watch", "--interval", "0"]))
    }
}
