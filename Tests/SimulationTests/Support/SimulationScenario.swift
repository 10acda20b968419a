import XCTest
@testable import Sentinel
@testable import SentinelCore
@testable import Simulation

/// Helpers shared by the scenario tests on the simulation.
extension Simulation {
    /// A deployment (node 6379 the master, the others its replicas) after discovery.
    static func started(seed: UInt64, sentinels: Int = 3, nodes: Int = 3, quorum: Int = 2,
                        failoverTimeout: Int64 = 6000, prepare: (Simulation) -> Void = { _ in }) throws -> Simulation {
        var c = Config()
        c.sentinels = sentinels
        c.nodes = nodes
        c.quorum = quorum
        c.failoverTimeout = failoverTimeout
        let sim = try Simulation(seed: seed, config: c)
        prepare(sim)
        sim.advance(6000)
        return sim
    }

    /// The address every running sentinel gives, if they agree and none has a failover in progress.
    var settledAddress: String? {
        let views = procs.filter(\.alive).map { masterAddress($0.index) }
        guard let a = views.first ?? nil, views.allSatisfy({ $0 == a }), !SimulationFaultRun.failoverRunning(self) else { return nil }
        return a
    }

    /// Runs until the sentinels settle on an address other than `from`; that address.
    func settle(awayFrom from: String, limit: Int64) -> String? {
        advance(until: { self.settledAddress.map { $0 != from } ?? false }, limit: limit) ? settledAddress : nil
    }

    /// Crashes the master and waits until every sentinel names another one.
    func failOverByCrash(limit: Int64 = 20_000) -> String? {
        crashNode(6379)
        return settle(awayFrom: "127.0.0.1:6379", limit: limit)
    }

    func port(of address: String) -> Int { Int(address.split(separator: ":")[1])! }
}

extension XCTestCase {
    /// The trace checker over a scenario; a failure prints the seed and the trace.
    func assertInvariants(_ sim: Simulation, seed: UInt64, file: StaticString = #filePath, line: UInt = #line) {
        let v = SimulationChecker.check(sim.events)
        if !v.isEmpty {
            XCTFail("seed=\(seed): \(v.map(\.description).joined(separator: "; "))\n" + sim.trace.joined(separator: "\n"), file: file, line: line)
        }
    }
}
