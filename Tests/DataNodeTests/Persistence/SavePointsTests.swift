import TestSupport
import XCTest
@testable import DataNode

/// serverCron's save-point rule (SavePoints), Redis 7.0's defaults.
final class SavePointsTests: XCTestCase {
    let defaults: [(seconds: Int, changes: Int)] = [(3600, 1), (300, 100), (60, 10000)]

    private func due(dirty: Int, sinceSave: Int, sinceTry: Int = 1000, ok: Bool = true) -> SavePoints.Due? {
        SavePoints.due(defaults, dirty: dirty, nowUnix: 10_000, lastSaveUnix: 10_000 - sinceSave,
                       lastTryUnix: 10_000 - sinceTry, lastStatusOK: ok)
    }

    func testNoChangesNeverSave() {
        XCTAssertNil(due(dirty: 0, sinceSave: 100_000))
    }

    func testOneChangeSavesAfterMoreThanAnHour() {
        XCTAssertNil(due(dirty: 1, sinceSave: 3600), "the elapsed time must exceed the point's seconds")
        XCTAssertEqual(due(dirty: 1, sinceSave: 3601), SavePoints.Due(seconds: 3600, changes: 1))
    }

    func testTheFirstDuePointInConfigurationOrderIsReported() {
        XCTAssertEqual(due(dirty: 20_000, sinceSave: 61), SavePoints.Due(seconds: 60, changes: 10000))
        XCTAssertEqual(due(dirty: 20_000, sinceSave: 4000), SavePoints.Due(seconds: 3600, changes: 1))
    }

    func testAFailedSaveIsRetriedOnlyAfterTheRetryDelay() {
        XCTAssertNil(due(dirty: 200, sinceSave: 400, sinceTry: 5, ok: false))
        XCTAssertEqual(due(dirty: 200, sinceSave: 400, sinceTry: 6, ok: false), SavePoints.Due(seconds: 300, changes: 100))
    }

    func testEmptySaveConfigurationNeverSaves() {
        XCTAssertNil(SavePoints.due([], dirty: 1_000_000, nowUnix: 10_000, lastSaveUnix: 0, lastTryUnix: 0, lastStatusOK: true))
    }

    func testScheduledSaveWaitsOutTheRetryDelayAfterAFailure() {
        XCTAssertFalse(SavePoints.scheduledMayStart(nowUnix: 100, lastTryUnix: 96, lastStatusOK: false))
        XCTAssertTrue(SavePoints.scheduledMayStart(nowUnix: 100, lastTryUnix: 94, lastStatusOK: false))
        XCTAssertTrue(SavePoints.scheduledMayStart(nowUnix: 100, lastTryUnix: 99, lastStatusOK: true))
    }
}
