import Foundation
import Glibc
import Keyspace
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// What reaches the AOF buffer, what a rewrite writes, and how writes are
/// refused while the AOF cannot be written (in process, no files but temp ones).
final class AOFFeedTests: XCTestCase {
    private func harnessWithAOF(timestamps: Bool = false, clock: NodeClock = NodeClock()) throws -> Harness {
        var config = ServerConfig()
        if timestamps { _ = config.set(pairs: [(Array("aof-timestamp-enabled".utf8), Array("yes".utf8))]) }
        let h = try Harness(config: config, clock: clock)
        h.server.aof.state = .on
        h.server.attachAppendOnlyFeed()
        return h
    }

    private func buffer(_ h: Harness) -> String { String(decoding: h.server.aof.buffer, as: UTF8.self) }

    func testCommandsArriveWithSelectOnDbChange() throws {
        let h = try harnessWithAOF()
        h.call("SET", "a", "1")
        h.call("SELECT", "2")
        h.call("SET", "b", "2")
        XCTAssertEqual(buffer(h), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                       + "*2\r\n$6\r\nSELECT\r\n$1\r\n2\r\n*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n2\r\n")
    }

    func testPublishStaysOutOfTheAOF() throws {
        let h = try harnessWithAOF()
        h.call("PUBLISH", "ch", "m")
        XCTAssertEqual(buffer(h), "")
    }

    func testReadsAndNoOpWritesStayOut() throws {
        let h = try harnessWithAOF()
        h.call("GET", "a")
        h.call("DEL", "missing")
        XCTAssertEqual(buffer(h), "")
    }

    func testTransactionIsWrapped() throws {
        let h = try harnessWithAOF()
        h.call("MULTI")
        h.call("SET", "a", "1")
        h.call("INCR", "n")
        h.call("EXEC")
        XCTAssertEqual(buffer(h), "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                       + "*2\r\n$4\r\nINCR\r\n$1\r\nn\r\n*1\r\n$4\r\nEXEC\r\n")
    }

    func testTimestampAnnotationOncePerSecondBeforeTheCommand() throws {
        let clock = NodeClock(manualWallUs: 1_700_000_000_000_000)
        let h = try harnessWithAOF(timestamps: true, clock: clock)
        h.call("SET", "a", "1")
        h.call("SET", "b", "1")
        clock.advance(us: 1_000_000)
        h.call("DEL", "a")
        XCTAssertEqual(buffer(h), "#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\na\r\n$1\r\n1\r\n"
                       + "*3\r\n$3\r\nSET\r\n$1\r\nb\r\n$1\r\n1\r\n#TS:1700000001\r\n*2\r\n$3\r\nDEL\r\n$1\r\na\r\n")
    }

    func testWriteErrorRefusesWritesAndPingWithMisconf() throws {
        let h = try harnessWithAOF()
        h.server.aof.lastWriteOK = false
        h.server.aof.lastWriteErrno = ENOSPC
        let misconf = "-MISCONF Errors writing to the AOF file: No space left on device\r\n"
        XCTAssertEqual(h.rawString("SET", "a", "1"), misconf)
        XCTAssertEqual(h.rawString("PING"), misconf)
        XCTAssertEqual(h.rawString("GET", "a"), "$-1\r\n")
    }

    func testNoRefusalWhileAOFIsOff() throws {
        let h = try Harness()
        h.server.aof.lastWriteOK = false
        XCTAssertEqual(h.rawString("SET", "a", "1"), "+OK\r\n")
    }

    // MARK: rewrite

    private func rewrite(_ h: Harness) throws -> String {
        let path = NSTemporaryDirectory() + "aof-rewrite-\(getpid())-\(UUID().uuidString.prefix(8))"
        let fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0o600)
        defer { unlink(path) }
        var w = AOFRewriteWriter(fd: fd, incrementalFsync: false)
        XCTAssertTrue(w.write(databases: h.server.databases, timestampUnix: nil))
        close(fd)
        return String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
    }

    func testRewriteBatchesSixtyFourItemsPerCommand() throws {
        let h = try Harness()
        h.call(args: ["RPUSH", "l"] + (0..<130).map { String($0) })
        let text = try rewrite(h)
        let headers = text.components(separatedBy: "\r\n").filter { $0.hasPrefix("*") }
        XCTAssertEqual(headers, ["*2", "*66", "*66", "*4"])
    }

    func testRewriteWritesScoresAsPercent17gAndExpiresAsPexpireat() throws {
        let h = try Harness()
        h.call("ZADD", "z", "1.1", "m")
        h.call("SET", "s", "v")
        h.call("PEXPIREAT", "s", "4102444800000")
        let text = try rewrite(h)
        XCTAssertTrue(text.contains("*4\r\n$4\r\nZADD\r\n$1\r\nz\r\n$18\r\n1.1000000000000001\r\n$1\r\nm\r\n"), text)
        XCTAssertTrue(text.contains("*3\r\n$3\r\nSET\r\n$1\r\ns\r\n$1\r\nv\r\n*3\r\n$9\r\nPEXPIREAT\r\n$1\r\ns\r\n$13\r\n4102444800000\r\n"), text)
    }
}
