import XCTest
@testable import Operator

final class DrillTimelineTests: XCTestCase {
    let s1 = Address(host: "127.0.0.1", port: 26380)
    let s2 = Address(host: "127.0.0.1", port: 26381)
    let newMaster = Address(host: "127.0.0.1", port: 6381)

    func event(_ at: Double, _ s: Address, _ type: String, _ message: String) -> SentinelEvent {
        SentinelEvent(at: at, sentinel: s, type: type, message: message)
    }

    func testEachMilestoneComesFromTheSentinelThatReportedItFirst() {
        let events = [
            event(11.0, s2, "+sdown", "master mymaster 127.0.0.1 6380"),
            event(10.9, s1, "+sdown", "master mymaster 127.0.0.1 6380"),
            event(11.1, s1, "+odown", "master mymaster 127.0.0.1 6380 #quorum 2/2"),
        ]
        let t = DrillTimeline.assemble(faultAt: 10, fault: "SIGKILL pid 1", events: events, firstWrite: nil)
        XCTAssertEqual(t.map(\.what), ["fault", "+sdown", "+odown"])
        XCTAssertEqual(t[1].ms, 900)
        XCTAssertTrue(t[1].detail.hasSuffix("(sentinel 127.0.0.1:26380)"), t[1].detail)
    }

    func testAReplicaOrSentinelGoingDownIsNotTheMastersSdown() {
        let events = [
            event(10.5, s1, "+sdown", "sentinel 9f 127.0.0.1 26382 @ mymaster 127.0.0.1 6380"),
            event(10.6, s1, "+sdown", "slave 127.0.0.1:6382 127.0.0.1 6382 @ mymaster 127.0.0.1 6380"),
        ]
        XCTAssertEqual(DrillTimeline.assemble(faultAt: 10, fault: "f", events: events, firstWrite: nil).map(\.what), ["fault"])
    }

    func testEventsBeforeTheFaultAreLeftOut() {
        let events = [event(9.0, s1, "+switch-master", "mymaster 127.0.0.1 6379 127.0.0.1 6380")]
        XCTAssertEqual(DrillTimeline.assemble(faultAt: 10, fault: "f", events: events, firstWrite: nil).count, 1)
        XCTAssertNil(DrillTimeline.newMaster(in: events, name: "mymaster", since: 10))
    }

    func testTheFirstWriteOnTheNewMasterIsPlacedByItsTime() {
        let events = [
            event(12.0, s1, "+switch-master", "mymaster 127.0.0.1 6380 127.0.0.1 6381"),
            event(11.5, s1, "+promoted-slave", "slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380"),
        ]
        let w = AckedWrite(seq: 42, at: 11.8, node: newMaster)
        let t = DrillTimeline.assemble(faultAt: 10, fault: "f", events: events, firstWrite: w)
        XCTAssertEqual(t.map(\.what), ["fault", "+promoted-slave", DrillTimeline.firstWriteLabel, "+switch-master"])
        XCTAssertEqual(t[2].ms, 1800)
        XCTAssertEqual(t[2].detail, "seq 42 acknowledged by 127.0.0.1:6381")
    }

    func testTheNewMasterIsReadFromSwitchMaster() {
        let events = [event(12.0, s1, "+switch-master", "mymaster 127.0.0.1 6380 127.0.0.1 6381")]
        XCTAssertEqual(DrillTimeline.newMaster(in: events, name: "mymaster", since: 10), newMaster)
    }

    func testAnotherMastersSwitchIsIgnored() {
        let events = [event(12.0, s1, "+switch-master", "other 127.0.0.1 7000 127.0.0.1 7001")]
        XCTAssertNil(DrillTimeline.newMaster(in: events, name: "mymaster", since: 10))
    }
}
