import XCTest
@testable import Operator

final class DrillOptionsTests: XCTestCase {
    func testDefaultsPointAtTheLocalDeployment() throws {
        let o = try DrillOptions.parse(["kill-master"])
        XCTAssertEqual(o.kind, .killMaster)
        XCTAssertEqual(o.sentinels, [Address(host: "127.0.0.1", port: 26380)])
        XCTAssertEqual(o.masterName, "mymaster")
        XCTAssertEqual(o.rate, 200)
        XCTAssertEqual(o.repeats, 1)
        XCTAssertEqual(o.waitReplicas, 0)
        XCTAssertNil(o.pauseMs)
        XCTAssertFalse(o.json)
    }

    func testEveryOptionIsRead() throws {
        let o = try DrillOptions.parse(["pause-master", "--sentinel", "10.0.0.1:26379", "--sentinel", "[::1]:26380",
                                        "--name", "cache", "--rate", "50", "--repeat", "5", "--wait", "1",
                                        "--pause-ms", "1500", "--timeout", "7.5", "--json"])
        XCTAssertEqual(o.kind, .pauseMaster)
        XCTAssertEqual(o.sentinels, [Address(host: "10.0.0.1", port: 26379), Address(host: "::1", port: 26380)])
        XCTAssertEqual(o.masterName, "cache")
        XCTAssertEqual(o.rate, 50)
        XCTAssertEqual(o.repeats, 5)
        XCTAssertEqual(o.waitReplicas, 1)
        XCTAssertEqual(o.pauseMs, 1500)
        XCTAssertEqual(o.timeoutSeconds, 7.5)
        XCTAssertTrue(o.json)
    }

    func testEveryKindIsKnownByItsName() throws {
        for kind in DrillOptions.Kind.allCases {
            XCTAssertEqual(try DrillOptions.parse([kind.rawValue]).kind, kind)
        }
    }

    func testAnUnknownKindIsRefusedNamingIt() {
        XCTAssertThrowsError(try DrillOptions.parse(["explode"])) { e in
            XCTAssertTrue("\(e)".contains("unknown drill 'explode'"), "\(e)")
        }
    }

    func testAMissingKindIsRefused() {
        XCTAssertThrowsError(try DrillOptions.parse([]))
    }

    func testASentinelWithoutAPortIsRefused() {
        XCTAssertThrowsError(try DrillOptions.parse(["manual", "--sentinel", "localhost"])) { e in
            XCTAssertTrue("\(e)".contains("host:port"), "\(e)")
        }
    }

    func testAZeroRateIsRefused() {
        XCTAssertThrowsError(try DrillOptions.parse(["manual", "--rate", "0"]))
    }

    func testAnOptionWithoutItsValueIsRefused() {
        XCTAssertThrowsError(try DrillOptions.parse(["manual", "--repeat"])) { e in
            XCTAssertTrue("\(e)".contains("--repeat needs a value"), "\(e)")
        }
    }

    func testHelpIsAskedFor() {
        XCTAssertThrowsError(try DrillOptions.parse(["kill-master", "--help"])) { e in
            XCTAssertEqual(e as? DrillOptions.ParseError, .help)
        }
    }

    func testTheCommandExitsOneOnBadOptions() {
        XCTAssertEqual(OperatorMain.run(arguments: ["drill", "kill-master", "--bogus"]), 1)
    }
}
