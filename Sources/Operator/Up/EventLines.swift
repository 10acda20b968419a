import Foundation

/// Sentinel events as the lines `vigil up` prints: one line an event, with
/// the time it arrived and the sentinel that published it. The same event
/// published by several sentinels (+switch-master, +new-epoch, +slave...) is
/// printed once; a sentinel's own judgement (+sdown, -sdown) is printed for
/// each sentinel, since how many see the master down is what leads to +odown.
struct EventLines {
    /// How long an identical event from another sentinel counts as the same one.
    let window: Double
    private var seen: [String: Double] = [:]

    init(window: Double = 5) {
        self.window = window
    }

    static let perSentinel: Set<String> = ["+sdown", "-sdown"]

    /// The line to print for `channel`/`message` from `sentinel`, arriving at
    /// `at` (seconds, any clock), or nil for a duplicate.
    mutating func line(sentinel: String, channel: String, message: String, at: Double, wallClock: Date) -> String? {
        let key = Self.perSentinel.contains(channel) ? "\(sentinel) \(channel) \(message)" : "\(channel) \(message)"
        if let last = seen[key], at - last < window { return nil }
        seen[key] = at
        seen = seen.filter { at - $0.value < window }
        return "\(Self.timestamp(wallClock))  \(Self.pad(channel, 18)) \(Self.describe(channel, message))  (sentinel \(sentinel))"
    }

    /// +switch-master reads "name old-ip old-port new-ip new-port": shown as
    /// an arrow; other messages as sentinels write them ("master mymaster
    /// 127.0.0.1 6380", "slave 127.0.0.1:6381 127.0.0.1 6381 @ mymaster 127.0.0.1 6380").
    static func describe(_ channel: String, _ message: String) -> String {
        let w = message.split(separator: " ")
        if channel == "+switch-master", w.count == 5 {
            return "\(w[0]) \(w[1]):\(w[2]) -> \(w[3]):\(w[4])"
        }
        return message
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    /// HH:MM:SS.mmm in local time, as Redis's logs.
    static func timestamp(_ date: Date) -> String {
        let t = date.timeIntervalSince1970
        var secs = time_t(t)
        var tm = tm()
        localtime_r(&secs, &tm)
        let ms = Int((t - Double(secs)) * 1000)
        return String(format: "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, ms)
    }
}
