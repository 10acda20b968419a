import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class PubSubCommandsTests: XCTestCase {
    /// Takes what a (socketless) subscriber has been sent so far.
    func drain(_ c: Client) -> String {
        let s = String(decoding: c.out.bytes, as: UTF8.self)
        c.out.bytes.removeAll()
        return s
    }

    func testSubscribeRepliesAndCounts() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("SUBSCRIBE", "a", "b", "a"),
                       "*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nb\r\n:2\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\na\r\n:2\r\n")
        XCTAssertEqual(h.rawString("PSUBSCRIBE", "p*", "p*", "q?"),
                       "*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\np*\r\n:3\r\n*3\r\n$10\r\npsubscribe\r\n$2\r\nq?\r\n:4\r\n")
        // Shard subscriptions are counted on their own.
        XCTAssertEqual(h.rawString("SSUBSCRIBE", "s1", "s2"),
                       "*3\r\n$10\r\nssubscribe\r\n$2\r\ns1\r\n:1\r\n*3\r\n$10\r\nssubscribe\r\n$2\r\ns2\r\n:2\r\n")
        XCTAssertTrue(h.client.flags.contains(.pubsub))
        XCTAssertEqual(h.rawString("GET", "x"),
                       "-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n")
        XCTAssertEqual(h.rawString("PUNSUBSCRIBE", "p*", "zz"),
                       "*3\r\n$12\r\npunsubscribe\r\n$2\r\np*\r\n:3\r\n*3\r\n$12\r\npunsubscribe\r\n$2\r\nzz\r\n:3\r\n")
        // Unsubscribe-all order is the hash order (as Redis's dict): check the set of replies.
        let all = h.rawString("UNSUBSCRIBE")
        let unsub = "*3\r\n$11\r\nunsubscribe\r\n"
        XCTAssertTrue(all == unsub + "$1\r\na\r\n:2\r\n" + unsub + "$1\r\nb\r\n:1\r\n"
                      || all == unsub + "$1\r\nb\r\n:2\r\n" + unsub + "$1\r\na\r\n:1\r\n", all)
        XCTAssertEqual(h.client.channels.count, 0)
        XCTAssertEqual(h.rawString("PUNSUBSCRIBE"), "*3\r\n$12\r\npunsubscribe\r\n$2\r\nq?\r\n:0\r\n")
        XCTAssertTrue(h.client.flags.contains(.pubsub), "shard channels keep the client in pub/sub mode")
        XCTAssertEqual(h.rawString("SUNSUBSCRIBE", "s1"), "*3\r\n$12\r\nsunsubscribe\r\n$2\r\ns1\r\n:1\r\n")
        XCTAssertEqual(h.rawString("SUNSUBSCRIBE"), "*3\r\n$12\r\nsunsubscribe\r\n$2\r\ns2\r\n:0\r\n")
        XCTAssertFalse(h.client.flags.contains(.pubsub))
        XCTAssertEqual(h.rawString("PING"), "+PONG\r\n")
    }

    func testUnsubscribeWithNothingSubscribed() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("UNSUBSCRIBE"), "*3\r\n$11\r\nunsubscribe\r\n$-1\r\n:0\r\n")
        XCTAssertEqual(h.rawString("PUNSUBSCRIBE"), "*3\r\n$12\r\npunsubscribe\r\n$-1\r\n:0\r\n")
        XCTAssertEqual(h.rawString("SUNSUBSCRIBE"), "*3\r\n$12\r\nsunsubscribe\r\n$-1\r\n:0\r\n")
        XCTAssertEqual(h.rawString("UNSUBSCRIBE", "a", "b"),
                       "*3\r\n$11\r\nunsubscribe\r\n$1\r\na\r\n:0\r\n*3\r\n$11\r\nunsubscribe\r\n$1\r\nb\r\n:0\r\n")
        XCTAssertFalse(h.client.flags.contains(.pubsub))
        _ = h.rawString("HELLO", "3")
        XCTAssertEqual(h.rawString("UNSUBSCRIBE"), ">3\r\n$11\r\nunsubscribe\r\n_\r\n:0\r\n")
        _ = h.rawString("PSUBSCRIBE", "x")
        XCTAssertEqual(h.rawString("UNSUBSCRIBE"), ">3\r\n$11\r\nunsubscribe\r\n_\r\n:1\r\n")
    }

    func testPublishDeliversToChannelsAndPatterns() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient()
        _ = h.raw(["SUBSCRIBE", "ch"], on: a)
        _ = h.raw(["PSUBSCRIBE", "c*"], on: a)
        _ = h.raw(["HELLO", "3"], on: b)
        _ = h.raw(["SUBSCRIBE", "ch"], on: b)
        _ = h.raw(["SSUBSCRIBE", "ch"], on: b)
        XCTAssertEqual(h.call("PUBLISH", "ch", "hi"), .integer(3))
        XCTAssertEqual(drain(a), "*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\nch\r\n$2\r\nhi\r\n")
        XCTAssertEqual(drain(b), ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n")
        XCTAssertEqual(h.call("SPUBLISH", "ch", "x"), .integer(1))
        XCTAssertEqual(drain(a), "")
        XCTAssertEqual(drain(b), ">3\r\n$8\r\nsmessage\r\n$2\r\nch\r\n$1\r\nx\r\n")
        XCTAssertEqual(h.call("PUBLISH", "cx", "y"), .integer(1))
        XCTAssertEqual(drain(a), "*4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$2\r\ncx\r\n$1\r\ny\r\n")
        XCTAssertEqual(h.call("PUBLISH", "nobody", "y"), .integer(0))
        XCTAssertEqual(h.call("SPUBLISH", "nobody", "y"), .integer(0))
        XCTAssertEqual(h.rawString("PUBLISH", "ch"), "-ERR wrong number of arguments for 'publish' command\r\n")
    }

    func testPublishToSelfInResp3() throws {
        let h = try Harness()
        _ = h.rawString("HELLO", "3")
        _ = h.rawString("SUBSCRIBE", "ch")
        XCTAssertEqual(h.rawString("PUBLISH", "ch", "self"), ">3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$4\r\nself\r\n:1\r\n")
    }

    func testBinaryChannelsAndGlobPatterns() throws {
        let h = try Harness()
        let a = h.newClient()
        _ = h.call(bytes: [Array("PSUBSCRIBE".utf8), Array("news.[ab]?".utf8)], on: a)
        _ = h.call(bytes: [Array("SUBSCRIBE".utf8), [0, 255, 10]], on: a)
        a.out.bytes.removeAll()
        XCTAssertEqual(h.call(bytes: [Array("PUBLISH".utf8), [0, 255, 10], [1]]), .integer(1))
        XCTAssertEqual(a.out.bytes, Array("*3\r\n$7\r\nmessage\r\n$3\r\n".utf8) + [0, 255, 10] + Array("\r\n$1\r\n".utf8) + [1, 13, 10])
        a.out.bytes.removeAll()
        XCTAssertEqual(h.call("PUBLISH", "news.ax", "m"), .integer(1))
        XCTAssertEqual(h.call("PUBLISH", "news.cx", "m"), .integer(0))
        XCTAssertEqual(h.call("PUBLISH", "News.ax", "m"), .integer(0))
    }

    func testPubsubIntrospection() throws {
        let h = try Harness()
        let a = h.newClient(), b = h.newClient()
        _ = h.raw(["SUBSCRIBE", "ch", "other"], on: a)
        _ = h.raw(["SUBSCRIBE", "ch"], on: b)
        _ = h.raw(["PSUBSCRIBE", "x*"], on: a)
        _ = h.raw(["PSUBSCRIBE", "x*", "y*"], on: b)
        _ = h.raw(["SSUBSCRIBE", "sh"], on: b)
        guard case .array(let chans?) = h.call("PUBSUB", "CHANNELS") else { return XCTFail() }
        XCTAssertEqual(Set(chans.compactMap { $0.string }), ["ch", "other"])
        XCTAssertEqual(h.call("PUBSUB", "CHANNELS", "o*"), .array([.bulk("other")]))
        XCTAssertEqual(h.rawString("PUBSUB", "NUMSUB", "ch", "zz"), "*4\r\n$2\r\nch\r\n:2\r\n$2\r\nzz\r\n:0\r\n")
        XCTAssertEqual(h.rawString("PUBSUB", "NUMSUB"), "*0\r\n")
        XCTAssertEqual(h.call("PUBSUB", "NUMPAT"), .integer(2), "distinct patterns, as 7.0 counts them")
        XCTAssertEqual(h.call("PUBSUB", "SHARDCHANNELS"), .array([.bulk("sh")]))
        XCTAssertEqual(h.call("PUBSUB", "SHARDCHANNELS", "z*"), .array([]))
        XCTAssertEqual(h.rawString("PUBSUB", "SHARDNUMSUB", "sh", "ch"), "*4\r\n$2\r\nsh\r\n:1\r\n$2\r\nch\r\n:0\r\n")
        // Still a flat array in RESP3.
        _ = h.rawString("HELLO", "3")
        XCTAssertEqual(h.rawString("PUBSUB", "NUMSUB", "ch"), "*2\r\n$2\r\nch\r\n:2\r\n")
        XCTAssertEqual(h.rawString("PUBSUB", "CHANNELS", "a", "b"),
                       "-ERR unknown subcommand or wrong number of arguments for 'CHANNELS'. Try PUBSUB HELP.\r\n")
        XCTAssertEqual(h.rawString("PUBSUB", "SHARDCHANNELS", "a", "b"),
                       "-ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP.\r\n")
        XCTAssertEqual(h.rawString("PUBSUB", "NUMPAT", "x"), "-ERR wrong number of arguments for 'pubsub|numpat' command\r\n")
        XCTAssertEqual(h.rawString("PUBSUB", "foo"), "-ERR unknown subcommand 'foo'. Try PUBSUB HELP.\r\n")
        let help = h.rawString("PUBSUB", "HELP")
        XCTAssertTrue(help.hasPrefix("*14\r\n+PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n"))
        XCTAssertTrue(help.hasSuffix("+HELP\r\n+    Prints this help.\r\n"))
        // Disconnecting removes every subscription.
        h.server.freeClient(b, reason: "test")
        XCTAssertEqual(h.call("PUBSUB", "NUMSUB", "ch"), .array([.bulk("ch"), .integer(1)]))
        XCTAssertEqual(h.call("PUBSUB", "NUMPAT"), .integer(1))
        XCTAssertEqual(h.call("PUBSUB", "SHARDCHANNELS"), .array([]))
    }

    func testSubscribeInsideMulti() throws {
        let h = try Harness()
        _ = h.rawString("MULTI")
        XCTAssertEqual(h.rawString("SUBSCRIBE", "x"), "+QUEUED\r\n")
        XCTAssertEqual(h.rawString("EXEC"), "*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n")
        XCTAssertTrue(h.client.flags.contains(.pubsub))
    }

    func testMonitorFeed() throws {
        let h = try Harness()
        let m = h.newClient()
        XCTAssertEqual(h.raw(["MONITOR"], on: m), Array("+OK\r\n".utf8))
        XCTAssertTrue(m.flags.contains(.monitor))
        // A second MONITOR is ignored without a reply.
        XCTAssertEqual(h.raw(["MONITOR"], on: m), [])
        _ = h.rawString("SET", "a", "b c\"\n")
        _ = h.rawString("SELECT", "3")
        _ = h.rawString("FOO")
        _ = h.rawString("GET")
        _ = h.rawString("CLIENT", "LIST")
        _ = h.rawString("MULTI")
        _ = h.rawString("ECHO", "x")
        _ = h.rawString("EXEC")
        let lines = String(decoding: m.out.bytes, as: UTF8.self).split(separator: "\r\n").map(String.init)
        XCTAssertEqual(lines.count, 5, "\(lines)")
        // +<sec>.<usec> [db addr] args...
        let re = try NSRegularExpression(pattern: #"^\+[0-9]+\.[0-9]{6} \[([0-9]+) 127\.0\.0\.1:0\] (.*)$"#)
        // Arguments as the client spelled them.
        let expected = [("0", #""SET" "a" "b c\"\n""#), ("3", #""SELECT" "3""#), ("3", #""MULTI""#),
                        ("3", #""ECHO" "x""#), ("3", #""EXEC""#)]
        for (line, (db, args)) in zip(lines, expected) {
            guard let match = re.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)) else {
                XCTFail("bad monitor line \(line)"); continue
            }
            XCTAssertEqual(String(line[Range(match.range(at: 1), in: line)!]), db)
            XCTAssertEqual(String(line[Range(match.range(at: 2), in: line)!]), args)
        }
    }

    func testMonitorRefusedInsideExec() throws {
        let h = try Harness()
        _ = h.rawString("MULTI")
        _ = h.rawString("MONITOR")
        XCTAssertEqual(h.rawString("EXEC"), "*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n")
        XCTAssertTrue(h.server.monitors.isEmpty)
    }

    func testSlowSubscriberIsDisconnectedAtPubsubLimit() throws {
        var cfg = ServerConfig()
        cfg.clientOutputBufferLimits = cfg.clientOutputBufferLimits.map { l in
            var l = l
            if l.className == "pubsub" { l.hard = 1000; l.soft = 0; l.softSeconds = 0 }
            return l
        }
        let h = try Harness(config: cfg)
        let sub = h.newClient()
        _ = h.raw(["SUBSCRIBE", "ch"], on: sub)
        let payload = String(repeating: "x", count: 300)
        var delivered = 0
        for _ in 0..<10 {
            if case .integer(let n) = h.call("PUBLISH", "ch", payload) { delivered += Int(n) }
        }
        XCTAssertTrue(sub.isFreed)
        XCTAssertLessThan(delivered, 10)
        XCTAssertEqual(h.call("PUBSUB", "NUMSUB", "ch"), .array([.bulk("ch"), .integer(0)]))
    }
}
