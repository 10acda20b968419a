import Foundation
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// ACL LOG on the sentinel against a real redis-sentinel 7.0: failed logins
/// (AUTH, HELLO AUTH) and denied commands and channels are logged as
/// redis-sentinel logs them. Entries are compared field by field; of
/// client-info, the field names and the fields that do not depend on the
/// process (addresses, ids, ages and buffer sizes do).
final class SentinelACLLogTests: XCTestCase {
    static let restricted = ["ACL", "SETUSER", "alice", "on", ">pw", "-@all", "+ping", "+publish", "+subscribe",
                             "resetchannels", "&chan:*"]

    /// The requests of a second connection, whose failures fill the log.
    static let offences: [[String]] = [
        ["AUTH", "alice", "wrong"], ["auth", "nobody", "x"], ["HELLO", "3", "AUTH", "alice", "bad"],
        ["AUTH", "alice", "pw"], ["SENTINEL", "MASTERS"], ["PUBLISH", "foo", "x"], ["ROLE"],
        ["AUTH", "alice", "wrong"], ["SUBSCRIBE", "chan:1", "other"],
    ]

    static let stableClientFields: Set<String> = ["name", "flags", "db", "sub", "psub", "ssub", "multi", "cmd", "user", "redir", "resp"]

    func testFailedLoginsAndDeniedCommandsAreLoggedAsRedisSentinelLogsThem() throws {
        let (d, v, r) = try startBoth()
        defer { d.tearDown() }
        let ours = try offend(v), theirs = try offend(r)
        XCTAssertEqual(ours.count, theirs.count, "entries: vigil \(ours) redis \(theirs)")
        XCTAssertGreaterThanOrEqual(theirs.count, 7)
        for (i, (a, b)) in zip(ours, theirs).enumerated() {
            XCTAssertEqual(a.map(\.0), b.map(\.0), "entry \(i) field names")
            for ((name, mine), (_, real)) in zip(a, b) {
                switch name {
                case "age-seconds":
                    let age = Double(mine) ?? -1
                    XCTAssert(age >= 0 && age < 60, "entry \(i) age-seconds \(mine)")
                case "client-info":
                    let x = Self.fields(mine), y = Self.fields(real)
                    XCTAssertEqual(x.map(\.0), y.map(\.0), "entry \(i) client-info field names")
                    XCTAssertEqual(x.filter { Self.stableClientFields.contains($0.0) }.map(\.1),
                                   y.filter { Self.stableClientFields.contains($0.0) }.map(\.1), "entry \(i) client-info")
                default:
                    XCTAssertEqual(mine, real, "entry \(i) \(name)")
                }
            }
        }
    }

    func testLogCountResetAndErrorsAnswerAsRedisSentinel() throws {
        let (d, v, r) = try startBoth()
        defer { d.tearDown() }
        _ = try offend(v)
        _ = try offend(r)
        for cmd in [["ACL", "LOG", "2"], ["ACL", "LOG", "0"], ["ACL", "LOG", "-3"], ["ACL", "LOG", "x"], ["ACL", "LOG", "+1"],
                    ["ACL", "LOG", "1", "2"], ["ACL", "LOG", "RESET"], ["ACL", "LOG"]] {
            let a = try v.connectAndReplay(cmd), b = try r.connectAndReplay(cmd)
            if cmd == ["ACL", "LOG", "2"] {
                XCTAssertEqual(try ReplyParser().parse(a)?.value.elements?.count, 2, "ACL LOG 2: \(visible(a))")
                XCTAssertEqual(try ReplyParser().parse(b)?.value.elements?.count, 2, "ACL LOG 2 on redis-sentinel: \(visible(b))")
            } else {
                XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self), "\(cmd)")
            }
        }
    }

    func testAcllogMaxLenBoundsTheLog() throws {
        let (d, v, r) = try startBoth(extra: ["acllog-max-len 2"])
        defer { d.tearDown() }
        let ours = try offend(v), theirs = try offend(r)
        XCTAssertEqual(theirs.count, 2)
        XCTAssertEqual(ours.map { $0.first { $0.0 == "object" }?.1 }, theirs.map { $0.first { $0.0 == "object" }?.1 })
    }

    // MARK: helpers

    private func startBoth(extra: [String] = []) throws -> (LocalDeployment, LocalDeployment.Node, LocalDeployment.Node) {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        // A master nobody listens on: the replies do not depend on a data node.
        d.masterPort = Ports.free()
        do {
            let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 60000, extra: extra)
            let r = try d.startSentinel(.real, vigil: vigil, downAfter: 60000, extra: extra)
            return (d, v, r)
        } catch {
            d.tearDown()
            throw error
        }
    }

    /// Creates the restricted user, runs the offences on a fresh connection
    /// and returns ACL LOG's entries as (field, value) lists.
    private func offend(_ node: LocalDeployment.Node) throws -> [[(String, String)]] {
        let c = try node.connect()
        defer { c.close() }
        XCTAssertEqual(try c.call(Self.restricted).string, "OK")
        for cmd in Self.offences {
            try c.send(cmd)
            // SUBSCRIBE's denial is one error, not one reply per channel.
            _ = try c.readRawReply()
        }
        let log = try node.call("ACL", "LOG")
        return (log.elements ?? []).map(LocalDeployment.pairs)
    }

    /// `k=v k=v` as pairs, in order.
    static func fields(_ line: String) -> [(String, String)] {
        line.split(separator: " ").map { f in
            let kv = f.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(kv[0]), kv.count > 1 ? String(kv[1]) : "")
        }
    }
}
