import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Commands that can end the caller's own connection, played byte for byte
/// against redis-sentinel 7.0.15 and vigil-sentinel: the replies received and
/// after which step (if any) the connection closed must be the same.
final class SentinelSelfDisconnectProcessTests: XCTestCase {
    private var deployment: LocalDeployment!
    private var real: LocalDeployment.Node!
    private var ours: LocalDeployment.Node!

    override func setUpWithError() throws {
        let vigil = try LocalDeployment.requireBinaries()
        deployment = try LocalDeployment()
        // A master nobody listens on: nothing here depends on a data node.
        deployment.masterPort = Ports.free()
        ours = try deployment.startSentinel(.vigil, vigil: vigil, downAfter: 60000)
        real = try deployment.startSentinel(.real, vigil: vigil, downAfter: 60000)
    }

    override func tearDown() {
        deployment?.tearDown()
    }

    /// Plays `steps` on both sentinels and compares; returns ours.
    @discardableResult
    private func assertSameConversation(_ steps: [WireStep], file: StaticString = #filePath, line: UInt = #line) throws -> WireTranscript {
        let r = try WireConversation.play(port: real.port, steps)
        let o = try WireConversation.play(port: ours.port, steps, reference: r)
        XCTAssertEqual(WireConversation.differences(r, o, steps), [], file: file, line: line)
        return o
    }

    private let hello3 = WireStep(compared: false, ["HELLO", "3"])

    func testClientKillUserSkipmeNoRepliesThenClosesAndDropsPipelinedCommands() throws {
        let o = try assertSameConversation(SelfKillConversations.userSkipmeNo)
        XCTAssertEqual(o.received.first, Array(":1\r\n".utf8))
        XCTAssertEqual(o.closedAfterStep, 0)
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
        let o = try assertSameConversation(SelfKillConversations.oldFormOfCaller)
        XCTAssertEqual(o.received.first, Array("+OK\r\n".utf8))
    }

    func testClientKillSkipsCallerByDefault() throws {
        try assertSameConversation([WireStep(["CLIENT", "KILL", "TYPE", "normal"], ["CLIENT", "KILL", "USER", "default", "SKIPME", "yes"]),
                                    WireStep(["PING"])])
    }

    func testClientKillRefusesBadOptionsInRedisOrder() throws {
        try assertSameConversation([
            WireStep(["CLIENT", "KILL", "TYPE", "bogus", "SKIPME"]), WireStep(["CLIENT", "KILL", "USER", "nosuch", "SKIPME", "no"]),
            WireStep(["CLIENT", "KILL", "ID", "0"]), WireStep(["CLIENT", "KILL", "ID", "x", "SKIPME", "no"]),
            WireStep(["CLIENT", "KILL", "SKIPME", "maybe"]), WireStep(["CLIENT", "KILL", "MAXAGE", "0", "SKIPME", "no"]),
            WireStep(["CLIENT", "KILL", "ID", "1", "SKIPME"]), WireStep(["CLIENT", "KILL", "1.2.3.4:5"]),
            WireStep(["CLIENT", "KILL", "TYPE", "master", "SKIPME", "no"]), WireStep(["CLIENT", "KILL", "TYPE", "replica", "SKIPME", "no"]),
            WireStep(["PING"])])
    }

    func testSubscriberKillingItselfInResp3GetsItsReplyThenCloses() throws {
        try assertSameConversation([hello3, WireStep(["SUBSCRIBE", "x"]),
                                    WireStep(replies: 1, ["CLIENT", "KILL", "TYPE", "pubsub", "SKIPME", "no"], ["PING"]), .listen])
    }

