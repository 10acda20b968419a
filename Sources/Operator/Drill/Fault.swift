import Foundation
import Glibc
import Protocol
import RESPClient

/// Breaks the deployment as the drill's kind says, and undoes what must be
/// undone (a paused master is continued).
final class Fault {
    let kind: DrillOptions.Kind
    let master: Address
    /// Set when the master runs on this host: signals instead of commands.
    let local: LocalProcess?
    /// What was done, for the timeline.
    private(set) var description = ""
    /// When the fault must be lifted (pause-master), on the monotonic clock.
    private(set) var resumeAt: Double?
    private var sleeper: RedisConnection?
    /// The master is still held (pause-master before its time is up).
    var isPaused: Bool { resumeAt != nil }

    init(kind: DrillOptions.Kind, master: Address) {
        self.kind = kind
        self.master = master
        local = (kind == .killMaster || kind == .pauseMaster) ? LocalProcess.find(serving: master) : nil
    }

    /// Injects the fault; returns when it was done.
    func inject(sentinels: [Address], masterName: String, pauseMs: Int) throws(DrillFailure) -> Double {
        switch kind {
        case .killMaster:
            if let local, kill(local.pid, SIGKILL) == 0 {
                description = "SIGKILL pid \(local.pid) (\(master))"
                return monotonicSeconds()
            }
            return try remoteKill()
        case .pauseMaster:
            if let local, kill(local.pid, SIGSTOP) == 0 {
                let at = monotonicSeconds()
                description = "SIGSTOP pid \(local.pid) (\(master)) for \(pauseMs) ms"
                resumeAt = at + Double(pauseMs) / 1000
                return at
            }
            return try remoteSleep(pauseMs)
        case .manual, .coordinated:
            return try sentinelFailover(sentinels, masterName)
        }
    }

    /// SIGCONT once the pause is over; true when it happened now.
    func resumeIfDue(now: Double) -> Bool {
        guard let at = resumeAt, now >= at else { return false }
        resumeAt = nil
        if let local { kill(local.pid, SIGCONT) }
        sleeper?.close()
        sleeper = nil
        return true
    }

    /// Lifts the fault whatever happened (the drill is ending early).
    func release() {
        if resumeAt != nil, let local { kill(local.pid, SIGCONT) }
        resumeAt = nil
        sleeper?.close()
        sleeper = nil
    }

    private func remoteKill() throws(DrillFailure) -> Double {
        let c: RedisConnection
        do { c = try SentinelView.connect(master, timeoutMs: 1000) } catch {
            throw .notConverged("cannot reach the master \(master) to shut it down: \(error)")
        }
        defer { c.close() }
        let at = monotonicSeconds()
        // NOW: Redis 7 would otherwise wait for lagging replicas before exiting.
        if let reply = try? c.call("SHUTDOWN", "NOSAVE", "NOW"), reply.isError {
            let start = monotonicSeconds()
            _ = try? c.call("DEBUG", "SEGFAULT")
            description = "DEBUG SEGFAULT on \(master) (SHUTDOWN refused: \(reply.string ?? ""))"
            return start
        }
        description = "SHUTDOWN NOSAVE NOW on \(master)"
        return at
    }

    private func remoteSleep(_ ms: Int) throws(DrillFailure) -> Double {
        let c: RedisConnection
        do { c = try SentinelView.connect(master, timeoutMs: 1000) } catch {
            throw .notConverged("cannot reach the master \(master) to pause it: \(error)")
        }
        let at = monotonicSeconds()
        do { try c.send(["DEBUG", "SLEEP", String(format: "%.3f", Double(ms) / 1000)]) } catch {
            throw .notConverged("DEBUG SLEEP could not be sent to \(master): \(error)")
        }
        // The reply comes when the sleep ends: the connection stays open until then.
        sleeper = c
        resumeAt = at + Double(ms) / 1000
        description = "DEBUG SLEEP \(Double(ms) / 1000) on \(master)"
        return at
    }

    private func sentinelFailover(_ sentinels: [Address], _ name: String) throws(DrillFailure) -> Double {
        let command = ["SENTINEL", "FAILOVER", name] + (kind == .coordinated ? ["COORDINATED"] : [])
        var refusals: [String] = []
        for s in sentinels {
            guard let c = try? SentinelView.connect(s, timeoutMs: 2000) else { continue }
            defer { c.close() }
            let at = monotonicSeconds()
            guard let reply = try? c.call(command) else { continue }
            if case .error = reply {
                let text = reply.string ?? ""
                if kind == .coordinated && !text.hasPrefix("INPROG") && !text.hasPrefix("NOGOOD") {
                    throw .badInput("sentinel \(s) refused \(command.joined(separator: " ")): \(text)\n"
                                    + "COORDINATED is vigil-sentinel's extension (a redis-sentinel does not have it): "
                                    + "use `vigil drill manual` there")
                }
                refusals.append("\(s): \(text)")
                continue
            }
            description = "\(command.joined(separator: " ")) on sentinel \(s)"
            return at
        }
        throw .badInput("no sentinel accepted \(command.joined(separator: " ")): "
                        + (refusals.isEmpty ? "none answered" : refusals.joined(separator: "; ")))
    }
}
