import Glibc

/// The debugging client's socket, used directly and blocking while the
/// script is stopped, as Redis does (connBlock, a 5 s send timeout): the
/// event loop does not run during a session.
struct DebuggerLink {
    let fd: Int32
    /// Set for a synchronous session: a shutdown signal ends the wait, as the
    /// EINTR of Redis's blocked read does.
    let interrupted: () -> Bool

    static let sendTimeoutMs: Int32 = 5000

    /// Up to `max` bytes; nil when the client closed, failed, or a signal came.
    func read(max: Int) -> [UInt8]? {
        var buf = [UInt8](repeating: 0, count: max)
        while true {
            if interrupted() { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, 100)
            if ready < 0 && errno != EINTR { return nil }
            if ready <= 0 { continue }
            let n = buf.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, max) }
            if n > 0 { return Array(buf[0..<n]) }
            if n == 0 { return nil }
            if errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR { return nil }
        }
    }

    /// Best effort, as Redis's: a failed write shows up as the next read's end.
    func write(_ bytes: [UInt8]) {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress! + sent, bytes.count - sent) }
            if n > 0 { sent += n; continue }
            if n < 0 && errno == EINTR { continue }
            guard n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) else { return }
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            if poll(&pfd, 1, Self.sendTimeoutMs) <= 0 { return }
        }
    }
}
