import Protocol
import XCTest
@testable import Sentinel
@testable import SentinelCore

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
            "+sdown \(m)", "+odown \(m) #quorum 2/2", "+new-epoch 1", "+try-failover \(m)",
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

    // MARK: Replica selection

    /// Replicas 7001..7003 with INFO read again after `configure`.
    func selection(_ configure: (FailoverWorld) -> Void) throws -> String? {
        let w = try FailoverWorld(replicaPorts: [7001, 7002, 7003])
        configure(w)
        w.run(10100)
        return w.core.selectReplica(w.master)?.name
    }

    func testSelectionPrefersLowerPriority() throws {
        XCTAssertEqual(try selection { $0.node(7003).priority = 10; $0.node(7001).offset = 500 }, "127.0.0.1:7003")
    }

    func testSelectionThenPrefersHigherOffset() throws {
        XCTAssertEqual(try selection { $0.node(7002).offset = 500 }, "127.0.0.1:7002")
    }

    func testSelectionThenPrefersSmallerRunIDIgnoringCase() throws {
        XCTAssertEqual(try selection {
            $0.node(7001).runid = String(repeating: "B", count: 40)
            $0.node(7002).runid = String(repeating: "c", count: 40)
            $0.node(7003).runid = String(repeating: "a", count: 40)
        }, "127.0.0.1:7003")
    }

    func testReplicaWithoutRunIDComesLast() throws {
        let w = try FailoverWorld(replicaPorts: [7001, 7002])
        w.replica(7001)!.runid = nil
        XCTAssertEqual(w.core.selectReplica(w.master)?.name, "127.0.0.1:7002")
    }

    func testPriorityZeroIsNeverPromoted() throws {
        XCTAssertEqual(try selection {
            $0.node(7001).priority = 0
            $0.node(7001).offset = 1000
            $0.node(7002).priority = 0
        }, "127.0.0.1:7003")
        XCTAssertNil(try selection { w in for p in [7001, 7002, 7003] { w.node(p).priority = 0 } })
    }

    func testDisconnectedReplicaIsNotPromoted() throws {
        let w = try FailoverWorld(replicaPorts: [7001, 7002])
        let r = w.replica(7001)!
        w.h.closed(conn: r.link.cc!, reason: "reset")
        XCTAssertEqual(w.core.selectReplica(w.master)?.name, "127.0.0.1:7002")
    }

    func testDownOrSilentReplicaIsNotPromoted() throws {
        let w = try FailoverWorld(replicaPorts: [7001, 7002])
        w.node(7001).up = false
        w.run(7000)
        XCTAssertTrue(w.replica(7001)!.flags.contains(.sDown))
        XCTAssertEqual(w.core.selectReplica(w.master)?.name, "127.0.0.1:7002")
    }

    /// In select_slave with the master down and every replica's INFO 6 s old.
    func electedWithStaleReplicaInfo() throws -> FailoverWorld {
        let w = try FailoverWorld()
        let m = w.master
        m.flags.formUnion([.sDown, .oDown, .failoverInProgress])
        m.sDownSinceTime = w.h.now
        m.failoverState = .selectSlave
        m.failoverStateChangeTime = w.h.now
        for r in m.replicas { r.infoRefresh = w.h.now - 6000 }
        return w
    }

    func testElectedBeforeFreshReplicaInfoWaitsForIt() throws {
        let w = try electedWithStaleReplicaInfo()
        w.core.failoverSelectSlave(w.master)
        let e = w.h.drain()
        XCTAssertEqual(w.master.failoverState, .selectSlave, "no abort yet")
        XCTAssertEqual(w.h.events(in: e), [])
        let infos = w.h.sends(in: e).filter { $0.args == ["INFO"] }
        XCTAssertEqual(infos.count, 2, "both replicas asked")
        for s in infos {
            w.h.reply(conn: s.conn, tag: s.tag, value: .bulk(CoreHarness.replicaInfo(runid: FailoverWorld.runid(7001))))
        }
        w.core.failoverSelectSlave(w.master)
        XCTAssertEqual(w.master.failoverState, .sendSlaveofNoone)
    }

    func testElectedWithReplicasThatNeverAnswerInfoGivesUpAfterOneInfoPeriod() throws {
        let w = try electedWithStaleReplicaInfo()
        w.core.failoverSelectSlave(w.master)
        // The step alone, a second later (a timer run would re-judge the hand-set state).
        w.h.now += 1000
        w.core.now = w.h.now
        w.core.failoverSelectSlave(w.master)
        XCTAssertEqual(w.h.events(in: w.h.drain()), ["-failover-abort-no-good-slave master mymaster 127.0.0.1 6379"])
        XCTAssertEqual(w.master.failoverState, .none)
    }

    // MARK: Promotion

    func testPromotionTransactionThroughRenamedCommandsThenInfo() throws {
        let w = try FailoverWorld(extraConfig: """
            sentinel rename-command mymaster SLAVEOF MYSLAVEOF
            sentinel rename-command mymaster CONFIG MYCONFIG
            """)
        w.killMaster()
        w.run(until: "+promoted-slave")
        let cmds = w.commands(to: 7001)
        guard let start = cmds.firstIndex(of: ["MULTI"]) else { return XCTFail("no MULTI to 7001: \(cmds)") }
        XCTAssertEqual(Array(cmds[start..<min(cmds.count, start + 7)]), [
            ["MULTI"], ["MYSLAVEOF", "NO", "ONE"], ["MYCONFIG", "REWRITE"], ["CLIENT", "KILL", "TYPE", "normal"],
            ["CLIENT", "KILL", "TYPE", "pubsub"], ["EXEC"], ["INFO"],
        ])
    }

    func testGetMasterAddrChangesAtPromotionBeforeTheSwitch() throws {
        let w = try FailoverWorld()
        w.node(7001).ignoreSlaveofNoOne = true
        w.node(7002).holdSync = true
        w.killMaster()
        w.run(until: "+failover-state-wait-promotion")
        w.run(1000)
        XCTAssertEqual(CoreHarness.value(w.h.command("GET-MASTER-ADDR-BY-NAME", "mymaster")),
                       .array([.bulk("127.0.0.1"), .bulk("6379")]))
        // The promotion takes effect late.
        w.node(7001).isMaster = true
        w.node(7001).masterPort = nil
        w.run(until: "+failover-state-reconf-slaves")
        XCTAssertEqual(CoreHarness.value(w.h.command("GET-MASTER-ADDR-BY-NAME", "mymaster")),
                       .array([.bulk("127.0.0.1"), .bulk("7001")]))
        XCTAssertEqual(w.master.addr.port, 6379, "the switch comes at the end")
        XCTAssertEqual(w.master.configEpoch, 1)
    }

    func testReplicaThatNeverReportsMasterAbortsAfterFailoverTimeout() throws {
        let w = try FailoverWorld()
        w.node(7001).ignoreSlaveofNoOne = true
        w.killMaster()
        w.run(until: "+failover-state-wait-promotion")
        let seen = w.run(until: "-failover-abort-slave-timeout", limit: 25000)
        XCTAssertEqual(seen.last, "-failover-abort-slave-timeout master mymaster 127.0.0.1 6379")
        XCTAssertFalse(seen.contains { $0.hasPrefix("+promoted-slave") })
        XCTAssertTrue(w.master.flags.intersection([.failoverInProgress, .forceFailover]).isEmpty)
        XCTAssertEqual(w.master.failoverState, .none)
        XCTAssertNil(w.master.promotedReplica)
        XCTAssertFalse(w.replica(7001)!.flags.contains(.promoted))
        XCTAssertEqual(w.master.configEpoch, 0)
    }

    func testCrashAfterPromotionComesAfterTheFlush() throws {
        let w = try FailoverWorld()
        _ = w.h.command("SIMULATE-FAILURE", "crash-after-promotion")
        w.killMaster()
        w.run(until: "+promoted-slave")
        let tail = Array(w.h.effects.drop { e in
            if case .event(_, "+promoted-slave", _) = e { return false }
            return true
        }.prefix(3))
        XCTAssertEqual(tail.count, 3)
        XCTAssertEqual(tail.dropFirst().first, .log(level: .warning, text: "Sentinel CRASH because of SENTINEL simulate-failure"))
        XCTAssertEqual(tail.last, .exit(code: 99))
        let beforePromoted = w.h.effects.prefix { e in
            if case .event(_, "+promoted-slave", _) = e { return false }
            return true
        }
        XCTAssertEqual(CoreHarness.persisted(beforePromoted.last)?.masters.first?.configEpoch, w.master.failoverEpoch,
                       "the new config epoch is saved first")
    }

    // MARK: Reconfiguring the replicas

    func testParallelSyncsBoundsReplicasBeingReconfigured() throws {
        let w = try FailoverWorld(replicaPorts: [7001, 7002, 7003, 7004, 7005],
                                  extraConfig: "sentinel parallel-syncs mymaster 2")
        for p in [7002, 7003, 7004, 7005] { w.node(p).holdSync = true }
        w.killMaster()
        w.run(until: "+failover-state-reconf-slaves")
        var most = 0
        var ended = false
        for step in 0..<200 where !ended {
            ended = w.h.events(in: w.run(100)).contains { $0.hasPrefix("+failover-end") }
            let busy = w.master.replicas.all.filter { !$0.flags.intersection([.reconfSent, .reconfInProgress]).isEmpty }
            most = max(most, busy.count)
            // Every half second the replicas being synced finish.
            if step % 5 == 4 {
                for n in w.nodes.values where n.masterPort == 7001 { n.linkUp = true }
            }
        }
        XCTAssertTrue(ended)
        XCTAssertEqual(most, 2)
        XCTAssertEqual(w.h.events().filter { $0.hasPrefix("+slave-reconf-done") }.count, 4)
        XCTAssertFalse(w.h.events().contains { $0.hasPrefix("+failover-end-for-timeout") })
    }

    func testReconfTimeoutEndsTheFailoverAndSendsSlaveofToTheRest() throws {
        let w = try FailoverWorld(replicaPorts: [7001, 7002, 7003])
        w.node(7002).holdSync = true
        w.killMaster()
        w.run(until: "+failover-state-reconf-slaves")
        let seen = w.run(until: "+switch-master", limit: 30000)
        let r3 = "slave 127.0.0.1:7003 127.0.0.1 7003 @ mymaster 127.0.0.1 6379"
        XCTAssertTrue(seen.contains("+failover-end-for-timeout master mymaster 127.0.0.1 6379"))
        XCTAssertTrue(seen.contains("+slave-reconf-sent-be \(r3)"), "\(seen)")
        XCTAssertFalse(seen.contains("+slave-reconf-sent \(r3)"), "7002 held the only parallel sync")
        XCTAssertTrue(w.commands(to: 7003).contains(["SLAVEOF", "127.0.0.1", "7001"]))
        XCTAssertTrue(seen.contains("+switch-master mymaster 127.0.0.1 6379 127.0.0.1 7001"))
    }

    // MARK: After the switch

    func testReturningOldMasterIsConvertedToReplica() throws {
        let w = try FailoverWorld()
        w.killMaster()
        w.run(until: "+switch-master")
        w.node(6379).up = true
        let seen = w.run(until: "+convert-to-slave", limit: 30000)
        XCTAssertTrue(seen.contains("+convert-to-slave slave 127.0.0.1:6379 127.0.0.1 6379 @ mymaster 127.0.0.1 7001"))
        XCTAssertTrue(w.commands(to: 6379).contains(["SLAVEOF", "127.0.0.1", "7001"]))
        w.run(2000)
        XCTAssertFalse(w.node(6379).isMaster)
    }

    func testReplicaAwayDuringTheFailoverIsPointedAtTheNewMasterLater() throws {
        let w = try FailoverWorld()
        w.node(7002).up = false
        w.killMaster()
        w.run(until: "+switch-master", limit: 30000)
        XCTAssertEqual(w.node(7002).masterPort, 6379, "nothing it was sent arrived")
        // Back, still following the old master: fixed once that setting has lasted failover-timeout.
        w.node(7002).up = true
        let seen = w.run(until: "+fix-slave-config", limit: 40000)
        XCTAssertTrue(seen.contains("+fix-slave-config slave 127.0.0.1:7002 127.0.0.1 7002 @ mymaster 127.0.0.1 7001"))
        XCTAssertTrue(w.commands(to: 7002).contains(["SLAVEOF", "127.0.0.1", "7001"]))
        XCTAssertEqual(w.node(7002).masterPort, 7001)
    }

    func testSwitchPublishesHelloWithTheNewConfigAtOnce() throws {
        let w = try FailoverWorld()
        w.killMaster()
        w.run(until: "+switch-master")
        // The effects that come with the switch, up to the next tick's first connect.
        let fromSwitch = w.h.effects.drop { e in
            if case .event(_, "+switch-master", _) = e { return false }
            return true
        }
        let withSwitch = fromSwitch.prefix { e in
            if case .connect = e { return false }
            return true
        }
        let hellos = w.h.sends(in: Array(withSwitch)).filter { $0.args.first == "PUBLISH" }
        XCTAssertEqual(hellos.compactMap { w.portOf[$0.conn] }.sorted(), [26400, 26401])
        XCTAssertTrue(hellos.allSatisfy { $0.args[2].hasSuffix(",1,mymaster,127.0.0.1,7001,1") }, "\(hellos)")
    }

    // MARK: Observers

    func testHelloWithHigherConfigEpochSwitchesASentinelThatMissedTheFailover() throws {
        let w = try FailoverWorld()
        let peer = w.peers[26400]!
        w.h.receiveHello("127.0.0.1,26400,\(peer.runid),7,mymaster,127.0.0.1,7002,7")
        XCTAssertEqual(w.h.events(in: w.h.drain()), [
            "+new-epoch 7",
            "+config-update-from sentinel \(peer.runid) 127.0.0.1 26400 @ mymaster 127.0.0.1 6379",
            "+switch-master mymaster 127.0.0.1 6379 127.0.0.1 7002",
            "+slave slave 127.0.0.1:7001 127.0.0.1 7001 @ mymaster 127.0.0.1 7002",
            "+slave slave 127.0.0.1:6379 127.0.0.1 6379 @ mymaster 127.0.0.1 7002",
        ])
        XCTAssertEqual(w.master.configEpoch, 7)
        XCTAssertEqual(w.core.currentEpoch, 7)
    }

    func testHelloWithLowerOrSameConfigEpochIsIgnored() throws {
        let w = try FailoverWorld()
        let peer = w.peers[26400]!
        w.h.receiveHello("127.0.0.1,26400,\(peer.runid),7,mymaster,127.0.0.1,7002,7")
        w.h.drain()
        w.h.receiveHello("127.0.0.1,26400,\(peer.runid),7,mymaster,127.0.0.1,7001,6")
        w.h.receiveHello("127.0.0.1,26400,\(peer.runid),7,mymaster,127.0.0.1,7001,7")
        XCTAssertEqual(w.h.events(in: w.h.drain()), [])
        XCTAssertEqual(w.master.addr.port, 7002)
    }

    func testLeaderStillReconfiguringTakesANewerConfigThatNamesTheOldMaster() throws {
        let w = try FailoverWorld()
        w.node(7002).holdSync = true
        w.killMaster()
        w.run(until: "+failover-state-reconf-slaves")
        let peer = w.peers[26400]!
        w.h.receiveHello("127.0.0.1,26400,\(peer.runid),5,mymaster,127.0.0.1,6379,5")
        let ev = w.h.events(in: w.h.drain())
        // We announce the promoted replica (7001): the newer config differs from it.
        XCTAssertEqual(Array(ev.prefix(3)), [
            "+new-epoch 5",
            "+config-update-from sentinel \(peer.runid) 127.0.0.1 26400 @ mymaster 127.0.0.1 6379",
            "+switch-master mymaster 127.0.0.1 7001 127.0.0.1 6379",
        ])
        XCTAssertEqual(w.master.failoverState, .none)
        XCTAssertEqual(w.master.configEpoch, 5)
        XCTAssertEqual(w.master.addr.port, 6379)
        w.run(1000)
        XCTAssertFalse(w.h.events().contains { $0.hasPrefix("+failover-end") }, "our failover is over, not ended under epoch 5")
    }

    // MARK: SENTINEL FAILOVER

    func testForcedFailoverNeedsNoAgreement() throws {
        let w = try FailoverWorld()
        for p in w.peers.values { p.votes = false }
        XCTAssertEqual(w.h.command("FAILOVER", "mymaster"), .value(.simple("OK")))
        XCTAssertTrue(w.h.effects.contains(.log(level: .warning, text: "Executing user requested FAILOVER of 'mymaster'")))
        XCTAssertEqual(w.master.flags, [.master, .failoverInProgress, .forceFailover])
        let seen = failoverEvents(w.run(until: "+switch-master"))
        XCTAssertEqual(Array(seen.prefix(3)), ["+vote-for-leader \(myid) 1", "+elected-leader master mymaster 127.0.0.1 6379",
                                               "+failover-state-select-slave master mymaster 127.0.0.1 6379"])
        XCTAssertFalse(w.sent.contains { $0.args.count == 6 && $0.args[1] == "is-master-down-by-addr" },
                       "nobody is asked: the master is not down")
        // The old master still runs as a master: it is converted once it has been seen so for a while.
        w.run(until: "+convert-to-slave", limit: 30000)
        XCTAssertTrue(w.commands(to: 6379).contains(["SLAVEOF", "127.0.0.1", "7001"]))
    }

    func testForcedFailoverErrors() throws {
        let w = try FailoverWorld()
        XCTAssertEqual(w.h.command("FAILOVER", "nosuch"), .value(.err("ERR No such master with that name")))
        XCTAssertEqual(w.h.command("FAILOVER", "mymaster", "soon"), .value(.err("ERR syntax error")))
        XCTAssertEqual(w.h.command("FAILOVER", "mymaster", "COORDINATED", "COORDINATED"), .value(.err("ERR syntax error")))
        XCTAssertEqual(w.master.flags, .master)
        XCTAssertEqual(w.h.command("FAILOVER", "mymaster"), .value(.simple("OK")))
        XCTAssertEqual(w.h.command("FAILOVER", "mymaster"), .value(.err("INPROG Failover already in progress")))
        let other = try FailoverWorld()
        for p in [7001, 7002] { other.node(p).priority = 0 }
        other.run(10100)
        XCTAssertEqual(other.h.command("FAILOVER", "mymaster"), .value(.err("NOGOODSLAVE No suitable replica to promote")))
        XCTAssertEqual(other.master.failoverState, .none)
    }

    func testCoordinatedFailoverAsksTheMasterToHandOver() throws {
        let w = try FailoverWorld()
        XCTAssertEqual(w.h.command("FAILOVER", "mymaster", "coordinated"), .value(.simple("OK")))
        let seen = failoverEvents(w.run(until: "+switch-master"))
        XCTAssertTrue(seen.contains("+promoted-slave slave 127.0.0.1:7001 127.0.0.1 7001 @ mymaster 127.0.0.1 6379"))
        XCTAssertTrue(w.commands(to: 6379).contains(["FAILOVER", "TO", "127.0.0.1", "7001", "TIMEOUT", "20000"]))
        XCTAssertFalse(w.commands(to: 7001).contains { $0[0] == "SLAVEOF" }, "promoted by the master's hand-over")
        XCTAssertTrue(w.commands(to: 7001).contains(["CONFIG", "REWRITE"]))
        XCTAssertTrue(w.commands(to: 7002).contains(["SLAVEOF", "127.0.0.1", "7001"]))
        XCTAssertEqual(w.master.addr.port, 7001)
        XCTAssertEqual(w.master.replicas.all.map(\.name), ["127.0.0.1:7002", "127.0.0.1:6379"])
        // The old master follows the new one by itself: nothing to convert.
        w.run(30000)
        XCTAssertFalse(w.commands(to: 6379).contains { $0[0] == "SLAVEOF" })
        XCTAssertFalse(w.h.events().contains { $0.hasPrefix("+convert-to-slave") })
        XCTAssertEqual(w.node(6379).masterPort, 7001)
    }

    func testCoordinatedFailoverRefusedByTheMasterAborts() throws {
        let w = try FailoverWorld()
        w.node(6379).failoverError = "ERR FAILOVER target replica is not online."
        XCTAssertEqual(w.h.command("FAILOVER", "mymaster", "COORDINATED"), .value(.simple("OK")))
        let seen = w.run(until: "-failover-abort-coordinated")
        XCTAssertEqual(seen.last, "-failover-abort-coordinated master mymaster 127.0.0.1 6379 #ERR FAILOVER target replica is not online.")
        XCTAssertEqual(w.master.failoverState, .none)
        XCTAssertTrue(w.master.flags.intersection([.failoverInProgress, .forceFailover, .coordinatedFailover]).isEmpty)
        XCTAssertFalse(w.replica(7001)!.flags.contains(.promoted))
        XCTAssertTrue(w.node(6379).isMaster)
    }

    func testCoordinatedFailoverNeedsAReachableMaster() throws {
        let w = try FailoverWorld()
        for p in w.peers.values { p.saysDown = false }
        w.killMaster()
        w.run(7000)
        XCTAssertTrue(w.master.flags.contains(.sDown))
        XCTAssertEqual(w.h.command("FAILOVER", "mymaster", "COORDINATED"),
                       .value(.err("NOGOODMASTER The master must be reachable for a coordinated failover")))
    }
}
