import CVigilShim
import Glibc
import Protocol
import SentinelCore
import ServerKit

/// INFO as redis-sentinel gives it: server, clients, cpu, stats and sentinel.
extension SentinelServer {
    func info(_ c: ClientSession, _ args: [String]) {
        var wanted: [String] = []
        let all = ["server", "clients", "stats", "cpu", "sentinel"]
        if args.count == 1 {
            wanted = all
        } else {
            for a in args.dropFirst() {
                let s = a.lowercased()
                if ["default", "all", "everything"].contains(s) {
                    for x in all where !wanted.contains(x) { wanted.append(x) }
                } else if all.contains(s) && !wanted.contains(s) {
                    wanted.append(s)
                }
            }
            wanted = all.filter { wanted.contains($0) }
        }
        var sections: [String] = []
        for s in wanted {
            switch s {
            case "server": sections.append(serverSection())
            case "clients": sections.append(clientsSection())
            case "cpu": sections.append(cpuSection())
            case "stats": sections.append(statsSection())
            default: sections.append(sentinelSection())
            }
        }
        c.reply(.bulk(sections.joined(separator: "\r\n")))
    }

    private func lines(_ title: String, _ kv: [(String, String)]) -> String {
        ServerInfoSection.section(title, kv)
    }

    private func serverSection() -> String {
        lines("Server", ServerInfoSection(mode: "sentinel", buildId: "0", atomicvarApi: "c11-builtin", supervised: "no",
                                          runId: runID, tcpPort: options.port, uptimeSeconds: (clockMs() - startTimeMs) / 1000,
                                          hz: 10, configuredHz: options.hz, configFile: configFile)
            .fields(nowUs: vigil_realtime_us()))
    }

    private func clientsSection() -> String {
        lines("Clients", [
            ("connected_clients", String(clients.count)), ("cluster_connections", "0"),
            ("maxclients", String(options.maxclients)), ("client_recent_max_input_buffer", "0"),
            ("client_recent_max_output_buffer", "0"), ("blocked_clients", "0"), ("tracking_clients", "0"),
            ("clients_in_timeout_table", "0"),
        ])
    }

    private func cpuSection() -> String {
        var ru = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &ru)
        var rc = rusage()
        getrusage(__rusage_who_t(RUSAGE_CHILDREN.rawValue), &rc)
        func secs(_ t: timeval) -> String {
            let v = Double(t.tv_sec) + Double(t.tv_usec) / 1_000_000
            var buf = [CChar](repeating: 0, count: 32)
            _ = withVaList([v]) { vsnprintf(&buf, 32, "%.6f", $0) }
            return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
        return lines("CPU", [
            ("used_cpu_sys", secs(ru.ru_stime)), ("used_cpu_user", secs(ru.ru_utime)),
            ("used_cpu_sys_children", secs(rc.ru_stime)), ("used_cpu_user_children", secs(rc.ru_utime)),
            ("used_cpu_sys_main_thread", secs(ru.ru_stime)), ("used_cpu_user_main_thread", secs(ru.ru_utime)),
        ])
    }

    private func statsSection() -> String {
        var kv: [(String, String)] = [
            ("total_connections_received", String(totalConnections)), ("total_commands_processed", String(totalCommands)),
            ("instantaneous_ops_per_sec", "0"), ("total_net_input_bytes", "0"), ("total_net_output_bytes", "0"),
            ("total_net_repl_input_bytes", "0"), ("total_net_repl_output_bytes", "0"),
            ("instantaneous_input_kbps", "0.00"), ("instantaneous_output_kbps", "0.00"),
            ("instantaneous_input_repl_kbps", "0.00"), ("instantaneous_output_repl_kbps", "0.00"),
            ("rejected_connections", String(rejectedConnections)),
        ]
        for k in ["sync_full", "sync_partial_ok", "sync_partial_err", "expired_keys"] { kv.append((k, "0")) }
        kv.append(("expired_stale_perc", "0.00"))
        for k in ["expired_time_cap_reached_count", "expire_cycle_cpu_milliseconds", "evicted_keys", "evicted_clients",
                  "total_eviction_exceeded_time", "current_eviction_exceeded_time", "keyspace_hits", "keyspace_misses"] {
            kv.append((k, "0"))
        }
        kv.append(("pubsub_channels", String(pubsub.channels.count)))
        kv.append(("pubsub_patterns", String(pubsub.distinctPatternCount)))
        for k in ["pubsubshard_channels", "latest_fork_usec", "total_forks", "migrate_cached_sockets",
                  "slave_expires_tracked_keys", "active_defrag_hits", "active_defrag_misses", "active_defrag_key_hits",
                  "active_defrag_key_misses", "total_active_defrag_time", "current_active_defrag_time",
                  "tracking_total_keys", "tracking_total_items", "tracking_total_prefixes", "unexpected_error_replies"] {
            kv.append((k, "0"))
        }
        kv.append(("total_error_replies", String(totalErrorReplies)))
        for k in ["dump_payload_sanitizations", "total_reads_processed", "total_writes_processed",
                  "io_threaded_reads_processed", "io_threaded_writes_processed", "reply_buffer_shrinks", "reply_buffer_expands"] {
            kv.append((k, "0"))
        }
        return lines("Stats", kv)
    }

    private func sentinelSection() -> String {
        var kv: [(String, String)] = [
            ("sentinel_masters", String(core.masters.count)),
            ("sentinel_tilt", core.tilt ? "1" : "0"),
            ("sentinel_tilt_since_seconds", core.tilt ? String((clockMs() - core.tiltStartTime) / 1000) : "-1"),
            ("sentinel_running_scripts", String(core.runningScripts)), ("sentinel_scripts_queue_length", String(core.scriptQueueLength)),
            ("sentinel_simulate_failure_flags", String(core.simulateFailureFlags.rawValue)),
        ]
        for (i, m) in core.masters.all.enumerated() {
            let status = m.flags.contains(.oDown) ? "odown" : m.flags.contains(.sDown) ? "sdown" : "ok"
            let a = core.currentAddress(m)
            kv.append(("master\(i)", "name=\(m.name),status=\(status),address=\(core.announceAddress(a)):\(a.port),slaves=\(m.replicas.count),sentinels=\(m.sentinels.count + 1)"))
        }
        return lines("Sentinel", kv)
    }
}
