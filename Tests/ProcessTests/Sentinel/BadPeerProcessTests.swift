import Foundation
import Glibc
import Protocol
import RESPClient
import Deployment
import TestSupport
import XCTest

/// A sentinel never crashes on what a peer does: a node that accepts and
/// never answers, one that answers garbage, one that flips roles.
final class BadPeerProcessTests: XCTestCase {
    /// A TCP listener that answers each connection with `answer` (or nothing).
    final class FakePeer: @unchecked Sendable {
        let fd: Int32
        let port: Int
        private let answer: [UInt8]?
        private var stopped = false
        private let lock = NSLock()
        private(set) var connections = 0

        init(answer: String?) throws {
            self.answer = answer.map { Array($0.utf8) }
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var one: Int32 = 1
            setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            var addr = sockaddr_in()
            addr.sin_family = sa_family_t(AF_INET)
            addr.sin_addr.s_addr = inet_addr("127.0.0.1")
            addr.sin_port = 0
            _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            listen(fd, 64)
            var len = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
            self.fd = fd
            port = Int(UInt16(bigEndian: addr.sin_port))
            guard answer != nil else { return }  // backlog only: connections complete, nothing is ever read
            let t = Thread { [self] in self.serve() }
            t.start()
        }

        private func serve() {
            while true {
                let c = accept(fd, nil, nil)
                lock.lock()
                let stop = stopped
                if c >= 0 { connections += 1 }
                lock.unlock()
                if stop || c < 0 { if c >= 0 { close(c) }; return }
                var buf = [UInt8](repeating: 0, count: 4096)
                _ = read(c, &buf, buf.count)
                if let a = answer { _ = a.withUnsafeBytes { write(c, $0.baseAddress, $0.count) } }
                usleep(50_000)
                close(c)
            }
        }

        var connectionCount: Int {
            lock.lock(); defer { lock.unlock() }
            return connections
        }

        func stop() {
            lock.lock()
            stopped = true
            lock.unlock()
            shutdown(fd, Int32(SHUT_RDWR))
            close(fd)
        }
    }

    func testSilentAndGarbagePeers() throws {
        let vigil = try Interop.built("vigil-sentinel")
        let silent = try FakePeer(answer: nil)
        let garbage = try FakePeer(answer: "%%%garbage\r\n*-5\r\n$abc\r\n")
        defer { silent.stop(); garbage.stop() }
        let d = try LocalDeployment()
        defer { d.tearDown() }
        d.masterPort = silent.port
        let v = try d.startSentinel(.vigil, vigil: vigil, downAfter: 500, extra: [
            "sentinel monitor junk 127.0.0.1 \(garbage.port) 1",
            "sentinel down-after-milliseconds junk 500",
        ])
        let watcher = try EventWatcher([v])
        defer { watcher.close() }
        watcher.pump(for: 4) { ev in ev.filter { $0.type == "+sdown" }.count >= 2 }
        let downs = Set(watcher.events.filter { $0.type == "+sdown" }.map(\.message))
        XCTAssertEqual(downs, ["master mymaster 127.0.0.1 \(silent.port)", "master junk 127.0.0.1 \(garbage.port)"])
        // The garbage link is dropped and retried, about once per second; the sentinel keeps answering.
        try LocalDeployment.waitUntil(4, "three connections to the garbage peer") { garbage.connectionCount >= 3 }
        let flags = LocalDeployment.pairs(try v.call("SENTINEL", "MASTER", "junk")).first { $0.0 == "flags" }?.1 ?? ""
        XCTAssertTrue(flags.hasPrefix("s_down,o_down,master"), flags)
        XCTAssertTrue(v.process.isRunning)
        // Garbage hellos and odd PUBLISH payloads are ignored.
        for payload in ["", ",,,,,,,", "a,b,c,d,mymaster,f,g,h", String(repeating: "x", count: 10000)] {
            XCTAssertEqual(try v.call("PUBLISH", "__sentinel__:hello", payload), .integer(1))
        }
        XCTAssertEqual(try v.call("SENTINEL", "SENTINELS", "mymaster"), .array([]))
    }
}
