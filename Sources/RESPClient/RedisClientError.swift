/// Failures of a blocking client connection. Server error replies are not
/// errors here: they come back as `RESPValue.error` values.
public enum RedisClientError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The TCP connect (or name lookup) failed; the text is strerror/gai_strerror
    /// ("Connection refused", "Name or service not known"), as redis-cli prints it.
    case connectFailed(String)
    /// The peer closed the connection (EOF, reset or broken pipe).
    case connectionClosed
    /// No (complete) reply or no write progress within the I/O timeout.
    case timeout
    /// The bytes received are not RESP.
    case malformedReply(String)
    /// Any other socket error (strerror text), or use after close().
    case io(String)

    public var description: String {
        switch self {
        case .connectFailed(let m): return m
        case .connectionClosed: return "Server closed the connection"
        case .timeout: return "Resource temporarily unavailable"
        case .malformedReply(let m): return "Protocol error, \(m)"
        case .io(let m): return m
        }
    }
}
