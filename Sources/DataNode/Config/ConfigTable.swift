import ServerKit

/// Every parameter of Redis 7.0.15 (config.c's static_configs as built with
/// TLS), with its alias, flags, bounds and default. Checked against a real
/// redis-server by ConfigDifferentialTests.
enum ConfigTable {
    static let entries: [ConfigEntry] = boolEntries + stringEntries + enumEntries + numericEntries + specialEntries

    /// Lower-cased name or alias -> (entry index, the name this key spells).
    static let index: [String: Int] = {
        var d: [String: Int] = [:]
        for (i, e) in entries.enumerated() {
            d[e.name] = i
            if let a = e.alias { d[a] = i }
        }
        return d
    }()

    static func lookup(_ name: [UInt8]) -> Int? {
        guard name.allSatisfy({ $0 != 0 && $0 < 128 }) else { return nil }
        return index[String(decoding: name, as: UTF8.self).lowercased()]
    }

    static func lookup(_ name: String) -> Int? { lookup(Array(name.utf8)) }

    /// The position of a parameter the code names itself.
    static func slot(_ name: String) -> Int {
        guard let i = lookup(name) else { preconditionFailure("unknown config parameter \(name)") }
        return i
    }

    static let maxmemoryPolicies = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
                                  "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]
}

private let intMax: Int64 = 2_147_483_647
private let intMin: Int64 = -2_147_483_648
private let uintMax: Int64 = 4_294_967_295
private let longMax = Int64.max
private let ullongMax: Int64 = -1 // all bits set: compared unsigned

private let defragError = "Active defragmentation cannot be enabled: it requires a Redis server compiled with a modified Jemalloc like the one shipped by default with the Redis source distribution"

private func bool(_ name: String, _ alias: String? = nil, _ flags: ConfigFlags = [], _ def: Bool,
                  rejectYes: String? = nil, apply: ConfigApply = .none) -> ConfigEntry {
    ConfigEntry(name: name, alias: alias, flags: flags, kind: .bool(defaultValue: def, rejectYes: rejectYes), apply: apply)
}

private func str(_ name: String, _ alias: String? = nil, _ flags: ConfigFlags = [], null: Bool, _ def: String?,
                 keepNul: Bool = false, check: ConfigStringCheck = .none, apply: ConfigApply = .none) -> ConfigEntry {
    ConfigEntry(name: name, alias: alias, flags: flags,
                kind: .string(defaultValue: def.map { Array($0.utf8) }, emptyIsNull: null, keepNul: keepNul, check: check),
                apply: apply)
}

/// A hidden enum whose values are errno numbers, `none` (0) by default.
private func errnoFault(_ name: String, _ errnos: [(String, Int)]) -> ConfigEntry {
    let items = [(name: "none", value: 0)] + errnos.map { (name: $0.0, value: $0.1) }
    return ConfigEntry(name: name, alias: nil, flags: .hidden,
                       kind: .enumeration(ConfigEnumSpec(items: items, defaultValue: 0, bitflags: false)))
}

private func enm(_ name: String, _ flags: ConfigFlags = [], _ items: [String], _ def: String) -> ConfigEntry {
    let pairs = items.enumerated().map { (name: $0.element, value: $0.offset) }
    return ConfigEntry(name: name, alias: nil, flags: flags,
                       kind: .enumeration(ConfigEnumSpec(items: pairs, defaultValue: items.firstIndex(of: def)!, bitflags: false)))
}

private func num(_ name: String, _ alias: String? = nil, _ flags: ConfigFlags = [], _ lower: Int64, _ upper: Int64,
                 _ def: Int64, unsigned: Bool = false, _ format: ConfigNumberFormat = .integer,
                 apply: ConfigApply = .none) -> ConfigEntry {
    ConfigEntry(name: name, alias: alias, flags: flags,
                kind: .numeric(ConfigNumericSpec(lower: lower, upper: upper, unsignedCheck: unsigned, format: format, defaultValue: def)),
                apply: apply)
}

