import Glibc

/// Name resolution for resolve-hostnames (the core itself does no DNS).
enum HostResolver {
    /// The first address getaddrinfo gives for `host`, as text.
    static func resolve(_ host: String) -> String? {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &res) == 0, let first = res else { return nil }
        defer { freeaddrinfo(res) }
        var buf = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ai = first.pointee
        if ai.ai_family == AF_INET {
            var a = ai.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            inet_ntop(AF_INET, &a, &buf, socklen_t(buf.count))
        } else if ai.ai_family == AF_INET6 {
            var a = ai.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            inet_ntop(AF_INET6, &a, &buf, socklen_t(buf.count))
        } else {
            return nil
        }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
