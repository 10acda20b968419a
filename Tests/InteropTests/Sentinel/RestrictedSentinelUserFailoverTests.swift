import Foundation
import Glibc
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Sentinels that log in to vigil-server data nodes as a user holding only
/// what a sentinel needs (the ACL Redis's documentation gives for it) fail a
/// SIGKILLed master over as with the default user: every command they send
/// is allowed (no ACL LOG entry on any node), and their links are that user's.
final class RestrictedSentinelUserFailoverTests: XCTestCase {
    static let user = "sentinel-user"
    static let password = "sentinel-secret"
    /// Redis's documented sentinel user, as one `user` directive.
    static let aclLine = ["--user", user, "on", ">" + password, "allchannels", "+multi", "+slaveof", "+ping", "+exec",
                          "+subscribe", "+config|rewrite", "+role", "+publish", "+info", "+client|setname",
                          "+client|kill", "+script|kill"]
    static let sentinelLines = ["sentinel auth-user mymaster \(user)", "sentinel auth-pass mymaster \(password)"]

    func testVigilSentinelsWithARestrictedUserFailOverAVigilMaster() throws {
        try restrictedFailover(sentinels: [.vigil, .vigil, .vigil])
    }

    func testRedisSentinelsWithARestrictedUserFailOverAVigilMaster() throws {
        try restrictedFailover(sentinels: [.real, .real, .real])
    }

    func restrictedFailover(sentinels kinds: [LocalDeployment.Node.Kind]) throws {
        let vigil = try LocalDeployment.requireBinaries()
        let (d, sentinels) = try FailoverProcessTests.deploy(priorities: [10, 20], vigil, kinds: kinds, vigilDataNodes: true,
                                                            dataNodeArguments: Self.aclLine, sentinelLines: Self.sentinelLines)
        defer { d.tearDown() }
        let (best, other) = (d.replicaPorts[0], d.replicaPorts[1])
        // The sentinels found the replicas and each other through the restricted user.
        XCTAssertEqual(try Self.sentinelLinks(port: d.masterPort), sentinels.count * 2,
                       "each sentinel's command and pub/sub links to the master, logged in as \(Self.user)")
        let m = try RedisConnection(host: "127.0.0.1", port: d.masterPort)
        try ReplicationSync.writeLoad(m, rounds: 20, tag: "before")
        m.close()

        let (watcher, killed) = try d.killMasterExpectingSwitch(sentinels, from: d.masterPort, to: best)
        defer {
            watcher.printTraceIfAsked(since: killed)
            watcher.close()
        }
        try d.waitForReplica(other, following: best, pumping: watcher)
        try LocalDeployment.expectSameData(master: best, replicas: [other], "after the failover")
        for port in [best, other] {
            let c = try RedisConnection(host: "127.0.0.1", port: port)
            defer { c.close() }
            XCTAssertEqual(try c.call("ACL", "LOG"), .array([]), "a command a sentinel sent to \(port) was denied")
        }
        // redis-sentinel opens its links to a new master at its next ping period.
        try LocalDeployment.waitUntil(10, "every sentinel's two links to the new master, as \(Self.user)") {
            try Self.sentinelLinks(port: best) == sentinels.count * 2
        }
        d.expectNewMasterStaysUp(watcher, sentinels, port: best, since: killed)
    }

    /// Connections on `port` logged in as the sentinel user.
    static func sentinelLinks(port: Int) throws -> Int {
        let c = try RedisConnection(host: "127.0.0.1", port: port)
        defer { c.close() }
        let list = try c.call("CLIENT", "LIST").string ?? ""
        return list.split(separator: "\n").filter { $0.contains(" user=\(user) ") }.count
    }
}
