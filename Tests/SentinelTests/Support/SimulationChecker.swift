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
    static func check(_ events: [SimulationEvent]) -> [Violation] { analyse(events).violations }

    /// A +switch-master that breaks the config-epoch rule in the way
    /// redis-sentinel 7.0.15 itself does: a leader still in reconf_slaves takes
    /// a newer config epoch from a hello silently (the hello names the old
    /// master, which is still `master->addr` during the failover), then ends
    /// its own failover under that epoch with its own promoted replica. Kept
    /// apart from the violations (the core follows sentinel.c here) and
    /// reported by the runs; see the simulation's report for seeds.
    struct Analysis {
        var violations: [Violation] = []
        var staleLeaderSwitches: [Violation] = []
    }

    static func analyse(_ events: [SimulationEvent]) -> Analysis {
        var result = Analysis()
        var out: [Violation] = []
        var ownEpoch: [String: UInt64] = [:]                // "s<i>/<master>" → epoch it was elected in
        var lastType: [Int: String] = [:]
        var leaders: [String: (Int, Int64)] = [:]          // "master@epoch" → sentinel, time
        var switches: [String: (String, Int, Int64)] = [:] // "master@epoch" → address, sentinel, time
        var staleSwitches: [String: (String, Int, Int64)] = [:]
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
                ownEpoch["s\(s)/\(words[1])"] = e.epoch
            case "+switch-master":
                // "<name> <oldip> <oldport> <newip> <newport>"
                guard words.count == 5 else {
                    out.append(Violation(time: e.time, text: "s\(s) malformed +switch-master: \(e.message)"))
                    continue
                }
                odown.remove("s\(s)/\(words[0])")
                let key = "\(words[0])@\(e.epoch)"
                let addr = "\(words[3]):\(words[4])"
                let staleLeader = (lastType[s] == "+failover-end" || lastType[s] == "+failover-end-for-timeout")
                    && (ownEpoch["s\(s)/\(words[0])"] ?? e.epoch) < e.epoch
                if forcedEpochs.contains(key) { break }
                func conflict(_ with: (String, Int, Int64)?) -> Violation? {
                    guard let (other, who, t) = with, other != addr else { return nil }
                    return Violation(time: e.time, text: "+switch-master of \(words[0]) in config epoch \(e.epoch) to \(other) by s\(who) (t=\(t)) and to \(addr) by s\(s)")
                }
                if staleLeader {
                    if let v = conflict(switches[key]) { result.staleLeaderSwitches.append(v) }
                    if staleSwitches[key] == nil { staleSwitches[key] = (addr, s, e.time) }
                } else {
                    if let v = conflict(switches[key]) { out.append(v) }
                    if let v = conflict(staleSwitches[key]) { result.staleLeaderSwitches.append(v) }
                    if switches[key] == nil { switches[key] = (addr, s, e.time) }
                }
            case "+reset-master":
                odown.remove("s\(s)/\(words[1])")
            default:
                break
            }
            lastType[s] = e.type
        }
        result.violations = out
        return result
    }
}
