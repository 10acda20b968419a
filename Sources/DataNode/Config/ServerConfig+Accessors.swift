/// Typed views of the parameters the server reads. Setters store the value
/// as given, without Redis's validation (that is `set(pairs:)`'s job).
extension ServerConfig {
    // MARK: network

    public var port: Int {
        get { int("port") }
        set { setNumber("port", newValue) }
    }

    /// Addresses to listen on; empty means none. The default is ["*", "-::*"].
    public var bind: [String] {
        get {
            guard case .bind(let a) = values[slot("bind")] else { return [] }
            return a.map { String(decoding: $0, as: UTF8.self) }
        }
        set { values[slot("bind")] = .bind(newValue.map { Array($0.utf8) }) }
    }

    public var protectedMode: Bool {
        get { bool("protected-mode") }
        set { setBool("protected-mode", newValue) }
    }

    /// The unix socket path, "" for none.
    public var unixSocket: String {
        get { string("unixsocket") }
        set { setString("unixsocket", newValue) }
    }

    public var unixSocketPerm: Int {
        get { int("unixsocketperm") }
        set { setNumber("unixsocketperm", newValue) }
    }

    public var tcpBacklog: Int {
        get { int("tcp-backlog") }
        set { setNumber("tcp-backlog", newValue) }
    }

    /// Seconds of idleness before a client is closed; 0 = never.
    public var timeout: Int {
        get { int("timeout") }
        set { setNumber("timeout", newValue) }
    }

    public var tcpKeepalive: Int {
        get { int("tcp-keepalive") }
        set { setNumber("tcp-keepalive", newValue) }
    }

    public var maxclients: Int {
        get { int("maxclients") }
        set { setNumber("maxclients", newValue) }
    }

    // MARK: process

    /// The working directory, absolute. Relative paths (dbfilename,
    /// appenddirname, logfile, pidfile, unixsocket) are relative to it.
    public var dir: String {
        get {
            guard case .dir(let d) = values[slot("dir")] else { return "" }
            return d
        }
        set { values[slot("dir")] = .dir(newValue) }
    }

    /// "" means standard output.
    public var logfile: String {
        get { string("logfile") }
        set { setString("logfile", newValue) }
    }

    /// debug, verbose, notice or warning.
    public var loglevel: String {
        get { enumName("loglevel") }
        set { setEnum("loglevel", newValue) }
    }

    /// "" for none.
    public var pidfile: String {
        get { string("pidfile") }
        set { setString("pidfile", newValue) }
    }

    public var daemonize: Bool {
        get { bool("daemonize") }
        set { setBool("daemonize", newValue) }
    }

    /// no, upstart, systemd or auto.
    public var supervised: String { enumName("supervised") }

    public var hz: Int {
        get { int("hz") }
        set { setNumber("hz", newValue) }
    }

    public var dynamicHz: Bool { bool("dynamic-hz") }

    /// no, yes or local.
    public var enableDebugCommand: String {
        get { enumName("enable-debug-command") }
        set { setEnum("enable-debug-command", newValue) }
    }

    /// no, yes or local.
    public var enableModuleCommand: String { enumName("enable-module-command") }

    /// no, yes or local.
    public var enableProtectedConfigs: String { enumName("enable-protected-configs") }

    /// shutdown-on-sigint / shutdown-on-sigterm flags: "default" or some of
    /// "save", "nosave", "now", "force".
    public var shutdownOnSigint: [String] { enumName("shutdown-on-sigint").split(separator: " ").map(String.init) }
    public var shutdownOnSigterm: [String] { enumName("shutdown-on-sigterm").split(separator: " ").map(String.init) }
    public var shutdownTimeout: Int { int("shutdown-timeout") }

    // MARK: keyspace and limits

    public var databases: Int {
        get { int("databases") }
        set { setNumber("databases", newValue) }
    }

    /// "" means no password.
    public var requirepass: String {
        get { string("requirepass") }
        set { setString("requirepass", newValue) }
    }

    public var requirepassBytes: [UInt8] { bytes("requirepass") }

    public var protoMaxBulkLen: Int {
        get { int("proto-max-bulk-len") }
        set { setNumber("proto-max-bulk-len", newValue) }
    }

    public var clientQueryBufferLimit: Int {
        get { int("client-query-buffer-limit") }
        set { setNumber("client-query-buffer-limit", newValue) }
    }

