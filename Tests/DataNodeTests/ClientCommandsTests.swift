import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class ClientCommandsTests: XCTestCase {
    func testIdNameGetredir() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CLIENT", "ID"), .integer(Int64(h.client.id)))
        XCTAssertEqual(h.rawString("CLIENT", "GETNAME"), "$-1\r\n")
        XCTAssertEqual(h.call("CLIENT", "SETNAME", "worker-1"), .ok)
        XCTAssertEqual(h.rawString("CLIENT", "GETNAME"), "$8\r\nworker-1\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "SETNAME", "a b"),
                       "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "SETNAME", "a\nb"),
                       "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        XCTAssertEqual(h.call("CLIENT", "GETNAME"), .bulk("worker-1"))
        XCTAssertEqual(h.call("CLIENT", "SETNAME", ""), .ok)
        XCTAssertEqual(h.rawString("CLIENT", "GETNAME"), "$-1\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "GETREDIR"), ":-1\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "SETNAME"), "-ERR wrong number of arguments for 'client|setname' command\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "GETNAME", "x"), "-ERR wrong number of arguments for 'client|getname' command\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "BLAH"), "-ERR unknown subcommand 'BLAH'. Try CLIENT HELP.\r\n")
    }

    func testHelp() throws {
        let h = try Harness()
        let r = h.rawString("CLIENT", "HELP")
        XCTAssertTrue(r.hasPrefix("*48\r\n+CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:\r\n+CACHING (YES|NO)\r\n"))
        XCTAssertTrue(r.hasSuffix("+NO-EVICT (ON|OFF)\r\n+    Protect current client connection from eviction.\r\n+HELP\r\n+    Prints this help.\r\n"))
    }

    /// Splits a CLIENT LIST/INFO line into its field names and values.
    func fields(_ line: Substring) -> [(String, String)] {
        line.split(separator: " ").map { f in
            let parts = f.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (String(parts[0]), parts.count > 1 ? String(parts[1]) : "")
        }
    }

    func testInfoLineFieldsAndOrder() throws {
        let h = try Harness()
        _ = h.rawString("CLIENT", "SETNAME", "me")
        _ = h.rawString("SELECT", "4")
        let r = h.call("CLIENT", "INFO")
        guard let text = r.string else { return XCTFail("\(r)") }
        XCTAssertTrue(text.hasSuffix("\n"))
        let f = fields(text.dropLast())
        XCTAssertEqual(f.map { $0.0 }, ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
                                         "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                                         "tot-mem", "events", "cmd", "user", "redir", "resp"])
        let d = Dictionary(uniqueKeysWithValues: f)
        XCTAssertEqual(d["id"], String(h.client.id))
        XCTAssertEqual(d["name"], "me")
        XCTAssertEqual(d["flags"], "N")
        XCTAssertEqual(d["db"], "4")
        XCTAssertEqual(d["multi"], "-1")
        XCTAssertEqual(d["argv-mem"], "10")
        XCTAssertEqual(d["cmd"], "client|info")
        XCTAssertEqual(d["user"], "default")
        XCTAssertEqual(d["redir"], "-1")
        XCTAssertEqual(d["resp"], "2")
        // RESP2: a bulk string; RESP3: a verbatim string.
        XCTAssertTrue(h.rawString("CLIENT", "INFO").hasPrefix("$"))
        _ = h.rawString("HELLO", "3")
        let r3 = h.rawString("CLIENT", "INFO")
        XCTAssertTrue(r3.hasPrefix("="), r3)
        XCTAssertTrue(r3.contains("\r\ntxt:id="), r3)
    }

    func testListShowsEveryClientWithState() throws {
        let h = try Harness()
        let sub = h.newClient()
        let mon = h.newClient()
        let tx = h.newClient()
        _ = h.raw(["SUBSCRIBE", "a", "b"], on: sub)
        _ = h.raw(["PSUBSCRIBE", "p*"], on: sub)
        _ = h.raw(["SSUBSCRIBE", "s"], on: sub)
        _ = h.raw(["MONITOR"], on: mon)
        _ = h.raw(["MULTI"], on: tx)
        _ = h.raw(["SET", "k", "v"], on: tx)
        _ = h.raw(["CLIENT", "NO-EVICT", "on"], on: h.client)
        guard let text = h.call("CLIENT", "LIST").string else { return XCTFail() }
        let lines = text.split(separator: "\n")
        XCTAssertEqual(lines.count, 4)
        var byId: [String: [String: String]] = [:]
        for l in lines {
            let d = Dictionary(uniqueKeysWithValues: fields(l))
            byId[d["id"]!] = d
        }
        let s = byId[String(sub.id)]!
        XCTAssertEqual(s["flags"], "P")
        XCTAssertEqual(s["sub"], "2")
        XCTAssertEqual(s["psub"], "1")
        XCTAssertEqual(s["ssub"], "1")
        XCTAssertEqual(s["cmd"], "ssubscribe")
        XCTAssertEqual(byId[String(mon.id)]!["flags"], "O")
        XCTAssertEqual(byId[String(tx.id)]!["flags"], "x")
        XCTAssertEqual(byId[String(tx.id)]!["multi"], "1")
        XCTAssertEqual(byId[String(h.client.id)]!["flags"], "e")
        XCTAssertEqual(byId[String(h.client.id)]!["cmd"], "client|list")
        // Sorted by id, as Redis lists clients in creation order.
        XCTAssertEqual(lines.map { Dictionary(uniqueKeysWithValues: fields($0))["id"]! },
                       [h.client.id, sub.id, mon.id, tx.id].map(String.init))

        guard let pubsubOnly = h.call("CLIENT", "LIST", "TYPE", "pubsub").string else { return XCTFail() }
        XCTAssertEqual(pubsubOnly.split(separator: "\n").count, 1)
        XCTAssertTrue(pubsubOnly.hasPrefix("id=\(sub.id) "))
        // MONITOR clients are "normal".
        XCTAssertEqual(h.call("CLIENT", "LIST", "TYPE", "normal").string?.split(separator: "\n").count, 3)
        XCTAssertEqual(h.rawString("CLIENT", "LIST", "TYPE", "master"), "$0\r\n\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "LIST", "TYPE", "slave"), "$0\r\n\r\n")
        guard let two = h.call("CLIENT", "LIST", "ID", String(tx.id), "999", String(sub.id)).string else { return XCTFail() }
        XCTAssertEqual(two.split(separator: "\n").map { Dictionary(uniqueKeysWithValues: fields($0))["id"]! },
                       [String(tx.id), String(sub.id)])
    }

    func testListErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "LIST", "TYPE", "bogus"), "-ERR Unknown client type 'bogus'\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "LIST", "ID", "x"), "-ERR Invalid client ID\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "LIST", "ID"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "LIST", "TYPE"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "LIST", "foo", "bar"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "LIST", "TYPE", "normal", "x"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "INFO", "x"), "-ERR wrong number of arguments for 'client|info' command\r\n")
    }

    func testListInsideExecShowsExec() throws {
        let h = try Harness()
        _ = h.rawString("MULTI")
        _ = h.rawString("CLIENT", "INFO")
        guard case .array(let items?) = h.call("EXEC"), let line = items.first?.string else { return XCTFail() }
        let d = Dictionary(uniqueKeysWithValues: fields(line.dropLast()))
        XCTAssertEqual(d["cmd"], "exec")
        XCTAssertEqual(d["flags"], "x")
        XCTAssertEqual(d["multi"], "1")
    }

    func testKill() throws {
        let h = try Harness()
        let a = h.newClient()
        let b = h.newClient()
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "ID", String(a.id)), ":1\r\n")
        XCTAssertTrue(a.isFreed)
        XCTAssertNil(h.server.clients[a.id])
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "ID", "999"), ":0\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "1.2.3.4:5"), "-ERR No such client\r\n")
        // SKIPME defaults to yes: every other client (all share 127.0.0.1:0 here).
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "ADDR", "127.0.0.1:0"), ":1\r\n")
        XCTAssertTrue(b.isFreed)
        XCTAssertFalse(h.client.flags.contains(.closeAfterReply))
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "TYPE", "pubsub"), ":0\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "USER", "default", "SKIPME", "no"), ":1\r\n")
        XCTAssertTrue(h.client.flags.contains(.closeAfterReply))
    }

    func testKillOldFormCanKillSelf() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "127.0.0.1:0"), "+OK\r\n")
        XCTAssertTrue(h.client.flags.contains(.closeAfterReply))
    }

    func testKillErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "KILL"), "-ERR wrong number of arguments for 'client|kill' command\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "ID", "x"), "-ERR client-id should be greater than 0\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "ID", "0"), "-ERR client-id should be greater than 0\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "TYPE", "bogus"), "-ERR Unknown client type 'bogus'\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "USER", "nouser"), "-ERR No such user 'nouser'\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "SKIPME", "maybe"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "foo", "bar"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "ID", "1", "TYPE"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "KILL", "ID"), "-ERR No such client\r\n")
    }

    func testPauseArgumentsAndState() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "PAUSE"), "-ERR wrong number of arguments for 'client|pause' command\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "PAUSE", "x"), "-ERR timeout is not an integer or out of range\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "PAUSE", "-1"), "-ERR timeout is negative\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "PAUSE", "10", "foo"), "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "PAUSE", "x", "foo"), "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "PAUSE", "10", "write", "x"),
                       "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n")
        XCTAssertEqual(h.server.pause.endMs, 0)
        XCTAssertEqual(h.call("CLIENT", "PAUSE", "100000", "WRITE"), .ok)
        XCTAssertGreaterThan(h.server.pause.endMs, 0)
        XCTAssertFalse(h.server.pause.pausesAll)
        let end = h.server.pause.endMs
        // A shorter ALL pause upgrades the kind and keeps the later end.
        XCTAssertEqual(h.call("CLIENT", "PAUSE", "10"), .ok)
        XCTAssertTrue(h.server.pause.pausesAll)
        XCTAssertEqual(h.server.pause.endMs, end)
        XCTAssertEqual(h.call("CLIENT", "PAUSE", "50", "WRITE"), .ok)
        XCTAssertTrue(h.server.pause.pausesAll)
        XCTAssertEqual(h.call("CLIENT", "UNPAUSE"), .ok)
        XCTAssertEqual(h.server.pause.endMs, 0)
        // An end time that overflows pauses nothing, as Redis's unchecked add.
        XCTAssertEqual(h.call("CLIENT", "PAUSE", "9223372036854775000"), .ok)
        XCTAssertEqual(h.server.pause.endMs, 0)
        XCTAssertEqual(h.call("CLIENT", "PAUSE", "0"), .ok)
        XCTAssertEqual(h.server.pause.endMs, 0)
    }

    /// pauseClients widens the kind whatever the new timeout: CLIENT PAUSE 0
    /// (ALL) during a WRITE pause holds every command until the WRITE pause's end.
    func testZeroTimeoutAllPauseWidensAnActiveWritePause() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CLIENT", "PAUSE", "100000", "WRITE"), .ok)
        let end = h.server.pause.endMs
        XCTAssertEqual(h.call("CLIENT", "PAUSE", "0", "ALL"), .ok)
        XCTAssertTrue(h.server.pause.pausesAll)
        XCTAssertEqual(h.server.pause.endMs, end)
    }

    func testReplyModes() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CLIENT", "REPLY", "OFF"), "")
        XCTAssertEqual(h.rawString("SET", "k", "v"), "")
        XCTAssertEqual(h.rawString("GET", "k"), "")
        XCTAssertEqual(h.rawString("CLIENT", "REPLY", "SKIP"), "")
        XCTAssertEqual(h.rawString("CLIENT", "REPLY", "ON"), "+OK\r\n")
        XCTAssertEqual(h.rawString("GET", "k"), "$1\r\nv\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "REPLY", "SKIP"), "")
        XCTAssertEqual(h.rawString("GET", "k"), "")
        XCTAssertEqual(h.rawString("GET", "k"), "$1\r\nv\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "REPLY", "bogus"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "REPLY"), "-ERR wrong number of arguments for 'client|reply' command\r\n")
    }

    /// Redis 7.0: `MULTI; CLIENT REPLY SKIP; SET a 1; EXEC` answers `*2 +OK`
    /// and skips the command after EXEC.
    func testReplySkipQueuedInMulti() throws {
        let h = try Harness()
        _ = h.rawString("MULTI")
        _ = h.rawString("CLIENT", "REPLY", "SKIP")
        _ = h.rawString("SET", "a", "1")
        XCTAssertEqual(h.rawString("EXEC"), "*2\r\n+OK\r\n")
        XCTAssertEqual(h.rawString("GET", "a"), "")
        XCTAssertEqual(h.rawString("GET", "a"), "$1\r\n1\r\n")
    }

    func testReplyOffCoversWholeExec() throws {
        let h = try Harness()
        _ = h.rawString("CLIENT", "REPLY", "OFF")
        _ = h.rawString("MULTI")
        _ = h.rawString("SET", "b", "2")
        XCTAssertEqual(h.rawString("EXEC"), "")
        _ = h.rawString("CLIENT", "REPLY", "ON")
        XCTAssertEqual(h.call("GET", "b"), .bulk("2"))
    }

    func testNoEvict() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CLIENT", "NO-EVICT", "on"), .ok)
        XCTAssertTrue(h.client.flags.contains(.noEvict))
        XCTAssertEqual(h.call("CLIENT", "NO-EVICT", "OFF"), .ok)
        XCTAssertFalse(h.client.flags.contains(.noEvict))
        XCTAssertEqual(h.rawString("CLIENT", "NO-EVICT", "maybe"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CLIENT", "NO-EVICT"), "-ERR wrong number of arguments for 'client|no-evict' command\r\n")
    }
}
