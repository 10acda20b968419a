@testable import ReplicationCore
import XCTest

/// FAILOVER's arguments, checks and progress, as 7.0's failoverCommand and
/// updateFailoverStatus (the replies were compared with redis-server in
/// InteropTests.FailoverCommandTests).
final class FailoverTests: XCTestCase {
    let replica = Failover.Replica(host: "127.0.0.1", port: 7001, online: true, ackOffset: 100)

    private func request(_ words: String...) -> Failover.Request? {
        if case .success(let r) = Failover.parse(words) { return r }
        return nil
    }

    func testParsesToForceAndTimeoutInAnyOrder() {
        XCTAssertEqual(request("TIMEOUT", "50", "to", "h", "9", "FORCE"),
                       Failover.Request(host: "h", port: 9, force: true, timeoutMs: 50))
        XCTAssertEqual(request(), Failover.Request())
    }

    func testRepeatedOrIncompleteArgumentsAreSyntaxErrors() {
        for words in [["FORCE", "FORCE"], ["TO", "h"], ["TIMEOUT"], ["TIMEOUT", "1", "TIMEOUT", "2"], ["ABORT", "FORCE"]] {
            XCTAssertEqual(Failover.parse(words), .failure(.reply("ERR syntax error")), "\(words)")
        }
        XCTAssertEqual(Failover.parse(["TIMEOUT", "-1"]), .failure(.reply("ERR FAILOVER timeout must be greater than 0")))
        XCTAssertEqual(Failover.parse(["TO", "h", "p"]), .failure(.reply("ERR value is not an integer or out of range")))
    }

    func testChecksComeInRedisOrder() {
        let f = Failover()
        XCTAssertEqual(f.refusal(Failover.Request(), isReplica: true, replicas: []), "ERR FAILOVER is not valid when server is a replica.")
        XCTAssertEqual(f.refusal(Failover.Request(force: true), isReplica: false, replicas: []), "ERR FAILOVER requires connected replicas.")
        XCTAssertEqual(f.refusal(Failover.Request(force: true, timeoutMs: 5), isReplica: false, replicas: [replica]),
                       "ERR FAILOVER with force option requires both a timeout and target HOST and IP.")
        XCTAssertEqual(f.refusal(Failover.Request(host: "127.0.0.1", port: 1), isReplica: false, replicas: [replica]),
                       "ERR FAILOVER target HOST and PORT is not a replica.")
        var syncing = replica
        syncing.online = false
        XCTAssertEqual(f.refusal(Failover.Request(host: "127.0.0.1", port: 7001), isReplica: false, replicas: [syncing]),
                       "ERR FAILOVER target replica is not online.")
        XCTAssertNil(f.refusal(Failover.Request(host: "127.0.0.1", port: 7001), isReplica: false, replicas: [replica]))
    }

    func testWaitsUntilTheTargetAcknowledgedEverythingThenDemotes() {
        var f = Failover()
        XCTAssertEqual(f.start(Failover.Request(), nowMs: 0), "FAILOVER requested to any replica.")
        XCTAssertEqual(f.refusal(Failover.Request(), isReplica: false, replicas: [replica]), "ERR FAILOVER already in progress.")
        XCTAssertEqual(f.update(nowMs: 100, masterOffset: 150, replicas: [replica]), .wait)
        XCTAssertEqual(f.state, .waitingForSync)
        XCTAssertEqual(f.update(nowMs: 200, masterOffset: 100, replicas: [replica]),
                       .demote(host: "127.0.0.1", port: 7001, log: "Failover target 127.0.0.1:7001 is synced, failing over."))
        XCTAssertEqual(f.state, .inProgress)
        XCTAssertEqual(f.state.rawValue, "failover-in-progress")
    }

    func testTimeoutAbortsUnlessForced() {
        var f = Failover()
        _ = f.start(Failover.Request(host: "127.0.0.1", port: 7001, timeoutMs: 50), nowMs: 0)
        XCTAssertEqual(f.update(nowMs: 50, masterOffset: 999, replicas: [replica]), .abort(reason: "Replica never caught up before timeout"))
        XCTAssertEqual(f.abortLine("Replica never caught up before timeout"),
                       "FAILOVER to 127.0.0.1:7001 aborted: Replica never caught up before timeout")
        var forced = Failover()
        _ = forced.start(Failover.Request(host: "127.0.0.1", port: 7001, force: true, timeoutMs: 50), nowMs: 0)
        XCTAssertEqual(forced.update(nowMs: 50, masterOffset: 999, replicas: [replica]),
                       .demote(host: "127.0.0.1", port: 7001, log: "FAILOVER to 127.0.0.1:7001 time out exceeded, failing over."))
    }

    func testDemotedMastersPsyncCarriesFailoverAndItsAnswerIsRecorded() {
        var h = LinkHarness()
        h.link.failoverPsync = true
        h.run { $0.replicaOf(host: "10.0.0.1", port: 6379, nowMs: $1) }
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n")
        let fx = h.receive("+OK\r\n+OK\r\n")
        let psync = "*4\r\n$5\r\nPSYNC\r\n$40\r\n\(LinkHarness.ownId)\r\n$1\r\n1\r\n$8\r\nFAILOVER\r\n"
        XCTAssertTrue(fx.contains(.send(Array(psync.utf8))), "\(fx)")
        XCTAssertNil(h.link.psyncAccepted)
        h.receive("+CONTINUE \(LinkHarness.masterId)\r\n")
        XCTAssertEqual(h.link.psyncAccepted, true)
    }
}
