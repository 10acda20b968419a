/// The ACL log (7.0): denials and failed logins, newest first, similar
/// events within a minute merged into one entry.
public struct ACLLog {
    public enum Reason: String { case command, key, channel, auth }
    public enum Context: String { case toplevel, multi, lua, module }

    public struct Entry {
        public var count: Int
        public let reason: Reason
        public let context: Context
        public let object: [UInt8]
        public let username: String
        /// Milliseconds of the last update.
        public var timeMs: Int64
        public var clientInfo: String
    }

    public private(set) var entries: [Entry] = []

    public init() {}

    /// addACLLogEntry: only the 10 newest are compared; the log is trimmed to `maxLen`.
    public mutating func add(reason: Reason, context: Context, object: [UInt8], username: String,
                             clientInfo: String, nowMs: Int64, maxLen: Int) {
        for i in entries.indices.prefix(10) {
            let e = entries[i]
            if e.reason == reason && e.context == context && abs(e.timeMs - nowMs) <= 60000
                && e.object == object && e.username == username {
                var m = entries.remove(at: i)
                m.count += 1
                m.timeMs = nowMs
                m.clientInfo = clientInfo
                entries.insert(m, at: 0)
                return
            }
        }
        entries.insert(Entry(count: 1, reason: reason, context: context, object: object, username: username,
                             timeMs: nowMs, clientInfo: clientInfo), at: 0)
        if entries.count > max(maxLen, 0) { entries.removeLast(entries.count - max(maxLen, 0)) }
    }

    public mutating func reset() { entries = [] }
}
