import Foundation
import XCTest
@testable import Operator

final class DrillReportTests: XCTestCase {
    func testTheMedianOfAnOddCountIsTheMiddleValue() {
        XCTAssertEqual(Spread([30, 10, 20]), Spread(min: 10, median: 20, max: 30, count: 3))
    }

    func testTheMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        XCTAssertEqual(Spread([4, 1, 3, 2])?.median, 2.5)
    }

    func testNoValuesGiveNoSpread() {
        XCTAssertNil(Spread([]))
    }

    func run(_ n: Int, ttw: Int?, lost: Int?) -> RunResult {
        var r = RunResult(run: n, kind: "kill-master", oldMaster: "127.0.0.1:6380", fault: "SIGKILL pid 7")
        r.newMaster = "127.0.0.1:6381"
        r.timeToWritableMs = ttw
        r.lost = lost
        r.acknowledged = 500
        r.timeline = [TimelineEntry(ms: 0, what: "fault", detail: "SIGKILL pid 7")]
        return r
    }

    func testTheSpreadCoversOnlyRunsThatMeasuredIt() {
        let report = DrillReport(kind: "kill-master", masterName: "mymaster", rate: 200, wait: 0,
                                 runs: [run(1, ttw: 1200, lost: 3), run(2, ttw: nil, lost: nil), run(3, ttw: 1000, lost: 0)])
        XCTAssertEqual(report.timeToWritableMs, Spread(min: 1000, median: 1100, max: 1200, count: 2))
        XCTAssertEqual(report.lost, Spread(min: 0, median: 1.5, max: 3, count: 2))
    }

    func testTheTextShowsEachRunsTimelineAndTheTable() {
        let report = DrillReport(kind: "kill-master", masterName: "mymaster", rate: 200, wait: 1,
                                 runs: [run(1, ttw: 1234, lost: 0)])
        let text = report.text()
        XCTAssertTrue(text.contains("run 1/1: kill-master of mymaster at 127.0.0.1:6380, new master 127.0.0.1:6381"), text)
        XCTAssertTrue(text.contains("      +0 ms  fault"), text)
        XCTAssertTrue(text.contains("time-to-writable: 1234 ms   acknowledged: 500   lost: 0"), text)
        XCTAssertTrue(text.contains("time-to-writable (ms)         1234      1234      1234"), text)
        XCTAssertTrue(text.contains("lost writes (WAIT 1)"), text)
    }

    func testARunThatNeverBecameWritableSaysSo() {
        var r = run(1, ttw: nil, lost: nil)
        r.problem = "no +switch-master within 5 s of the fault"
        let text = DrillReport(kind: "kill-master", masterName: "mymaster", rate: 200, wait: 0, runs: [r]).text()
        XCTAssertTrue(text.contains("time-to-writable: never"), text)
        XCTAssertTrue(text.contains("PROBLEM: no +switch-master within 5 s of the fault"), text)
        XCTAssertTrue(text.contains("time-to-writable (ms)            -"), text)
    }

    func testTheJSONCarriesTheRunsAndTheSpread() throws {
        let report = DrillReport(kind: "coordinated", masterName: "mymaster", rate: 100, wait: 0,
                                 runs: [run(1, ttw: 300, lost: 0), run(2, ttw: 500, lost: 0)])
        let object = try JSONSerialization.jsonObject(with: Data(report.json().utf8)) as? [String: Any]
        XCTAssertEqual(object?["kind"] as? String, "coordinated")
        XCTAssertEqual((object?["runs"] as? [Any])?.count, 2)
        XCTAssertEqual((object?["timeToWritableMs"] as? [String: Any])?["median"] as? Double, 400)
        XCTAssertEqual(try JSONDecoder().decode(DrillReport.self, from: Data(report.json().utf8)), report)
    }
}
