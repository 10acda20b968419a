import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// The sentinel's own command set compared with a real redis-sentinel 7.0,
/// byte for byte, over the same conversation.
final class ServerCommandDiffTests: XCTestCase {
    /// Replies that must be identical bytes.
    static let exact: [[String]] = [
        ["COMMAND", "COUNT"], ["COMMAND", "INFO", "ping", "nosuch"], ["COMMAND", "DOCS", "ping"], ["COMMAND", "HELP"],
        ["COMMAND", "GETKEYS", "ping"], ["COMMAND", "FOO"],
        ["PING"], ["PING", "x"], ["PING", "a", "b"], ["ECHO", "x"], ["CONFIG", "GET", "port"], ["GET", "k"], ["QUIT"],
        ["SENTINEL"], ["SENTINEL", "foo"], ["SENTINEL", "MASTER", "nope"], ["SENTINEL", "MASTER"], ["SENTINEL", "DEBUG"],
        ["SENTINEL", "DEBUG", "foo"], ["SENTINEL", "DEBUG", "ping-period", "x"], ["SENTINEL", "CONFIG", "GET", "*"],
        ["SENTINEL", "CONFIG", "SET", "foo", "bar"], ["SENTINEL", "CONFIG", "GET"], ["SENTINEL", "HELP"],
        ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "mymaster"], ["SENTINEL", "GET-MASTER-ADDR-BY-NAME", "x"],
        ["SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "1.2.3.4", "1", "0", "*"], ["SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "1.2.3.4", "x", "0", "*"],
        ["SENTINEL", "SET", "mymaster", "quorum", "0"], ["SENTINEL", "SET", "mymaster", "foo", "1"], ["SENTINEL", "SET", "mymaster"],
        ["SENTINEL", "SET", "mymaster", "notification-script", "/bin/true"], ["SENTINEL", "SET", "nope", "quorum", "1"],
        ["SENTINEL", "CKQUORUM", "mymaster"], ["SENTINEL", "CKQUORUM", "nope"], ["SENTINEL", "FAILOVER", "nope"],
        ["SENTINEL", "MONITOR", "a", "127.0.0.1", "x", "2"], ["SENTINEL", "MONITOR", "a", "127.0.0.1", "1", "x"],
        ["SENTINEL", "MONITOR", "a", "nohost", "1", "2"], ["SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "70000", "2"],
        ["SENTINEL", "MONITOR", "mymaster", "127.0.0.1", "1", "2"], ["SENTINEL", "REMOVE", "nope"], ["SENTINEL", "RESET", "nomatch*"],
        ["SENTINEL", "INFO-CACHE", "nope"], ["SENTINEL", "PENDING-SCRIPTS"], ["SENTINEL", "SIMULATE-FAILURE", "help"],
        ["SENTINEL", "SIMULATE-FAILURE", "x"], ["SENTINEL", "SLAVES", "nope"], ["SENTINEL", "SENTINELS", "mymaster"],
        ["ROLE"], ["ACL", "WHOAMI"], ["ACL", "LIST"], ["ACL", "USERS"], ["ACL", "CAT"], ["ACL", "CAT", "nope"],
        ["ACL", "GETUSER", "default"], ["ACL", "GETUSER", "nope"], ["ACL", "SETUSER", "bob", "on", ">pw", "~*", "&*", "+@all"],
        ["ACL", "LIST"], ["ACL", "GETUSER", "bob"], ["ACL", "SETUSER", "alice"], ["ACL", "LIST"], ["ACL", "SETUSER", "x", "foo"],
        ["ACL", "DELUSER", "bob", "alice", "zz"], ["ACL", "DELUSER", "default"], ["ACL", "LOG"], ["ACL", "HELP"], ["ACL", "foo"],
        ["ACL", "DRYRUN", "default", "ping"],
        ["AUTH", "x"], ["AUTH", "a", "b"], ["AUTH", "a", "b", "c"], ["PUBLISH", "foo", "bar"],
        ["CLIENT", "GETNAME"], ["CLIENT", "SETNAME", "x y"], ["CLIENT", "SETNAME", "abc"], ["CLIENT", "GETNAME"],
        ["CLIENT", "HELP"], ["CLIENT", "foo"], ["CLIENT", "KILL", "1.1.1.1:1"], ["CLIENT", "REPLY", "maybe"],
        ["HELLO", "4"], ["HELLO", "x"], ["HELLO", "3", "foo"], ["SUBSCRIBE", "a", "b"], ["PING"], ["GET", "x"],
        ["UNSUBSCRIBE", "a"], ["PSUBSCRIBE", "x*"], ["PUNSUBSCRIBE", "x*", "y"], ["UNSUBSCRIBE"],
        ["INFO", "nosuchsection"], ["SHUTDOWN", "ABORT"], ["SHUTDOWN", "foo"],
        // Client bytes echoed in errors: cut at NUL, newlines as spaces, raw UTF-8.
        ["NOSUCHCMD", "a\nb", "c\u{0}d", "é"], ["CLIENT", "nosuch\nsub"], ["CLIENT", "KILL", "TYPE", "x\u{0}y"],
        ["CLIENT", "KILL", "ID", "0"], ["CLIENT", "KILL", "USER", "nobody"], ["CLIENT", "KILL", "SKIPME", "maybe"],
        ["CLIENT", "KILL", "ADDR"], ["CLIENT", "PAUSE"], ["CLIENT", "PAUSE", "10", "foo"], ["CLIENT", "PAUSE", "x"],
        ["CLIENT", "PAUSE", "-1"], ["CLIENT", "PAUSE", "1", "2", "3"],
    ]

