import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore
@testable import Simulation

/// Failovers on the simulated network, one scenario each. Every test also
/// runs the trace checker; a failure prints the seed and the trace.
final class SimulationFailoverTests: XCTestCase {
    func testMasterCrashGivesExactlyOneFailoverAndOneSwitchPerSentinel() throws {
        let sim = try Simulation.started(seed: 11)
        sim.crashNode(6379)
        XCTAssertNotNil(sim.settle(awayFrom: "127.0.0.1:6379", limit: 20_000))
        sim.advance(3000)
        let switches = sim.events.filter { $0.type == "+switch-master" }
        XCTAssertEqual(sim.events.filter { $0.type == "+elected-leader" }.count, 1)
        XCTAssertEqual(sim.events.filter { $0.type == "+failover-end" }.count, 1)
        XCTAssertEqual(Set(switches.map { $0.sentinel! }), [0, 1, 2], "one +switch-master per sentinel")
        XCTAssertEqual(switches.count, 3)
        XCTAssertEqual(Set(switches.map { $0.message.split(separator: " ").suffix(2).joined(separator: ":") }).count, 1, "same address")
        XCTAssertEqual(Set(switches.map(\.epoch)), [1], "same config epoch")
        let promoted = Int(switches[0].message.split(separator: " ").last!)!
        XCTAssertTrue(sim.nodes[promoted]!.isMaster)
        XCTAssertEqual(sim.nodes.values.filter { $0.alive && $0.port != promoted }.map(\.masterPort), [promoted])
        // The old master comes back and is turned into a replica of the new one.
        sim.restartNode(6379)
        sim.advance(25_000)
        XCTAssertEqual(sim.nodes[6379]!.masterPort, promoted)
        XCTAssertEqual(sim.events("+convert-to-slave").count, 1)
        assertInvariants(sim, seed: 11)
    }

    /// Seed 23: the leader is elected 3 ms after ODOWN, when the INFO replies
    /// it asked for at the failover's start are in from 6380 and 6382 but not
    /// yet from 6381 (its last is 8 s old, over the 5 s a down master allows).
    /// Picking among the replies in then promoted 6380 (priority 200);
    /// redis-sentinel, whose state machine moves a tick later, has every reply.
    func testTheLeaderWaitsForTheBestRankedReplicasInfoStillOnItsWay() throws {
        let sim = try Simulation.started(seed: 23, nodes: 4) {
            $0.nodes[6380]!.priority = 200
            $0.nodes[6382]!.priority = 200
        }
        XCTAssertEqual(sim.failOverByCrash(limit: 30_000), "127.0.0.1:6381", sim.trace.joined(separator: "\n"))
        let selected = sim.events("+selected-slave")
        XCTAssertEqual(selected.count, 1, selected.joined(separator: "\n"))
        XCTAssertTrue(selected.first?.contains("127.0.0.1:6381") ?? false, selected.joined(separator: "\n"))
        assertInvariants(sim, seed: 23)
    }

    func testMinorityPartitionCannotFailOver() throws {
        // Quorum 2: the two cut-off sentinels agree the master is down, but 2 of 5 is no majority.
        let sim = try Simulation.started(seed: 12, sentinels: 5)
        sim.partition([26379, 26380], [26381, 26382, 26383] + sim.nodePorts)
        sim.advance(20_000)
        XCTAssertFalse(sim.events("+odown").isEmpty)
        XCTAssertFalse(sim.events("+try-failover").isEmpty)
        XCTAssertFalse(sim.events("-failover-abort-not-elected").isEmpty)
        XCTAssertTrue(sim.events("+elected-leader").isEmpty)
        XCTAssertTrue(sim.events("+switch-master").isEmpty)
        XCTAssertTrue(sim.nodes[6379]!.isMaster)
        sim.healNetwork()
        sim.advance(5000)
        XCTAssertEqual(sim.settledAddress, "127.0.0.1:6379")
        assertInvariants(sim, seed: 12)
    }

