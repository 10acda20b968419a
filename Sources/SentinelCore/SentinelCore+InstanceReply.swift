import Protocol

/// The instance maps of SENTINEL MASTER(S) / REPLICAS / SENTINELS, field for
/// field and in redis-sentinel 7.0's order (clients read them by position).
extension SentinelCore {
    func instanceMap(_ ri: Instance) -> RESPValue {
        var kv: [RESPValue] = []
        func add(_ k: String, _ v: String) { kv.append(.bulk(k)); kv.append(.bulk(v)) }
        func add(_ k: String, _ v: Int64) { add(k, String(v)) }
        let link = ri.link

        add("name", ri.name)
        add("ip", announceAddress(ri.addr))
        add("port", Int64(ri.addr.port))
        add("runid", ri.runid ?? "")
        add("flags", flagsText(ri))
        add("link-pending-commands", Int64(link.pendingCommands))
        add("link-refcount", Int64(link.refcount))
        if ri.flags.contains(.failoverInProgress) { add("failover-state", ri.failoverState.name) }
        add("last-ping-sent", link.actPingTime != 0 ? now - link.actPingTime : 0)
        add("last-ok-ping-reply", now - link.lastAvailTime)
        add("last-ping-reply", now - link.lastPongTime)
        if ri.flags.contains(.sDown) { add("s-down-time", now - ri.sDownSinceTime) }
        if ri.flags.contains(.oDown) { add("o-down-time", now - ri.oDownSinceTime) }
        add("down-after-milliseconds", ri.downAfterPeriod)

        if ri.isMaster || ri.isReplica {
            add("info-refresh", ri.infoRefresh != 0 ? now - ri.infoRefresh : 0)
            add("role-reported", ri.roleReported == .master ? "master" : "slave")
            add("role-reported-time", now - ri.roleReportedTime)
        }
        if ri.isMaster {
            add("config-epoch", Int64(bitPattern: ri.configEpoch))
            add("num-slaves", Int64(ri.replicas.count))
            add("num-other-sentinels", Int64(ri.sentinels.count))
            add("quorum", Int64(ri.quorum))
            add("failover-timeout", ri.failoverTimeout)
            add("parallel-syncs", Int64(ri.parallelSyncs))
            if let s = ri.notificationScript { add("notification-script", s) }
            if let s = ri.clientReconfigScript { add("client-reconfig-script", s) }
        }
        if ri.isReplica {
            add("master-link-down-time", ri.masterLinkDownTime)
            add("master-link-status", ri.slaveMasterLinkUp ? "ok" : "err")
            add("master-host", ri.slaveMasterHost ?? "?")
            add("master-port", Int64(ri.slaveMasterPort))
            add("slave-priority", Int64(ri.slavePriority))
            add("slave-repl-offset", Int64(bitPattern: ri.slaveReplOffset))
            add("replica-announced", Int64(ri.replicaAnnounced))
        }
        if ri.isSentinel {
            add("last-hello-message", now - ri.lastHelloTime)
            add("voted-leader", ri.leader ?? "?")
            add("voted-leader-epoch", Int64(bitPattern: ri.leaderEpoch))
        }
        return .map(kv)
    }

    func flagsText(_ ri: Instance) -> String {
        var parts: [String] = []
        let f = ri.flags
        if f.contains(.sDown) { parts.append("s_down") }
        if f.contains(.oDown) { parts.append("o_down") }
        if f.contains(.master) { parts.append("master") }
        if f.contains(.replica) { parts.append("slave") }
        if f.contains(.sentinel) { parts.append("sentinel") }
        if ri.link.disconnected { parts.append("disconnected") }
        if f.contains(.masterDown) { parts.append("master_down") }
        if f.contains(.failoverInProgress) { parts.append("failover_in_progress") }
        if f.contains(.promoted) { parts.append("promoted") }
        if f.contains(.reconfSent) { parts.append("reconf_sent") }
        if f.contains(.reconfInProgress) { parts.append("reconf_inprog") }
        if f.contains(.reconfDone) { parts.append("reconf_done") }
        if f.contains(.forceFailover) { parts.append("force_failover") }
        if f.contains(.scriptKillSent) { parts.append("script_kill_sent") }
        return parts.joined(separator: ",")
    }

    /// addReplyDictOfRedisInstances: replicas that are not announced are left out.
    func instanceList(_ table: InstanceTable) -> RESPValue {
        .array(table.all.filter { !($0.isReplica && $0.replicaAnnounced == 0) }.map(instanceMap))
    }
}