    func testRepliesMatchRealSentinel() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        // A master nobody listens on: replies do not depend on a data node.
        d.masterPort = Ports.free()
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 60000)
        let r = try d.startSentinel(.real, vigil: vigil, downAfter: 60000)
        let cv = try v.connect(), cr = try r.connect()
        defer { cv.close(); cr.close() }
        var same = 0
        for cmd in Self.exact {
            try cv.send(cmd)
            try cr.send(cmd)
            // (P)(UN)SUBSCRIBE answer once per channel.
            let kind = cmd[0].uppercased()
            let replies = kind.hasSuffix("SUBSCRIBE") ? max(1, cmd.count - 1) : 1
            var a: [UInt8] = [], b: [UInt8] = []
            for _ in 0..<replies {
                a += try cv.readRawReply()
                b += try cr.readRawReply()
            }
            if a == b { same += 1 }
            XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self), "\(cmd)")
        }
        print("\(same)/\(Self.exact.count) replies byte-identical to redis-sentinel 7.0.15")

        // Same up to order (the real one iterates hash tables) or to natural values.
        func decoded(_ c: RedisConnection, _ args: String...) throws -> RESPValue { try c.call(args) }
        for args in [["COMMAND", "LIST"], ["ACL", "CAT", "pubsub"]] {
            let a = try cv.call(args).elements?.compactMap(\.string).sorted()
            let b = try cr.call(args).elements?.compactMap(\.string).sorted()
            XCTAssertEqual(a, b, "\(args)")
        }
        XCTAssertEqual(try cv.call("COMMAND").elements?.count, try cr.call("COMMAND").elements?.count)
        let hv = LocalDeployment.pairs(try cv.call("HELLO", "2")), hr = LocalDeployment.pairs(try cr.call("HELLO", "2"))
        XCTAssertEqual(hv.map(\.0), hr.map(\.0))
        XCTAssertEqual(hv.filter { $0.0 != "id" }.map(\.1), hr.filter { $0.0 != "id" }.map(\.1))
        for section in ["", "server", "clients", "stats", "cpu", "sentinel", "all", "everything", "default"] {
            let args = section.isEmpty ? ["INFO"] : ["INFO", section]
            let keys = { (v: RESPValue) in (v.string ?? "").split(separator: "\r\n").map { $0.split(separator: ":").first.map(String.init) ?? "" } }
            XCTAssertEqual(keys(try cv.call(args)), keys(try cr.call(args)), "INFO \(section) field names")
        }
        let listV = try cv.call("CLIENT", "LIST").string ?? "", listR = try cr.call("CLIENT", "LIST").string ?? ""
        let fieldNames = { (s: String) in s.split(separator: "\n").first.map { $0.split(separator: " ").map { $0.split(separator: "=").first.map(String.init) ?? "" } } }
        XCTAssertEqual(fieldNames(listV), fieldNames(listR), "CLIENT LIST fields")
    }

    func testRequirepassAndAuth() throws {
        let vigil = try LocalDeployment.requireBinaries()
        let d = try LocalDeployment()
        defer { d.tearDown() }
        d.masterPort = Ports.free()
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 60000, extra: ["requirepass s3cret"])
        let r = try d.startSentinel(.real, vigil: vigil, downAfter: 60000, extra: ["requirepass s3cret"])
        for cmd in [["PING"], ["SENTINEL", "MASTERS"], ["AUTH", "wrong"], ["HELLO", "3"], ["AUTH", "default", "wrong"],
                    ["AUTH", "s3cret"], ["PING"], ["ACL", "WHOAMI"], ["ACL", "LIST"],
                    ["ACL", "SETUSER", "ops", "on", ">pw", "+ping", "-@all", "+ping"], ["AUTH", "ops", "pw"], ["PING"],
                    ["SENTINEL", "MASTERS"], ["ACL", "WHOAMI"]] {
            let a = try v.connectAndReplay(cmd), b = try r.connectAndReplay(cmd)
            XCTAssertEqual(String(decoding: a, as: UTF8.self), String(decoding: b, as: UTF8.self), "\(cmd)")
        }
    }
}

extension LocalDeployment.Node {
    /// One connection for the whole conversation, kept per node.
    func connectAndReplay(_ cmd: [String]) throws -> [UInt8] {
        if conversation == nil { conversation = try connect() }
        try conversation!.send(cmd)
        return try conversation!.readRawReply()
    }
}
