import Protocol
import XCTest
@testable import Operator

/// SENTINEL replies and INFO replication into the status model.
final class StatusModelTests: XCTestCase {
    func testMasterFieldsBecomeTheMasterSummary() throws {
        let m = MasterStatus(fields: try XCTUnwrap(SentinelFields(SentinelReplyFixtures.master)))
        XCTAssertEqual(m.name, "mymaster")
        XCTAssertEqual(m.address, "127.0.0.1:6380")
        XCTAssertEqual(m.flags, ["master"])
        XCTAssertEqual(m.quorum, 2)
        XCTAssertEqual(m.configEpoch, 3)
        XCTAssertEqual(m.otherSentinels, 2)
        XCTAssertEqual(m.replicaCount, 2)
        XCTAssertEqual(m.state, "ok")
    }

    func testDownFlagsGiveTheStateInfoSentinelShows() {
        var m = SentinelReplyFixtures.report().masters[0]
        m.flags = ["master", "s_down"]
        XCTAssertEqual(m.state, "sdown")
        m.flags = ["master", "s_down", "o_down"]
        XCTAssertEqual(m.state, "odown")
    }

    func testReplicaLagIsTheMasterOffsetMinusTheAcknowledgedOne() {
        let replicas = SentinelReplyFixtures.report().masters[0].replicas
        XCTAssertEqual(replicas.map(\.ackedOffset), [582, 400])
        XCTAssertEqual(replicas.map(\.lagBytes), [134, 316])
        XCTAssertEqual(replicas.map(\.lagSeconds), [0, 1])
        XCTAssertEqual(replicas.map(\.offset), [570, 380], "the sentinel's own offset is kept apart")
        XCTAssertEqual(replicas.map(\.priority), [100, 0])
        XCTAssertEqual(replicas.map(\.linkStatus), ["ok", "ok"])
    }

    func testAReplicaTheMasterDoesNotListHasNoLag() {
        var m = MasterStatus(fields: SentinelFields(SentinelReplyFixtures.master)!)
        m.replicas = [ReplicaStatus(fields: SentinelFields(SentinelReplyFixtures.replica(port: 6390, priority: 1, offset: 5))!)]
        m.apply(ReplicationInfo(infoText: SentinelReplyFixtures.infoReplication))
        XCTAssertEqual(m.replicationOffset, 716)
        XCTAssertNil(m.replicas[0].lagBytes)
        XCTAssertNil(m.replicas[0].ackedOffset)
    }

    func testAMasterReportingAnotherRoleGivesNoLagAndSaysWhy() {
        var m = MasterStatus(fields: SentinelFields(SentinelReplyFixtures.master)!)
        m.replicas = [ReplicaStatus(fields: SentinelFields(SentinelReplyFixtures.replica(port: 6381, priority: 1, offset: 5))!)]
        m.apply(ReplicationInfo(infoText: "# Replication\r\nrole:slave\r\nmaster_repl_offset:900\r\n"))
        XCTAssertNil(m.replicationOffset)
        XCTAssertNil(m.replicas[0].lagBytes)
        XCTAssertEqual(m.replicationError, "reports role slave")
    }

    func testUnvotedSentinelHasNoLeader() {
        let s = SentinelStatus(fields: SentinelFields(SentinelReplyFixtures.sentinel(port: 1, runid: "x", hello: 5))!)
        XCTAssertNil(s.votedLeader)
        XCTAssertEqual(s.votedLeaderEpoch, 0)
        XCTAssertEqual(s.lastHelloMs, 5)
        XCTAssertEqual(s.flags, ["sentinel"])
    }

    func testAnOddLengthEntryIsNotAFieldList() {
        XCTAssertNil(SentinelFields(.array([.bulk("name")])))
        XCTAssertNil(SentinelFields(.bulk("name")))
    }
}

/// The sentinel hello, which alone carries a sentinel's current epoch.
final class HelloEpochsTests: XCTestCase {
    func testHelloGivesTheRunIDAndCurrentEpoch() throws {
        let hello = try XCTUnwrap(HelloEpochs.parse("127.0.0.1,26381,3b1870e77b4ead56a882475ee8f2fd81c752a540,7,mymaster,127.0.0.1,6380,5"))
        XCTAssertEqual(hello.runID, "3b1870e77b4ead56a882475ee8f2fd81c752a540")
        XCTAssertEqual(hello.epoch, 7)
    }

    func testOtherMessagesAreNotHellos() {
        XCTAssertNil(HelloEpochs.parse("hello"))
        XCTAssertNil(HelloEpochs.parse("a,b,c,notanumber,e,f,g,h"))
    }
}
