/// The invariants every simulated run must keep, checked over its event trace.
enum SimulationChecker {
    struct Violation: CustomStringConvertible {
        let time: Int64
        let text: String
        var description: String { "t=\(time): \(text)" }
    }

    /// Safety over the whole trace:
    /// - at most one sentinel is elected leader per master and epoch;
    /// - no two +switch-master for the same master and config epoch name different addresses;
    /// - a sentinel starts a failover only while it sees the master ODOWN with a
    ///   quorum (its last +odown counted at least quorum, no -odown, switch or
    ///   restart since), unless SENTINEL FAILOVER asked for it.
    /// Forced failovers are left out of the first two: two operators can force
    /// two sentinels in one epoch, in redis-sentinel too.
    static func check(_ events: [SimulationEvent]) -> [Violation] {
        var out: [Violation] = []
        var leaders: [String: (Int, Int64)] = [:]          // "master@epoch" → sentinel, time
        var switches: [String: (String, Int, Int64)] = [:] // "master@epoch" → address, sentinel, time
        var forcedEpochs: Set<String> = []
        var odown: Set<String> = []                         // "s<i>/<master>"

        for e in events {
            guard let s = e.sentinel else {
                // "s<i> restarts ..." / "s<i> crashes": a new process knows no ODOWN.
                if e.message.hasSuffix("crashes") || e.message.contains("restarts") {
                    let who = e.message.split(separator: " ")[0]
                    odown = odown.filter { !$0.hasPrefix("\(who)/") }
                }
                continue
            }
            let words = e.message.split(separator: " ").map(String.init)
            switch e.type {
            case "+odown":
                // "master <name> <ip> <port> #quorum <count>/<quorum>"
                if let q = words.last?.split(separator: "/"), q.count == 2, let c = Int(q[0]), let need = Int(q[1]) {
                    if c >= need {
                        odown.insert("s\(s)/\(words[1])")
                    } else {
                        out.append(Violation(time: e.time, text: "s\(s) +odown with \(c) of quorum \(need): \(e.message)"))
                    }
                }
            case "-odown":
                odown.remove("s\(s)/\(words[1])")
            case "+try-failover":
                let key = "\(words[1])@\(e.epoch)"
                if e.forced {
                    forcedEpochs.insert(key)
                } else if !odown.contains("s\(s)/\(words[1])") {
                    out.append(Violation(time: e.time, text: "s\(s) started a failover of \(words[1]) (epoch \(e.epoch)) without ODOWN by quorum"))
                }
            case "+elected-leader":
                let key = "\(words[1])@\(e.epoch)"
                if let (other, t) = leaders[key], other != s, !forcedEpochs.contains(key) {
                    out.append(Violation(time: e.time, text: "two leaders for \(words[1]) in epoch \(e.epoch): s\(other) (t=\(t)) and s\(s)"))
                }
                leaders[key] = (s, e.time)
            case "+switch-master":
                // "<name> <oldip> <oldport> <newip> <newport>"
                guard words.count == 5 else {
                    out.append(Violation(time: e.time, text: "s\(s) malformed +switch-master: \(e.message)"))
                    continue
                }
                odown.remove("s\(s)/\(words[0])")
                let key = "\(words[0])@\(e.epoch)"
                let addr = "\(words[3]):\(words[4])"
                if let (other, who, t) = switches[key], other != addr, !forcedEpochs.contains(key) {
                    out.append(Violation(time: e.time, text: "+switch-master of \(words[0]) in config epoch \(e.epoch) to \(other) by s\(who) (t=\(t)) and to \(addr) by s\(s)"))
                }
                if switches[key] == nil { switches[key] = (addr, s, e.time) }
            case "+reset-master":
                odown.remove("s\(s)/\(words[1])")
            default:
                break
            }
        }
        return out
    }
}
