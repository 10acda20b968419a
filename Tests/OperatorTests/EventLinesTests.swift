import Foundation
@testable import Operator
import XCTest

final class EventLinesTests: XCTestCase {
    let t0 = Date(timeIntervalSince1970: 0)

    func testSameEventFromAnotherSentinelIsPrintedOnce() {
        var lines = EventLines(window: 5)
        XCTAssertNotNil(lines.line(sentinel: "a", channel: "+switch-master", message: "m 127.0.0.1 1 127.0.0.1 2", at: 0, wallClock: t0))
        XCTAssertNil(lines.line(sentinel: "b", channel: "+switch-master", message: "m 127.0.0.1 1 127.0.0.1 2", at: 0.2, wallClock: t0))
    }

    func testSubjectiveDownIsPrintedForEachSentinel() {
        var lines = EventLines(window: 5)
        XCTAssertNotNil(lines.line(sentinel: "a", channel: "+sdown", message: "master m 127.0.0.1 1", at: 0, wallClock: t0))
        XCTAssertNotNil(lines.line(sentinel: "b", channel: "+sdown", message: "master m 127.0.0.1 1", at: 0.1, wallClock: t0))
        XCTAssertNil(lines.line(sentinel: "b", channel: "+sdown", message: "master m 127.0.0.1 1", at: 0.2, wallClock: t0))
    }

    func testSameEventAfterTheWindowIsPrintedAgain() {
        var lines = EventLines(window: 5)
        XCTAssertNotNil(lines.line(sentinel: "a", channel: "+odown", message: "master m 127.0.0.1 1 #quorum 2/2", at: 0, wallClock: t0))
        XCTAssertNotNil(lines.line(sentinel: "a", channel: "+odown", message: "master m 127.0.0.1 1 #quorum 2/2", at: 6, wallClock: t0))
    }

    func testSwitchMasterReadsAsAnArrow() {
        XCTAssertEqual(EventLines.describe("+switch-master", "mymaster 127.0.0.1 6380 127.0.0.1 6381"),
                       "mymaster 127.0.0.1:6380 -> 127.0.0.1:6381")
    }
}
