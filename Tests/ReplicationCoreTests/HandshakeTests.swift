import XCTest
@testable import ReplicationCore

final class HandshakeTests: XCTestCase {
    func testHandshakeSendsPingAloneThenPipelinesAuthAndReplconfsThenPsyncAfterTheirReplies() {
        var h = LinkHarness(settings: ReplicaLinkSettings(listeningPort: 7001, announceIP: "10.1.1.1",
                                                          masterUser: Array("repl".utf8), masterAuth: Array("pw".utf8)))
        h.run { $0.replicaOf(host: "m", port: 6379, nowMs: $1, fromConfig: true) }
        XCTAssertEqual(h.effects.first { if case .connect = $0 { return true }; return false }, .connect(host: "m", port: 6379))
        XCTAssertEqual(h.link.state.roleName, "connecting")
        h.run { $0.connected(nowMs: $1) }
        XCTAssertEqual(h.sentText, ["*1\r\n$4\r\nPING\r\n"])
        h.receive("+PONG\r\n")
        XCTAssertEqual(h.sentText.count, 2)
        XCTAssertEqual(h.sentText[1],
                       "*3\r\n$4\r\nAUTH\r\n$4\r\nrepl\r\n$2\r\npw\r\n"
                       + "*3\r\n$8\r\nREPLCONF\r\n$14\r\nlistening-port\r\n$4\r\n7001\r\n"
                       + "*3\r\n$8\r\nREPLCONF\r\n$10\r\nip-address\r\n$8\r\n10.1.1.1\r\n"
                       + "*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n")
        h.receive("+OK\r\n+OK\r\n+OK\r\n")
        XCTAssertEqual(h.sentText.count, 2, "PSYNC waits for every reply")
        XCTAssertEqual(h.link.state.roleName, "handshake")
        h.receive("+OK\r\n")
        XCTAssertEqual(h.sentText.last, "*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
        XCTAssertEqual(h.logs, ["Connecting to MASTER m:6379", "MASTER <-> REPLICA sync started",
                                "Non blocking connect for SYNC fired the event.",
                                "Master replied to PING, replication can continue...",
                                "Partial resynchronization not possible (no cached master)"])
    }

    func testPingAnsweredNoauthStillContinuesButOtherErrorsRetryLater() {
        var h = LinkHarness()
        h.run { $0.replicaOf(host: "m", port: 1, nowMs: $1, fromConfig: true) }
        h.run { $0.connected(nowMs: $1) }
        h.receive("-NOAUTH Authentication required.\r\n")
        XCTAssertEqual(h.link.state, .receivePort)

        var refused = LinkHarness()
        refused.run { $0.replicaOf(host: "m", port: 1, nowMs: $1, fromConfig: true) }
        refused.run { $0.connected(nowMs: $1) }
        refused.receive("-ERR something\r\n")
        XCTAssertEqual(refused.link.state, .connect)
        XCTAssertTrue(refused.effects.contains(.close))
        XCTAssertTrue(refused.logs.contains("Error reply to PING from master: '-ERR something'"))
    }

    func testFailedAuthDropsTheAttemptAndTheCronRetriesAfterASecond() {
        var h = LinkHarness(settings: ReplicaLinkSettings(listeningPort: 1, masterAuth: Array("bad".utf8)))
        h.run { $0.replicaOf(host: "m", port: 1, nowMs: $1, fromConfig: true) }
        h.run { $0.connected(nowMs: $1) }
        h.receive("+PONG\r\n-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        XCTAssertEqual(h.link.state, .connect)
        XCTAssertTrue(h.logs.contains("Unable to AUTH to MASTER: -WRONGPASS invalid username-password pair or user is disabled."))
        h.clear()
        h.tick(after: 500)
        XCTAssertTrue(h.effects.isEmpty)
        h.tick(after: 500)
        XCTAssertEqual(h.logs.first, "Connecting to MASTER m:1")
    }

    func testMasterUnableToPsyncNowIsRetriedAndAnErrMakesTheReplicaFallBackToSync() {
        var later = LinkHarness()
        later.handshake()
        later.receive("-NOMASTERLINK Can't SYNC while not connected with my master\r\n")
        XCTAssertEqual(later.link.state, .connect)
        XCTAssertTrue(later.logs.contains("Master is currently unable to PSYNC but should be in the future: -NOMASTERLINK Can't SYNC while not connected with my master"))

        var old = LinkHarness()
        old.handshake()
        old.receive("-ERR unknown command 'PSYNC'\r\n")
        XCTAssertEqual(old.sentText.last, "SYNC\r\n")
        XCTAssertEqual(old.link.state, .transfer)
        old.receive("$3\r\nabc")
        old.run { $0.payloadLoaded(success: true, nowMs: $1) }
        old.clear()
        old.tick(after: 5000)
        XCTAssertTrue(old.sent.isEmpty, "a SYNC link sends no ACKs")
    }
}
