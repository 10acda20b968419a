import CVigilShim
import Glibc

/// Blocking TCP connect with a timeout, reporting failures in the words
/// redis-cli (hiredis) uses: strerror for socket errors, gai_strerror for lookups.
enum SocketConnector {
    static func connect(host: String, port: Int, timeoutMs: Int) throws -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &res)
        if rc != 0 {
            throw RedisClientError.connectFailed(String(cString: gai_strerror(rc)))
        }
        defer { freeaddrinfo(res) }
        var lastError: Int32 = ECONNREFUSED
        var p = res
        while let ai = p {
            p = ai.pointee.ai_next
            let fd = socket(ai.pointee.ai_family, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), ai.pointee.ai_protocol)
            if fd < 0 { lastError = errno; continue }
            if Glibc.connect(fd, ai.pointee.ai_addr, ai.pointee.ai_addrlen) == 0 || errno == EINPROGRESS {
                let err = waitConnected(fd, timeoutMs: timeoutMs)
                if err == 0 {
                    _ = vigil_set_nonblocking(fd, 0)
                    return fd
                }
                lastError = err
            } else {
                lastError = errno
            }
            Glibc.close(fd)
        }
        throw RedisClientError.connectFailed(errnoText(lastError))
    }

    /// 0 once connected, else the errno explaining why not.
    private static func waitConnected(_ fd: Int32, timeoutMs: Int) -> Int32 {
        let deadline = vigil_monotonic_us() + Int64(timeoutMs) * 1000
        while true {
            var pfd = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let left = max(0, (deadline - vigil_monotonic_us()) / 1000)
            let r = poll(&pfd, 1, Int32(clamping: left))
            if r < 0 && errno == EINTR { continue }
            if r < 0 { return errno }
            if r == 0 { return ETIMEDOUT }
            return vigil_socket_error(fd)
        }
    }
}
