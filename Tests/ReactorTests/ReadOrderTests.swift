import Glibc
import XCTest
@testable import Reactor

/// Records which connection each read came from.
private final class OrderRecorder: ConnectionDelegate {
    var reads: [(fd: Int32, bytes: Int)] = []
    var total: [Int32: Int] = [:]
    /// Called on a read, as a busy script serves the loop from inside its client's read.
    var onRead: ((Connection) -> Void)?
    var nestedReads = 0
    private var depth = 0
    func connectionDidRead(_ c: Connection) {
        let n = c.input.readableBytes
        reads.append((c.fd, n))
        if depth > 0 { nestedReads += 1 }
        total[c.fd, default: 0] += n
        c.input.moveReaderIndex(forwardBy: n)
        depth += 1
        onRead?(c)
        depth -= 1
    }
    func connectionDidClose(_ c: Connection, reason: String) {}
}

/// Connections are served in the order their input came in: one served in
/// the last round does not go ahead of input that arrived before its own
/// (what level-triggered epoll does when the loop comes back late), and
/// input a read left behind is served without waiting for more.
final class ReadOrderTests: XCTestCase {
    private var loop: EventLoop!
    private var listener: Listener!
    private var accepted: [Connection] = []
    private let recorder = OrderRecorder()
    private var clients: [Int32] = []

    override func setUpWithError() throws {
        loop = try EventLoop()
        listener = Listener(fd: try Socket.listenTCP(host: "127.0.0.1", port: 0), loop: loop) { [unowned self] cfd, _ in
            let c = Connection(fd: cfd, loop: self.loop)
            c.delegate = self.recorder
            self.accepted.append(c)
        }
    }

    override func tearDown() {
        for c in accepted { c.close() }
        for fd in clients { Glibc.close(fd) }
        listener.close()
    }

    private func runUntil(_ done: () -> Bool) {
        let deadline = EventLoop.monotonicMs() + 5000
        while !done() && EventLoop.monotonicMs() < deadline { loop.runOnce(maxWaitMs: 10) }
    }

    /// A blocking client socket, connected and accepted by the loop.
    private func connectClient() throws -> (client: Int32, served: Connection) {
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(listener.port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        clients.append(fd)
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(rc, 0)
        let before = accepted.count
        runUntil { accepted.count > before }
        return (fd, try XCTUnwrap(accepted.last))
    }

    private func send(_ fd: Int32, _ n: Int) {
        let bytes = [UInt8](repeating: 120, count: n)
        var sent = 0
        while sent < n {
            let w = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + sent, n - sent) }
            XCTAssertGreaterThan(w, 0)
            if w <= 0 { return }
            sent += w
        }
    }

    /// Waits, without running the loop, until the kernel holds `n` unread bytes for `conn`.
    private func waitUnread(_ conn: Connection, _ n: Int) {
        let deadline = EventLoop.monotonicMs() + 5000
        var pending: Int32 = 0
        while EventLoop.monotonicMs() < deadline {
            _ = ioctl(conn.fd, UInt(FIONREAD), &pending)
            if pending >= n { return }
            usleep(1000)
        }
        XCTFail("the kernel holds \(pending) unread bytes, not \(n)")
    }

    func testConnectionServedLastRoundDoesNotGoAheadOfEarlierInput() throws {
        let (control, controlServed) = try connectClient()
        let (big, bigServed) = try connectClient()
        send(control, 10)
        runUntil { recorder.total[controlServed.fd] == 10 }
        recorder.reads.removeAll()

        // The loop is late: both inputs are in before it waits again, the big one first.
        send(big, 1000)
        waitUnread(bigServed, 1000)
        send(control, 10)
        waitUnread(controlServed, 10)
        loop.runOnce(maxWaitMs: 0)

        XCTAssertEqual(recorder.reads.map(\.fd), [bigServed.fd, controlServed.fd])
    }

    /// A handler that serves the loop itself (a busy script) gets the rest
    /// of its own round served there: an edge-triggered fd of that round
    /// is not reported again, and would wait for the handler to return.
    func testANestedRoundServesWhatTheRoundItInterruptedHadYetToServe() throws {
        let (first, firstServed) = try connectClient()
        let (second, secondServed) = try connectClient()
        send(first, 10)
        waitUnread(firstServed, 10)
        send(second, 10)
        waitUnread(secondServed, 10)
        recorder.onRead = { [unowned self] c in
            self.recorder.onRead = nil
            for _ in 0..<5 { self.loop.processFileEvents(maxWaitMs: 0) }
        }
        loop.runOnce(maxWaitMs: 0)
        XCTAssertEqual(recorder.total[firstServed.fd], 10)
        XCTAssertEqual(recorder.total[secondServed.fd], 10)
        XCTAssertEqual(recorder.nestedReads, 1, "the other connection was read only after the handler returned")
    }

    func testInputLeftByAFullReadIsServedWithoutNewInput() throws {
        let (client, served) = try connectClient()
        // More than one read takes (4 chunks of 16 KiB), all in before the loop runs.
        let n = 100_000
        send(client, n)
        waitUnread(served, n)
        runUntil { recorder.total[served.fd] == n }
        XCTAssertEqual(recorder.total[served.fd], n)
        XCTAssertGreaterThan(recorder.reads.count, 1, "one read took it all: the carry-over was not exercised")
    }
}
