import CVigilShim
import Glibc
import Reactor
import ServerKit

/// The INFO text: "# Section" headers, `name:value` lines ending in \r\n, a
/// blank line between sections, in Redis 7.0's section order.
extension Server {
    public func infoText(_ sel: InfoSelection) -> String {
        var out = ""
        var sections = 0
        func section(_ wanted: Bool, _ title: String, _ body: () -> [(String, String)]) {
            guard wanted else { return }
            if sections > 0 { out += "\r\n" }
            sections += 1
            out += "# \(title)\r\n"
            for (k, v) in body() { out += "\(k):\(v)\r\n" }
        }
        section(sel.wants("server"), "Server", infoServer)
        section(sel.wants("clients"), "Clients", infoClients)
        section(sel.wants("memory"), "Memory", infoMemory)
        section(sel.wants("persistence"), "Persistence", infoPersistence)
        section(sel.wants("stats"), "Stats", infoStats)
        section(sel.wants("replication"), "Replication", infoReplication)
        section(sel.wants("cpu"), "CPU", infoCPU)
        section(sel.wants("module_list") || sel.names.contains("modules"), "Modules") { [] }
        section(sel.wants("commandstats"), "Commandstats", infoCommandStats)
        section(sel.wants("errorstats"), "Errorstats", infoErrorStats)
        section(sel.wants("latencystats"), "Latencystats", infoLatencyStats)
        section(sel.wants("cluster"), "Cluster") { [("cluster_enabled", "0")] }
        section(sel.wants("keyspace"), "Keyspace", infoKeyspace)
        return out
    }

    // MARK: server

    static let buildId: String = {
        // A stable id for this build's version, in the shape of Redis's (hex of a 64-bit hash).
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in "vigil-\(Version.vigil)".utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }()

    func infoServer() -> [(String, String)] {
        // One thread and no atomics: none of Redis's atomicvar back-ends applies.
        ServerInfoSection(mode: "standalone", ownVersion: ("vigil_version", Version.vigil), buildId: Self.buildId,
                          atomicvarApi: "none", supervised: supervisedMode, runId: runId, tcpPort: port,
                          uptimeSeconds: (clock.monotonicMs() - startMonotonicMs) / 1000,
                          hz: config.hz, configuredHz: config.hz, configFile: configFile.map(Self.absolutePath) ?? "")
            .fields(nowUs: clock.wallUs())
    }

    static func absolutePath(_ p: String) -> String {
        guard let r = realpath(p, nil) else { return p }
        defer { free(r) }
        return String(cString: r)
    }

    /// "auto" resolves as Redis does: systemd when NOTIFY_SOCKET is set,
    /// upstart when UPSTART_JOB is, else no.
    var supervisedMode: String {
        let m = config.supervised
        if m != "auto" { return m }
        if getenv("NOTIFY_SOCKET") != nil { return "systemd" }
        if getenv("UPSTART_JOB") != nil { return "upstart" }
        return "no"
    }

    // MARK: clients

    func infoClients() -> [(String, String)] {
        var replicas = 0, maxIn = 0, maxOut = 0
        for c in clients.values {
            if c.flags.contains(.replica) { replicas += 1 }
            maxIn = max(maxIn, c.connection?.input.storage.count ?? 0)
            maxOut = max(maxOut, c.pendingOutputBytes)
        }
        return [
            ("connected_clients", String(clients.count - replicas)),
            ("cluster_connections", "0"),
            ("maxclients", String(config.maxclients)),
            ("client_recent_max_input_buffer", String(maxIn)),
            ("client_recent_max_output_buffer", String(maxOut)),
            // Clients held by CLIENT PAUSE are blocked (BLOCKED_POSTPONE) in Redis too.
            ("blocked_clients", String(blocking.blockedClients + pausedClients.count)),
            ("tracking_clients", String(tracking.clientCount)),
            ("clients_in_timeout_table", String(blocking.clientsWithTimeout)),
        ]
    }

    // MARK: persistence

    func infoPersistence() -> [(String, String)] {
        PersistenceInfo(state: persistence, dirty: dirty, lastSaveUnix: lastSaveUnix,
                        child: backgroundChild.map { ($0.kind, $0.startUnix) }, nowUnix: Int(clock.wallMs() / 1000),
                        aofFields: infoAppendOnlyFields(), aofSizes: infoAppendOnlySizes()).fields()
    }

