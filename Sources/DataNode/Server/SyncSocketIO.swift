import CVigilShim
import Glibc

/// Blocking socket IO with a timeout on the server's own thread: Redis's
/// syncio.c and connBlockingConnect, which MIGRATE uses. The whole server
/// waits while it runs; that is Redis's specified behaviour (a MIGRATE to a
/// silent target stalls every client for up to its timeout).
/// The socket stays non-blocking: each call tries the syscall first and
/// only then waits with poll, as syncio.c does.
enum SyncSocketIO {
    /// How a call failed, as far as MIGRATE cares: it retries on a fresh
    /// connection unless the target took too long (errno == ETIMEDOUT).
    enum Failure: Error, Equatable {
        case timedOut
        case failed
    }

    /// connBlockingConnect(anetTcpNonBlockConnect + aeWait): nil only when no
    /// address could even start a connection. A connect still in progress
    /// after `timeoutMs`, or refused while waiting, still returns the socket,
    /// as Redis 7.0 does: the failure then shows on the first write.
    static func connect(host: [UInt8], port: Int, timeoutMs: Int) -> Int32? {
        // anetTcpGenericConnect prints the port into a 6-byte buffer.
        let portText = String(String(port).prefix(5))
        let hostText = String(decoding: host.prefix { $0 != 0 }, as: UTF8.self)
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(hostText, portText, &hints, &res) == 0 else { return nil }
        defer { freeaddrinfo(res) }
        var p = res
        while let ai = p {
            p = ai.pointee.ai_next
            // CLOEXEC: a saving child must not keep the target's connection open.
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue),
                            ai.pointee.ai_protocol)
            if fd < 0 { continue }
            var one: Int32 = 1
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                _ = wait(fd, events: Int16(POLLOUT), timeoutMs: timeoutMs)
                return fd
            }
            Glibc.close(fd)
        }
        return nil
    }

    /// syncWrite: all of `bytes` within `timeoutMs` counted from the call.
    static func write(_ fd: Int32, _ bytes: ArraySlice<UInt8>, timeoutMs: Int) -> Failure? {
        let start = vigil_monotonic_us() / 1000
        var remaining = timeoutMs
        var off = bytes.startIndex
        while true {
            let n = bytes.withUnsafeBytes { p in
                Glibc.send(fd, p.baseAddress! + (off - bytes.startIndex), p.count - (off - bytes.startIndex), Int32(MSG_NOSIGNAL))
            }
            if n < 0 {
                if errno != EAGAIN { return .failed }
            } else {
                off += n
            }
            if off == bytes.endIndex { return nil }
            _ = wait(fd, events: Int16(POLLOUT), timeoutMs: max(remaining, resolutionMs))
            let elapsed = Int(vigil_monotonic_us() / 1000 - start)
            if elapsed >= timeoutMs { return .timedOut }
            remaining = timeoutMs - elapsed
        }
    }

    /// syncReadLine: one line without its CR LF, at most `limit` bytes (the
    /// rest of a longer line stays unread), each byte within `timeoutMs`.
    static func readLine(_ fd: Int32, limit: Int, timeoutMs: Int) -> Result<[UInt8], Failure> {
        var line: [UInt8] = []
        while line.count < limit {
            switch readByte(fd, timeoutMs: timeoutMs) {
            case .failure(let f):
                return .failure(f)
            case .success(10):
                if line.last == 13 { line.removeLast() }
                return .success(line)
            case .success(let c):
                line.append(c)
            }
        }
        return .success(line)
    }

    /// syncRead of one byte.
    private static func readByte(_ fd: Int32, timeoutMs: Int) -> Result<UInt8, Failure> {
        let start = vigil_monotonic_us() / 1000
        var remaining = timeoutMs
        var c: UInt8 = 0
        while true {
            let n = Glibc.read(fd, &c, 1)
            if n == 0 { return .failure(.failed) }   // the target closed the connection
            if n == 1 { return .success(c) }
            if errno != EAGAIN { return .failure(.failed) }
            _ = wait(fd, events: Int16(POLLIN), timeoutMs: max(remaining, resolutionMs))
            let elapsed = Int(vigil_monotonic_us() / 1000 - start)
            if elapsed >= timeoutMs { return .failure(.timedOut) }
            remaining = timeoutMs - elapsed
        }
    }

    /// SYNCIO__RESOLUTION: the shortest wait between two attempts.
    private static let resolutionMs = 10

    /// aeWait: whether poll saw the socket ready (an error or hang-up counts as ready).
    private static func wait(_ fd: Int32, events: Int16, timeoutMs: Int) -> Bool {
        var pfd = pollfd(fd: fd, events: events, revents: 0)
        return poll(&pfd, 1, Int32(clamping: timeoutMs)) == 1
    }
}
