import Foundation
import Glibc
import RESPClient
import Deployment
import TestSupport
import XCTest

/// Protected mode as in redis-server 7.0.15: with no password for the
/// default user, only 127.0.0.1, ::1 and the unix socket are local, whatever
/// the bind addresses (the fixture binds 127.0.0.1 explicitly, which before
/// 7.0 turned protected mode off). A peer at 127.0.0.2 is not local.
final class ProtectedModeProcessTests: XCTestCase {
    let fixture = ProcessFixture()

    override func tearDown() {
        fixture.stopAll()
        super.tearDown()
    }

    /// Sends `request` from 127.0.0.2 and returns the first reply line.
    private func firstLine(from port: Int, _ request: String) throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        XCTAssertGreaterThanOrEqual(fd, 0)
        defer { close(fd) }
        var tv = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        func address(_ ip: String, _ port: Int) -> sockaddr_in {
            var a = sockaddr_in()
            a.sin_family = sa_family_t(AF_INET)
            a.sin_port = in_port_t(UInt16(port).bigEndian)
            a.sin_addr.s_addr = inet_addr(ip)
            return a
        }
        var source = address("127.0.0.2", 0), target = address("127.0.0.1", port)
        let bound = withUnsafePointer(to: &source) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(bound, 0, "cannot bind 127.0.0.2")
        let connected = withUnsafePointer(to: &target) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        XCTAssertEqual(connected, 0)
        let bytes = Array(request.utf8)
        XCTAssertEqual(write(fd, bytes, bytes.count), bytes.count)
        var reply: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 4096)
        while !reply.contains(10) {
            let n = read(fd, &buf, buf.count)
            if n <= 0 { break }
            reply += buf[0..<n]
        }
        let line = reply.split(separator: 10).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
        return line.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The first reply line a 127.0.0.2 peer gets at each step.
    private func replies(_ s: ProcessFixture.Started) throws -> [String] {
        let local = try ProcessFixture.connect(s.port)
        var seen = [String(try firstLine(from: s.port, "PING\r\n").prefix(7))]
        XCTAssertEqual(try local.call("CONFIG", "SET", "bind", "*"), .simple("OK"))
        seen.append(String(try firstLine(from: s.port, "PING\r\n").prefix(7)))
        XCTAssertEqual(try local.call("CONFIG", "SET", "requirepass", "secret"), .simple("OK"))
        seen.append(try firstLine(from: s.port, "AUTH secret\r\n"))
        XCTAssertEqual(try local.call("AUTH", "secret"), .simple("OK"))
        XCTAssertEqual(try local.call("CONFIG", "SET", "requirepass", ""), .simple("OK"))
        seen.append(String(try firstLine(from: s.port, "PING\r\n").prefix(7)))
        XCTAssertEqual(try local.call("CONFIG", "SET", "protected-mode", "no"), .simple("OK"))
        seen.append(try firstLine(from: s.port, "PING\r\n"))
        return seen
    }

    func testOnlyLoopbackAddressesAreLocalWhateverTheBind() throws {
        let vigil = try replies(try fixture.startVigil())
        XCTAssertEqual(vigil, ["-DENIED", "-DENIED", "+OK", "-DENIED", "+PONG"])
        if let redis = try fixture.optionalRedis(["--bind", "127.0.0.1"], purpose: "protected mode on redis-server") {
            XCTAssertEqual(vigil, try replies(redis))
        }
    }
}