    /// normal, replica and pubsub, in that order.
    public var clientOutputBufferLimits: [OutputBufferLimit] {
        get {
            guard case .bufferLimits(let l) = values[slot("client-output-buffer-limit")] else { return [] }
            return l.enumerated().map {
                OutputBufferLimit(className: ServerConfig.bufferLimitClasses[$0.offset],
                                  hard: Int(clamping: $0.element.hard), soft: Int(clamping: $0.element.soft),
                                  softSeconds: Int($0.element.softSeconds))
            }
        }
        set {
            guard case .bufferLimits(var l) = values[slot("client-output-buffer-limit")] else { return }
            for limit in newValue {
                let cls = limit.className == "slave" ? 1 : ServerConfig.bufferLimitClasses.firstIndex(of: limit.className)
                guard let cls else { continue }
                l[cls] = ConfigBufferLimit(hard: UInt64(max(0, limit.hard)), soft: UInt64(max(0, limit.soft)),
                                          softSeconds: Int64(limit.softSeconds))
            }
            values[slot("client-output-buffer-limit")] = .bufferLimits(l)
        }
    }

    /// Microseconds; negative disables the slow log, 0 logs everything.
    public var slowlogLogSlowerThan: Int {
        get { int("slowlog-log-slower-than") }
        set { setNumber("slowlog-log-slower-than", newValue) }
    }

    public var slowlogMaxLen: Int {
        get { int("slowlog-max-len") }
        set { setNumber("slowlog-max-len", newValue) }
    }

    /// Milliseconds; 0 disables the latency monitor.
    public var latencyMonitorThreshold: Int {
        get { int("latency-monitor-threshold") }
        set { setNumber("latency-monitor-threshold", newValue) }
    }

    /// Bytes; 0 = no limit.
    public var maxmemory: Int {
        get { int("maxmemory") }
        set { setNumber("maxmemory", newValue) }
    }

    /// One of volatile-lru, volatile-lfu, volatile-random, volatile-ttl,
    /// allkeys-lru, allkeys-lfu, allkeys-random, noeviction.
    public var maxmemoryPolicy: String {
        get { enumName("maxmemory-policy") }
        set { setEnum("maxmemory-policy", newValue) }
    }

    public var maxmemorySamples: Int { int("maxmemory-samples") }

    /// The notify-keyspace-events classes as Redis's NOTIFY_* bits
    /// (K=1, E=2, g=4, $=8, l=16, s=32, h=64, z=128, x=256, e=512, t=1024,
    /// m=2048, d=8192, n=16384).
    public var notifyKeyspaceEvents: Int {
        get {
            guard case .notify(let f) = values[slot("notify-keyspace-events")] else { return 0 }
            return f
        }
        set { values[slot("notify-keyspace-events")] = .notify(newValue) }
    }

    public var activerehashing: Bool { bool("activerehashing") }
    public var activeExpireEffort: Int { int("active-expire-effort") }
    public var lazyfreeLazyEviction: Bool { bool("lazyfree-lazy-eviction") }
    public var lazyfreeLazyExpire: Bool { bool("lazyfree-lazy-expire") }
    public var lazyfreeLazyServerDel: Bool { bool("lazyfree-lazy-server-del") }
    public var lazyfreeLazyUserDel: Bool { bool("lazyfree-lazy-user-del") }
    public var lazyfreeLazyUserFlush: Bool { bool("lazyfree-lazy-user-flush") }
    public var busyReplyThreshold: Int { int("busy-reply-threshold") }
    public var acllogMaxLen: Int { int("acllog-max-len") }
    public var aclfile: String { string("aclfile") }
    /// allchannels or resetchannels.
    public var aclPubsubDefault: String { enumName("acl-pubsub-default") }
    public var trackingTableMaxKeys: Int { int("tracking-table-max-keys") }
    public var latencyTracking: Bool { bool("latency-tracking") }
    public var latencyTrackingInfoPercentiles: [Double] {
        guard case .percentiles(let p) = values[slot("latency-tracking-info-percentiles")] else { return [] }
        return p
    }

    // Encoding thresholds.
    public var hashMaxListpackEntries: Int { int("hash-max-listpack-entries") }
    public var hashMaxListpackValue: Int { int("hash-max-listpack-value") }
    public var listMaxListpackSize: Int { int("list-max-listpack-size") }
    public var listCompressDepth: Int { int("list-compress-depth") }
    public var setMaxIntsetEntries: Int { int("set-max-intset-entries") }
    public var zsetMaxListpackEntries: Int { int("zset-max-listpack-entries") }
    public var zsetMaxListpackValue: Int { int("zset-max-listpack-value") }
    public var streamNodeMaxBytes: Int { int("stream-node-max-bytes") }
    public var streamNodeMaxEntries: Int { int("stream-node-max-entries") }
    public var hllSparseMaxBytes: Int { int("hll-sparse-max-bytes") }

