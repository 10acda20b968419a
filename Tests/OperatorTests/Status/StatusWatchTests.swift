import XCTest
@testable import Operator

/// The watch loop with a fixed clock, no sleeping, and reports from a list.
final class StatusWatchTests: XCTestCase {
    func watch(json: Bool, count: Int, results: [Result<StatusReport, StatusFailure>]) -> (Int32, [String], [Double]) {
        var options = try! StatusOptions.parse(["--watch", "--count", String(count), "--interval", "1.5"] + (json ? ["--json"] : []))
        options.json = json
        var frames: [String] = []
        var sleeps: [Double] = []
        var next = 0
        let w = StatusWatch(options: options, fetch: { () throws(StatusFailure) -> StatusReport in
            defer { next += 1 }
            return try results[next].get()
        }, write: { frames.append($0) }, sleep: { sleeps.append($0) }, clock: { "T" })
        return (w.run(), frames, sleeps)
    }

    func testEachRefreshRedrawsFromTheTopAndStopsAfterCount() {
        let report = SentinelReplyFixtures.report()
        let (status, frames, sleeps) = watch(json: false, count: 2, results: [.success(report), .success(report)])
        XCTAssertEqual(status, 0)
        XCTAssertEqual(frames.count, 2)
        XCTAssertEqual(frames[0], StatusWatch.clearScreen + "T  every 1.5s  (Ctrl-C to stop)\n\n" + StatusTable.render(report))
        XCTAssertEqual(sleeps, [1.5], "no sleep after the last refresh")
    }

    func testAFailedRefreshIsShownAndTheWatchGoesOn() {
        let failure = StatusFailure.unreachable(.init(host: "127.0.0.1", port: 1), "Connection refused")
        let (status, frames, _) = watch(json: false, count: 2, results: [.failure(failure), .success(SentinelReplyFixtures.report())])
        XCTAssertEqual(status, 0, "the last refresh succeeded")
        XCTAssertTrue(frames[0].hasSuffix("vigil status: cannot reach sentinel 127.0.0.1:1: Connection refused\n"), frames[0])
    }

    func testEndingOnAFailedRefreshExitsNonZero() {
        let failure = StatusFailure.unreachable(.init(host: "127.0.0.1", port: 1), "Connection refused")
        let (status, _, _) = watch(json: false, count: 2, results: [.success(SentinelReplyFixtures.report()), .failure(failure)])
        XCTAssertEqual(status, 1)
    }

    func testJSONWatchWritesOneDocumentPerLine() {
        let (_, frames, _) = watch(json: true, count: 2, results: [.success(SentinelReplyFixtures.report()), .success(SentinelReplyFixtures.report())])
        XCTAssertEqual(frames.count, 2)
        for f in frames {
            XCTAssertFalse(f.contains("\u{1B}"))
            XCTAssertEqual(f.filter { $0 == "\n" }.count, 1)
            XCTAssertTrue(f.hasPrefix("{\"sentinel\":"))
        }
    }
}
