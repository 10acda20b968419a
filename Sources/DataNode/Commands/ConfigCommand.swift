import CVigilShim
import Glibc
import ServerKit

/// CONFIG GET/SET/RESETSTAT/REWRITE/HELP over ServerConfig, applying what
/// the running server must act on after a successful SET.
enum ConfigCommands {
    static let handlers: [String: CommandHandler] = [
        "config|get": get,
        "config|set": set,
        "config|resetstat": resetstat,
        "config|rewrite": rewrite,
        "config|help": help,
    ]

    static func get(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let pairs = s.config.get(patterns: Array(argv[2...]))
        c.out.mapHeader(pairs.count)
        for (name, value) in pairs {
            c.out.bulk(name)
            c.out.bulk(value)
        }
    }

    /// config.c's SENSITIVE_CONFIG directives.
    static let sensitiveConfigs: Set<String> = ["masteruser", "masterauth", "requirepass"]

    static func set(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard argv.count % 2 == 0 else {
            c.replyError("ERR syntax error")
            return
        }
        var pairs: [([UInt8], [UInt8])] = []
        var i = 2
        while i < argv.count {
            pairs.append((argv[i], argv[i + 1]))
            // Secrets never reach SLOWLOG or MONITOR, even from a failing SET.
            if sensitiveConfigs.contains(asciiLowercased(argv[i])) { c.redactedArgs.append(i + 1) }
            i += 2
        }
        var config = s.config
        var changed: [String] = []
        let error = config.set(pairs: pairs, clientIsLocal: isLocal(c), loading: s.persistence.loading) { names, newConfig in
            changed = names
            return applyProcessChanges(s, names, newConfig)
        }
        if let error {
            c.replyError(error)
            return
        }
        s.config = config
        applyServerChanges(s, Set(changed))
        c.out.ok()
    }

    /// Work that can fail and must undo the SET when it does (config.c's
    /// apply functions that touch the process).
    /// In the order given, as config.c runs them; port and bind share one
    /// re-listen, which a later failure undoes.
    private static func applyProcessChanges(_ s: Server, _ changed: [String], _ config: ServerConfig) -> (name: String, error: String)? {
        var relistened = false
        var oomApplied = false
        // The port in use: with `port 0` at start-up the kernel chose it.
        let oldPort = s.port
        let newPort = changed.contains("port") ? config.port : oldPort
        for name in changed {
            var refusal: String? = nil
            switch name {
            case "dir":
                if chdir(config.dir) != 0 { refusal = ConfigCParse.strerror(errno) }
            case "appendonly":
                refusal = applyAppendonly(s, config.appendonly)
            case "oom-score-adj", "oom-score-adj-values":
                // One updateOOMScoreAdj for both.
                if oomApplied { continue }
                oomApplied = true
                if !s.applyOOMScoreAdj(config: config) { refusal = "Failed to set current oom_score_adj. Check server logs." }
            case "port", "bind":
                if relistened { continue }
                if s.relisten(port: newPort, bind: config.bind) {
                    relistened = true
                } else {
                    if name == "bind" { s.log.warning("Failed to bind") }
                    refusal = name == "port" ? "Unable to listen on this port. Check server logs."
                                             : "Failed to bind to specified addresses."
                }
            default:
                continue
            }
            if let refusal {
                s.log.warning("Failed applying new configuration. Possibly related to new \(name) setting. Restoring previous settings.")
                if relistened { _ = s.relisten(port: oldPort, bind: s.config.bind) }
                // As restoreBackupConfig, which runs the apply functions again on the old values.
                if oomApplied { s.applyOOMScoreAdj(config: s.config) }
                return (name, refusal)
            }
        }
        return nil
    }

