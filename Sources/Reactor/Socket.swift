import CVigilShim
import Glibc

public enum SocketError: Error, CustomStringConvertible {
    case system(String, Int32)

    public var description: String {
        switch self {
        case .system(let what, let e): return "\(what): \(String(cString: strerror(e)))"
        }
    }

    public var errnoValue: Int32 {
        switch self { case .system(_, let e): return e }
    }
}

/// Thin wrappers over the shim's socket helpers.
public enum Socket {
    public static func listenTCP(host: String, port: Int, backlog: Int = 511) throws -> Int32 {
        let fd = vigil_listen_tcp(host, Int32(port), Int32(backlog))
        if fd < 0 { throw SocketError.system("Could not create server TCP listening socket \(host):\(port)", vigil_errno()) }
        return fd
    }

    public static func listenUnix(path: String, permissions: Int) throws -> Int32 {
        let fd = vigil_listen_unix(path, Int32(permissions))
        if fd < 0 { throw SocketError.system("Failed opening Unix socket \(path)", vigil_errno()) }
        return fd
    }

    public static func localPort(_ fd: Int32) -> Int { Int(vigil_local_port(fd)) }

    /// Accepts one connection; nil when none is pending (EAGAIN) or on error.
    public static func accept(_ fd: Int32) -> (fd: Int32, address: String)? {
        var buf = [CChar](repeating: 0, count: 128)
        let c = vigil_accept(fd, &buf, 128)
        if c < 0 { return nil }
        return (c, String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }

    /// Starts a non-blocking connect; completion is signalled by writability.
    /// `source`: the local address to connect from (bind-source-addr), nil for any.
    public static func connectNonBlocking(host: String, port: Int, source: String? = nil) throws -> Int32 {
        let fd = vigil_connect_tcp(host, Int32(port), 1, source)
        if fd < 0 { throw SocketError.system("connect \(host):\(port)", vigil_errno()) }
        return fd
    }

    public static func pendingError(_ fd: Int32) -> Int32 { vigil_socket_error(fd) }

    public static func setNoDelay(_ fd: Int32) { _ = vigil_set_nodelay(fd) }
    public static func setKeepAlive(_ fd: Int32, interval: Int) { _ = vigil_set_keepalive(fd, Int32(interval)) }

    public static func peerName(_ fd: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 128)
        return vigil_peer_name(fd, &buf, 128) == 0 ? String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?:0"
    }

    public static func localName(_ fd: Int32) -> String {
        var buf = [CChar](repeating: 0, count: 128)
        return vigil_sock_name(fd, &buf, 128) == 0 ? String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "?:0"
    }

    public static func close(_ fd: Int32) { _ = Glibc.close(fd) }
}
