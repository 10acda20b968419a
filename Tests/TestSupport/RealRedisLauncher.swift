import Deployment
import Foundation
import Glibc
import Protocol
import XCTest

/// A real redis-server reached through a raw socket, for byte-level
/// comparisons of replies (the in-process tests compare these bytes with the
/// bytes the server under test writes).
public enum RealRedisLauncher {
    /// redis-server under the interop policy.
    public static func executable(file: StaticString = #filePath, line: UInt = #line) throws -> String {
        try Interop.tool("redis-server", purpose: "comparison with real Redis", file: file, line: line)
    }

    /// A socket connected to 127.0.0.1:port, or nil when refused. A
    /// `receiveTimeout` (seconds) keeps a test run from hanging on a reply
    /// that does not come.
    public static func connect(_ port: Int, receiveTimeout: Int? = nil) -> Int32? {
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
    /// (port taken) or stays deaf for 4 s moves on to the next port. A peer
    /// that never starts is `Interop.unavailable`.
    public static func start(_ exe: String, attempts: Int = 5, port nextPort: () -> Int = Ports.free,
                             directory: String? = nil, receiveTimeout: Int? = nil,
                             file: StaticString = #filePath, line: UInt = #line,
                             _ arguments: (Int) -> [String]) throws -> (process: NodeProcess, port: Int, fd: Int32) {
        // A directory of its own: a dump.rdb another test left in the runner's
        // directory must not be loaded into the peer under comparison.
        let directory = try directory ?? makeScratchDirectory("real-redis")
        for _ in 0..<attempts {
            let port = nextPort()
            let p = try NodeProcess.launch(executable: exe, arguments: arguments(port), workingDirectory: directory)
            for _ in 0..<200 where p.isRunning {
                if let fd = connect(port, receiveTimeout: receiveTimeout) { return (p, port, fd) }
                usleep(20_000)
            }
            p.cleanUp()
        }
        throw Interop.unavailable("\(exe) did not start on any of \(attempts) ports", file: file, line: line)
    }

    /// Writes the whole request; false once the connection is gone.
    public static func send(_ fd: Int32, _ req: [UInt8]) -> Bool {
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
    public static func readReply(_ fd: Int32, _ pending: inout [UInt8]) throws -> [UInt8]? {
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
