import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Commands that can end the caller's own connection, played byte for byte
/// against redis-server 7.0.15 and vigil-server: the replies received and
/// after which step (if any) the connection closed must be the same.
final class ServerSelfDisconnectProcessTests: XCTestCase {
    private let fixture = ProcessFixture()
    private var real: ProcessFixture.Started!
    private var ours: ProcessFixture.Started!

    override func setUpWithError() throws {
        real = try fixture.startRedis()
        ours = try fixture.startVigil()
    }

    override func tearDown() {
        fixture.stopAll()
    }

    /// Plays `steps` on both servers and compares; returns ours.
    @discardableResult
    private func assertSameConversation(_ steps: [WireStep], file: StaticString = #filePath, line: UInt = #line) throws -> WireTranscript {
        let r = try WireConversation.play(port: real.port, steps)
        let o = try WireConversation.play(port: ours.port, steps, reference: r)
        XCTAssertEqual(WireConversation.differences(r, o, steps), [], file: file, line: line)
        return o
    }

    private let hello3 = WireStep(compared: false, ["HELLO", "3"])

    func testQuitRepliesOkThenClosesAndDropsPipelinedCommands() throws {
        let o = try assertSameConversation([WireStep(replies: 1, ["QUIT"], ["PING"]), .listen])
        XCTAssertEqual(o.closedAfterStep, 0)
    }

    func testQuitInsideMultiRunsAtOnceAndCloses() throws {
        try assertSameConversation([WireStep(replies: 2, ["MULTI"], ["QUIT"], ["PING"]), .listen])
    }

    func testResetKeepsTheConnection() throws {
        try assertSameConversation([hello3, WireStep(["CLIENT", "SETNAME", "n"], ["SUBSCRIBE", "x"], ["RESET"], ["CLIENT", "GETNAME"], ["PING"]),
                                    WireStep(["MULTI"], ["SET", "a", "1"], ["RESET"], ["PING"]), WireStep(["RESET", "x"])])
    }

    func testClientKillUserSkipmeNoRepliesThenClosesAndDropsPipelinedCommands() throws {
        try assertSameConversation(SelfKillConversations.userSkipmeNo)
    }

    func testClientKillIdOfCallerRepliesThenCloses() throws {
        try assertSameConversation(SelfKillConversations.idOfCaller)
    }

    func testClientKillAddrOfCallerRepliesThenCloses() throws {
        try assertSameConversation(SelfKillConversations.addrOfCaller)
    }

    func testClientKillLaddrRepliesThenCloses() throws {
        try assertSameConversation(SelfKillConversations.laddrOfCaller)
    }

    func testClientKillTypeNormalRepliesThenCloses() throws {
        try assertSameConversation(SelfKillConversations.typeNormal)
    }

    func testOldFormClientKillOfCallerRepliesOkThenCloses() throws {
        try assertSameConversation(SelfKillConversations.oldFormOfCaller)
    }

    func testClientKillRefusesBadOptionsInRedisOrder() throws {
        try assertSameConversation([
            WireStep(["CLIENT", "KILL", "TYPE", "bogus", "SKIPME"]), WireStep(["CLIENT", "KILL", "USER", "nosuch", "SKIPME", "no"]),
            WireStep(["CLIENT", "KILL", "ID", "0"]), WireStep(["CLIENT", "KILL", "SKIPME", "maybe"]),
            WireStep(["CLIENT", "KILL", "ID", "1", "SKIPME"]), WireStep(["CLIENT", "KILL", "1.2.3.4:5"]), WireStep(["PING"])])
    }

    func testSubscriberKillingItselfInResp3GetsItsReplyThenCloses() throws {
        try assertSameConversation([hello3, WireStep(["SUBSCRIBE", "x"]),
                                    WireStep(replies: 1, ["CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "no"], ["PING"]), .listen])
    }

    /// The kill runs inside EXEC: the commands queued after it still run,
    /// but their replies are dropped, so the EXEC array arrives short.
    func testClientKillOfCallerInsideExecCutsTheExecReplyThenCloses() throws {
        let o = try assertSameConversation([
            WireStep(replies: 4, ["MULTI"], ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"], ["SET", "a", "1"], ["EXEC"], ["PING"]), .listen])
        XCTAssertEqual(o.closedAfterStep, 0)
        let check = try ProcessFixture.connect(ours.port)
        defer { check.close() }
        XCTAssertEqual(try check.call("GET", "a"), .bulk("1"))
    }

    func testClientKillOfCallerUnderClientPauseAnswersWhenThePauseEnds() throws {
        try assertSameConversation([WireStep(["CLIENT", "PAUSE", "500", "ALL"]),
                                    WireStep(replies: 1, ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"], ["PING"]), .listen])
    }

    func testClientKillOfCallerUnderWritePauseAnswersAtOnce() throws {
        try assertSameConversation([WireStep(["CLIENT", "PAUSE", "2000", "WRITE"]),
                                    WireStep(replies: 1, ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"], ["PING"]), .listen])
    }

    func testClientPauseQueuedInMultiThenSelfKillRepliesThenCloses() throws {
        try assertSameConversation([
            WireStep(replies: 4, ["MULTI"], ["CLIENT", "PAUSE", "500"], ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"], ["EXEC"], ["PING"]),
            .listen])
    }

    func testCallerWithRepliesOffThatKillsItselfStaysConnected() throws {
        let o = try assertSameConversation([WireStep(replies: 0, ["CLIENT", "REPLY", "OFF"], ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"], ["PING"]),
                                            .listen])
        XCTAssertNil(o.closedAfterStep)
    }

    func testCallerWithRepliesOffThatQuitsStaysConnected() throws {
        try assertSameConversation([WireStep(replies: 0, ["CLIENT", "REPLY", "OFF"], ["QUIT"]), .listen])
    }

    func testShutdownWithBadOptionsOrInsideMultiRepliesAndKeepsRunning() throws {
        try assertSameConversation([WireStep(["SHUTDOWN", "NOSAVE", "ABORT"]), WireStep(["SHUTDOWN", "SAVE", "NOSAVE"]),
                                    WireStep(["SHUTDOWN", "ABORT"]), WireStep(["SHUTDOWN", "FOO"]),
                                    WireStep(["MULTI"], ["SHUTDOWN"], ["EXEC"]), WireStep(["PING"])])
    }

    func testShutdownClosesTheCallerWithoutAReplyAndExits() throws {
        let o = try assertSameConversation([WireStep(replies: 0, ["SHUTDOWN", "NOSAVE"], ["PING"]), .listen])
        XCTAssertEqual(o.closedAfterStep, 0)
        for s in [real!, ours!] {
            let deadline = Date().addingTimeInterval(10)
            while s.process.isRunning && Date() < deadline { usleep(20_000) }
            XCTAssertEqual(s.process.terminationStatus, 0, "port \(s.port)")
        }
    }
}
