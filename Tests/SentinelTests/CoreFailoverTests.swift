import Protocol
import XCTest
@testable import Sentinel

/// The failover after the election: replica selection, promotion, the
/// replicas' reconfiguration, the switch, forced and coordinated failovers.
final class CoreFailoverTests: XCTestCase {
    let myid = CoreHarness.myid

    /// The events of `seen` that are about the failover, in order.
    func failoverEvents(_ seen: [String]) -> [String] {
        seen.filter { !$0.hasPrefix("+sentinel ") && !$0.hasPrefix("+role-change") && !$0.hasPrefix("+reboot") }
    }

    func testLeaderFailoverFromDownMasterToSwitchMaster() throws {
        let w = try FailoverWorld()
        w.killMaster()
        let seen = failoverEvents(w.run(until: "+switch-master"))
        let m = "master mymaster 127.0.0.1 6379"
        let r1 = "slave 127.0.0.1:7001 127.0.0.1 7001 @ mymaster 127.0.0.1 6379"
        let r2 = "slave 127.0.0.1:7002 127.0.0.1 7002 @ mymaster 127.0.0.1 6379"
        XCTAssertEqual(seen, [
            "+sdown \(m)", "+odown \(m) #quorum 3/2", "+new-epoch 1", "+try-failover \(m)",
            "+vote-for-leader \(myid) 1", "+elected-leader \(m)", "+failover-state-select-slave \(m)",
            "+selected-slave \(r1)", "+failover-state-send-slaveof-noone \(r1)", "+failover-state-wait-promotion \(r1)",
            "-role-change \(r1) new reported role is master", "+promoted-slave \(r1)", "+failover-state-reconf-slaves \(m)",
            "+slave-reconf-sent \(r2)", "+slave-reconf-inprog \(r2)", "+slave-reconf-done \(r2)", "+failover-end \(m)",
            "+switch-master mymaster 127.0.0.1 6379 127.0.0.1 7001",
            "+slave slave 127.0.0.1:7002 127.0.0.1 7002 @ mymaster 127.0.0.1 7001",
            "+slave slave 127.0.0.1:6379 127.0.0.1 6379 @ mymaster 127.0.0.1 7001",
        ])
        XCTAssertEqual(w.master.addr.port, 7001)
        XCTAssertEqual(w.master.configEpoch, 1)
        XCTAssertEqual(w.master.flags, .master)
        XCTAssertEqual(w.master.failoverState, .none)
        XCTAssertEqual(w.master.replicas.all.map(\.name), ["127.0.0.1:7002", "127.0.0.1:6379"])
    }
}
