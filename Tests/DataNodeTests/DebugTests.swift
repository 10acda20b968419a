import Foundation
import Protocol
import TestSupport
import XCTest
@testable import DataNode
@testable import Keyspace

final class DebugTests: XCTestCase {
    static let notAllowed = "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n"

    private func harness(_ setting: String = "yes") throws -> Harness {
        var c = ServerConfig()
        c.enableDebugCommand = setting
        return try Harness(config: c)
    }

    func testDebugIsProtectedByDefault() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("DEBUG", "HELP"), Self.notAllowed)
        XCTAssertEqual(h.rawString("DEBUG"), "-ERR wrong number of arguments for 'debug' command\r\n", "arity is checked first")
        h.call("MULTI")
        XCTAssertEqual(h.rawString("DEBUG", "SLEEP", "0"), Self.notAllowed)
        XCTAssertEqual(h.rawString("EXEC"), "-EXECABORT Transaction discarded because of previous errors.\r\n")
    }

    func testLocalAllowsLoopbackOnly() throws {
        let h = try harness("local")
        // Detached clients carry a loopback address.
        XCTAssertEqual(h.rawString("DEBUG", "PROTOCOL", "integer"), ":12345\r\n")
        XCTAssertFalse(h.server.protectedCommandAllowed(Client.remoteForTests(h.server), setting: h.server.config.enableDebugCommand))
    }

    func testProtectedCheckComesBeforeAuthentication() throws {
        var c = ServerConfig()
        c.requirepass = "secret"
        let h = try Harness(config: c)
        XCTAssertEqual(h.rawString("DEBUG", "HELP"), Self.notAllowed)
    }

    func testSubcommandErrors() throws {
        let h = try harness()
        XCTAssertEqual(h.rawString("DEBUG", "foo"), "-ERR unknown subcommand or wrong number of arguments for 'foo'. Try DEBUG HELP.\r\n")
        XCTAssertEqual(h.rawString("debug", "FOO", "bar"), "-ERR unknown subcommand or wrong number of arguments for 'FOO'. Try DEBUG HELP.\r\n")
        XCTAssertEqual(h.rawString("DEBUG", "sleep"), "-ERR unknown subcommand or wrong number of arguments for 'sleep'. Try DEBUG HELP.\r\n")
        XCTAssertEqual(h.rawString("DEBUG", "object", "k", "extra"), "-ERR unknown subcommand or wrong number of arguments for 'object'. Try DEBUG HELP.\r\n")
    }

    func testObject() throws {
        let h = try harness()
        XCTAssertEqual(h.rawString("DEBUG", "OBJECT", "nokey"), "-ERR no such key\r\n")
        h.call("SET", "k", "v")
        h.call("SET", "n", "123")
        h.call("SET", "big", String(repeating: "a", count: 84))
        let pattern = #"^\+Value at:0x[0-9a-f]+ refcount:(\d+) encoding:(\w+) serializedlength:(\d+) lru:\d+ lru_seconds_idle:\d+\r\n$"#
        func parts(_ key: String) -> [String] {
            let s = h.rawString("DEBUG", "OBJECT", key)
            guard let re = try? NSRegularExpression(pattern: pattern),
                  let m = re.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) else { XCTFail(s); return [] }
            return (1...3).map { String(s[Range(m.range(at: $0), in: s)!]) }
        }
        XCTAssertEqual(parts("k"), ["1", "embstr", "2"])
        XCTAssertEqual(parts("n"), ["2147483647", "int", "2"])
        // Redis LZF-compresses this value (13 bytes); Vigil reports the plain length.
        XCTAssertEqual(parts("big"), ["1", "raw", "86"])
    }

    func testHtstatsKeyReportsTheTableOfAHashtableSet() throws {
        let h = try harness()
        XCTAssertEqual(h.rawString("DEBUG", "HTSTATS-KEY", "nokey"), "-ERR no such key\r\n")
        h.call("SADD", "ints", "1", "2")
        XCTAssertEqual(h.rawString("DEBUG", "HTSTATS-KEY", "ints"),
                       "-ERR The value stored at the specified key is not represented using an hash table\r\n")
        h.call(args: ["SADD", "s"] + (0..<200).map { "m:\($0)" })
        guard case .bulkString(let text?) = h.call("DEBUG", "HTSTATS-KEY", "s") else { return XCTFail("no text") }
        let lines = String(decoding: text, as: UTF8.self).split(separator: "\n").map(String.init)
        // Converted at 129 members into a table presized for them: 256 buckets.
        XCTAssertEqual(Array(lines.prefix(3)), ["Hash table 0 stats (main hash table):", " table size: 256", " number of elements: 200"])
    }

    func testSerializedLengthOfIntegers() {
        func len(_ s: String) -> Int { DebugCommands.serializedLength(.string(StringValue(Array(s.utf8)))) }
        XCTAssertEqual(len("127"), 2)
        XCTAssertEqual(len("-128"), 2)
        XCTAssertEqual(len("128"), 3)
        XCTAssertEqual(len("32768"), 5)
        XCTAssertEqual(len("2147483648"), 11)
        XCTAssertEqual(len(String(repeating: "x", count: 64)), 66)
    }

    func testSleepAndActiveExpire() throws {
        let h = try harness()
        XCTAssertEqual(h.call("DEBUG", "SLEEP", "0"), .ok)
        XCTAssertEqual(h.call("DEBUG", "SLEEP", "abc"), .ok)
        XCTAssertEqual(h.call("DEBUG", "SET-ACTIVE-EXPIRE", "0"), .ok)
        XCTAssertFalse(h.server.activeExpireEnabled)
        XCTAssertEqual(h.call("DEBUG", "SET-ACTIVE-EXPIRE", "2"), .ok)
        XCTAssertTrue(h.server.activeExpireEnabled)
        XCTAssertEqual(h.call("DEBUG", "SET-ACTIVE-EXPIRE", "a"), .ok)
        XCTAssertFalse(h.server.activeExpireEnabled)
    }

    func testPauseCronSkipsTheCronsWork() throws {
        let h = try harness()
        XCTAssertEqual(h.call("DEBUG", "PAUSE-CRON", "1"), .ok)
        let loops = h.server.cronLoops
        h.server.cron()
        XCTAssertEqual(h.server.cronLoops, loops)
        XCTAssertEqual(h.call("DEBUG", "PAUSE-CRON", "0"), .ok)
        h.server.cron()
        XCTAssertEqual(h.server.cronLoops, loops + 1)
    }

    func testQuicklistPackedThresholdGivesBigElementsTheirOwnNode() throws {
        let h = try harness()
        defer { ListFill.packedThreshold = ListFill.defaultPackedThreshold }
        XCTAssertEqual(h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5b"), .ok)
        h.call("RPUSH", "l", "aa", "bb", String(repeating: "e", count: 10), "cc")
        guard case .list(let l)? = h.server.databases[0].dict[Key("l")] else { return XCTFail("no list") }
        XCTAssertEqual(l.nodeCount, 3, "aa bb | eeeeeeeeee | cc")
        XCTAssertEqual(h.call("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0"), .ok)
        h.call("RPUSH", "m", "aa", "bb", String(repeating: "e", count: 10), "cc")
        guard case .list(let m)? = h.server.databases[0].dict[Key("m")] else { return XCTFail("no list") }
        XCTAssertEqual(m.nodeCount, 1)
        XCTAssertEqual(h.rawString("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "5gb"),
                       "-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n")
        XCTAssertEqual(h.rawString("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "x"),
                       "-ERR argument must be a memory value bigger than 1 and smaller than 4gb\r\n")
    }

    func testChangeReplId() throws {
        let h = try harness()
        let before = h.server.replication.replicationId
        h.server.replication.replicationId2 = String(repeating: "a", count: 40)
        h.server.replication.secondReplOffset = 10
        XCTAssertEqual(h.call("DEBUG", "CHANGE-REPL-ID"), .ok)
        XCTAssertNotEqual(h.server.replication.replicationId, before)
        XCTAssertEqual(h.server.replication.replicationId.count, 40)
        XCTAssertEqual(h.server.replication.replicationId2, String(repeating: "0", count: 40))
        XCTAssertEqual(h.server.replication.secondReplOffset, -1)
    }

    func testErrorLogAndPopulate() throws {
        let h = try harness()
        XCTAssertEqual(h.rawString("DEBUG", "ERROR", "CUSTOM bad\nthing"), "-CUSTOM bad thing\r\n")
        XCTAssertEqual(h.server.stats.totalErrorReplies, 0, "written raw, outside error statistics")
        XCTAssertEqual(h.call("DEBUG", "LOG", "hello"), .ok)
        let dirty = h.server.dirty
        XCTAssertEqual(h.call("DEBUG", "POPULATE", "3"), .ok)
        XCTAssertEqual(h.call("GET", "key:2"), .bulkString(Array("value:2".utf8)))
        XCTAssertEqual(h.server.dirty, dirty)
        h.call("SET", "p:0", "keep")
        XCTAssertEqual(h.call("DEBUG", "POPULATE", "2", "p", "10"), .ok)
        XCTAssertEqual(h.call("GET", "p:0"), .bulkString(Array("keep".utf8)))
        XCTAssertEqual(h.call("GET", "p:1"), .bulkString(Array("value:1".utf8) + [0, 0, 0]))
        XCTAssertEqual(h.call("DEBUG", "POPULATE", "1", "q", "3"), .ok)
        XCTAssertEqual(h.call("GET", "q:0"), .bulkString(Array("val".utf8)))
        XCTAssertEqual(h.rawString("DEBUG", "POPULATE", "-1"), "-ERR value is out of range, must be positive\r\n")
        XCTAssertEqual(h.rawString("DEBUG", "POPULATE", "x"), "-ERR value is out of range, must be positive\r\n")
    }

    func testSha1() {
        XCTAssertEqual(DebugCommands.hex(SHA1.hash([])), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(DebugCommands.hex(SHA1.hash(Array("abc".utf8))), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(DebugCommands.hex(SHA1.hash(Array(String(repeating: "a", count: 1000).utf8))),
                       "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    func testDigestOfAnEmptyDataset() throws {
        let h = try harness()
        XCTAssertEqual(h.rawString("DEBUG", "DIGEST"), "+" + String(repeating: "0", count: 40) + "\r\n")
        XCTAssertEqual(h.rawString("DEBUG", "DIGEST-VALUE", "nokey"), "*1\r\n+" + String(repeating: "0", count: 40) + "\r\n")
        XCTAssertEqual(h.rawString("DEBUG", "DIGEST-VALUE"), "*0\r\n")
    }
}

extension Client {
    /// A socketless client that looks remote (for protected-command checks).
    static func remoteForTests(_ s: Server) -> Client {
        Client(id: 9999, connection: nil, server: s, address: "10.1.2.3:5555", localAddress: "10.1.2.4:6379")
    }
}