    func testClientKillOfCallerUnderClientPauseAnswersWhenThePauseEnds() throws {
        try assertSameConversation([WireStep(["CLIENT", "PAUSE", "500", "ALL"]),
                                    WireStep(replies: 1, ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"], ["PING"]), .listen])
    }

    func testClientPauseWriteHoldsNoSentinelCommand() throws {
        try assertSameConversation([WireStep(["CLIENT", "PAUSE", "2000", "WRITE"]), WireStep(["PING"]),
                                    WireStep(replies: 1, ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"], ["PING"]), .listen])
    }

    func testClientPauseRefusesBadArguments() throws {
        try assertSameConversation([WireStep(["CLIENT", "PAUSE", "x"]), WireStep(["CLIENT", "PAUSE", "10", "FOO"]),
                                    WireStep(["CLIENT", "PAUSE", "-1"]), WireStep(["CLIENT", "PAUSE", "10", "ALL", "x"]),
                                    WireStep(["CLIENT", "PAUSE"]), WireStep(["CLIENT", "UNPAUSE", "x"])])
    }

    func testCallerWithRepliesOffThatKillsItselfStaysConnected() throws {
        let o = try assertSameConversation([WireStep(replies: 0, ["CLIENT", "REPLY", "OFF"], ["CLIENT", "KILL", "TYPE", "normal", "SKIPME", "no"], ["PING"]),
                                            .listen])
        XCTAssertNil(o.closedAfterStep)
    }

    func testAclDeluserOfOwnUserRepliesThenClosesAndDropsPipelinedCommands() throws {
        try assertSameConversation([WireStep(["ACL", "SETUSER", "bob", "on", ">pw", "+@all", "~*", "&*"]), WireStep(["AUTH", "bob", "pw"]),
                                    WireStep(replies: 1, ["ACL", "DELUSER", "nosuch", "bob"], ["PING"]), .listen])
    }

    func testAclSetuserOfOwnUserKeepsTheConnectionAndAppliesAtOnce() throws {
        try assertSameConversation([WireStep(["ACL", "SETUSER", "bob", "on", ">pw", "+@all", "~*", "&*"]), WireStep(["AUTH", "bob", "pw"]),
                                    WireStep(["ACL", "SETUSER", "bob", "off"], ["PING"]), WireStep(["ACL", "SETUSER", "bob", "resetpass"], ["PING"]),
                                    WireStep(["ACL", "SETUSER", "bob", "reset"], ["PING"]), WireStep(["ACL", "DELUSER", "bob"])])
    }

    func testAclDeluserDefaultIsRefusedBeforeAnyUserIsDeleted() throws {
        try assertSameConversation([WireStep(["ACL", "SETUSER", "bob", "on", ">pw", "+@all"]), WireStep(["AUTH", "bob", "pw"]),
                                    WireStep(["ACL", "DELUSER", "bob", "default"]), WireStep(["ACL", "WHOAMI"])])
    }

    /// redis-sentinel 7.0.15 frees the caller while still serving it and
    /// crashes (signal 11) here, so there is nothing to compare with: ours
    /// answers +OK and then closes, as later Redis versions do.
    func testAclSetuserRevokingOwnSubscriptionRepliesThenCloses() throws {
        let steps = [WireStep(["ACL", "SETUSER", "bob", "on", ">pw", "+@all", "~*", "&*"]), WireStep(["AUTH", "bob", "pw"]), hello3,
                     WireStep(["SUBSCRIBE", "ch"]), WireStep(replies: 1, ["ACL", "SETUSER", "bob", "resetchannels"], ["PING"]), .listen]
        let o = try WireConversation.play(port: ours.port, steps)
        XCTAssertEqual(o.received[4], Array("+OK\r\n".utf8))
        XCTAssertEqual(o.closedAfterStep, 4)
        XCTAssertEqual(try ours.call("PING"), .simple("PONG"))
    }

    func testAclLoadClosesConnectionsOfReloadedUsersAfterTheirReply() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let file = deployment.dir + "/users.acl"
        try "user default on nopass ~* &* +@all\nuser carol on >pw +@all\n".write(toFile: file, atomically: true, encoding: .utf8)
        real = try deployment.startSentinel(.real, vigil: vigil, downAfter: 60000, extra: ["aclfile \(file)"])
        ours = try deployment.startSentinel(.vigil, vigil: vigil, downAfter: 60000, extra: ["aclfile \(file)"])
        try assertSameConversation([WireStep(["AUTH", "carol", "pw"]), WireStep(replies: 1, ["ACL", "LOAD"], ["PING"]), .listen])
        // The default user keeps its connections.
        try assertSameConversation([WireStep(["ACL", "LOAD"], ["PING"])])
    }

    func testQuitAndResetAreUnknownToTheSentinel() throws {
        try assertSameConversation([WireStep(["QUIT"], ["PING"]), WireStep(["RESET"], ["PING"])])
    }

    func testShutdownWithBadOptionsRepliesAndKeepsRunning() throws {
        try assertSameConversation([WireStep(["SHUTDOWN", "NOSAVE", "ABORT"]), WireStep(["SHUTDOWN", "ABORT", "ABORT"]),
                                    WireStep(["SHUTDOWN", "SAVE", "NOSAVE"]), WireStep(["SHUTDOWN", "FOO"]), WireStep(["PING"])])
    }

    func testShutdownClosesTheCallerWithoutAReplyAndExits() throws {
        let o = try assertSameConversation([WireStep(replies: 0, ["SHUTDOWN", "NOW", "FORCE", "NOW"], ["PING"]), .listen])
        XCTAssertEqual(o.closedAfterStep, 0)
        for node in [real!, ours!] {
            try LocalDeployment.waitUntil(10, "\(node.label) to exit") { !node.process.isRunning }
            XCTAssertEqual(node.process.terminationStatus, 0, node.label)
        }
    }
}