    // MARK: persistence

    /// RDB snapshot points: save after `seconds` if at least `changes` writes.
    public var saveParams: [(seconds: Int, changes: Int)] {
        get {
            guard case .save(let s) = values[slot("save")] else { return [] }
            return s.map { (seconds: Int($0.seconds), changes: Int($0.changes)) }
        }
        set { values[slot("save")] = .save(newValue.map { ConfigSaveParam(seconds: Int64($0.seconds), changes: Int64($0.changes)) }) }
    }

    public var dbfilename: String {
        get { string("dbfilename") }
        set { setString("dbfilename", newValue) }
    }

    public var rdbcompression: Bool { bool("rdbcompression") }
    public var rdbchecksum: Bool { bool("rdbchecksum") }
    public var rdbDelSyncFiles: Bool { bool("rdb-del-sync-files") }
    public var stopWritesOnBgsaveError: Bool { bool("stop-writes-on-bgsave-error") }
    /// no, yes or clients.
    public var sanitizeDumpPayload: String { enumName("sanitize-dump-payload") }

    public var appendonly: Bool {
        get { bool("appendonly") }
        set { setBool("appendonly", newValue) }
    }

    public var appendfilename: String {
        get { string("appendfilename") }
        set { setString("appendfilename", newValue) }
    }

    public var appenddirname: String { string("appenddirname") }
    /// always, everysec or no.
    public var appendfsync: String { enumName("appendfsync") }
    public var noAppendfsyncOnRewrite: Bool { bool("no-appendfsync-on-rewrite") }
    public var autoAofRewritePercentage: Int { int("auto-aof-rewrite-percentage") }
    public var autoAofRewriteMinSize: Int { int("auto-aof-rewrite-min-size") }
    public var aofLoadTruncated: Bool { bool("aof-load-truncated") }
    public var aofUseRdbPreamble: Bool { bool("aof-use-rdb-preamble") }
    public var aofTimestampEnabled: Bool { bool("aof-timestamp-enabled") }

    // MARK: replication

    /// The master this node replicates from, nil for a master. Set by the
    /// REPLICAOF command (CONFIG SET cannot change it).
    public var replicaof: (host: String, port: Int)? {
        get {
            guard case .replicaof(let r) = values[slot("replicaof")], let r else { return nil }
            return (String(decoding: r.host, as: UTF8.self), r.port)
        }
        set {
            values[slot("replicaof")] = .replicaof(newValue.map { ConfigReplicaOf(host: Array($0.host.utf8), port: $0.port) })
        }
    }

    /// "" for none.
    public var masterauth: String {
        get { string("masterauth") }
        set { setString("masterauth", newValue) }
    }

    /// "" for none.
    public var masteruser: String {
        get { string("masteruser") }
        set { setString("masteruser", newValue) }
    }

    public var replicaReadOnly: Bool {
        get { bool("replica-read-only") }
        set { setBool("replica-read-only", newValue) }
    }

    public var replicaServeStaleData: Bool { bool("replica-serve-stale-data") }
    public var replicaPriority: Int { int("replica-priority") }
    public var replicaAnnounced: Bool { bool("replica-announced") }
    /// "" for none.
    public var replicaAnnounceIp: String { string("replica-announce-ip") }
    public var replicaAnnouncePort: Int { int("replica-announce-port") }
    public var replicaLazyFlush: Bool { bool("replica-lazy-flush") }
    public var replicaIgnoreMaxmemory: Bool { bool("replica-ignore-maxmemory") }
    public var replBacklogSize: Int { int("repl-backlog-size") }
    public var replBacklogTtl: Int { int("repl-backlog-ttl") }
    public var replTimeout: Int { int("repl-timeout") }
    public var replPingReplicaPeriod: Int { int("repl-ping-replica-period") }
    public var replDisklessSync: Bool { bool("repl-diskless-sync") }
    public var replDisklessSyncDelay: Int { int("repl-diskless-sync-delay") }
    public var replDisklessSyncMaxReplicas: Int { int("repl-diskless-sync-max-replicas") }
    /// disabled, on-empty-db or swapdb.
    public var replDisklessLoad: String { enumName("repl-diskless-load") }
    public var replDisableTcpNodelay: Bool { bool("repl-disable-tcp-nodelay") }
    public var minReplicasToWrite: Int { int("min-replicas-to-write") }
    public var minReplicasMaxLag: Int { int("min-replicas-max-lag") }
    public var clusterEnabled: Bool { bool("cluster-enabled") }
}
