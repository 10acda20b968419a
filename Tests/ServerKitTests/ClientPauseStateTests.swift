import ServerKit
import XCTest

final class ClientPauseStateTests: XCTestCase {
    private func request(_ ms: Int64, writesOnly: Bool) -> ClientPauseRequest {
        let argv = [Array("CLIENT".utf8), Array("PAUSE".utf8), Array(String(ms).utf8), Array((writesOnly ? "WRITE" : "ALL").utf8)]
        guard case .request(let r) = ClientPauseRequest.parse(argv) else { fatalError("CLIENT PAUSE \(ms) did not parse") }
        return r
    }

    func testAZeroTimeoutAllPauseWidensAnActiveWritePauseAndKeepsItsEnd() {
        var p = ClientPauseState()
        XCTAssertTrue(p.apply(request(1000, writesOnly: true), now: 10))
        XCTAssertFalse(p.apply(request(0, writesOnly: false), now: 20))
        XCTAssertEqual(p.endMs, 1010)
        XCTAssertTrue(p.pausesAll)
    }

    func testAZeroTimeoutPauseWithNoPauseOnLeavesNothingSet() {
        var p = ClientPauseState()
        XCTAssertFalse(p.apply(request(0, writesOnly: false), now: 20))
        XCTAssertEqual(p, ClientPauseState())
    }

    func testAnEndedPauseCountsAsNone() {
        var p = ClientPauseState()
        p.apply(request(100, writesOnly: false), now: 0)
        XCTAssertTrue(p.apply(request(50, writesOnly: true), now: 200))
        XCTAssertEqual(p.endMs, 250)
        XCTAssertFalse(p.pausesAll, "the old ALL pause had ended")
    }

    func testTheLaterEndWinsAndAWrappedEndExtendsNothing() {
        var p = ClientPauseState()
        p.apply(request(1000, writesOnly: true), now: 0)
        XCTAssertFalse(p.apply(request(10, writesOnly: true), now: 5))
        XCTAssertFalse(p.apply(request(Int64.max - 1, writesOnly: true), now: 5))
        XCTAssertEqual(p.endMs, 1000)
    }
}
