import XCTest
@testable import Reactor

final class EventLoopTimerTests: XCTestCase {
    func runUntil(_ loop: EventLoop, timeoutMs: Int64 = 3000, _ done: () -> Bool) {
        let deadline = EventLoop.monotonicMs() + timeoutMs
        while !done() && EventLoop.monotonicMs() < deadline { loop.runOnce(maxWaitMs: 10) }
    }

    func testTimersFireInDueOrder() throws {
        let loop = try EventLoop()
        var fired: [Int] = []
        loop.addTimer(afterMs: 30) { fired.append(3); return nil }
        loop.addTimer(afterMs: 10) { fired.append(1); return nil }
        loop.addTimer(afterMs: 20) { fired.append(2); return nil }
        runUntil(loop) { fired.count == 3 }
        XCTAssertEqual(fired, [1, 2, 3])
    }

    func testRepeatingTimerRunsUntilItReturnsNil() throws {
        let loop = try EventLoop()
        var runs = 0
        loop.addTimer(afterMs: 1) {
            runs += 1
            return runs < 5 ? 1 : nil
        }
        runUntil(loop) { runs == 5 }
        for _ in 0..<5 { loop.runOnce(maxWaitMs: 5) }
        XCTAssertEqual(runs, 5)
    }

    func testCancelledTimerNeverFires() throws {
        let loop = try EventLoop()
        var fired = false
        let id = loop.addTimer(afterMs: 5) { fired = true; return nil }
        loop.cancelTimer(id)
        var other = false
        loop.addTimer(afterMs: 20) { other = true; return nil }
        runUntil(loop) { other }
        XCTAssertTrue(other)
        XCTAssertFalse(fired)
    }

    func testTimerHeapKeepsOrderUnderManyPushes() {
        var heap = TimerHeap()
        var g = SystemRandomNumberGenerator()
        let dues = (0..<1000).map { _ in Int64.random(in: 0..<10_000, using: &g) }
        for (i, d) in dues.enumerated() { heap.push(due: d, id: i) }
        var out: [Int64] = []
        while let top = heap.peek { out.append(top.due); heap.pop() }
        XCTAssertEqual(out, dues.sorted())
    }

    func testBeforeSleepHooksRunEachIteration() throws {
        let loop = try EventLoop()
        var count = 0
        loop.beforeSleep.append { count += 1 }
        for _ in 0..<3 { loop.runOnce(maxWaitMs: 0) }
        XCTAssertEqual(count, 3)
    }
}
