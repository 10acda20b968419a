/// An instance address. `hostname` is what was configured or announced; `ip`
/// is what we connect to (the same string unless resolve-hostnames resolved it).
public struct SentinelAddress: Sendable, Equatable {
    public var hostname: String
    public var ip: String
    public var port: Int

    public init(hostname: String, ip: String, port: Int) {
        self.hostname = hostname
        self.ip = ip
        self.port = port
    }

    /// sentinelAddrIsEqual: same port and same IP, or same hostname ignoring case.
    public func isEqual(_ other: SentinelAddress) -> Bool {
        port == other.port && (ip == other.ip || hostname.lowercased() == other.hostname.lowercased())
    }

    /// sentinelAddrEqualsHostname, without DNS: the host string against our IP or hostname.
    public func equalsHost(_ host: String?) -> Bool {
        guard let host else { return false }
        return host.lowercased() == hostname.lowercased() || host == ip
    }

    /// "ip:port", or "[ip]:port" for IPv6, as anetFormatAddr.
    public static func format(_ host: String, _ port: Int) -> String {
        host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// True for an IPv4 or IPv6 literal: what inet_pton(AF_INET) or
    /// inet_pton(AF_INET6) accepts (see IPLiteral.swift).
    public static func isIPLiteral(_ s: String) -> Bool {
        IPLiteral.isIPv4(s) || IPLiteral.isIPv6(s)
    }
}
