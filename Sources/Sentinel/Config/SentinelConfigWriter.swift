/// Writes the sentinel's state: a CONFIG REWRITE of the main file as
/// redis-sentinel does it, or the separate state file.
public enum SentinelConfigWriter {
    /// The main config file rewritten: server options, ACL users (nil when an
    /// aclfile holds them), then the sentinel lines.
    public static func rewriteMain(oldContent: String?, options: SentinelServerOptions, cwd: String,
                                   userLines: [String]?, core: SentinelCore) -> String {
        var state = ConfigRewriteState(oldContent: oldContent) { name in
            ServerDirectives.names.contains(name) || ["include", "rename-command", "user", "loadmodule", "sentinel"].contains(name)
        }
        let q: (String) -> String = SentinelConfigLoader.repr
        state.rewriteLine("dir", "dir \(q(cwd))", force: true)
        state.rewriteLine("daemonize", "daemonize \(options.daemonize ? "yes" : "no")", force: options.daemonize)
        state.rewriteLine("pidfile", "pidfile \(q(options.pidfile))", force: !options.pidfile.isEmpty)
        state.rewriteLine("loglevel", "loglevel \(options.loglevel.name)", force: options.loglevel != .notice)
        state.rewriteLine("logfile", "logfile \(q(options.logfile))", force: !options.logfile.isEmpty)
        state.rewriteLine("port", "port \(options.port)", force: options.port != 6379)
        state.rewriteLine("bind", "bind \(options.bind.joined(separator: " "))", force: options.bind != SentinelServerOptions.defaultBind)
        state.rewriteLine("protected-mode", "protected-mode \(options.protectedMode ? "yes" : "no")", force: !options.protectedMode)
        state.rewriteLine("maxclients", "maxclients \(options.maxclients)", force: options.maxclients != 10000)
        state.rewriteLine("aclfile", "aclfile \(q(options.aclfile))", force: !options.aclfile.isEmpty)
        if let userLines {
            if let pass = options.requirepass {
                state.rewriteLine("requirepass", "requirepass \(q(pass))", force: false)
            } else {
                state.markProcessed("requirepass")
            }
            for u in userLines { state.rewriteLine("user", u, force: true) }
        }
        state.markProcessed("user")
        rewriteSentinel(&state, core: core, globals: true)
        return state.content()
    }

    /// The state file: only what the sentinel learned and keeps across
    /// restarts (its id, the epochs, every master with its replicas and
    /// sentinels). Global options stay in the operator's file.
    public static func stateContent(core: SentinelCore) -> String {
        var state = ConfigRewriteState()
        state.rewriteLine("#", "# Sentinel state written by vigil-sentinel (sentinel state-config-file). Do not edit.", force: true)
        rewriteSentinel(&state, core: core, globals: false)
        return state.content()
    }

