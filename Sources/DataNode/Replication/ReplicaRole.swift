import Keyspace
import ReplicationCore

/// Becoming a replica and a master again (replicationSetMaster,
/// replicationUnsetMaster), and what a replica refuses its own clients.
extension Server {
    /// REPLICAOF host port, or `replicaof` in the config at start-up.
    func startReplication(host: String, port: Int, fromConfig: Bool = false) {
        replication.role = .replica
        log.role = "S"
        config.replicaof = (host, port)
        applyOOMScoreAdj()
        replicaLinkDriver.run { $0.replicaOf(host: host, port: port, nowMs: $1, fromConfig: fromConfig) }
    }

    /// loadDataFromDisk's use of the RDB's replication AUX: a node
    /// configured as a replica continues that history (a cached master made
    /// of itself, so it asks its master for a partial resync); a master
    /// keeps it as replid2 with a backlog starting after it, so its former
    /// replicas may continue too.
    func restoreReplicationInfo() {
        guard let rsi = persistence.loadedReplicationInfo else { return }
        if config.replicaof != nil {
            replication.link.history.replid = rsi.replid
            replication.masterReplOffset = rsi.offset
            replicaLinkDriver.run { link, _ in link.cacheMasterUsingMyself() }
            replicaLinkDriver.restoreStreamDatabase(rsi.streamDb)
        } else {
            replication.replicationId2 = rsi.replid
            replication.secondReplOffset = rsi.offset + 1
            replication.masterReplOffset = rsi.offset
            createBacklog(startingAfter: rsi.offset)
        }
    }

    /// REPLICAOF NO ONE: the followed history stays valid as replid2.
    func stopReplication() {
        var g = SystemRandomNumberGenerator()
        let newId = ReplicationState.randomHexId(using: &g)
        replicaLinkDriver.run { $0.becomeMaster(newId: newId, nowMs: $1) }
        replication.role = .master
        log.role = "M"
        config.replicaof = nil
        applyOOMScoreAdj()
        if replication.replicaIds.isEmpty { replication.noReplicasSinceMs = clock.monotonicMs() }
    }

    /// processCommand's replica checks: replica-read-only, then
    /// replica-serve-stale-data while the link is not up.
    func replicaRefusal(_ c: Client, _ cmd: Command) -> String? {
        let writes = cmd.flags.contains(.write) || (cmd.isExec && c.multiQueue.contains { effectiveFlags($0.command, $0.argv).contains(.write) })
        if writes && config.bool("replica-read-only") {
            return "READONLY You can't write against a read only replica."
        }
        let deniesStale = !cmd.flags.contains(.stale) || (cmd.isExec && c.multiQueue.contains { !effectiveFlags($0.command, $0.argv).contains(.stale) })
        if deniesStale && replication.link.state != .connected && !config.bool("replica-serve-stale-data") {
            return "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."
        }
        return nil
    }
}

extension String {
    /// "%.2f", as INFO's percentages.
    init(format2 value: Double) {
        let cents = Int64((value * 100).rounded())
        let frac = cents % 100
        self = "\(cents / 100)." + (frac < 10 ? "0" : "") + String(frac)
    }
}
