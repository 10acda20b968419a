import ReplicationCore
import ServerKit

/// A coordinated FAILOVER in progress (7.0's updateFailoverStatus,
/// abortFailover, clearFailoverState): writes stay paused while the master
/// waits for its target to acknowledge everything, then it becomes the
/// target's replica with `PSYNC <replid> <offset> FAILOVER`, and the pause
/// ends once the target answered that PSYNC.
extension Server {
    /// The attached replicas as FAILOVER matches them (announced or peer ip, listening port).
    func failoverCandidates() -> [Failover.Replica] {
        replication.replicas.replicas.map {
            Failover.Replica(host: $0.ip, port: $0.port, online: $0.state == .online, ackOffset: $0.ackOffset)
        }
    }

    /// From the cron (every 100 ms) while a failover waits for its target.
    func failoverCron() {
        switch replication.failover.update(nowMs: clock.monotonicMs(), masterOffset: replication.masterReplOffset,
                                           replicas: failoverCandidates()) {
        case .wait:
            break
        case .demote(let host, let port, let line):
            log.notice(line)
            replication.link.failoverPsync = true
            replication.link.psyncAccepted = nil
            startReplication(host: host, port: port)
        case .abort(let reason):
            abortFailover(reason)
        }
    }

    /// The demoted node's PSYNC was answered: done, or back to master.
    func failoverLinkProgress() {
        guard replication.failover.state == .inProgress, let accepted = replication.link.psyncAccepted else { return }
        // Taken once: the abort's own link work (replicationUnsetMaster)
        // comes back here before the failover state is cleared.
        replication.link.psyncAccepted = nil
        if accepted {
            clearFailover()
        } else {
            abortFailover("Failover target rejected psync request")
        }
    }

    func abortFailover(_ reason: String) {
        guard replication.failover.state != .none else { return }
        log.notice(replication.failover.abortLine(reason))
        if replication.failover.state == .inProgress { stopReplication() }
        clearFailover()
    }

    private func clearFailover() {
        replication.failover.clear()
        replication.link.failoverPsync = false
        replication.link.psyncAccepted = nil
        unpauseClients()
    }

    /// A replica receiving `PSYNC <replid> <offset> FAILOVER` from its
    /// master promotes itself first, so the PSYNC continues its history.
    /// Returns the error to reply, or nil to serve the PSYNC.
    func acceptFailoverRequest(replid: String) -> String? {
        guard replication.role == .replica else { return "ERR PSYNC FAILOVER can't be sent to a master." }
        guard replid.lowercased() == replication.replicationId.lowercased() else {
            return "ERR PSYNC FAILOVER replid must match my replid."
        }
        stopReplication()
        log.notice("Failover request received for replid \(replid).")
        return nil
    }
}
