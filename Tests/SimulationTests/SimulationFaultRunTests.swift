import Dispatch
import Glibc
import XCTest
@testable import Sentinel
@testable import SentinelCore
@testable import Simulation

/// Many seeded runs with random faults, each checked for the invariants and
/// for convergence after the heal (bound in SimulationFaultRun).
/// Every run is data-aware (a writing client; seed % 3 picks default, WAIT 1
/// or min-replicas) and checks datasets and WAIT-majority writes after convergence.
/// VIGIL_SIM_RUNS=<n> runs n seeds (default 1000) from VIGIL_SIM_FIRST_SEED
/// (default 1); VIGIL_SIM_SEED=<n> replays one seed and prints its trace.
final class SimulationFaultRunTests: XCTestCase {
    private func env(_ name: String) -> UInt64? {
        guard let v = getenv(name) else { return nil }
        return UInt64(String(cString: v))
    }

    func testSeededRunsWithFaultsKeepTheInvariantsAndConverge() {
        if let seed = env("VIGIL_SIM_SEED") {
            let r = SimulationFaultRun(seed: seed).run()
            print(SimulationFaultRun(seed: seed).traceOnly().report)
            XCTAssertTrue(r.ok, "seed=\(seed) failed: \(r.violations.joined(separator: "; "))")
            return
        }
        let runs = Int(env("VIGIL_SIM_RUNS") ?? 1000)
        let first = env("VIGIL_SIM_FIRST_SEED") ?? 1
        let clock = ContinuousClock()
        let started = clock.now
        // Runs are independent: two workers, each run still one thread and one seed.
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<SimulationFaultRun.Result?>.allocate(capacity: runs)
        defer { results.deallocate() }
        results.initialize(repeating: nil)
        let workers = 2
        SimulationCrashReport.install()
        DispatchQueue.concurrentPerform(iterations: workers) { w in
            for k in stride(from: w, to: runs, by: workers) {
                SimulationCrashReport.running[w] = first + UInt64(k)
                results[k] = SimulationFaultRun(seed: first + UInt64(k)).run()
            }
            SimulationCrashReport.running[w] = 0
        }
        SimulationCrashReport.uninstall()
        var failed: [SimulationFaultRun.Result] = []
        var slowest: (Int64, UInt64) = (0, 0)
        var slowestReconf: (Int64, Int64, UInt64) = (0, 0, 0)
        var tightestReconf: (Int64, Int64, UInt64) = (0, 1, 0)
        var failovers = 0
        for case let r? in results {
            if !r.ok { failed.append(r) }
            if let c = r.convergedAfter, c > slowest.0 { slowest = (c, r.seed) }
            if let c = r.reconfiguredAfter {
                if c > slowestReconf.0 { slowestReconf = (c, r.reconfLimit, r.seed) }
                if c * tightestReconf.1 > tightestReconf.0 * r.reconfLimit { tightestReconf = (c, r.reconfLimit, r.seed) }
            }
            failovers += r.failoverEnds
        }
        let secs = Double((clock.now - started).components.attoseconds) / 1e18 + Double((clock.now - started).components.seconds)
        print("simulation: \(runs) seeded runs in \(String(format: "%.1f", secs)) s (\(Int(Double(runs) / secs)) runs/s), "
              + "\(failovers) failovers ended, slowest convergence \(slowest.0) ms after the heal (seed=\(slowest.1)), "
              + "data nodes following it \(slowestReconf.0) of \(slowestReconf.1) ms after the heal at the latest (seed=\(slowestReconf.2)), "
              + "closest to its limit \(tightestReconf.0) of \(tightestReconf.1) ms (seed=\(tightestReconf.2)), \(failed.count) failed")
        if let first = failed.first { print(first.report) }
        for f in failed {
            XCTFail("seed=\(f.seed) (replay: VIGIL_SIM_SEED=\(f.seed)): \(f.violations.prefix(3).joined(separator: "; "))")
        }
    }

    func testASeedReplaysExactly() {
        for seed: UInt64 in [3, 946] {
            let a = SimulationFaultRun(seed: seed).traceOnly(), b = SimulationFaultRun(seed: seed).traceOnly()
            XCTAssertGreaterThan(a.trace.count, 5)
            XCTAssertEqual(a.trace, b.trace, "seed=\(seed)")
            XCTAssertEqual(a.convergedAfter, b.convergedAfter)
        }
    }

    func testADataAwareSeedReplaysExactlyWithItsWritesAndLosses() {
        for (seed, kind) in [(UInt64(14), SimulationFaultRun.FaultKind.masterPartitioned), (5, .masterPaused)] {
            var run = SimulationFaultRun(seed: seed)
            run.faultKind = kind
            run.writes = .plain
            let a = run.traceOnly(), b = run.traceOnly()
            XCTAssertGreaterThan(a.acknowledged, 0, "seed=\(seed): the client wrote")
            XCTAssertEqual(a.trace, b.trace, "seed=\(seed)")
            XCTAssertEqual(a.acknowledged, b.acknowledged)
            XCTAssertEqual(a.lost, b.lost)
        }
    }

    func testAPartitionedMasterLosesAcknowledgedWritesWithoutWaitButNotWithWait() {
        var run = SimulationFaultRun(seed: 14)
        run.faultKind = .masterPartitioned
        run.writes = .plain
        let plain = run.run()
        run.writes = .wait1
        let waited = run.run()
        XCTAssertTrue(plain.ok && waited.ok, plain.violations.joined(separator: "; ") + waited.violations.joined(separator: "; "))
        XCTAssertGreaterThan(plain.lost, 0, "writes the isolated old master acknowledged are gone after the failover")
        XCTAssertEqual(waited.lost, 0, "WAIT 1 cannot be satisfied on the isolated master")
    }
}
