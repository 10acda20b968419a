import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// The server writes each command's arguments into the previous command's
/// buffers. Commands whose arguments outlive their read (queued by MULTI,
/// parked by CLIENT PAUSE, blocked) must still run with their own: each test
/// sends its commands in one pipeline, so they share a read and the recycling.
final class HeldArgumentsProcessTests: XCTestCase {
    private let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func cmd(_ args: String...) -> [UInt8] { RESPWriter.command(args) }
    private func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    /// Reads until `expected` bytes have come (or 5 s pass).
    private func read(_ s: RawSocket, count expected: Int) -> [UInt8] {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(5)
        while out.count < expected && Date() < deadline && !s.sawEOF {
            out += s.read(idleMs: 10)
        }
        return out
    }

    func testTransactionQueuedInOnePipelineRunsEachCommandWithItsArguments() throws {
        let vigil = try fixture.startVigil()
        let s = try RawSocket(port: vigil.port)
        let long = String(repeating: "L", count: 300)
        let pipeline = cmd("MULTI") + cmd("SET", "a", "1") + cmd("SET", "bb", "22") + cmd("SET", "a2", long)
            + cmd("SET", "ccc", "333") + cmd("INCR", "n") + cmd("EXEC") + cmd("MGET", "a", "bb", "a2", "ccc", "n")
        XCTAssertTrue(s.send(pipeline))
        let expected = "+OK\r\n" + String(repeating: "+QUEUED\r\n", count: 5)
            + "*5\r\n+OK\r\n+OK\r\n+OK\r\n+OK\r\n:1\r\n"
            + "*5\r\n$1\r\n1\r\n$2\r\n22\r\n$300\r\n\(long)\r\n$3\r\n333\r\n$1\r\n1\r\n"
        XCTAssertEqual(text(read(s, count: expected.utf8.count)), expected)
    }

    func testPausedCommandRunsWithItsOwnArgumentsAfterUnpause() throws {
        let vigil = try fixture.startVigil()
        let admin = try RawSocket(port: vigil.port), writer = try RawSocket(port: vigil.port)
        XCTAssertTrue(admin.send(cmd("CLIENT", "PAUSE", "60000", "WRITE")))
        XCTAssertEqual(text(read(admin, count: 5)), "+OK\r\n")
        // The GET runs (reads are not paused); its reply shows the SET behind it was reached and parked.
        XCTAssertTrue(writer.send(cmd("GET", "x") + cmd("SET", "p1", "first-value") + cmd("SET", "p2", "second")))
        XCTAssertEqual(text(read(writer, count: 5)), "$-1\r\n")
        XCTAssertTrue(admin.send(cmd("CLIENT", "UNPAUSE")))
        XCTAssertEqual(text(read(admin, count: 5)), "+OK\r\n")
        XCTAssertEqual(text(read(writer, count: 10)), "+OK\r\n+OK\r\n")
        XCTAssertTrue(admin.send(cmd("MGET", "p1", "p2")))
        let values = "*2\r\n$11\r\nfirst-value\r\n$6\r\nsecond\r\n"
        XCTAssertEqual(text(read(admin, count: values.utf8.count)), values)
    }

    func testBlockedCommandRunsWithItsOwnArgumentsWhenServed() throws {
        let vigil = try fixture.startVigil()
        let waiter = try RawSocket(port: vigil.port), pusher = try RawSocket(port: vigil.port)
        XCTAssertTrue(waiter.send(cmd("BLPOP", "queue-one", "queue-two", "0") + cmd("SET", "after", "x")))
        XCTAssertEqual(waiter.read(idleMs: 100), [])
        XCTAssertTrue(pusher.send(cmd("RPUSH", "queue-two", "v")))
        XCTAssertEqual(text(read(pusher, count: 4)), ":1\r\n")
        let served = "*2\r\n$9\r\nqueue-two\r\n$1\r\nv\r\n+OK\r\n"
        XCTAssertEqual(text(read(waiter, count: served.utf8.count)), served)
    }

    func testMonitorShowsEachPipelinedCommandsOwnArguments() throws {
        let vigil = try fixture.startVigil()
        let monitor = try RawSocket(port: vigil.port), client = try RawSocket(port: vigil.port)
        XCTAssertTrue(monitor.send(cmd("MONITOR")))
        XCTAssertEqual(text(read(monitor, count: 5)), "+OK\r\n")
        XCTAssertTrue(client.send(cmd("SET", "k1", "v1") + cmd("SET", "key-22", "value-22") + cmd("GET", "k1")))
        XCTAssertEqual(text(read(client, count: 15)), "+OK\r\n+OK\r\n$2\r\nv1\r\n")
        var feed = ""
        let deadline = Date().addingTimeInterval(5)
        while feed.components(separatedBy: "\r\n").count < 4 && Date() < deadline {
            feed += text(monitor.read(idleMs: 10))
        }
        let lines = feed.components(separatedBy: "\r\n").filter { !$0.isEmpty }
        XCTAssertEqual(lines.map { $0.components(separatedBy: "] ").last ?? "" },
                       [#""SET" "k1" "v1""#, #""SET" "key-22" "value-22""#, #""GET" "k1""#], feed)
    }
}
