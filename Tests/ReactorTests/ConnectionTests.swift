import Glibc
import XCTest
@testable import Reactor

/// A loopback pair on one loop: a listener, an accepted side and a connecting side.
final class Recorder: ConnectionDelegate {
    var received: [UInt8] = []
    var closedReason: String?
    var connected = false
    func connectionDidRead(_ c: Connection) {
        received.append(contentsOf: c.input.readableArray)
        c.input.moveReaderIndex(forwardBy: c.input.readableBytes)
    }
    func connectionDidClose(_ c: Connection, reason: String) { closedReason = reason }
    func connectionDidConnect(_ c: Connection) { connected = true }
}

final class ConnectionTests: XCTestCase {
    var loop: EventLoop!
    var listener: Listener!
    var accepted: [Connection] = []
    let serverSide = Recorder()

    override func setUpWithError() throws {
        loop = try EventLoop()
        let fd = try Socket.listenTCP(host: "127.0.0.1", port: 0)
        listener = Listener(fd: fd, loop: loop) { [unowned self] cfd, _ in
            let c = Connection(fd: cfd, loop: self.loop)
            c.delegate = self.serverSide
            self.accepted.append(c)
        }
    }

    override func tearDown() {
        for c in accepted { c.close() }
        listener.close()
    }

    func runUntil(timeoutMs: Int64 = 3000, _ done: () -> Bool) {
        let deadline = EventLoop.monotonicMs() + timeoutMs
        while !done() && EventLoop.monotonicMs() < deadline { loop.runOnce(maxWaitMs: 10) }
    }

    func testOutgoingConnectDeliversBytesBothWays() throws {
        let clientSide = Recorder()
        let c = try Connection.connect(host: "127.0.0.1", port: listener.port, loop: loop, delegate: clientSide)
        c.enqueue(Array("hello".utf8))
        runUntil { clientSide.connected && serverSide.received.count == 5 }
        XCTAssertEqual(String(decoding: serverSide.received, as: UTF8.self), "hello")
        accepted[0].enqueue(Array("world".utf8))
        accepted[0].flush()
        runUntil { clientSide.received.count == 5 }
        XCTAssertEqual(String(decoding: clientSide.received, as: UTF8.self), "world")
        c.close()
    }

    func testConnectToClosedPortReportsClose() throws {
        let port = listener.port
        listener.close()
        let rec = Recorder()
        do {
            _ = try Connection.connect(host: "127.0.0.1", port: port, loop: loop, delegate: rec)
            runUntil { rec.closedReason != nil }
            XCTAssertNotNil(rec.closedReason)
            XCTAssertFalse(rec.connected)
        } catch {
            // An immediate refusal is also a valid outcome of a non-blocking connect.
        }
        listener = try Listener(fd: Socket.listenTCP(host: "127.0.0.1", port: 0), loop: loop) { _, _ in }
    }

    func testLargeWriteIsDeliveredWholeUnderBackpressure() throws {
        let clientSide = Recorder()
        let c = try Connection.connect(host: "127.0.0.1", port: listener.port, loop: loop, delegate: clientSide)
        runUntil { clientSide.connected && !accepted.isEmpty }
        // 8 MB exceeds socket buffers: the rest waits for EPOLLOUT.
        let payload = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        c.enqueue(payload)
        c.flush()
        XCTAssertGreaterThan(c.pendingOutputBytes, 0, "the kernel took 8 MB at once; backpressure path not exercised")
        runUntil(timeoutMs: 10_000) { serverSide.received.count == payload.count }
        XCTAssertEqual(serverSide.received.count, payload.count)
        XCTAssertTrue(serverSide.received == payload)
        XCTAssertEqual(c.pendingOutputBytes, 0)
        c.close()
    }

    func testCloseAfterFlushSendsPendingBytesThenCloses() throws {
        let clientSide = Recorder()
        let c = try Connection.connect(host: "127.0.0.1", port: listener.port, loop: loop, delegate: clientSide)
        runUntil { clientSide.connected && !accepted.isEmpty }
        accepted[0].enqueue(Array("-ERR bye\r\n".utf8))
        accepted[0].closeAfterFlush()
        runUntil { clientSide.closedReason != nil }
        XCTAssertEqual(String(decoding: clientSide.received, as: UTF8.self), "-ERR bye\r\n")
        XCTAssertNotNil(clientSide.closedReason)
        _ = c
    }

    func testPeerCloseIsReported() throws {
        let clientSide = Recorder()
        let c = try Connection.connect(host: "127.0.0.1", port: listener.port, loop: loop, delegate: clientSide)
        runUntil { clientSide.connected && !accepted.isEmpty }
        c.close()
        runUntil { serverSide.closedReason != nil }
        XCTAssertNotNil(serverSide.closedReason)
    }
}