private let boolEntries: [ConfigEntry] = [
    bool("rdbchecksum", nil, .immutable, true),
    bool("daemonize", nil, .immutable, false),
    bool("io-threads-do-reads", nil, .immutable, false),
    bool("always-show-logo", nil, .immutable, false),
    bool("protected-mode", nil, [], true),
    bool("rdbcompression", nil, [], true),
    bool("rdb-del-sync-files", nil, [], false),
    bool("activerehashing", nil, [], true),
    bool("stop-writes-on-bgsave-error", nil, [], true),
    bool("set-proc-title", nil, .immutable, true),
    bool("dynamic-hz", nil, [], true),
    bool("lazyfree-lazy-eviction", nil, [], false),
    bool("lazyfree-lazy-expire", nil, [], false),
    bool("lazyfree-lazy-server-del", nil, [], false),
    bool("lazyfree-lazy-user-del", nil, [], false),
    bool("lazyfree-lazy-user-flush", nil, [], false),
    bool("repl-disable-tcp-nodelay", nil, [], false),
    bool("repl-diskless-sync", nil, [], true),
    // Vigil's own: the dual-channel full sync between Vigil nodes (ReplicationCore/DualChannelSync.swift).
    // Hidden as Redis's debug settings are: CONFIG GET * stays Redis's, the exact name answers.
    bool("vigil-dual-channel-replication", nil, .hidden, true),
    bool("aof-rewrite-incremental-fsync", nil, [], true),
    bool("no-appendfsync-on-rewrite", nil, [], false),
    bool("cluster-require-full-coverage", nil, [], true),
    bool("rdb-save-incremental-fsync", nil, [], true),
    bool("aof-load-truncated", nil, [], true),
    bool("aof-use-rdb-preamble", nil, [], true),
    bool("aof-timestamp-enabled", nil, [], false),
    bool("cluster-replica-no-failover", "cluster-slave-no-failover", [], false),
    bool("replica-lazy-flush", "slave-lazy-flush", [], false),
    bool("replica-serve-stale-data", "slave-serve-stale-data", [], true),
    bool("replica-read-only", "slave-read-only", [], true),
    bool("replica-ignore-maxmemory", "slave-ignore-maxmemory", [], true),
    bool("jemalloc-bg-thread", nil, [], true),
    // Vigil has no defragmenter, like a redis-server built without jemalloc's.
    bool("activedefrag", nil, [], false, rejectYes: defragError),
    bool("syslog-enabled", nil, .immutable, false),
    bool("cluster-enabled", nil, .immutable, false),
    bool("appendonly", nil, .denyLoading, false),
    bool("cluster-allow-reads-when-down", nil, [], false),
    bool("cluster-allow-pubsubshard-when-down", nil, [], true),
    bool("crash-log-enabled", nil, [], true),
    bool("crash-memcheck-enabled", nil, [], true),
    bool("use-exit-on-panic", nil, .hidden, false),
    bool("disable-thp", nil, .immutable, true),
    bool("cluster-allow-replica-migration", nil, [], true),
    bool("replica-announced", nil, [], true),
    bool("latency-tracking", nil, [], true),
    bool("aof-disable-auto-gc", nil, [], false),
    bool("replica-ignore-disk-write-errors", nil, [], false),
    bool("tls-cluster", nil, [], false, apply: .tlsConfig),
    bool("tls-replication", nil, [], false, apply: .tlsConfig),
    bool("tls-prefer-server-ciphers", nil, [], false, apply: .tlsConfig),
    bool("tls-session-caching", nil, [], true, apply: .tlsConfig),
]

