import Glibc

/// A TCP port on 127.0.0.1 that takes connections (the kernel completes
/// them into the backlog) and never reads or answers: a peer that hangs.
public final class SilentListener {
    public let fd: Int32
    public let port: Int

    public init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SilentListenerError.socket(errno) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let size = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, size) } }
        guard bound == 0, listen(fd, 64) == 0 else {
            let e = errno
            Glibc.close(fd)
            throw SilentListenerError.socket(e)
        }
        var len = size
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        self.fd = fd
        port = Int(UInt16(bigEndian: addr.sin_port))
    }

    public func close() { Glibc.close(fd) }

    deinit { Glibc.close(fd) }
}

public enum SilentListenerError: Error {
    case socket(Int32)
}
