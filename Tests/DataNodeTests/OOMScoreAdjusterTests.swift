import XCTest
@testable import DataNode

/// setOOMScoreAdj's decisions, without /proc.
final class OOMScoreAdjusterTests: XCTestCase {
    private let values = [10, 20, 30]

    func testRelativeAddsTheValueFoundFirstForEachClass() throws {
        var a = OOMScoreAdjuster()
        var reads = 0
        let read: () -> Int? = { reads += 1; return 100 }
        XCTAssertEqual(try a.target(mode: .relative, values: values, of: .master, readCurrent: read), 110)
        XCTAssertEqual(try a.target(mode: .relative, values: values, of: .replica, readCurrent: read), 120)
        XCTAssertEqual(try a.target(mode: .relative, values: values, of: .backgroundChild, readCurrent: read), 130)
        XCTAssertEqual(reads, 1, "the base is read once, when the adjustments start")
    }

    func testAbsoluteWritesTheValueAsIs() throws {
        var a = OOMScoreAdjuster()
        XCTAssertEqual(try a.target(mode: .absolute, values: values, of: .replica) { 100 }, 20)
    }

    func testValuesAreClampedToTheKernelsRange() throws {
        var a = OOMScoreAdjuster()
        XCTAssertEqual(try a.target(mode: .relative, values: [2000, 0, 0], of: .master) { 500 }, 1000)
        XCTAssertEqual(try a.target(mode: .absolute, values: [-2000, 0, 0], of: .master) { 500 }, -1000)
    }

    func testTurningOffRestoresTheBaseOnceThenLeavesTheProcessAlone() throws {
        var a = OOMScoreAdjuster()
        _ = try a.target(mode: .relative, values: values, of: .master) { 7 }
        XCTAssertEqual(try a.target(mode: .off, values: values, of: .master) { 99 }, 7)
        XCTAssertNil(try a.target(mode: .off, values: values, of: .master) { 99 })
        XCTAssertEqual(try a.target(mode: .relative, values: values, of: .master) { 50 }, 60, "a new base is read after a restore")
    }

    func testOffWithoutAdjustmentsTouchesNothing() throws {
        var a = OOMScoreAdjuster()
        XCTAssertNil(try a.target(mode: .off, values: values, of: .master) { XCTFail("read"); return 0 })
    }

    func testAFailedReadIsReportedAndLeavesBaseZeroToRestore() {
        var a = OOMScoreAdjuster()
        XCTAssertThrowsError(try a.target(mode: .relative, values: values, of: .master) { nil })
        XCTAssertEqual(try a.target(mode: .off, values: values, of: .master) { 5 }, 0)
    }
}
