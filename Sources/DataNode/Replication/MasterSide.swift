import Keyspace
import ReplicationCore

/// What a master keeps for its replicas (replication.md §5, §7, §10): the
/// backlog fed by the stream, the replicas' REPLCONF announcements and
/// ACKs, the periodic PING, timeouts and min-replicas-to-write.
extension Server {
    /// The feed consumer id under which the backlog receives the stream.
    static let backlogConsumerId = -1

    /// The backlog starts empty after `offset` and takes every stream byte from now on.
    func createBacklog(startingAfter offset: Int64) {
        let fresh = replication.backlog == nil
        replication.backlog = ReplicationBacklog(size: config.replBacklogSize, startingAfter: offset)
        guard fresh else { return }
        let state = Unmanaged.passUnretained(replication)
        feed.attach(id: Self.backlogConsumerId, continuing: true) { bytes in
            state._withUnsafeGuaranteedRef { $0.backlog?.append(bytes) }
        }
    }

    /// The client receives the stream from now on, in its output.
    func attachToStream(_ c: Client, continuing: Bool) {
        feed.attach(id: c.id, continuing: continuing) { [unowned(unsafe) self, unowned(unsafe) c] bytes in
            guard !c.isFreed else { return }
            c.out.raw(bytes)
            c.markPendingWrite()
            self.checkOutputBufferLimits(c)
        }
    }

    /// createReplicationBacklog on a master's first replica: a master that
    /// never had one has no history a replica could share, so it starts one.
    func createMasterBacklogIfNeeded() {
        guard replication.backlog == nil else { return }
        var g = SystemRandomNumberGenerator()
        replication.changeReplicationId(using: &g)
        replication.clearReplicationId2()
        createBacklog(startingAfter: replication.masterReplOffset)
        log.notice("Replication backlog created, my new replication IDs are '\(replication.replicationId)' and '\(replication.replicationId2)'")
    }

    /// replicationGetSlaveName: the announced (or peer) ip and the announced listening port.
    func replicaName(_ c: Client) -> String {
        let info = replication.replconf[c.id]
        let ip = info?.ip ?? Self.peerIP(c.address)
        guard let port = info?.port, port != 0 else { return "\(ip):<unknown-replica-port>" }
        return "\(ip):\(port)"
    }

    static func peerIP(_ address: String) -> String {
        guard let colon = address.lastIndex(of: ":") else { return address }
        return String(address[..<colon])
    }

    /// The master half of replicationCron (once a second): the PING into
    /// the stream, and replicas that stopped acknowledging.
    func masterReplicationCron() {
        let now = clock.monotonicMs()
        let hasReplicas = !replication.replicas.replicas.isEmpty
        // No PING while a FAILOVER with a TIMEOUT holds writes: the target must reach our offset.
        let failoverPause = replication.failover.endMs != 0 && pause.isSet
        if keyspace.isMaster && replication.pingSchedule.cron(periodSeconds: config.int("repl-ping-replica-period"), hasReplicas: hasReplicas,
                                                              pausedForFailover: failoverPause) {
            feed.forwardRaw(ReplicaPingSchedule.ping, counted: true)
        }
        fullSyncCron()
        freeBacklogAfterTtl(nowMs: now)
        for id in replication.replicas.timedOut(nowMs: now, timeoutSeconds: config.int("repl-timeout")) {
            guard let c = clients[id] else { continue }
            log.warning("Disconnecting timedout replica (streaming sync): \(replicaName(c))")
            freeClient(c, reason: "replica timeout")
        }
    }

    /// repl-backlog-ttl: a master alone for that long frees its backlog and
    /// starts a new history (without a backlog its offset stops counting, so
    /// the old id must not be continued). Replicas keep theirs for a promotion.
    func freeBacklogAfterTtl(nowMs: Int64) {
        let ttl = config.int("repl-backlog-ttl")
        guard ttl > 0, replication.backlog != nil, replication.role == .master, replication.replicaIds.isEmpty else { return }
        guard let since = replication.noReplicasSinceMs else {
            replication.noReplicasSinceMs = nowMs
            return
        }
        guard (nowMs - since) / 1000 > Int64(ttl) else { return }
        var g = SystemRandomNumberGenerator()
        replication.changeReplicationId(using: &g)
        replication.clearReplicationId2()
        replication.backlog = nil
        feed.detach(id: Self.backlogConsumerId)
        log.notice("Replication backlog freed after \(ttl) seconds without connected replicas.")
    }

    /// min-replicas-to-write: `-NOREPLICAS` for writes while too few replicas are good.
    func refusedForLackOfReplicas(_ c: Client, _ cmd: Command) -> Bool {
        let minReplicas = hot.minReplicasToWrite
        guard minReplicas > 0, keyspace.isMaster, !c.flags.contains(.master) else { return false }
        let writes = cmd.flags.contains(.write) || (cmd.isExec && c.multiQueue.contains { effectiveFlags($0.command, $0.argv).contains(.write) })
        guard writes else { return false }
        return replication.replicas.refusesWrites(minReplicas: minReplicas, maxLagSeconds: config.int("min-replicas-max-lag"),
                                                  nowMs: clock.monotonicMs())
    }
}