    // MARK: stats

    func infoStats() -> [(String, String)] {
        let st = stats
        let kbps = { (m: InfoSampler.Metric) in ServerCommands.format2(Double(m.value) / 1024) }
        let distinctPatterns = pubsub.distinctPatternCount
        return [
            ("total_connections_received", String(st.totalConnectionsReceived)),
            ("total_commands_processed", String(st.totalCommandsProcessed)),
            ("instantaneous_ops_per_sec", String(infoSampler.ops.value)),
            ("total_net_input_bytes", String(st.netInputBytes)),
            ("total_net_output_bytes", String(st.netOutputBytes)),
            ("total_net_repl_input_bytes", "0"),
            ("total_net_repl_output_bytes", "0"),
            ("instantaneous_input_kbps", kbps(infoSampler.netInput)),
            ("instantaneous_output_kbps", kbps(infoSampler.netOutput)),
            ("instantaneous_input_repl_kbps", kbps(infoSampler.netReplInput)),
            ("instantaneous_output_repl_kbps", kbps(infoSampler.netReplOutput)),
            ("rejected_connections", String(st.rejectedConnections)),
            ("sync_full", String(replication.syncFull)),
            ("sync_partial_ok", String(replication.syncPartialOk)),
            ("sync_partial_err", String(replication.syncPartialErr)),
            ("expired_keys", String(keyspace.expiredKeys)),
            ("expired_stale_perc", ServerCommands.format2(keyspace.expiredStalePercent * 100)),
            ("expired_time_cap_reached_count", String(keyspace.expiredTimeCapReachedCount)),
            ("expire_cycle_cpu_milliseconds", String(st.expireCycleTimeUsedUs / 1000)),
            ("evicted_keys", String(st.evictedKeys)),
            ("evicted_clients", String(st.evictedClients)),
            ("total_eviction_exceeded_time", String(evictionExceededTimes.total)),
            ("current_eviction_exceeded_time", String(evictionExceededTimes.current)),
            ("keyspace_hits", String(keyspace.keyspaceHits)),
            ("keyspace_misses", String(keyspace.keyspaceMisses)),
            ("pubsub_channels", String(pubsub.channels.count)),
            ("pubsub_patterns", String(distinctPatterns)),
            ("pubsubshard_channels", String(pubsub.shardChannels.count)),
            ("latest_fork_usec", String(persistence.latestForkUs)),
            ("total_forks", String(persistence.totalForks)),
            ("migrate_cached_sockets", String(migrateSockets.count)),
            ("slave_expires_tracked_keys", "0"),
            ("active_defrag_hits", "0"),
            ("active_defrag_misses", "0"),
            ("active_defrag_key_hits", "0"),
            ("active_defrag_key_misses", "0"),
            ("total_active_defrag_time", "0"),
            ("current_active_defrag_time", "0"),
            ("tracking_total_keys", String(tracking.keyCount)),
            ("tracking_total_items", String(tracking.totalItems)),
            ("tracking_total_prefixes", String(tracking.prefixCount)),
            ("unexpected_error_replies", String(st.unexpectedErrorReplies)),
            ("total_error_replies", String(st.totalErrorReplies)),
            ("dump_payload_sanitizations", "0"),
            ("total_reads_processed", String(st.totalReadsProcessed)),
            ("total_writes_processed", String(st.totalWritesProcessed)),
            ("io_threaded_reads_processed", "0"),
            ("io_threaded_writes_processed", "0"),
            ("reply_buffer_shrinks", String(st.replyBufferShrinks)),
            ("reply_buffer_expands", String(st.replyBufferExpands)),
        ]
    }

    // MARK: replication

