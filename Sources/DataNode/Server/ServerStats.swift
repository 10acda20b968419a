/// Counters behind INFO stats and errorstats.
public struct ServerStats {
    public var totalConnectionsReceived = 0
    public var totalCommandsProcessed = 0
    public var rejectedConnections = 0
    public var totalErrorReplies = 0
    /// Error replies by their first word ("ERR", "WRONGTYPE"...), for INFO errorstats.
    public var errorCounts: [String: Int] = [:]
    public var netInputBytes = 0
    public var netOutputBytes = 0
    public var expiredKeys: Int { 0 }
    public var evictedKeys = 0
    public var evictedClients = 0
    public var replyBufferShrinks = 0
    public var replyBufferExpands = 0
    /// Time spent in active expiry cycles (expire_cycle_cpu_milliseconds).
    public var expireCycleTimeUsedUs: Int64 = 0
    public var clientQueryBufferLimitDisconnections = 0
    public var clientOutputBufferLimitDisconnections = 0
    public var totalReadsProcessed = 0
    public var totalWritesProcessed = 0
    public var unexpectedErrorReplies = 0
    public var pubsubChannelsPublished = 0

    public init() {}

    mutating func noteError(_ message: String) {
        totalErrorReplies += 1
        var code = Substring(message)
        if let sp = message.firstIndex(of: " ") { code = message[..<sp] }
        // Redis caps distinct error codes at 128 to keep the table bounded.
        if errorCounts[String(code)] != nil || errorCounts.count < 128 {
            errorCounts[String(code), default: 0] += 1
        }
    }
}
