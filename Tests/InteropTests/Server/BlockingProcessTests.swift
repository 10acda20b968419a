import Foundation
import Glibc
import Protocol
import RESPClient
import TestSupport
import XCTest

/// Blocking list commands over real sockets against the built vigil-server:
/// input held while a client is blocked, wake-up by another connection,
/// timeouts on the event loop, CLIENT UNBLOCK and disconnects. Each
/// conversation is also played against redis-server 7.0 when installed and
/// compared byte for byte, client by client.
final class BlockingProcessTests: XCTestCase {
    private var fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    private func cmd(_ args: String...) -> [UInt8] { RESPWriter.command(args) }

    /// One step of a conversation: client `client` sends `bytes` (nothing if
    /// empty), then every client's new output is collected.
    private struct Step {
        let client: Int
        let bytes: [UInt8]
        /// How long to wait for output after sending.
        let idleMs: Int
        /// Sends CLIENT UNBLOCK <client 0's id> [reason] instead of `bytes`.
        var unblockClient0: String? = nil
    }

    /// Runs `steps` against `port` with `clients` connections; returns, per
    /// step, what each client received (client ids differ between servers,
    /// so CLIENT UNBLOCK steps look client 0's up first).
    private func play(port: Int, clients n: Int, _ steps: [Step]) throws -> [[String]] {
        let socks = try (0..<n).map { _ in try RawSocket(port: port) }
        _ = socks[0].send(cmd("CLIENT", "ID"))
        let idReply = String(decoding: socks[0].read(idleMs: 200), as: UTF8.self)
        let id0 = idReply.dropFirst().trimmingCharacters(in: .whitespacesAndNewlines)
        var transcript: [[String]] = []
        for s in steps {
            var bytes = s.bytes
            if let reason = s.unblockClient0 {
                bytes = RESPWriter.command(["CLIENT", "UNBLOCK", id0] + (reason.isEmpty ? [] : [reason]))
            }
            if !bytes.isEmpty { XCTAssertTrue(socks[s.client].send(bytes)) }
            var row: [String] = []
            for (i, sock) in socks.enumerated() {
                let got = sock.read(idleMs: i == s.client ? s.idleMs : 30, totalMs: 5000)
                row.append(String(decoding: got, as: UTF8.self))
            }
            transcript.append(row)
        }
        for s in socks { s.close() }
        return transcript
    }

    /// Compares with redis-server when installed; returns Vigil's transcript.
    private func playBoth(clients n: Int, _ steps: [Step], file: StaticString = #filePath, line: UInt = #line) throws -> [[String]] {
        let vigil = try fixture.startVigil()
        let mine = try play(port: vigil.port, clients: n, steps)
        if let redis = try fixture.optionalRedis(purpose: "blocking conversation comparison") {
            let theirs = try play(port: redis.port, clients: n, steps)
            for (i, (a, b)) in zip(mine, theirs).enumerated() {
                XCTAssertEqual(a, b, "step \(i)", file: file, line: line)
            }
        }
        return mine
    }

    func testPipelinedInputWaitsWhileBlocked() throws {
        let t = try playBoth(clients: 2, [
            Step(client: 0, bytes: cmd("DEL", "k") + cmd("BLPOP", "k", "0") + cmd("PING") + cmd("LLEN", "k"), idleMs: 150),
            Step(client: 1, bytes: cmd("RPUSH", "k", "a", "b"), idleMs: 100),
            Step(client: 1, bytes: cmd("LRANGE", "k", "0", "-1"), idleMs: 100),
        ])
        XCTAssertEqual(t[0][0], ":0\r\n", "only the reply before BLPOP; PING waits")
        XCTAssertEqual(t[1][1], ":2\r\n")
        XCTAssertEqual(t[1][0], "*2\r\n$1\r\nk\r\n$1\r\na\r\n+PONG\r\n:1\r\n")
        XCTAssertEqual(t[2][1], "*1\r\n$1\r\nb\r\n")
    }

    func testTimeoutOnTheLoopAndFifoAcrossConnections() throws {
        let t = try playBoth(clients: 3, [
            Step(client: 0, bytes: cmd("BLPOP", "q", "0.3"), idleMs: 50),
            Step(client: 1, bytes: cmd("BRPOP", "q", "0"), idleMs: 50),
            Step(client: 0, bytes: [], idleMs: 1500),
            Step(client: 2, bytes: cmd("MULTI") + cmd("RPUSH", "q", "x", "y") + cmd("EXEC"), idleMs: 150),
        ])
        XCTAssertEqual(t[0][0], "")
        XCTAssertEqual(t[2][0], "*-1\r\n", "the 0.3 s timeout fired without any other traffic")
        XCTAssertEqual(t[3][2], "+OK\r\n+QUEUED\r\n*1\r\n:2\r\n")
        XCTAssertEqual(t[3][1], "*2\r\n$1\r\nq\r\n$1\r\ny\r\n")
    }

