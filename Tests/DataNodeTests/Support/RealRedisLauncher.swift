import Foundation
import Glibc
import Protocol
import XCTest

/// What the real-redis helpers of these tests (StringsRealRedis,
/// ServerRealRedis, ConfigRealRedis) share: finding redis-server, free
/// loopback ports, and starting it until it accepts a connection.
enum RealRedisLauncher {
    /// Skips the test when redis-server is not installed, unless
    /// VIGIL_REQUIRE_INTEROP=1, which makes that a failure.
    static func executable() throws -> String {
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":") {
            let p = "\(dir)/redis-server"
            if access(p, X_OK) == 0 { return p }
        }
        if ProcessInfo.processInfo.environment["VIGIL_REQUIRE_INTEROP"] == "1" {
            XCTFail("redis-server is not on PATH and VIGIL_REQUIRE_INTEROP=1")
        }
        throw XCTSkip("redis-server is not on PATH: skipping the comparison with real Redis")
    }

    static func freePort() -> Int {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(s) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(s, $0, &len) } }
        return Int(UInt16(bigEndian: addr.sin_port))
    }

    /// A socket connected to 127.0.0.1:port, or nil when refused. A
    /// `receiveTimeout` (seconds) keeps a test run from hanging on a reply
    /// that does not come.
    static func connect(_ port: Int, receiveTimeout: Int? = nil) -> Int32? {
        let s = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = UInt16(port).bigEndian
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(s, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        if r == 0 {
            if let seconds = receiveTimeout {
                var tv = timeval(tv_sec: seconds, tv_usec: 0)
                setsockopt(s, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            }
            return s
        }
        close(s)
        return nil
    }

    /// Starts `exe` with the arguments made for a port, trying up to
    /// `attempts` ports, until it accepts a connection; a start that dies
    /// (port taken) or stays deaf for 4 s moves on to the next port. nil when
    /// none worked.
    static func start(_ exe: String, attempts: Int = 5, port nextPort: () -> Int = freePort,
                      directory: String? = nil, receiveTimeout: Int? = nil,
                      _ arguments: (Int) -> [String]) throws -> (process: Process, port: Int, fd: Int32)? {
        for _ in 0..<attempts {
            let port = nextPort()
            let p = Process()
            p.executableURL = URL(fileURLWithPath: exe)
            p.arguments = arguments(port)
            if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
            p.standardOutput = FileHandle.nullDevice
            p.standardError = FileHandle.nullDevice
            try p.run()
            for _ in 0..<200 where p.isRunning {
                if let fd = connect(port, receiveTimeout: receiveTimeout) { return (p, port, fd) }
                usleep(20_000)
            }
            if p.isRunning { p.terminate(); p.waitUntilExit() }
        }
        return nil
    }

    /// Writes the whole request; false once the connection is gone.
    static func send(_ fd: Int32, _ req: [UInt8]) -> Bool {
        var off = 0
        while off < req.count {
            let n = req.withUnsafeBytes { write(fd, $0.baseAddress! + off, req.count - off) }
            if n <= 0 { return false }
            off += n
        }
        return true
    }

    /// The exact bytes of the next whole reply, taken from `pending` (bytes
    /// read past the last reply) and the socket; nil once the connection is
    /// gone (or a receive timeout ran out) first.
    static func readReply(_ fd: Int32, _ pending: inout [UInt8]) throws -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            if let (_, used) = try ReplyParser().parse(pending) {
                let reply = Array(pending[0..<used])
                pending.removeFirst(used)
                return reply
            }
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { return nil }
            pending += chunk[0..<n]
        }
    }
}