    func infoReplication() -> [(String, String)] {
        let replicas = replication.replicas
        var lines: [(String, String)] = replication.role == .replica ? infoReplicaLink() : [("role", "master")]
        lines.append(("connected_slaves", String(replicas.replicas.count)))
        let now = clock.monotonicMs()
        let minReplicas = config.int("min-replicas-to-write"), maxLag = config.int("min-replicas-max-lag")
        if minReplicas > 0 && maxLag > 0 {
            lines.append(("min_slaves_good_slaves", String(replicas.goodCount(nowMs: now, maxLagSeconds: maxLag))))
        }
        for (i, r) in replicas.replicas.enumerated() {
            lines.append(("slave\(i)", "ip=\(r.ip),port=\(r.port),state=\(r.state.rawValue),offset=\(r.ackOffset),lag=\(r.lag(nowMs: now))"))
        }
        lines += [
            ("master_failover_state", replication.failover.state.rawValue),
            ("master_replid", replication.replicationId),
            ("master_replid2", replication.replicationId2),
            ("master_repl_offset", String(replication.masterReplOffset)),
            ("second_repl_offset", String(replication.secondReplOffset)),
            ("repl_backlog_active", replication.backlog == nil ? "0" : "1"),
            ("repl_backlog_size", String(config.replBacklogSize)),
            ("repl_backlog_first_byte_offset", String(replication.backlog?.firstByteOffset ?? 0)),
            ("repl_backlog_histlen", String(replication.backlog?.histlen ?? 0)),
        ]
        return lines
    }

    /// The replica's lines, from role to replica_announced (replication.md §13.2).
    func infoReplicaLink() -> [(String, String)] {
        let link = replication.link
        let now = clock.monotonicMs()
        let offsets = link.infoOffsets
        var lines: [(String, String)] = [
            ("role", "slave"),
            ("master_host", link.masterHost ?? ""),
            ("master_port", String(link.masterPort)),
            ("master_link_status", link.state == .connected ? "up" : "down"),
            ("master_last_io_seconds_ago", String(link.lastIOSecondsAgo(nowMs: now))),
            ("master_sync_in_progress", link.state == .transfer ? "1" : "0"),
            ("slave_read_repl_offset", String(offsets.read)),
            ("slave_repl_offset", String(offsets.applied)),
        ]
        if link.state == .transfer {
            let total = link.payload.map { Int64($0.totalBytes) } ?? -1
            let read = Int64(link.payload?.received ?? 0)
            lines += [
                ("master_sync_total_bytes", String(total)),
                ("master_sync_read_bytes", String(read)),
                ("master_sync_left_bytes", String(total - read)),
                // -1 before the header: 7.0 prints "-0.00" then.
                ("master_sync_perc", ServerCommands.cFormat("%.2f", total != 0 ? Double(read) * 100 / Double(total) : 0)),
                ("master_sync_last_io_seconds_ago", String((now - link.lastIOMs) / 1000)),
            ]
        }
        if link.state != .connected {
            lines.append(("master_link_down_since_seconds", link.linkDownSinceMs.map { String((now - $0) / 1000) } ?? "-1"))
        }
        lines += [
            ("slave_priority", String(config.int("replica-priority"))),
            ("slave_read_only", config.bool("replica-read-only") ? "1" : "0"),
            ("replica_announced", config.replicaAnnounced ? "1" : "0"),
        ]
        return lines
    }

    // MARK: cpu

    func infoCPU() -> [(String, String)] {
        var me = rusage(), children = rusage()
        getrusage(RUSAGE_SELF.rawValue, &me)
        getrusage(RUSAGE_CHILDREN.rawValue, &children)
        var tu: Int64 = 0, ts: Int64 = 0
        _ = vigil_thread_rusage(&tu, &ts)
        func fmt(_ t: timeval) -> String { "\(t.tv_sec)." + String(t.tv_usec).leftPadded(6) }
        func fmtUs(_ us: Int64) -> String { "\(us / 1_000_000)." + String(us % 1_000_000).leftPadded(6) }
        return [
            ("used_cpu_sys", fmt(me.ru_stime)),
            ("used_cpu_user", fmt(me.ru_utime)),
            ("used_cpu_sys_children", fmt(children.ru_stime)),
            ("used_cpu_user_children", fmt(children.ru_utime)),
            ("used_cpu_sys_main_thread", fmtUs(ts)),
            ("used_cpu_user_main_thread", fmtUs(tu)),
        ]
    }

    // MARK: keyspace

    func infoKeyspace() -> [(String, String)] {
        databases.filter { $0.count > 0 || $0.expires.count > 0 }.map {
            ("db\($0.id)", "keys=\($0.count),expires=\($0.expires.count),avg_ttl=\($0.avgTTL)")
        }
    }
}
