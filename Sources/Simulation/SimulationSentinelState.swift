import SentinelCore

/// What a simulated sentinel's state file holds: the `sentinel` lines of its
/// last flush (as vigil-sentinel's state-config-file), kept as argument
/// lists, and how a restarted process applies them. The Sentinel shell's
/// writer and loader do the same through a file; the simulation may not
/// import that shell (it links the event loop), so the lines are built here
/// from the same snapshot and applied through the core's config entry point.
enum SimulationSentinelState {
    static func directives(_ s: SentinelStateSnapshot) -> [[String]] {
        var out: [[String]] = [["myid", s.myid]]
        for m in s.masters {
            out.append(["monitor", m.name, m.address.host, String(m.address.port), String(m.quorum)])
            if let v = m.downAfterPeriod { out.append(["down-after-milliseconds", m.name, String(v)]) }
            if let v = m.failoverTimeout { out.append(["failover-timeout", m.name, String(v)]) }
            if let v = m.parallelSyncs { out.append(["parallel-syncs", m.name, String(v)]) }
            out.append(["config-epoch", m.name, String(m.configEpoch)])
            out.append(["leader-epoch", m.name, String(m.leaderEpoch)])
            for r in m.knownReplicas { out.append(["known-replica", m.name, r.host, String(r.port)]) }
            for k in m.knownSentinels { out.append(["known-sentinel", m.name, k.address.host, String(k.address.port), k.runid]) }
        }
        out.append(["current-epoch", String(s.currentEpoch)])
        return out
    }

    /// redis-sentinel's three passes: globals, then monitor lines, then the rest.
    static func apply(_ lines: [[String]], to core: SentinelCore, now: Int64) throws {
        for pass in 0..<3 {
            for d in lines where SentinelCore.configPass(d[0]) == pass {
                if let reason = core.applyConfig(d, now: now) {
                    throw Simulation.SimError("sentinel \(d.joined(separator: " ")): \(reason)")
                }
            }
        }
    }
}