private let stringEntries: [ConfigEntry] = [
    str("aclfile", nil, .immutable, null: false, ""),
    str("unixsocket", nil, .immutable, null: true, nil),
    str("pidfile", nil, .immutable, null: true, nil),
    str("replica-announce-ip", "slave-announce-ip", [], null: true, nil),
    str("masteruser", nil, .sensitive, null: true, nil),
    str("cluster-announce-ip", nil, [], null: true, nil),
    str("cluster-config-file", nil, .immutable, null: false, "nodes.conf"),
    str("cluster-announce-hostname", nil, [], null: true, nil, check: .hostname),
    str("syslog-ident", nil, .immutable, null: false, "redis"),
    str("dbfilename", nil, .protected, null: false, "dump.rdb", check: .dbfilename),
    str("appendfilename", nil, .immutable, null: false, "appendonly.aof", check: .aofFilename),
    str("appenddirname", nil, .immutable, null: false, "appendonlydir", check: .aofDirname),
    str("server_cpulist", nil, .immutable, null: true, nil),
    str("bio_cpulist", nil, .immutable, null: true, nil),
    str("aof_rewrite_cpulist", nil, .immutable, null: true, nil),
    str("bgsave_cpulist", nil, .immutable, null: true, nil),
    str("ignore-warnings", nil, [], null: false, ""),
    str("proc-title-template", nil, [], null: false, "{title} {listen-addr} {server-mode}", check: .procTitle),
    str("bind-source-addr", nil, [], null: true, nil),
    str("logfile", nil, .immutable, null: false, ""),
    // sds configs: binary-safe, a NUL does not end them.
    str("masterauth", nil, .sensitive, null: true, nil, keepNul: true),
    str("requirepass", nil, .sensitive, null: true, nil, keepNul: true),
    str("tls-cert-file", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-key-file", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-key-file-pass", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-client-cert-file", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-client-key-file", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-client-key-file-pass", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-dh-params-file", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-ca-cert-file", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-ca-cert-dir", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-protocols", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-ciphers", nil, [], null: true, nil, apply: .tlsConfig),
    str("tls-ciphersuites", nil, [], null: true, nil, apply: .tlsConfig),
]

private let protectedAction = ["no", "yes", "local"]

