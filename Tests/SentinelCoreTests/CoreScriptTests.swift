import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// The notification/reconfig script queue of the core.
final class CoreScriptTests: XCTestCase {
    func harness() throws -> CoreHarness {
        try CoreHarness(config: "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 1000\nsentinel notification-script mymaster /bin/true\n")
    }

    func spawns(_ e: [SentinelEffect]) -> [(Int, [String])] {
        e.compactMap { if case .spawnScript(let j, let a) = $0 { return (j, a) } else { return nil } }
    }

    func testWarningEventsRunTheNotificationScript() throws {
        let h = try harness()
        // +monitor at start is a warning tied to the master.
        var all = h.effects
        all += h.advance(1200)
        let s = spawns(all)
        XCTAssertEqual(s.map(\.1), [["/bin/true", "+monitor", "master mymaster 127.0.0.1 6379 quorum 2"],
                                    ["/bin/true", "+sdown", "master mymaster 127.0.0.1 6379"]])
        // Notice events (e.g. +slave) do not run it.
        h.receiveHello("127.0.0.1,26400,ffffffffffffffffffffffffffffffffffffff01,0,mymaster,127.0.0.1,6379,0")
        XCTAssertTrue(spawns(h.advance(100)).isEmpty)
    }

    func testRetryOnExitOneAndErrorOnExitTwo() throws {
        let h = try harness()
        let first = spawns(h.advance(100))
        XCTAssertEqual(first.count, 1)
        h.scriptStarted(job: first[0].0, pid: 4242)
        XCTAssertEqual(CoreHarness.pairs(CoreHarness.value(h.command("PENDING-SCRIPTS")).elements![0]).map(\.0),
                       ["argv", "flags", "pid", "run-time", "retry-num"])
        h.scriptExited(pid: 4242, exitCode: 1, signal: 0)
        let pending = CoreHarness.pairs(CoreHarness.value(h.command("PENDING-SCRIPTS")).elements![0])
        XCTAssertEqual(pending.map(\.0), ["argv", "flags", "pid", "run-delay", "retry-num"])
        XCTAssertEqual(pending[1].1, "scheduled")
        XCTAssertEqual(pending[3].1, "30000")
        XCTAssertTrue(spawns(h.advance(29_000, step: 1000)).filter { $0.0 == first[0].0 }.isEmpty)
        let again = spawns(h.advance(1_200, step: 100)).filter { $0.0 == first[0].0 }
        XCTAssertEqual(again.count, 1, "retried after 30 s")
        h.scriptStarted(job: first[0].0, pid: 4243)
        h.scriptExited(pid: 4243, exitCode: 2, signal: 0)
        XCTAssertTrue(h.events(in: h.drain()).contains("-script-error /bin/true 0 2"))
        XCTAssertTrue(h.core.scriptQueue.allSatisfy { $0.id != first[0].0 })
    }

    func testTimeoutKillsAndQueueIsBounded() throws {
        let h = try harness()
        let first = spawns(h.advance(100))
        h.scriptStarted(job: first[0].0, pid: 777)
        let e = h.advance(61_000, step: 1000)
        XCTAssertTrue(e.contains(.killScript(pid: 777)))
        XCTAssertTrue(h.events(in: e).contains("-script-timeout /bin/true 777"))
        for i in 0..<400 { h.core.scheduleScript(["/bin/true", "x", String(i)]) }
        XCTAssertEqual(h.core.scriptQueue.count, SentinelCore.scriptMaxQueue)
        let started = spawns(h.advance(100)).count
        XCTAssertLessThanOrEqual(h.core.runningScripts, SentinelCore.scriptMaxRunning)
        XCTAssertGreaterThan(started, 0)
    }
}
