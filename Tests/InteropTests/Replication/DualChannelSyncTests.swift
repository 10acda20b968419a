import Foundation
import Glibc
import RESPClient
import TestSupport
import XCTest

/// Issue 14's full-sync loop, small: a master whose snapshot takes about a
/// second (rdb-key-save-delay) while a client keeps writing, with a replica
/// output-buffer limit the stream held during that second overflows. With
/// the plain protocol the replica is dropped and asks again, sync after
/// sync; with Vigil's dual-channel sync the replica takes the second
/// connection and converges (so far not always at the first full sync).
final class DualChannelSyncTests: XCTestCase {
    private var fixture = ProcessFixture()
    private var writing = WriterSwitch()

    override func tearDown() {
        writing.stop()
        fixture.stopAll()
        super.tearDown()
    }

    private func masterUnderLoad() throws -> (port: Int, node: ProcessFixture.Started) {
        let node = try fixture.startVigil(["--client-output-buffer-limit", "replica 4mb 2mb 2", "--repl-diskless-sync", "no",
                                           "--rdb-key-save-delay", "400", "--enable-debug-command", "yes"])
        let c = try ProcessFixture.connect(node.port)
        defer { c.close() }
        XCTAssertEqual(try c.call(["DEBUG", "POPULATE", "5000", "seed", "100"]).string, "OK")
        let port = node.port, flag = writing
        Thread.detachNewThread {
            guard let w = try? ProcessFixture.connect(port) else { return }
            let value = String(repeating: "w", count: 2000)
            var i = 0
            while flag.running {
                _ = try? w.call(["SET", "load:\(i % 2000)", value])
                i += 1
            }
            w.close()
        }
        return (port, node)
    }

    func testUnderWriteLoadTheDualChannelSyncIsTakenAndConverges() throws {
        let (port, master) = try masterUnderLoad()
        let replica = try fixture.startVigil(["--replicaof", "127.0.0.1", String(port), "--enable-debug-command", "yes"])
        let m = try ProcessFixture.connect(port), r = try ProcessFixture.connect(replica.port)
        defer { m.close(); r.close() }
        let sync = ReplicationSync(master: m, replicas: [r])
        let deadline = Date().addingTimeInterval(30)
        while try sync.info(r, "master_link_status") != "up" && Date() < deadline { usleep(50_000) }
        XCTAssertEqual(try sync.info(r, "master_link_status"), "up")
        writing.stop()
        try sync.waitCaughtUp()
        try sync.assertSameData("after a dual-channel full sync under load")
        // Converged over the dual channel. Not pinned: that it takes exactly one
        // full sync. The replica reads nothing on its main link while it loads
        // the snapshot and applies what it buffered, so on a loaded machine the
        // master's buffer can still pass the hard limit once, and the next
        // attempt converges (seen at 2 in a full-suite run). Pinning 1 needs
        // the replica to keep reading during the load (issue 14, left).
        let fullSyncs = Int(try sync.info(m, "sync_full") ?? "0") ?? 0
        print("DualChannelSyncTests: converged after \(fullSyncs) full sync(s)")
        XCTAssertGreaterThanOrEqual(fullSyncs, 1)
        XCTAssertTrue(replica.process.logText.contains("Full resync from master over two connections (dual-channel)"),
                      replica.process.logText)
    }

    func testUnderTheSameLoadThePlainProtocolLoopsOnTheOutputLimit() throws {
        let (port, master) = try masterUnderLoad()
        let replica = try fixture.startVigil(["--replicaof", "127.0.0.1", String(port), "--vigil-dual-channel-replication", "no"])
        let m = try ProcessFixture.connect(port)
        defer { m.close() }
        let sync = ReplicationSync(master: m, replicas: [])
        let deadline = Date().addingTimeInterval(30)
        while Int(try sync.info(m, "sync_full") ?? "0")! < 2 && Date() < deadline { usleep(100_000) }
        XCTAssertGreaterThanOrEqual(Int(try sync.info(m, "sync_full") ?? "0")!, 2, "the replica asked again")
        XCTAssertTrue(master.process.logText.contains("scheduled to be closed ASAP for overcoming of output buffer limits."))
        XCTAssertFalse(replica.process.logText.contains("dual-channel"))
    }
}

/// A stop signal the writer thread polls.
final class WriterSwitch: @unchecked Sendable {
    private let lock = NSLock()
    private var on = true
    var running: Bool { lock.lock(); defer { lock.unlock() }; return on }
    func stop() { lock.lock(); on = false; lock.unlock() }
}