    func testLeaderDyingAfterPromotionIsFinishedByAnotherAfterFailoverTimeout() throws {
        let sim = try Simulation.started(seed: 13)
        let crashed = crashFirstSentinel(logging: "+promoted-slave", in: sim)
        sim.crashNode(6379)
        let crashedAt = sim.now
        XCTAssertTrue(sim.advance(until: { crashed().map { !sim.procs[$0].alive } ?? false }, limit: 15_000))
        // The others voted for the leader, so they wait 2 × failover-timeout before trying themselves.
        XCTAssertNotNil(sim.settle(awayFrom: "127.0.0.1:6379", limit: 30_000), sim.trace.joined(separator: "\n"))
        let ends = sim.events.filter { $0.type == "+failover-end" }
        XCTAssertEqual(ends.count, 1)
        XCTAssertNotEqual(ends.first?.sentinel, crashed())
        XCTAssertGreaterThan(sim.now - crashedAt, 2 * sim.config.failoverTimeout - 1000)
        let epochs = sim.events.filter { $0.type == "+elected-leader" }.map(\.epoch)
        XCTAssertEqual(epochs.count, 2)
        XCTAssertLessThan(epochs[0], epochs[1])
        // The dead leader restarts from its flushed state (the promoted address, the older epoch) and follows.
        sim.restartSentinel(crashed()!)
        XCTAssertTrue(sim.advance(until: { sim.settledAddress != nil && sim.procs.allSatisfy(\.alive) }, limit: 10_000))
        let a = sim.settledAddress!
        XCTAssertTrue(sim.nodes[Int(a.split(separator: ":")[1])!]!.isMaster)
        XCTAssertEqual(Set(sim.sentinels.map { $0.masters["mymaster"]!.configEpoch }).count, 1)
        assertInvariants(sim, seed: 13)
    }

    func testLeaderDyingAfterElectionLeavesTheFailoverToAnother() throws {
        let sim = try Simulation.started(seed: 14)
        let crashed = crashFirstSentinel(logging: "+elected-leader", in: sim)
        sim.crashNode(6379)
        XCTAssertNotNil(sim.settle(awayFrom: "127.0.0.1:6379", limit: 40_000), sim.trace.joined(separator: "\n"))
        XCTAssertEqual(sim.events("+failover-end").count, 1)
        XCTAssertNotEqual(sim.events.first { $0.type == "+failover-end" }?.sentinel, crashed())
        assertInvariants(sim, seed: 14)
    }

    func testSimulatedCrashAfterPromotionExitsAndTheFailoverCompletes() throws {
        let sim = try Simulation.started(seed: 15)
        for i in sim.procs.indices {
            XCTAssertEqual(sim.command(i, ["SENTINEL", "SIMULATE-FAILURE", "crash-after-promotion"]), .simple("OK"))
        }
        sim.crashNode(6379)
        // Every leader exits at +promoted-slave; the first promotion still holds, so with
        // all three crashing the deployment is left to the restarted ones.
        sim.advance(40_000)
        XCTAssertFalse(sim.events("+promoted-slave").isEmpty)
        XCTAssertTrue(sim.trace.contains { $0.contains("exits with code 99") })
        for i in sim.procs.indices where !sim.procs[i].alive { sim.restartSentinel(i) }
        XCTAssertNotNil(sim.settle(awayFrom: "127.0.0.1:6379", limit: 40_000), sim.trace.joined(separator: "\n"))
        assertInvariants(sim, seed: 15)
    }

    func testForcedFailoverNeedsNoQuorum() throws {
        let sim = try Simulation.started(seed: 16)
        XCTAssertEqual(sim.command(1, ["SENTINEL", "FAILOVER", "mymaster"]), .simple("OK"))
        XCTAssertNotNil(sim.settle(awayFrom: "127.0.0.1:6379", limit: 15_000))
        XCTAssertTrue(sim.events("+odown").isEmpty)
        XCTAssertEqual(sim.events.first { $0.type == "+elected-leader" }?.sentinel, 1)
        assertInvariants(sim, seed: 16)
    }

    func testCoordinatedFailoverSwapsRolesThroughFailoverTo() throws {
        let sim = try Simulation.started(seed: 17)
        XCTAssertEqual(sim.command(0, ["SENTINEL", "FAILOVER", "mymaster", "COORDINATED"]), .simple("OK"))
        XCTAssertNotNil(sim.settle(awayFrom: "127.0.0.1:6379", limit: 15_000), sim.trace.joined(separator: "\n"))
        let a = sim.settledAddress!
        let promoted = Int(a.split(separator: ":")[1])!
        XCTAssertTrue(sim.nodes[promoted]!.isMaster)
        XCTAssertEqual(sim.nodes[6379]!.masterPort, promoted, "the old master handed over by itself")
        XCTAssertTrue(sim.trace.contains { $0.contains("node 6379 FAILOVER TO \(promoted) completes") })
        assertInvariants(sim, seed: 17)
    }

    /// Crashes the first sentinel to log `type`, right after it does; the
    /// returned closure names that sentinel once it has.
    func crashFirstSentinel(logging type: String, in sim: Simulation) -> () -> Int? {
        var crashed: Int?
        sim.onEvent = { e in
            guard e.type == type, crashed == nil, let s = e.sentinel else { return }
            crashed = s
            sim.schedule(after: 0) { sim.crashSentinel(s) }
        }
        return { crashed }
    }
}