    /// State cached outside the config that must follow it.
    static func applyServerChanges(_ s: Server, _ changed: Set<String>) {
        let config = s.config
        if changed.contains("requirepass") { s.acl.setRequirePass(config.requirepassBytes) }
        // CONFIG SET proc-title-template applies whatever set-proc-title says, as Redis's updateProcTitleTemplate.
        if changed.contains("proc-title-template") { s.setProcTitle() }
        else if changed.contains("port") || changed.contains("bind") { s.refreshProcTitle() }
        if changed.contains("acl-pubsub-default") { s.acl.pubsubDefaultAll = config.aclPubsubDefault == "allchannels" }
        if changed.contains("loglevel"), let level = Logger.Level(name: config.loglevel) {
            s.log.level = level
        }
        if changed.contains("latency-monitor-threshold") || changed.contains("latency-tracking") {
            s.latency.configure(thresholdMs: config.latencyMonitorThreshold, tracking: config.latencyTracking)
        }
        if changed.contains("maxmemory-clients") { s.recountClientMemory() }
        // updateAofAutoGCEnabled: turning the gc back on removes the history kept meanwhile.
        if changed.contains("aof-disable-auto-gc") && !config.bool("aof-disable-auto-gc") { s.deleteAppendOnlyHistoryFiles() }
        if changed.contains("crash-log-enabled") { CrashReporting.applyCrashLog(s) }
        if changed.contains("watchdog-period") { CrashReporting.applyWatchdog(s) }
        if changed.contains("maxmemory-policy") || changed.contains("lfu-log-factor") || changed.contains("lfu-decay-time") {
            s.syncAccessPolicy()
        }
        if changed.contains("maxmemory") && config.maxmemory > 0 {
            let used = Int(vigil_used_memory())
            if config.maxmemory < used {
                s.log.warning("WARNING: the new maxmemory value set via CONFIG SET (\(config.maxmemory)) is smaller than the current memory usage (\(used)). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.")
                s.startEvictionTimer()
            }
        }
    }

    /// Loopback or unix socket, as Redis's islocalClient.
    static func isLocal(_ c: Client) -> Bool {
        if c.flags.contains(.unixSocket) { return true }
        let host = c.address.split(separator: ":").dropLast().joined(separator: ":")
        return host == "127.0.0.1" || host == "::1"
    }

    /// Statistics INFO reports go back to zero; the slow log, latency events
    /// and the memory peak stay, as in Redis.
    static func resetstat(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        resetStatistics(s)
        c.out.ok()
    }

    static func resetStatistics(_ s: Server) {
        s.stats = ServerStats()
        s.keyspace.keyspaceHits = 0
        s.keyspace.keyspaceMisses = 0
        s.keyspace.expiredKeys = 0
        s.keyspace.expiredStalePercent = 0
        s.keyspace.expiredTimeCapReachedCount = 0
        s.infoSampler.resetRates(nowMs: s.clock.monotonicMs())
        s.lazyfree.resetStats()
        for cmd in ServerCommands.commandsInReportOrder(s) {
            cmd.calls = 0
            cmd.microseconds = 0
            cmd.rejectedCalls = 0
            cmd.failedCalls = 0
            cmd.latencyHistogram = nil
        }
    }

    static func rewrite(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let path = s.configFile else {
            c.replyError("ERR The server is running without a config file")
            return
        }
        do {
            try s.config.rewrite(path: path, aclUsers: s.acl.sorted.map { $0.describe(s.acl.catalog) })
            s.log.notice("CONFIG REWRITE executed with success.")
            c.out.ok()
        } catch let e as ConfigError {
            s.log.warning("CONFIG-REWRITE failed: \(e.reason)")
            c.replyError("ERR Rewriting config file: \(e.reason)")
        } catch {
            s.log.warning("CONFIG-REWRITE failed: \(error)")
            c.replyError("ERR Rewriting config file: \(error)")
        }
    }

    /// DEBUG CONFIG-REWRITE-FORCE-ALL: rewriteConfig(configfile, 1). Without
    /// a config file Redis's fopen(NULL) fails with EFAULT.
    static func rewriteForceAll(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let path = s.configFile else {
            c.replyError("ERR CONFIG-REWRITE-FORCE-ALL failed: Bad address")
            return
        }
        do {
            try s.config.rewrite(path: path, aclUsers: s.acl.sorted.map { $0.describe(s.acl.catalog) }, forceAll: true)
            c.out.ok()
        } catch let e as ConfigError {
            c.replyError("ERR CONFIG-REWRITE-FORCE-ALL failed: \(e.reason)")
        } catch {
            c.replyError("ERR CONFIG-REWRITE-FORCE-ALL failed: \(error)")
        }
    }

    static func help(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        ServerCommands.replyHelp(c, argv, [
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ])
    }
}
