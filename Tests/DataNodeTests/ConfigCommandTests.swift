import Foundation
import Protocol
import TestSupport
import XCTest
@testable import DataNode

final class ConfigCommandTests: XCTestCase {
    func testGetRepliesWithAMap() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CONFIG", "GET", "maxmemory", "foo"), "*2\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n")
        h.client.proto = 3
        XCTAssertEqual(h.rawString("CONFIG", "GET", "maxmemory", "hz"), "%2\r\n$2\r\nhz\r\n$2\r\n10\r\n$9\r\nmaxmemory\r\n$1\r\n0\r\n")
        XCTAssertEqual(h.rawString("CONFIG", "GET", "nosuch"), "%0\r\n")
    }

    func testSetErrors() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CONFIG", "SET", "maxmemory", "10", "hz"), "-ERR syntax error\r\n")
        XCTAssertEqual(h.rawString("CONFIG", "SET", "foo", "bar"), "-ERR Unknown option or number of arguments for CONFIG SET - 'foo'\r\n")
        XCTAssertEqual(h.rawString("CONFIG", "SET", "maxmemory", "abc"),
                       "-ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value\r\n")
        XCTAssertEqual(h.rawString("CONFIG", "SET", "daemonize", "yes"),
                       "-ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config\r\n")
        XCTAssertEqual(h.rawString("CONFIG", "SET", "maxmemory"), "-ERR wrong number of arguments for 'config|set' command\r\n")
    }

    func testSetOfALoadingSensitiveParameterIsRefusedWhileLoading() throws {
        let h = try Harness()
        h.server.persistence.loading = true
        XCTAssertEqual(h.rawString("CONFIG", "SET", "appendonly", "yes"), "-LOADING Redis is loading the dataset in memory\r\n")
        XCTAssertEqual(h.call("CONFIG", "SET", "loglevel", "debug"), .ok)
    }

    func testSetIsAllOrNothing() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "hz", "20", "maxmemory", "abc").isErrorReply, true)
        XCTAssertEqual(h.server.config.hz, 10)
        XCTAssertEqual(h.call("CONFIG", "SET", "hz", "20", "maxmemory", "1mb"), .ok)
        XCTAssertEqual(h.server.config.hz, 20)
        XCTAssertEqual(h.server.config.maxmemory, 1 << 20)
    }

    func testSetAppliesLiveChanges() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "loglevel", "warning"), .ok)
        XCTAssertEqual(h.server.log.level, .warning)
        XCTAssertEqual(h.call("CONFIG", "SET", "latency-monitor-threshold", "7", "latency-tracking", "no"), .ok)
        XCTAssertEqual(h.server.latency.thresholdMs, 7)
        XCTAssertFalse(h.server.latency.trackingEnabled)
        XCTAssertEqual(h.call("CONFIG", "SET", "maxmemory-policy", "allkeys-lfu"), .ok)
        XCTAssertTrue(h.server.keyspace.accessPolicy.lfu)
        XCTAssertEqual(h.call("CONFIG", "SET", "slowlog-log-slower-than", "0"), .ok)
        h.call("PING")
        XCTAssertFalse(h.server.slowlog.entries.isEmpty)
    }

    func testSetDirChangesTheWorkingDirectory() throws {
        var config = ServerConfig()
        config.setEnum(config.slot("enable-protected-configs"), "yes")
        let h = try Harness(config: config)
        let before = FileManager.default.currentDirectoryPath
        defer { _ = chdir(before) }
        XCTAssertEqual(h.call("CONFIG", "SET", "dir", "/tmp"), .ok)
        XCTAssertEqual(FileManager.default.currentDirectoryPath, "/tmp")
        XCTAssertEqual(h.call("CONFIG", "GET", "dir"), .array([.bulkString(Array("dir".utf8)), .bulkString(Array("/tmp".utf8))]))
    }

    func testRewriteWithoutAFile() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CONFIG", "REWRITE"), "-ERR The server is running without a config file\r\n")
    }

    func testRewriteWritesTheConfigFile() throws {
        let dir = NSTemporaryDirectory() + "vigil-cfgcmd-\(getpid())"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/vigil.conf"
        try "port 0\nhz 10\n".write(toFile: path, atomically: true, encoding: .utf8)
        let server = try Server(config: ServerConfig(), configFile: path)
        let c = server.createDetachedClient()
        server.processCommand(c, [Array("CONFIG".utf8), Array("SET".utf8), Array("hz".utf8), Array("33".utf8)])
        server.processCommand(c, [Array("CONFIG".utf8), Array("REWRITE".utf8)])
        XCTAssertEqual(String(decoding: c.out.bytes, as: UTF8.self), "+OK\r\n+OK\r\n")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        XCTAssertTrue(text.contains("hz 33"), text)
    }

    func testRewriteReportsIOErrors() throws {
        let server = try Server(config: ServerConfig(), configFile: "/nonexistent-dir/vigil.conf")
        let c = server.createDetachedClient()
        server.processCommand(c, [Array("CONFIG".utf8), Array("REWRITE".utf8)])
        XCTAssertTrue(String(decoding: c.out.bytes, as: UTF8.self).hasPrefix("-ERR Rewriting config file: "))
    }

    func testResetstatArity() throws {
        let h = try Harness()
        XCTAssertEqual(h.rawString("CONFIG", "RESETSTAT", "1"), "-ERR wrong number of arguments for 'config|resetstat' command\r\n")
        XCTAssertEqual(h.rawString("CONFIG", "RESETSTAT"), "+OK\r\n")
    }
}

extension RESPValue {
    var isErrorReply: Bool {
        if case .error = self { return true }
        return false
    }

    func testSecretsGivenToConfigSetNeverReachTheSlowLog() throws {
        let h = try Harness()
        XCTAssertEqual(h.call("CONFIG", "SET", "slowlog-log-slower-than", "0"), .ok)
        XCTAssertEqual(h.call("SLOWLOG", "RESET"), .ok)
        XCTAssertEqual(h.call("CONFIG", "SET", "masterauth", "s3cret", "maxmemory-policy", "noeviction"), .ok)
        // A SET that fails is redacted too.
        _ = h.rawString("CONFIG", "SET", "requirepass", "s3cret", "no-such-directive", "1")
        let log = h.rawString("SLOWLOG", "GET", "2")
        XCTAssertFalse(log.contains("s3cret"), log)
        XCTAssertTrue(log.contains("$6\r\nCONFIG\r\n$3\r\nSET\r\n$11\r\nrequirepass\r\n$10\r\n(redacted)\r\n$17\r\nno-such-directive\r\n$1\r\n1\r\n"), log)
        XCTAssertTrue(log.contains("$10\r\nmasterauth\r\n$10\r\n(redacted)\r\n$16\r\nmaxmemory-policy\r\n$10\r\nnoeviction\r\n"), log)
    }
}