private let enumEntries: [ConfigEntry] = [
    enm("supervised", .immutable, ["upstart", "systemd", "auto", "no"], "no"),
    enm("syslog-facility", .immutable, ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"], "local0"),
    enm("repl-diskless-load", .denyLoading, ["disabled", "on-empty-db", "swapdb"], "disabled"),
    enm("loglevel", [], ["debug", "verbose", "notice", "warning"], "notice"),
    enm("maxmemory-policy", [], ConfigTable.maxmemoryPolicies, "noeviction"),
    enm("appendfsync", [], ["everysec", "always", "no"], "everysec"),
    // "yes" and "relative" are one value; GET answers the first name, "yes".
    ConfigEntry(name: "oom-score-adj", alias: nil, flags: [],
                kind: .enumeration(ConfigEnumSpec(items: [("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)],
                                            defaultValue: 0, bitflags: false))),
    enm("acl-pubsub-default", [], ["allchannels", "resetchannels"], "resetchannels"),
    enm("sanitize-dump-payload", [], ["no", "yes", "clients"], "no"),
    enm("enable-protected-configs", .immutable, protectedAction, "no"),
    enm("enable-debug-command", .immutable, protectedAction, "no"),
    enm("enable-module-command", .immutable, protectedAction, "no"),
    enm("cluster-preferred-endpoint-type", [], ["ip", "hostname", "unknown-endpoint"], "ip"),
    enm("propagation-error-behavior", [], ["ignore", "panic", "panic-on-replicas"], "ignore"),
    ConfigEntry(name: "shutdown-on-sigint", alias: nil, flags: .multiArg,
                kind: .enumeration(ConfigEnumSpec(items: configShutdownFlags, defaultValue: 0, bitflags: true))),
    ConfigEntry(name: "shutdown-on-sigterm", alias: nil, flags: .multiArg,
                kind: .enumeration(ConfigEnumSpec(items: configShutdownFlags, defaultValue: 0, bitflags: true))),
    enm("tls-auth-clients", [], ["no", "yes", "optional"], "yes"),
    // Hidden, not Redis's: faults a test injects (InjectedFaults); the value is the errno.
    errnoFault("debug-fault-disk-write", [("enospc", 28), ("eio", 5)]),
    errnoFault("debug-fault-fsync", [("eio", 5), ("enospc", 28)]),
    errnoFault("debug-fault-fork", [("eagain", 11), ("enomem", 12)]),
]

let configShutdownFlags: [(name: String, value: Int)] = [("default", 0), ("save", 1), ("nosave", 2), ("now", 4), ("force", 8)]

private let numericEntries: [ConfigEntry] = [
    // int
    num("databases", nil, .immutable, 1, intMax, 16),
    num("port", nil, [], 0, 65535, 6379),
    num("io-threads", nil, .immutable, 1, 128, 1),
    num("auto-aof-rewrite-percentage", nil, [], 0, intMax, 100),
    num("cluster-replica-validity-factor", "cluster-slave-validity-factor", [], 0, intMax, 10),
    num("list-max-listpack-size", "list-max-ziplist-size", [], intMin, intMax, -2),
    num("tcp-keepalive", nil, [], 0, intMax, 300),
    num("cluster-migration-barrier", nil, [], 0, intMax, 1),
    num("active-defrag-cycle-min", nil, [], 1, 99, 1),
    num("active-defrag-cycle-max", nil, [], 1, 99, 25),
    num("active-defrag-threshold-lower", nil, [], 0, 1000, 10),
    num("active-defrag-threshold-upper", nil, [], 0, 1000, 100),
    num("lfu-log-factor", nil, [], 0, intMax, 10),
    num("lfu-decay-time", nil, [], 0, intMax, 1),
    num("replica-priority", "slave-priority", [], 0, intMax, 100),
    num("repl-diskless-sync-delay", nil, [], 0, intMax, 5),
    num("maxmemory-samples", nil, [], 1, intMax, 5),
    num("maxmemory-eviction-tenacity", nil, [], 0, 100, 10),
    num("timeout", nil, [], 0, intMax, 0),
    num("replica-announce-port", "slave-announce-port", [], 0, 65535, 0),
    num("tcp-backlog", nil, .immutable, 0, intMax, 511),
    num("cluster-port", nil, .immutable, 0, 65535, 0),
    num("cluster-announce-bus-port", nil, [], 0, 65535, 0),
    num("cluster-announce-port", nil, [], 0, 65535, 0),
    num("cluster-announce-tls-port", nil, [], 0, 65535, 0),
    num("repl-timeout", nil, [], 1, intMax, 60),
    num("repl-ping-replica-period", "repl-ping-slave-period", [], 1, intMax, 10),
    num("list-compress-depth", nil, [], 0, intMax, 0),
    num("rdb-key-save-delay", nil, .hidden, intMin, intMax, 0),
    num("key-load-delay", nil, .hidden, intMin, intMax, 0),
    // Vigil's own, for the crash-safety test (StopPointSink).
    num("debug-sigstop-after-bytes", nil, .hidden, 0, intMax, 0),
    num("active-expire-effort", nil, [], 1, 10, 1),
    num("hz", nil, [], 0, intMax, 10, apply: .clampHz),
    num("min-replicas-to-write", "min-slaves-to-write", [], 0, intMax, 0),
    num("min-replicas-max-lag", "min-slaves-max-lag", [], 0, intMax, 10),
    num("watchdog-period", nil, .hidden, 0, intMax, 0),
    num("shutdown-timeout", nil, [], 0, intMax, 10),
    num("repl-diskless-sync-max-replicas", nil, [], 0, intMax, 0),
    // unsigned int
    num("maxclients", nil, [], 1, uintMax, 10000, unsigned: true),
    num("unixsocketperm", nil, .immutable, 0, 0o777, 0, unsigned: true, .octal),
    num("socket-mark-id", nil, .immutable, 0, uintMax, 0, unsigned: true),
    // unsigned long (bounds checked as signed)
    num("active-defrag-max-scan-fields", nil, [], 1, longMax, 1000),
    num("slowlog-max-len", nil, [], 0, longMax, 128),
    num("acllog-max-len", nil, [], 0, longMax, 128),
    // long long
    num("busy-reply-threshold", "lua-time-limit", [], 0, longMax, 5000),
    num("cluster-node-timeout", nil, [], 0, longMax, 15000),
    num("slowlog-log-slower-than", nil, [], -1, longMax, 10000),
    num("latency-monitor-threshold", nil, [], 0, longMax, 0),
    num("proto-max-bulk-len", nil, [], 1 << 20, longMax, 512 << 20, .memory),
    num("stream-node-max-entries", nil, [], 0, longMax, 100),
    num("repl-backlog-size", nil, [], 1, longMax, 1 << 20, .memory, apply: .replBacklogMinimum),
    // 0: no limit of the replica's own (why: ReplicationCore/DualChannelSync.swift).
    num("vigil-dual-channel-buffer-limit", nil, .hidden, 0, longMax, 0, .memory),
    // unsigned long long
    num("maxmemory", nil, [], 0, ullongMax, 0, unsigned: true, .memory),
    num("cluster-link-sendbuf-limit", nil, [], 0, ullongMax, 0, unsigned: true, .memory),
    // size_t
    num("hash-max-listpack-entries", "hash-max-ziplist-entries", [], 0, longMax, 512, unsigned: true),
    num("set-max-intset-entries", nil, [], 0, longMax, 512, unsigned: true),
    num("zset-max-listpack-entries", "zset-max-ziplist-entries", [], 0, longMax, 128, unsigned: true),
    num("active-defrag-ignore-bytes", nil, [], 1, longMax, 100 << 20, unsigned: true, .memory),
    num("hash-max-listpack-value", "hash-max-ziplist-value", [], 0, longMax, 64, unsigned: true, .memory),
    num("stream-node-max-bytes", nil, [], 0, longMax, 4096, unsigned: true, .memory),
    num("zset-max-listpack-value", "zset-max-ziplist-value", [], 0, longMax, 64, unsigned: true, .memory),
    num("hll-sparse-max-bytes", nil, [], 0, longMax, 3000, unsigned: true, .memory),
    num("tracking-table-max-keys", nil, [], 0, longMax, 1_000_000, unsigned: true),
    num("client-query-buffer-limit", nil, [], 1 << 20, longMax, 1 << 30, unsigned: true, .memory),
    // ssize_t: a memory size, or a percentage stored as its negation
    num("maxmemory-clients", nil, [], -100, longMax, 0, .memoryOrPercent),
    // time_t, off_t
    num("repl-backlog-ttl", nil, [], 0, longMax, 3600),
    num("auto-aof-rewrite-min-size", nil, [], 0, longMax, 64 << 20, .memory),
    num("loading-process-events-interval-bytes", nil, .hidden, 1024, intMax, 2 << 20),
    // TLS (vigil has none: enabling it fails as a TLS-less configuration would)
    num("tls-port", nil, [], 0, 65535, 0, apply: .tlsPort),
    num("tls-session-cache-size", nil, [], 0, intMax, 20 * 1024, apply: .tlsConfig),
    num("tls-session-cache-timeout", nil, [], 0, intMax, 300, apply: .tlsConfig),
]

private let specialEntries: [ConfigEntry] = [
    ConfigEntry(name: "dir", alias: nil, flags: [.protected, .denyLoading], kind: .special(.dir)),
    ConfigEntry(name: "save", alias: nil, flags: .multiArg, kind: .special(.save)),
    ConfigEntry(name: "client-output-buffer-limit", alias: nil, flags: .multiArg, kind: .special(.clientOutputBufferLimit)),
    ConfigEntry(name: "oom-score-adj-values", alias: nil, flags: .multiArg, kind: .special(.oomScoreAdjValues)),
    ConfigEntry(name: "notify-keyspace-events", alias: nil, flags: [], kind: .special(.notifyKeyspaceEvents)),
    ConfigEntry(name: "bind", alias: nil, flags: .multiArg, kind: .special(.bind)),
    ConfigEntry(name: "replicaof", alias: "slaveof", flags: [.immutable, .multiArg], kind: .special(.replicaof)),
    ConfigEntry(name: "latency-tracking-info-percentiles", alias: nil, flags: .multiArg, kind: .special(.latencyPercentiles)),
]
