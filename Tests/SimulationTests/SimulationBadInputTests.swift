import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore
@testable import Simulation

/// Bad input on the simulated network: each ends in the state redis-sentinel
/// prescribes, with no stuck failover (failover-timeout bounds every state).
final class SimulationBadInputTests: XCTestCase {
    func testVoteRequestWithStaleEpochGetsNoVote() throws {
        let sim = try Simulation.started(seed: 21)
        let addr = try XCTUnwrap(sim.failOverByCrash())
        let core = sim.sentinels[0]
        let epoch = core.currentEpoch
        XCTAssertGreaterThan(epoch, 0)
        let port = addr.split(separator: ":")[1]
        let stranger = String(repeating: "f", count: 40)
        let votesBefore = sim.events("+vote-for-leader").count
        let reply = sim.command(0, ["SENTINEL", "is-master-down-by-addr", "127.0.0.1", String(port), String(epoch - 1), stranger])
        guard case .array(.some(let items)) = reply, items.count == 3 else { return XCTFail("\(reply)") }
        XCTAssertEqual(items[0], RESPValue.integer(0))
        XCTAssertNotEqual(items[1], RESPValue.bulk(stranger), "no vote in an epoch older than ours")
        XCTAssertEqual(sim.events("+vote-for-leader").count, votesBefore)
        XCTAssertEqual(core.currentEpoch, epoch)
        // And the deployment keeps working: the next failover still gets a leader.
        let next = Int(port)!
        sim.crashNode(next)
        XCTAssertNotNil(sim.settle(awayFrom: addr, limit: 30_000))
        XCTAssertEqual(sim.sentinels.map(\.currentEpoch).max(), epoch + 1)
        assertInvariants(sim, seed: 21)
    }

    func testHelloWithLowerConfigEpochIsIgnored() throws {
        let sim = try Simulation.started(seed: 22)
        let addr = try XCTUnwrap(sim.failOverByCrash())
        let epoch = sim.sentinels[0].masters["mymaster"]!.configEpoch
        XCTAssertEqual(epoch, 1)
        sim.advance(3000) // every sentinel's pub/sub link to the new master is up
        // A sentinel with an old view publishes it on the new master: the old address, config epoch 0.
        let node = sim.nodes[Int(addr.split(separator: ":")[1])!]!
        let stale = "127.0.0.1,26999,\(String(repeating: "e", count: 40)),0,mymaster,127.0.0.1,6379,0"
        XCTAssertEqual(sim.publish(on: node, channel: "__sentinel__:hello", message: stale), 3)
        sim.advance(5000)
        XCTAssertEqual(sim.settledAddress, addr)
        XCTAssertEqual(sim.events("+switch-master").count, 3, "only the failover's switches")
        XCTAssertEqual(Set(sim.sentinels.map { $0.masters["mymaster"]!.configEpoch } as [UInt64]), [epoch])
        assertInvariants(sim, seed: 22)
    }

    func testReplicaRefusingSlaveOfIsGivenUpAfterTheReconfTimeout() throws {
        // 6380 has SLAVEOF renamed away; 6380 and 6382 have a worse priority, so 6381 is promoted.
        let sim = try Simulation.started(seed: 24, nodes: 4, failoverTimeout: 20_000) {
            $0.nodes[6380]!.refusesSlaveOf = true
            $0.nodes[6380]!.priority = 200
            $0.nodes[6382]!.priority = 200
        }
        for i in sim.procs.indices { sim.command(i, ["SENTINEL", "SET", "mymaster", "parallel-syncs", "2"]) }
        let addr = try XCTUnwrap(sim.failOverByCrash(limit: 30_000), sim.trace.joined(separator: "\n"))
        XCTAssertEqual(addr, "127.0.0.1:6381")
        let timeouts = sim.events("-slave-reconf-sent-timeout")
        XCTAssertEqual(timeouts.count, 1)
        XCTAssertTrue(timeouts.first?.contains("6380") ?? false)
        XCTAssertEqual(sim.events("+failover-end").count, 1)
        XCTAssertTrue(sim.events("+failover-end-for-timeout").isEmpty)
        XCTAssertEqual(sim.nodes[6380]!.masterPort, 6379, "it never changed")
        XCTAssertEqual(sim.nodes[6382]!.masterPort, 6381)
        sim.advance(30_000)
        XCTAssertFalse(SimulationFaultRun.failoverRunning(sim))
        XCTAssertEqual(sim.settledAddress, addr)
        assertInvariants(sim, seed: 24)
    }