    /// rewriteConfigSentinelOption.
    static func rewriteSentinel(_ state: inout ConfigRewriteState, core: SentinelCore, globals: Bool) {
        state.rewriteLine("sentinel myid", "sentinel myid \(core.myid)", force: true)
        if globals {
            for (key, value, def) in [("deny-scripts-reconfig", core.denyScriptsReconfig, true),
                                      ("resolve-hostnames", core.resolveHostnames, false),
                                      ("announce-hostnames", core.announceHostnames, false)] {
                if value != def {
                    state.rewriteLine("sentinel \(key)", "sentinel \(key) \(value ? "yes" : "no")", force: true)
                } else {
                    state.markProcessed("sentinel \(key)")
                }
            }
        }
        for master in core.masters {
            let addr = core.currentAddress(master)
            let name = master.name
            state.rewriteLine("sentinel monitor",
                              "sentinel monitor \(name) \(core.announceAddress(addr)) \(addr.port) \(master.quorum)", force: true)
            if master.downAfterPeriod != core.timings.defaultDownAfter {
                state.rewriteLine("sentinel down-after-milliseconds",
                                  "sentinel down-after-milliseconds \(name) \(master.downAfterPeriod)", force: true)
            }
            if master.failoverTimeout != core.timings.defaultFailoverTimeout {
                state.rewriteLine("sentinel failover-timeout", "sentinel failover-timeout \(name) \(master.failoverTimeout)", force: true)
            }
            if master.parallelSyncs != SentinelConstants.defaultParallelSyncs {
                state.rewriteLine("sentinel parallel-syncs", "sentinel parallel-syncs \(name) \(master.parallelSyncs)", force: true)
            }
            if let s = master.notificationScript {
                state.rewriteLine("sentinel notification-script", "sentinel notification-script \(name) \(s)", force: true)
            }
            if let s = master.clientReconfigScript {
                state.rewriteLine("sentinel client-reconfig-script", "sentinel client-reconfig-script \(name) \(s)", force: true)
            }
            if let p = master.authPass {
                state.rewriteLine("sentinel auth-pass", "sentinel auth-pass \(name) \(p)", force: true)
            }
            if let u = master.authUser {
                state.rewriteLine("sentinel auth-user", "sentinel auth-user \(name) \(u)", force: true)
            }
            if master.masterRebootDownAfterPeriod != 0 {
                state.rewriteLine("sentinel master-reboot-down-after-period",
                                  "sentinel master-reboot-down-after-period \(name) \(master.masterRebootDownAfterPeriod)", force: true)
            }
            state.rewriteLine("sentinel config-epoch", "sentinel config-epoch \(name) \(master.configEpoch)", force: true)
            state.rewriteLine("sentinel leader-epoch", "sentinel leader-epoch \(name) \(master.leaderEpoch)", force: true)
            for r in master.replicas {
                // A promoted replica is where the master is now: list the old master instead.
                let ra = r.addr.isEqual(addr) ? master.addr : r.addr
                let line = "sentinel known-replica \(name) \(core.announceAddress(ra)) \(ra.port)"
                if !state.rewriteLine("sentinel known-slave", line, force: false) {
                    state.rewriteLine("sentinel known-replica", line, force: true)
                }
            }
            for s in master.sentinels {
                guard let runid = s.runid else { continue }
                state.rewriteLine("sentinel known-sentinel",
                                  "sentinel known-sentinel \(name) \(core.announceAddress(s.addr)) \(s.addr.port) \(runid)", force: true)
            }
            for (from, to) in master.renamedCommands {
                state.rewriteLine("sentinel rename-command", "sentinel rename-command \(name) \(from) \(to)", force: true)
            }
        }
        state.rewriteLine("sentinel current-epoch", "sentinel current-epoch \(core.currentEpoch)", force: true)
        if globals {
            if let ip = core.announceIP {
                state.rewriteLine("sentinel announce-ip", "sentinel announce-ip \(SentinelConfigLoader.repr(ip))", force: true)
            } else {
                state.markProcessed("sentinel announce-ip")
            }
            if core.announcePort != 0 {
                state.rewriteLine("sentinel announce-port", "sentinel announce-port \(core.announcePort)", force: true)
            } else {
                state.markProcessed("sentinel announce-port")
            }
            if let u = core.sentinelAuthUser {
                state.rewriteLine("sentinel sentinel-user", "sentinel sentinel-user \(u)", force: true)
            } else {
                state.markProcessed("sentinel sentinel-user")
            }
            if let p = core.sentinelAuthPass {
                state.rewriteLine("sentinel sentinel-pass", "sentinel sentinel-pass \(p)", force: true)
            } else {
                state.markProcessed("sentinel sentinel-pass")
            }
        }
        for key in ["monitor", "down-after-milliseconds", "failover-timeout", "parallel-syncs", "notification-script",
                    "client-reconfig-script", "auth-pass", "auth-user", "config-epoch", "leader-epoch", "known-slave",
                    "known-replica", "known-sentinel", "rename-command", "master-reboot-down-after-period"] {
            state.markProcessed("sentinel \(key)")
        }
    }
}
