import Foundation
import Glibc

/// Waits until the deployment is healthy again before the next run: every
/// sentinel sees the same master, up, with no failover in progress, and the
/// expected replicas up and linked; the master has them online and in sync.
struct DeploymentHealth {
    let view: SentinelView
    let replicas: Int

    func wait(seconds: Double) throws(DrillFailure) {
        let deadline = monotonicSeconds() + seconds
        var why = "not checked yet"
        var target: Int?
        while monotonicSeconds() < deadline {
            if let reason = unhealthy(target: &target) { why = reason } else { return }
            usleep(100_000)
        }
        throw .notConverged("not healthy again within \(DrillOptions.formatSeconds(seconds)) s after the run: \(why)")
    }

    /// Why the deployment is not healthy yet; nil when it is.
    func unhealthy(target: inout Int?) -> String? {
        var master: Address?
        for s in view.sentinels {
            guard let f = view.masterState(on: s) else { return "sentinel \(s) does not answer SENTINEL MASTER" }
            guard f["flags"] == "master" else { return "sentinel \(s) flags the master \(f["flags"] ?? "?")" }
            guard let ip = f["ip"], let port = f["port"].flatMap({ Int($0) }) else { return "sentinel \(s) gives no master address" }
            let a = Address(host: ip, port: port)
            if let m = master, m != a { return "sentinels disagree on the master (\(m) and \(a))" }
            master = a
            if Int(f["num-other-sentinels"] ?? "") != view.sentinels.count - 1 {
                return "sentinel \(s) knows \(f["num-other-sentinels"] ?? "?") other sentinels"
            }
            let one = SentinelView(sentinels: [s], masterName: view.masterName)
            let up = one.replicas().filter { $0.flags == "slave" }.count
            if up < replicas { return "sentinel \(s) sees \(up) of \(replicas) replicas up" }
        }
        guard let master else { return "no sentinel" }
        guard let info = NodeInfo.fetch(master, section: "replication") else { return "the master \(master) does not answer" }
        if target == nil { target = ReplicaLine.parse(info).masterOffset }
        if !ReplicaLine.inSync(info, expected: replicas, target: target) { return "the replicas of \(master) are not all online and in sync" }
        return nil
    }
}