    /// With parallel-syncs 1 the refusing replica fills the only slot, so (as in
    /// sentinel.c, whose loop stops at parallel-syncs before the 10 s check) only
    /// failover-timeout ends the reconfiguration.
    func testReplicaRefusingSlaveOfFillingParallelSyncsEndsByFailoverTimeout() throws {
        let sim = try Simulation.started(seed: 26) {
            $0.nodes[6380]!.refusesSlaveOf = true
            $0.nodes[6380]!.priority = 200
        }
        let addr = try XCTUnwrap(sim.failOverByCrash(limit: 30_000), sim.trace.joined(separator: "\n"))
        XCTAssertEqual(addr, "127.0.0.1:6381")
        XCTAssertEqual(sim.events("+failover-end-for-timeout").count, 1)
        XCTAssertEqual(sim.events("+failover-end").count, 1)
        XCTAssertEqual(sim.nodes[6380]!.masterPort, 6379)
        assertInvariants(sim, seed: 26)
    }

    func testPromotedReplicaNeverReportingMasterAbortsThenRetries() throws {
        let sim = try Simulation.started(seed: 24, nodes: 2)
        sim.nodes[6380]!.ignoresPromotion = true
        var abortedAt: Int64?
        sim.onEvent = { e in
            if e.type == "-failover-abort-slave-timeout" && abortedAt == nil {
                abortedAt = sim.now
                // The operator repairs the node; the retry can now succeed.
                sim.nodes[6380]!.ignoresPromotion = false
            }
        }
        let startedAt = sim.now
        let addr = sim.failOverByCrash(limit: 40_000)
        XCTAssertEqual(addr, "127.0.0.1:6380", sim.trace.joined(separator: "\n"))
        let aborted = try XCTUnwrap(abortedAt)
        XCTAssertLessThan(aborted - startedAt, sim.config.downAfter + 2000 + sim.config.failoverTimeout + 1000)
        let elections = sim.events.filter { $0.type == "+elected-leader" }
        XCTAssertEqual(elections.count, 2)
        XCTAssertLessThan(elections[0].epoch, elections[1].epoch)
        XCTAssertGreaterThanOrEqual(elections[1].time - elections[0].time, 2 * sim.config.failoverTimeout - 1000,
                                    "the retry waits 2 × failover-timeout")
        assertInvariants(sim, seed: 24)
    }

    func testPromotedReplicaRefusingSlaveOfNoOneNeverGetsStuck() throws {
        let sim = try Simulation.started(seed: 25, nodes: 2)
        sim.nodes[6380]!.refusesSlaveOf = true
        sim.crashNode(6379)
        sim.advance(40_000)
        // Only one replica and it refuses: every attempt aborts after failover-timeout, none is left running.
        XCTAssertGreaterThanOrEqual(sim.events("-failover-abort-slave-timeout").count, 2)
        XCTAssertTrue(sim.events("+switch-master").isEmpty)
        for p in sim.procs {
            let m = p.core.masters["mymaster"]!
            if m.flags.contains(.failoverInProgress) {
                XCTAssertLessThanOrEqual(sim.localTime(p.index) - m.failoverStateChangeTime, sim.config.failoverTimeout + 1000)
            }
        }
        assertInvariants(sim, seed: 25)
    }
}
