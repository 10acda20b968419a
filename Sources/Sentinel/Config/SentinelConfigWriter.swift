import SentinelCore
import ServerKit

/// Writes the sentinel's state (the snapshot the core handed over): a CONFIG
/// REWRITE of the main file as redis-sentinel does it, or the separate state file.
public enum SentinelConfigWriter {
    /// The main config file rewritten: server options, ACL users (nil when an
    /// aclfile holds them), then the sentinel lines.
    public static func rewriteMain(oldContent: String?, options: SentinelServerOptions, cwd: String,
                                   userLines: [String]?, snapshot: SentinelStateSnapshot) -> String {
        var state = ConfigRewriteState(old: Array((oldContent ?? "").utf8), key: rewriteKey)
        let q: (String) -> String = ConfigCParse.repr
        state.rewriteLine("dir", "dir \(q(cwd))", force: true)
        state.rewriteLine("daemonize", "daemonize \(options.daemonize ? "yes" : "no")", force: options.daemonize)
        state.rewriteLine("pidfile", "pidfile \(q(options.pidfile))", force: !options.pidfile.isEmpty)
        state.rewriteLine("loglevel", "loglevel \(options.loglevel.name)", force: options.loglevel != .notice)
        state.rewriteLine("logfile", "logfile \(q(options.logfile))", force: !options.logfile.isEmpty)
        state.rewriteLine("port", "port \(options.port)", force: options.port != 6379)
        state.rewriteLine("bind", "bind \(options.bind.joined(separator: " "))", force: options.bind != SentinelServerOptions.defaultBind)
        state.rewriteLine("unixsocket", "unixsocket \(q(options.unixsocket))", force: !options.unixsocket.isEmpty)
        state.rewriteLine("unixsocketperm", "unixsocketperm \(String(options.unixsocketperm, radix: 8))", force: options.unixsocketperm != 0)
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
        rewriteSentinel(&state, snapshot, globals: true)
        return String(decoding: state.content(), as: UTF8.self)
    }

    /// The option an old line of the main file rewrites: a server directive
    /// by name; a `sentinel` line as "sentinel <sub-keyword>" (as written),
    /// as redis-sentinel keys them; nil for what Redis would not know.
    static func rewriteKey(_ argv: [[UInt8]]) -> String? {
        let name = String(decoding: argv[0], as: UTF8.self)
        if name == "sentinel" && argv.count > 1 { return "sentinel " + String(decoding: argv[1], as: UTF8.self) }
        let known = ServerDirectives.names.contains(name) || ["include", "rename-command", "user", "loadmodule", "sentinel"].contains(name)
        return known ? name : nil
    }

    /// The state file: what the sentinel learned or was told at runtime and
    /// keeps across restarts (its id, the epochs, every master with its
    /// replicas and sentinels, the SENTINEL CONFIG SET globals). Server
    /// options stay in the operator's file, which is never rewritten.
    public static func stateContent(_ snapshot: SentinelStateSnapshot) -> String {
        var state = ConfigRewriteState()
        state.rewriteLine("#", "# Sentinel state written by vigil-sentinel (sentinel state-config-file). Do not edit.", force: true)
        rewriteSentinel(&state, snapshot, globals: false)
        // Written even at their defaults: read after the operator's file,
        // they must undo a value it sets that was changed at runtime.
        for (key, value) in [("deny-scripts-reconfig", snapshot.denyScriptsReconfig), ("resolve-hostnames", snapshot.resolveHostnames),
                             ("announce-hostnames", snapshot.announceHostnames)] {
            state.rewriteLine("sentinel \(key)", "sentinel \(key) \(value ? "yes" : "no")", force: true)
        }
        state.rewriteLine("sentinel announce-port", "sentinel announce-port \(snapshot.announcePort)", force: true)
        if let ip = snapshot.announceIP {
            state.rewriteLine("sentinel announce-ip", "sentinel announce-ip \(ConfigCParse.repr(ip))", force: true)
        }
        if let u = snapshot.sentinelAuthUser { state.rewriteLine("sentinel sentinel-user", "sentinel sentinel-user \(u)", force: true) }
        if let p = snapshot.sentinelAuthPass { state.rewriteLine("sentinel sentinel-pass", "sentinel sentinel-pass \(p)", force: true) }
        return String(decoding: state.content(), as: UTF8.self)
    }

    /// rewriteConfigSentinelOption.
    static func rewriteSentinel(_ state: inout ConfigRewriteState, _ snapshot: SentinelStateSnapshot, globals: Bool) {
        state.rewriteLine("sentinel myid", "sentinel myid \(snapshot.myid)", force: true)
        if globals {
            for (key, value, def) in [("deny-scripts-reconfig", snapshot.denyScriptsReconfig, true),
                                      ("resolve-hostnames", snapshot.resolveHostnames, false),
                                      ("announce-hostnames", snapshot.announceHostnames, false)] {
                if value != def {
                    state.rewriteLine("sentinel \(key)", "sentinel \(key) \(value ? "yes" : "no")", force: true)
                } else {
                    state.markProcessed("sentinel \(key)")
                }
            }
        }
        for master in snapshot.masters {
            let addr = master.address
            let name = master.name
            state.rewriteLine("sentinel monitor",
                              "sentinel monitor \(name) \(addr.host) \(addr.port) \(master.quorum)", force: true)
            if let v = master.downAfterPeriod {
                state.rewriteLine("sentinel down-after-milliseconds", "sentinel down-after-milliseconds \(name) \(v)", force: true)
            }
            if let v = master.failoverTimeout {
                state.rewriteLine("sentinel failover-timeout", "sentinel failover-timeout \(name) \(v)", force: true)
            }
            if let v = master.parallelSyncs {
                state.rewriteLine("sentinel parallel-syncs", "sentinel parallel-syncs \(name) \(v)", force: true)
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
            for ra in master.knownReplicas {
                let line = "sentinel known-replica \(name) \(ra.host) \(ra.port)"
                if !state.rewriteLine("sentinel known-slave", line, force: false) {
                    state.rewriteLine("sentinel known-replica", line, force: true)
                }
            }
            for s in master.knownSentinels {
                state.rewriteLine("sentinel known-sentinel",
                                  "sentinel known-sentinel \(name) \(s.address.host) \(s.address.port) \(s.runid)", force: true)
            }
            for (from, to) in master.renamedCommands {
                state.rewriteLine("sentinel rename-command", "sentinel rename-command \(name) \(from) \(to)", force: true)
            }
        }
        state.rewriteLine("sentinel current-epoch", "sentinel current-epoch \(snapshot.currentEpoch)", force: true)
        if globals {
            if let ip = snapshot.announceIP {
                state.rewriteLine("sentinel announce-ip", "sentinel announce-ip \(ConfigCParse.repr(ip))", force: true)
            } else {
                state.markProcessed("sentinel announce-ip")
            }
            if snapshot.announcePort != 0 {
                state.rewriteLine("sentinel announce-port", "sentinel announce-port \(snapshot.announcePort)", force: true)
            } else {
                state.markProcessed("sentinel announce-port")
            }
            if let u = snapshot.sentinelAuthUser {
                state.rewriteLine("sentinel sentinel-user", "sentinel sentinel-user \(u)", force: true)
            } else {
                state.markProcessed("sentinel sentinel-user")
            }
            if let p = snapshot.sentinelAuthPass {
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
