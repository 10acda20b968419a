/// Counters behind INFO stats and errorstats.
public struct ServerStats {
    public var totalConnectionsReceived = 0
    public var totalCommandsProcessed = 0
    public var rejectedConnections = 0
    public var totalErrorReplies = 0
    /// Error replies by their first word ("ERR", "WRONGTYPE"...), for INFO errorstats.
    public var errorCounts: [String: Int] = [:]
    /// The codes of errorCounts in byte order, as INFO errorstats lists them
    /// (Redis keeps them in a radix tree): ordered when a code first
    /// appears, so INFO does no sorting, whose first run grew the Swift
    /// runtime's type metadata by a 16 KB page after used_memory was read.
    public private(set) var errorCodesInOrder: [String] = []
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
        let name = String(code)
        if let n = errorCounts[name] {
            errorCounts[name] = n + 1
        } else if errorCounts.count < 128 {
            errorCounts[name] = 1
            var at = 0
            while at < errorCodesInOrder.count && errorCodesInOrder[at].utf8.lexicographicallyPrecedes(name.utf8) { at += 1 }
            errorCodesInOrder.insert(name, at: at)
        }
    }
}
