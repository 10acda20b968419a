import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore
@testable import Simulation

/// Several sentinel cores and modelled data nodes on a simulated network.
final class SimulationTests: XCTestCase {
    func testDiscoveryWithinThreeHelloPeriods() throws {
        let sim = try Simulation(seed: 1, sentinels: 3, replicas: 2)
        sim.advance(6000)
        for (i, s) in sim.sentinels.enumerated() {
            let m = s.masters["mymaster"]!
            XCTAssertEqual(m.replicas.count, 2, "s\(i)")
            XCTAssertEqual(Set(m.sentinels.all.compactMap(\.runid)), Set(sim.sentinels.filter { $0 !== s }.map(\.myid)), "s\(i)")
            XCTAssertTrue(m.sentinels.all.allSatisfy { !$0.link.disconnected })
        }
    }

    func testPausedMasterIsObjectivelyDownEverywhereThenBack() throws {
        // No replica: the failover that follows ODOWN aborts, so the master stays the one watched.
        let sim = try Simulation(seed: 2, sentinels: 3, replicas: 0)
        sim.advance(6000)
        sim.nodes[6379]!.paused = true
        sim.advance(5000)
        for s in sim.sentinels { XCTAssertTrue(s.masters["mymaster"]!.flags.contains(.oDown)) }
        XCTAssertEqual(sim.events("+odown").count, 3)
        sim.nodes[6379]!.paused = false
        sim.advance(3000)
        for s in sim.sentinels { XCTAssertTrue(s.masters["mymaster"]!.flags.intersection([.sDown, .oDown]).isEmpty) }
        XCTAssertEqual(sim.events("-odown").count, 3)
        XCTAssertEqual(sim.events("-sdown").filter { $0.contains("master mymaster") }.count, 3)
    }

    func testIsolatedSentinelSeesOnlySubjectiveDown() throws {
        let sim = try Simulation(seed: 3, sentinels: 3, replicas: 1)
        sim.advance(6000)
        // s0 loses the master and both other sentinels; they still see the master.
        sim.isolate(26379)
        sim.advance(6000)
        let m0 = sim.sentinels[0].masters["mymaster"]!
        XCTAssertTrue(m0.flags.contains(.sDown))
        XCTAssertFalse(m0.flags.contains(.oDown), "quorum 2 needs another sentinel's word")
        for s in sim.sentinels.dropFirst() { XCTAssertFalse(s.masters["mymaster"]!.flags.contains(.sDown)) }
        // The others see the isolated sentinel go down.
        for s in sim.sentinels.dropFirst() {
            XCTAssertTrue(s.masters["mymaster"]!.sentinels.all.first { $0.runid == sim.sentinels[0].myid }!.flags.contains(.sDown))
        }
    }

    func testSameSeedSameTrace() throws {
        func trace(_ seed: UInt64) throws -> [String] {
            let sim = try Simulation(seed: seed, sentinels: 3, replicas: 2)
            sim.advance(4000)
            sim.nodes[6379]!.paused = true
            sim.advance(6000)
            sim.nodes[6379]!.paused = false
            sim.advance(3000)
            return sim.trace
        }
        let a = try trace(9), b = try trace(9), c = try trace(10)
        XCTAssertEqual(a, b)
        XCTAssertNotEqual(a, c)
        XCTAssertGreaterThan(a.count, 10)
    }
}
