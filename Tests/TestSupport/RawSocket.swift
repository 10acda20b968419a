import Foundation
import Glibc

/// A bare TCP client socket for sending arbitrary (broken) bytes and reading
/// whatever comes back, EOF included: what RedisConnection refuses to do.
/// Shared by the process tests of every target.
public final class RawSocket {
    public private(set) var fd: Int32
    /// The peer closed (read returned 0) or reset the connection.
    public private(set) var sawEOF = false

    /// `receiveBuffer` shrinks SO_RCVBUF before connecting (after, a tiny
    /// window slows the transfer to a crawl), so unread replies pile up in the server.
    public init(port: Int, host: String = "127.0.0.1", receiveBuffer: Int32? = nil) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw RawSocketError.failed("socket: \(String(cString: strerror(errno)))") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        inet_pton(AF_INET, host, &addr.sin_addr)
        let r = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard r == 0 else {
            let e = errno
            Glibc.close(fd)
            fd = -1
            throw RawSocketError.failed("connect \(port): \(String(cString: strerror(e)))")
        }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close() }

    /// This end's address as the server sees it ("127.0.0.1:54321"): CLIENT KILL ADDR.
    public var localAddress: String { Self.address(fd, peer: false) }
    /// The server's end ("127.0.0.1:6379"): CLIENT KILL LADDR.
    public var peerAddress: String { Self.address(fd, peer: true) }

    private static func address(_ fd: Int32, peer: Bool) -> String {
        var a = sockaddr_in()
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &a) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { peer ? getpeername(fd, $0, &len) : getsockname(fd, $0, &len) }
        }
        var buf = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        inet_ntop(AF_INET, &a.sin_addr, &buf, socklen_t(buf.count))
        return "\(String(cString: buf)):\(UInt16(bigEndian: a.sin_port))"
    }

    public func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    /// Closes with an RST (SO_LINGER 0): the abrupt way a crashed client leaves.
    public func reset() {
        guard fd >= 0 else { return }
        var l = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    /// Writes what the socket takes within `timeoutMs`; false once the peer is gone.
    @discardableResult
    public func send(_ bytes: [UInt8], timeoutMs: Int = 2000) -> Bool {
        guard fd >= 0 else { return false }
        var off = 0
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { p in
                Glibc.send(fd, p.baseAddress! + off, p.count - off, Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            if n > 0 { off += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                if Date() > deadline { return false }
                var p = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&p, 1, 20)
                continue
            }
            return false
        }
        return true
    }

    /// Reads what arrives until `idleMs` pass without data, EOF, or `maxBytes`.
    public func read(idleMs: Int = 50, totalMs: Int = 5000, maxBytes: Int = 64 << 20) -> [UInt8] {
        var out: [UInt8] = []
        guard fd >= 0 else { return out }
        let deadline = Date().addingTimeInterval(Double(totalMs) / 1000)
        var buf = [UInt8](repeating: 0, count: 64 * 1024)
        while out.count < maxBytes && Date() < deadline {
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&p, 1, Int32(idleMs))
            if r == 0 { break }
            if r < 0 { if errno == EINTR { continue }; break }
            let n = buf.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { out += buf[0..<n]; continue }
            if n == 0 || (errno != EINTR && errno != EAGAIN) { sawEOF = true; break }
        }
        return out
    }

    /// Reads until the server closes the connection (or `timeoutMs` passes).
    public func readUntilEOF(timeoutMs: Int = 5000, maxBytes: Int = 256 << 20) -> [UInt8] {
        var out: [UInt8] = []
        let deadline = Date().addingTimeInterval(Double(timeoutMs) / 1000)
        while !sawEOF && Date() < deadline && out.count < maxBytes {
            out += read(idleMs: 100, totalMs: Int(max(1, deadline.timeIntervalSinceNow * 1000)), maxBytes: maxBytes - out.count)
        }
        return out
    }
}

public enum RawSocketError: Error { case failed(String) }

/// VmRSS of a process in bytes, from /proc/<pid>/status.
public func residentBytes(pid: Int32) -> Int? {
    guard let s = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
          let line = s.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }) else { return nil }
    let parts = line.split(separator: " ", omittingEmptySubsequences: true)
    guard parts.count >= 2, let kb = Int(parts[1]) else { return nil }
    return kb * 1024
}
