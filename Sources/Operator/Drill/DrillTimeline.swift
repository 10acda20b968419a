/// One line of a run's timeline: milliseconds after the fault, what happened, where.
public struct TimelineEntry: Codable, Equatable, Sendable {
    public var ms: Int
    public var what: String
    public var detail: String

    public init(ms: Int, what: String, detail: String) {
        self.ms = ms
        self.what = what
        self.detail = detail
    }
}

/// Builds a run's timeline from what the subscribers and the writer saw: the
/// first of each failover milestone (whichever sentinel reported it first),
/// then the first write the new master acknowledged. No IO.
enum DrillTimeline {
    /// The milestones a failover passes, in the order sentinels emit them.
    static let milestones = [
        "+sdown", "+odown", "+try-failover", "+elected-leader", "+failover-state-select-slave",
        "+selected-slave", "+failover-state-send-slaveof-noone", "+failover-state-wait-promotion",
        "+promoted-slave", "+failover-state-reconf-slaves", "+switch-master",
    ]

    static let firstWriteLabel = "first write on new master"

    /// The address a +switch-master message names as the new master
    /// ("<name> <old-ip> <old-port> <new-ip> <new-port>").
    static func newMaster(in events: [SentinelEvent], name: String, since: Double) -> Address? {
        for e in events where e.type == "+switch-master" && e.at >= since {
            let f = e.message.split(separator: " ").map(String.init)
            if f.count == 5, f[0] == name, let port = Int(f[4]) { return Address(host: f[3], port: port) }
        }
        return nil
    }

    static func ms(_ seconds: Double) -> Int { Int((seconds * 1000).rounded()) }

    static func assemble(faultAt: Double, fault: String, events: [SentinelEvent],
                         firstWrite: AckedWrite?) -> [TimelineEntry] {
        var entries: [(at: Double, entry: TimelineEntry)] = [(faultAt, TimelineEntry(ms: 0, what: "fault", detail: fault))]
        for type in milestones {
            let first = events.filter { e in
                // A master's +sdown only: replicas and sentinels flap too (the dead master's peers).
                e.type == type && e.at >= faultAt && (type != "+sdown" || e.message.hasPrefix("master "))
            }.min { $0.at < $1.at }
            if let e = first {
                entries.append((e.at, TimelineEntry(ms: ms(e.at - faultAt), what: type,
                                                   detail: "\(e.message) (sentinel \(e.sentinel))")))
            }
        }
        if let w = firstWrite {
            entries.append((w.at, TimelineEntry(ms: ms(w.at - faultAt), what: firstWriteLabel,
                                               detail: "seq \(w.seq) acknowledged by \(w.node)")))
        }
        // Stable: equal times keep the milestone order.
        return entries.enumerated().sorted { a, b in
            a.element.at != b.element.at ? a.element.at < b.element.at : a.offset < b.offset
        }.map(\.element.entry)
    }
}