    func testClientUnblockAndDisconnectWhileBlocked() throws {
        let t = try playBoth(clients: 3, [
            Step(client: 0, bytes: cmd("BLMOVE", "src", "dst", "LEFT", "RIGHT", "0") + cmd("PING"), idleMs: 50),
            Step(client: 1, bytes: [], idleMs: 100, unblockClient0: ""),
            Step(client: 0, bytes: cmd("BLPOP", "src", "0"), idleMs: 50),
            Step(client: 1, bytes: [], idleMs: 100, unblockClient0: "ERROR"),
            Step(client: 2, bytes: cmd("BLPOP", "gone", "0"), idleMs: 50),
        ])
        XCTAssertEqual(t[1][1], ":1\r\n")
        XCTAssertEqual(t[1][0], "*-1\r\n+PONG\r\n")
        XCTAssertEqual(t[3][0], "-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n")

        // A blocked client that disconnects leaves nothing behind.
        let vigil = try fixture.startVigil()
        let a = try RawSocket(port: vigil.port), b = try RawSocket(port: vigil.port)
        XCTAssertTrue(a.send(cmd("BLPOP", "k", "0")))
        XCTAssertEqual(a.read(idleMs: 100), [])
        a.reset()
        usleep(100_000)
        XCTAssertTrue(b.send(cmd("RPUSH", "k", "v") + cmd("LLEN", "k") + cmd("CLIENT", "LIST")))
        let out = String(decoding: b.read(idleMs: 200), as: UTF8.self)
        XCTAssertTrue(out.hasPrefix(":1\r\n:1\r\n"), out)
        XCTAssertFalse(out.contains("cmd=blpop"), out)
    }

    func testStreamReadsWakeOnNewEntriesAndEndWithTheirGroupOrKey() throws {
        let t = try playBoth(clients: 3, [
            Step(client: 0, bytes: cmd("XREAD", "BLOCK", "0", "STREAMS", "s", "$"), idleMs: 50),
            Step(client: 2, bytes: cmd("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"), idleMs: 50),
            Step(client: 1, bytes: cmd("XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">"), idleMs: 50),
            Step(client: 2, bytes: cmd("XADD", "s", "1-1", "a", "1"), idleMs: 100),
            Step(client: 1, bytes: cmd("XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">"), idleMs: 50),
            Step(client: 2, bytes: cmd("XGROUP", "DESTROY", "s", "g"), idleMs: 100),
            Step(client: 1, bytes: cmd("XGROUP", "CREATE", "s", "g", "$") + cmd("XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">"),
                 idleMs: 50),
            Step(client: 0, bytes: cmd("XREAD", "BLOCK", "0", "STREAMS", "s", "$"), idleMs: 50),
            Step(client: 2, bytes: cmd("DEL", "s"), idleMs: 100),
            Step(client: 2, bytes: cmd("XADD", "s", "2-1", "b", "2"), idleMs: 100),
            Step(client: 0, bytes: cmd("XREAD", "BLOCK", "200", "STREAMS", "nostream", "0"), idleMs: 600),
            Step(client: 0, bytes: cmd("XREAD", "BLOCK", "0", "STREAMS", "s", "$"), idleMs: 50),
            Step(client: 1, bytes: [], idleMs: 100, unblockClient0: ""),
        ])
        XCTAssertEqual(t[0][0], "")
        XCTAssertEqual(t[1][0], "", "a new group is no new entry")
        XCTAssertEqual(t[3][0], "*1\r\n*2\r\n$1\r\ns\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n")
        XCTAssertEqual(t[3][1], t[3][0])
        XCTAssertEqual(t[5][1], "-NOGROUP the consumer group this client was blocked on no longer exists\r\n")
        XCTAssertEqual(t[8][1], "-UNBLOCKED the stream key no longer exists\r\n")
        XCTAssertEqual(t[8][0], "", "XREAD without a group waits through the deletion")
        XCTAssertTrue(t[9][0].contains("2-1"), t[9][0])
        XCTAssertEqual(t[10][0], "*-1\r\n")
        XCTAssertEqual(t[12][0], "*-1\r\n")
    }

    func testStreamWriteWaitsOutAWritePauseBeforeWakingAReader() throws {
        let t = try playBoth(clients: 3, [
            Step(client: 0, bytes: cmd("XREAD", "BLOCK", "0", "STREAMS", "p", "$"), idleMs: 50),
            Step(client: 2, bytes: cmd("CLIENT", "PAUSE", "300", "WRITE"), idleMs: 50),
            Step(client: 1, bytes: cmd("XADD", "p", "1-1", "a", "1"), idleMs: 50),
            Step(client: 1, bytes: [], idleMs: 800),
            Step(client: 0, bytes: [], idleMs: 300),
            Step(client: 2, bytes: cmd("XADD", "p", "2-1", "b", "2"), idleMs: 100),
        ])
        XCTAssertEqual(t[2][1], "", "paused")
        XCTAssertEqual(t[2][0], "")
        XCTAssertEqual(t[3][1], "$3\r\n1-1\r\n")
        XCTAssertEqual(t[3][0] + t[4][0], "*1\r\n*2\r\n$1\r\np\r\n*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n",
                       "the reader is woken once the paused XADD ran")
        XCTAssertEqual(t[5][0], "", "served once")
    }
}
