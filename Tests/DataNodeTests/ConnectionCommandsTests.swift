import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class ConnectionCommandsTests: XCTestCase {
    func testPingEcho() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("PING"), "+PONG\r\n")
        XCTAssertEqual(h.rawString("PING", "hi"), "$2\r\nhi\r\n")
        XCTAssertEqual(h.rawString("PING", "a", "b"), "-ERR wrong number of arguments for 'ping' command\r\n")
        XCTAssertEqual(h.rawString("ECHO", "a b"), "$3\r\na b\r\n")
        XCTAssertEqual(h.rawString("ECHO"), "-ERR wrong number of arguments for 'echo' command\r\n")
    }

    func testPingWhileSubscribed() throws {
        let h = try Harness()
        _ = h.rawString("SUBSCRIBE", "ch")
        XCTAssertEqual(h.rawString("PING"), "*2\r\n$4\r\npong\r\n$0\r\n\r\n")
        XCTAssertEqual(h.rawString("PING", "x"), "*2\r\n$4\r\npong\r\n$1\r\nx\r\n")
        // HELLO is not allowed in that context; a RESP3 subscriber pings normally.
        XCTAssertTrue(h.rawString("HELLO", "3").hasPrefix("-ERR Can't execute 'hello'"))
        let r3 = h.newClient()
        _ = h.raw(["HELLO", "3"], on: r3)
        _ = h.raw(["SUBSCRIBE", "ch"], on: r3)
        XCTAssertEqual(h.raw(["PING"], on: r3), Array("+PONG\r\n".utf8))
        XCTAssertEqual(h.raw(["PING", "x"], on: r3), Array("$1\r\nx\r\n".utf8))
    }

    func testQuitFlagsClose() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("QUIT"), "+OK\r\n")
        XCTAssertTrue(h.client.flags.contains(.closeAfterReply))
    }

    func testSelect() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("SELECT", "3"), .ok)
        XCTAssertEqual(h.client.dbIndex, 3)
        XCTAssertEqual(h.rawString("SELECT", "16"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.rawString("SELECT", "-1"), "-ERR DB index is out of range\r\n")
        XCTAssertEqual(h.rawString("SELECT", "x"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("SELECT", "2147483648"),
                       "-ERR value is out of range, value must between -2147483648 and 2147483647\r\n")
        XCTAssertEqual(h.client.dbIndex, 3)
    }

    static let hello3Prefix = "%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n$2\r\nid\r\n"

    func testHelloReplies() throws {
        let h = try Harness()
        let id = h.client.id
        XCTAssertEqual(h.rawString("HELLO"),
                       "*14\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:2\r\n$2\r\nid\r\n:\(id)\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n")
        XCTAssertEqual(h.rawString("HELLO", "3"),
                       Self.hello3Prefix + ":\(id)\r\n$4\r\nmode\r\n$10\r\nstandalone\r\n$4\r\nrole\r\n$6\r\nmaster\r\n$7\r\nmodules\r\n*0\r\n")
        XCTAssertEqual(h.client.proto, 3)
        XCTAssertEqual(h.rawString("GET", "missing"), "_\r\n")
        h.server.keyspace.isMaster = false
        XCTAssertTrue(h.rawString("HELLO").contains("$4\r\nrole\r\n$7\r\nreplica\r\n"))
        h.server.keyspace.isMaster = true
        _ = h.rawString("HELLO", "2")
        XCTAssertEqual(h.client.proto, 2)
    }

    func testHelloErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("HELLO", "x"), "-ERR Protocol version is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("HELLO", "4"), "-NOPROTO unsupported protocol version\r\n")
        XCTAssertEqual(h.rawString("HELLO", "1"), "-NOPROTO unsupported protocol version\r\n")
        XCTAssertEqual(h.rawString("HELLO", "3", "foo"), "-ERR Syntax error in HELLO option 'foo'\r\n")
        XCTAssertEqual(h.rawString("HELLO", "3", "AUTH", "a"), "-ERR Syntax error in HELLO option 'AUTH'\r\n")
        XCTAssertEqual(h.rawString("HELLO", "3", "setname"), "-ERR Syntax error in HELLO option 'setname'\r\n")
        XCTAssertEqual(h.rawString("HELLO", "3", "setname", "a b"),
                       "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        XCTAssertEqual(h.client.proto, 2)
        // No password configured: the default user takes any password; other users don't exist.
        XCTAssertTrue(h.rawString("HELLO", "3", "AUTH", "default", "whatever").hasPrefix("%7"))
        XCTAssertEqual(h.rawString("HELLO", "2", "setname", "n", "AUTH", "bob", "x"),
                       "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        // Options apply in order, as 7.0: the name set before the failing AUTH stays.
        XCTAssertEqual(h.call("CLIENT", "GETNAME"), .bulk("n"))
        XCTAssertEqual(h.client.proto, 3)
    }

    func testHelloSetnameAndClear() throws {
        let h = try Harness()
        _ = h.rawString("HELLO", "2", "SETNAME", "a", "SETNAME", "b")
        XCTAssertEqual(h.call("CLIENT", "GETNAME"), .bulk("b"))
        _ = h.rawString("HELLO", "2", "SETNAME", "")
        XCTAssertEqual(h.rawString("CLIENT", "GETNAME"), "$-1\r\n")
    }

    func testAuthWithoutPassword() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("AUTH", "x"),
                       "-ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?\r\n")
        XCTAssertEqual(h.call("AUTH", "default", "x"), .ok)
        XCTAssertEqual(h.rawString("AUTH", "nouser", "x"), "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        XCTAssertEqual(h.rawString("AUTH", "a", "b", "c"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("AUTH"), "-ERR wrong number of arguments for 'auth' command\r\n")
    }

    func testAuthWithRequirepass() throws {
        var cfg = ServerConfig()
        cfg.requirepass = "secret"
        let h = try Harness(config: cfg)
        XCTAssertFalse(h.client.authenticated)
        XCTAssertEqual(h.rawString("PING"), "-NOAUTH Authentication required.\r\n")
        let noauthHello = "-NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time\r\n"
        XCTAssertEqual(h.rawString("HELLO"), noauthHello)
        XCTAssertEqual(h.rawString("HELLO", "3", "SETNAME", "early"), noauthHello)
        XCTAssertEqual(h.client.proto, 2)
        XCTAssertEqual(h.rawString("AUTH", "bad"), "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        XCTAssertEqual(h.rawString("AUTH", "DEFAULT", "secret"), "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        XCTAssertEqual(h.rawString("HELLO", "3", "AUTH", "default", "bad"), "-WRONGPASS invalid username-password pair or user is disabled.\r\n")
        XCTAssertEqual(h.call("AUTH", "secret"), .ok)
        XCTAssertTrue(h.client.authenticated)
        XCTAssertFalse(h.client.parser.authRequired)
        XCTAssertEqual(h.call("CLIENT", "GETNAME"), .bulk("early"))
        // A failed AUTH does not log an authenticated client out.
        _ = h.rawString("AUTH", "bad")
        XCTAssertEqual(h.rawString("PING"), "+PONG\r\n")
        // RESET logs out when a password is set.
        XCTAssertEqual(h.rawString("RESET"), "+RESET\r\n")
        XCTAssertFalse(h.client.authenticated)
        XCTAssertTrue(h.client.parser.authRequired)
        XCTAssertEqual(h.rawString("PING"), "-NOAUTH Authentication required.\r\n")
        XCTAssertTrue(h.rawString("HELLO", "3", "AUTH", "default", "secret", "SETNAME", "w").hasPrefix("%7"))
        XCTAssertEqual(h.call("CLIENT", "GETNAME"), .bulk("w"))
        XCTAssertEqual(h.call("AUTH", "default", "secret"), .ok)
    }

    func testResetTurnsTrackingOff() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CLIENT", "TRACKING", "on"), .ok)
        XCTAssertEqual(h.rawString("RESET"), "+RESET\r\n")
        XCTAssertFalse(h.client.tracking.isOn)
        XCTAssertEqual(h.server.tracking.clientCount, 0)
    }

    func testResetRestoresFreshState() throws {
        let h = try Harness()
        let other = h.newClient()
        _ = h.rawString("HELLO", "3")
        _ = h.rawString("SELECT", "2")
        _ = h.rawString("CLIENT", "SETNAME", "w")
        _ = h.rawString("WATCH", "k")
        _ = h.rawString("SUBSCRIBE", "a")
        _ = h.rawString("PSUBSCRIBE", "p*")
        _ = h.rawString("SSUBSCRIBE", "s")
        _ = h.rawString("MULTI")
        _ = h.rawString("SET", "k", "v")
        XCTAssertEqual(h.rawString("RESET"), "+RESET\r\n")
        let c = h.client
        XCTAssertEqual(c.proto, 2)
        XCTAssertEqual(c.dbIndex, 0)
        XCTAssertNil(c.name)
        XCTAssertFalse(c.flags.contains(.multi))
        XCTAssertFalse(c.flags.contains(.pubsub))
        XCTAssertTrue(c.multiQueue.isEmpty)
        XCTAssertTrue(c.watchedKeys.isEmpty)
        XCTAssertEqual(c.totalSubscriptionCount, 0)
        XCTAssertEqual(h.call("PUBLISH", "a", "m", on: other), .integer(0))
        XCTAssertEqual(h.call("SPUBLISH", "s", "m", on: other), .integer(0))
        XCTAssertEqual(h.call("PUBSUB", "NUMPAT", on: other), .integer(0))
        XCTAssertEqual(h.rawString("EXEC"), "-ERR EXEC without MULTI\r\n")
    }

    func testResetLeavesMonitorAndReplyOff() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("MONITOR"), .ok)
        XCTAssertEqual(h.server.monitors.count, 1)
        _ = h.rawString("CLIENT", "REPLY", "OFF")
        XCTAssertEqual(h.rawString("RESET"), "+RESET\r\n")
        XCTAssertTrue(h.server.monitors.isEmpty)
        XCTAssertFalse(h.client.flags.contains(.monitor))
        XCTAssertEqual(h.rawString("PING"), "+PONG\r\n")
    }

    func testAuthIsRedactedInMonitor() throws {
        let h = try Harness()
        let m = h.newClient()
        _ = h.raw(["MONITOR"], on: m)
        m.out.bytes.removeAll()
        _ = h.rawString("AUTH", "default", "pw")
        _ = h.rawString("HELLO", "2", "AUTH", "default", "pw", "SETNAME", "x")
        _ = h.rawString("ECHO", "visible")
        let feed = String(decoding: m.out.bytes, as: UTF8.self)
        XCTAssertTrue(feed.contains("\"AUTH\" \"(redacted)\" \"(redacted)\"\r\n"), feed)
        XCTAssertTrue(feed.contains("\"HELLO\" \"2\" \"AUTH\" \"(redacted)\" \"(redacted)\" \"SETNAME\" \"x\"\r\n"), feed)
        XCTAssertTrue(feed.contains("\"ECHO\" \"visible\"\r\n"), feed)
        XCTAssertFalse(feed.contains("pw"), feed)
    }
}
