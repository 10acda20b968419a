/// Typed views of the parameters the server reads. Setters store the value
/// as given, without Redis's validation (that is `set(pairs:)`'s job).
extension ServerConfig {
    // MARK: network

    public var port: Int {
        get { int(ConfigSlot.port) }
        set { setNumber(ConfigSlot.port, newValue) }
    }

    /// Addresses to listen on; empty means none. The default is ["*", "-::*"].
    public var bind: [String] {
        get {
            guard case .bind(let a) = values[ConfigSlot.bind] else { return [] }
            return a.map { String(decoding: $0, as: UTF8.self) }
        }
        set { values[ConfigSlot.bind] = .bind(newValue.map { Array($0.utf8) }) }
    }

    /// oom-score-adj: off, relative (also spelled "yes") or absolute.
    var oomScoreAdjMode: OOMScoreAdjuster.Mode {
        OOMScoreAdjuster.Mode(rawValue: enumValue(ConfigSlot.oomScoreAdj)) ?? .off
    }

    /// oom-score-adj-values: master, replica, background child.
    var oomScoreAdjValues: [Int] {
        guard case .oomScoreAdjValues(let v) = values[ConfigSlot.oomScoreAdjValues] else { return [0, 200, 800] }
        return v.map { Int($0) }
    }

    /// The local address outgoing connections (the replica's link to its
    /// master) are made from; nil for any.
    public var bindSourceAddr: String? {
        let s = string(ConfigSlot.bindSourceAddr)
        return s.isEmpty ? nil : s
    }

    public var protectedMode: Bool {
        get { bool(ConfigSlot.protectedMode) }
        set { setBool(ConfigSlot.protectedMode, newValue) }
    }

    /// The unix socket path, "" for none.
    public var unixSocket: String {
        get { string(ConfigSlot.unixsocket) }
        set { setString(ConfigSlot.unixsocket, newValue) }
    }

    public var unixSocketPerm: Int {
        get { int(ConfigSlot.unixsocketperm) }
        set { setNumber(ConfigSlot.unixsocketperm, newValue) }
    }

    public var tcpBacklog: Int {
        get { int(ConfigSlot.tcpBacklog) }
        set { setNumber(ConfigSlot.tcpBacklog, newValue) }
    }

    /// Seconds of idleness before a client is closed; 0 = never.
    public var timeout: Int {
        get { int(ConfigSlot.timeout) }
        set { setNumber(ConfigSlot.timeout, newValue) }
    }

    public var tcpKeepalive: Int {
        get { int(ConfigSlot.tcpKeepalive) }
        set { setNumber(ConfigSlot.tcpKeepalive, newValue) }
    }

    public var maxclients: Int {
        get { int(ConfigSlot.maxclients) }
        set { setNumber(ConfigSlot.maxclients, newValue) }
    }

    // MARK: process

    /// The working directory, absolute. Relative paths (dbfilename,
    /// appenddirname, logfile, pidfile, unixsocket) are relative to it.
    public var dir: String {
        get {
            guard case .dir(let d) = values[ConfigSlot.dir] else { return "" }
            return d
        }
        set { values[ConfigSlot.dir] = .dir(newValue) }
    }

    /// "" means standard output.
    public var logfile: String {
        get { string(ConfigSlot.logfile) }
        set { setString(ConfigSlot.logfile, newValue) }
    }

    /// debug, verbose, notice or warning.
    public var loglevel: String {
        get { enumName(ConfigSlot.loglevel) }
        set { setEnum(ConfigSlot.loglevel, newValue) }
    }

    /// "" for none.
    public var pidfile: String {
        get { string(ConfigSlot.pidfile) }
        set { setString(ConfigSlot.pidfile, newValue) }
    }

    public var daemonize: Bool {
        get { bool(ConfigSlot.daemonize) }
        set { setBool(ConfigSlot.daemonize, newValue) }
    }

    /// no, upstart, systemd or auto.
    public var supervised: String { enumName(ConfigSlot.supervised) }

    public var hz: Int {
        get { int(ConfigSlot.hz) }
        set { setNumber(ConfigSlot.hz, newValue) }
    }

    public var dynamicHz: Bool { bool(ConfigSlot.dynamicHz) }

    public var crashLogEnabled: Bool { bool(ConfigSlot.crashLogEnabled) }

    /// Milliseconds the loop may block before the watchdog logs the stack; 0 is off.
    public var watchdogPeriod: Int {
        get { int(ConfigSlot.watchdogPeriod) }
        set { setNumber(ConfigSlot.watchdogPeriod, newValue) }
    }

    /// no, yes or local.
    public var enableDebugCommand: String {
        get { enumName(ConfigSlot.enableDebugCommand) }
        set { setEnum(ConfigSlot.enableDebugCommand, newValue) }
    }

    /// no, yes or local.
    public var enableModuleCommand: String { enumName(ConfigSlot.enableModuleCommand) }

    /// no, yes or local.
    public var enableProtectedConfigs: String { enumName(ConfigSlot.enableProtectedConfigs) }

    /// shutdown-on-sigint / shutdown-on-sigterm flags: "default" or some of
    /// "save", "nosave", "now", "force".
    public var shutdownOnSigint: [String] { enumName(ConfigSlot.shutdownOnSigint).split(separator: " ").map(String.init) }
    public var shutdownOnSigterm: [String] { enumName(ConfigSlot.shutdownOnSigterm).split(separator: " ").map(String.init) }
    public var shutdownTimeout: Int { int(ConfigSlot.shutdownTimeout) }

    // MARK: keyspace and limits

    public var databases: Int {
        get { int(ConfigSlot.databases) }
        set { setNumber(ConfigSlot.databases, newValue) }
    }

    /// "" means no password.
    public var requirepass: String {
        get { string(ConfigSlot.requirepass) }
        set { setString(ConfigSlot.requirepass, newValue) }
    }

    public var requirepassBytes: [UInt8] { bytes(ConfigSlot.requirepass) }

    public var protoMaxBulkLen: Int {
        get { int(ConfigSlot.protoMaxBulkLen) }
        set { setNumber(ConfigSlot.protoMaxBulkLen, newValue) }
    }

    public var clientQueryBufferLimit: Int {
        get { int(ConfigSlot.clientQueryBufferLimit) }
        set { setNumber(ConfigSlot.clientQueryBufferLimit, newValue) }
    }

    /// normal, replica and pubsub, in that order.
    public var clientOutputBufferLimits: [OutputBufferLimit] {
        get {
            guard case .bufferLimits(let l) = values[ConfigSlot.clientOutputBufferLimit] else { return [] }
            return l.enumerated().map {
                OutputBufferLimit(className: ServerConfig.bufferLimitClasses[$0.offset],
                                  hard: Int(clamping: $0.element.hard), soft: Int(clamping: $0.element.soft),
                                  softSeconds: Int($0.element.softSeconds))
            }
        }
        set {
            guard case .bufferLimits(var l) = values[ConfigSlot.clientOutputBufferLimit] else { return }
            for limit in newValue {
                let cls = limit.className == "slave" ? 1 : ServerConfig.bufferLimitClasses.firstIndex(of: limit.className)
                guard let cls else { continue }
                l[cls] = ConfigBufferLimit(hard: UInt64(max(0, limit.hard)), soft: UInt64(max(0, limit.soft)),
                                          softSeconds: Int64(limit.softSeconds))
            }
            values[ConfigSlot.clientOutputBufferLimit] = .bufferLimits(l)
        }
    }

    /// Microseconds; negative disables the slow log, 0 logs everything.
    public var slowlogLogSlowerThan: Int {
        get { int(ConfigSlot.slowlogLogSlowerThan) }
        set { setNumber(ConfigSlot.slowlogLogSlowerThan, newValue) }
    }

    public var slowlogMaxLen: Int {
        get { int(ConfigSlot.slowlogMaxLen) }
        set { setNumber(ConfigSlot.slowlogMaxLen, newValue) }
    }

    /// Milliseconds; 0 disables the latency monitor.
    public var latencyMonitorThreshold: Int {
        get { int(ConfigSlot.latencyMonitorThreshold) }
        set { setNumber(ConfigSlot.latencyMonitorThreshold, newValue) }
    }

    /// Bytes; 0 = no limit.
    public var maxmemory: Int {
        get { int(ConfigSlot.maxmemory) }
        set { setNumber(ConfigSlot.maxmemory, newValue) }
    }

    /// One of volatile-lru, volatile-lfu, volatile-random, volatile-ttl,
    /// allkeys-lru, allkeys-lfu, allkeys-random, noeviction.
    public var maxmemoryPolicy: String {
        get { enumName(ConfigSlot.maxmemoryPolicy) }
        set { setEnum(ConfigSlot.maxmemoryPolicy, newValue) }
    }

    public var maxmemorySamples: Int { int(ConfigSlot.maxmemorySamples) }

    /// The notify-keyspace-events classes as Redis's NOTIFY_* bits
    /// (K=1, E=2, g=4, $=8, l=16, s=32, h=64, z=128, x=256, e=512, t=1024,
    /// m=2048, d=8192, n=16384).
    public var notifyKeyspaceEvents: Int {
        get {
            guard case .notify(let f) = values[ConfigSlot.notifyKeyspaceEvents] else { return 0 }
            return f
        }
        set { values[ConfigSlot.notifyKeyspaceEvents] = .notify(newValue) }
    }

    public var activerehashing: Bool { bool(ConfigSlot.activerehashing) }
    public var activeExpireEffort: Int { int(ConfigSlot.activeExpireEffort) }
    public var lazyfreeLazyEviction: Bool { bool(ConfigSlot.lazyfreeLazyEviction) }
    public var lazyfreeLazyExpire: Bool { bool(ConfigSlot.lazyfreeLazyExpire) }
    public var lazyfreeLazyServerDel: Bool { bool(ConfigSlot.lazyfreeLazyServerDel) }
    public var lazyfreeLazyUserDel: Bool { bool(ConfigSlot.lazyfreeLazyUserDel) }
    public var lazyfreeLazyUserFlush: Bool { bool(ConfigSlot.lazyfreeLazyUserFlush) }
    public var busyReplyThreshold: Int { int(ConfigSlot.busyReplyThreshold) }
    public var acllogMaxLen: Int { int(ConfigSlot.acllogMaxLen) }
    public var aclfile: String { string(ConfigSlot.aclfile) }
    /// allchannels or resetchannels.
    public var aclPubsubDefault: String { enumName(ConfigSlot.aclPubsubDefault) }
    public var trackingTableMaxKeys: Int { int(ConfigSlot.trackingTableMaxKeys) }
    public var latencyTracking: Bool { bool(ConfigSlot.latencyTracking) }
    public var latencyTrackingInfoPercentiles: [Double] {
        guard case .percentiles(let p) = values[ConfigSlot.latencyTrackingInfoPercentiles] else { return [] }
        return p
    }

    // Encoding thresholds.
    public var hashMaxListpackEntries: Int { int(ConfigSlot.hashMaxListpackEntries) }
    public var hashMaxListpackValue: Int { int(ConfigSlot.hashMaxListpackValue) }
    public var listMaxListpackSize: Int { int(ConfigSlot.listMaxListpackSize) }
    public var listCompressDepth: Int { int(ConfigSlot.listCompressDepth) }
    public var setMaxIntsetEntries: Int { int(ConfigSlot.setMaxIntsetEntries) }
    public var zsetMaxListpackEntries: Int { int(ConfigSlot.zsetMaxListpackEntries) }
    public var zsetMaxListpackValue: Int { int(ConfigSlot.zsetMaxListpackValue) }
    public var streamNodeMaxBytes: Int { int(ConfigSlot.streamNodeMaxBytes) }
    public var streamNodeMaxEntries: Int { int(ConfigSlot.streamNodeMaxEntries) }
    public var hllSparseMaxBytes: Int { int(ConfigSlot.hllSparseMaxBytes) }

    // MARK: persistence

    /// RDB snapshot points: save after `seconds` if at least `changes` writes.
    public var saveParams: [(seconds: Int, changes: Int)] {
        get {
            guard case .save(let s) = values[ConfigSlot.save] else { return [] }
            return s.map { (seconds: Int($0.seconds), changes: Int($0.changes)) }
        }
        set { values[ConfigSlot.save] = .save(newValue.map { ConfigSaveParam(seconds: Int64($0.seconds), changes: Int64($0.changes)) }) }
    }

    public var dbfilename: String {
        get { string(ConfigSlot.dbfilename) }
        set { setString(ConfigSlot.dbfilename, newValue) }
    }

    public var rdbcompression: Bool { bool(ConfigSlot.rdbcompression) }
    public var rdbchecksum: Bool { bool(ConfigSlot.rdbchecksum) }
    public var rdbDelSyncFiles: Bool { bool(ConfigSlot.rdbDelSyncFiles) }
    public var stopWritesOnBgsaveError: Bool { bool(ConfigSlot.stopWritesOnBgsaveError) }
    /// no, yes or clients.
    public var sanitizeDumpPayload: String { enumName(ConfigSlot.sanitizeDumpPayload) }

    public var appendonly: Bool {
        get { bool(ConfigSlot.appendonly) }
        set { setBool(ConfigSlot.appendonly, newValue) }
    }

    public var appendfilename: String {
        get { string(ConfigSlot.appendfilename) }
        set { setString(ConfigSlot.appendfilename, newValue) }
    }

    public var appenddirname: String { string(ConfigSlot.appenddirname) }
    /// always, everysec or no.
    public var appendfsync: String { enumName(ConfigSlot.appendfsync) }
    public var noAppendfsyncOnRewrite: Bool { bool(ConfigSlot.noAppendfsyncOnRewrite) }
    public var autoAofRewritePercentage: Int { int(ConfigSlot.autoAofRewritePercentage) }
    public var autoAofRewriteMinSize: Int { int(ConfigSlot.autoAofRewriteMinSize) }
    public var aofLoadTruncated: Bool { bool(ConfigSlot.aofLoadTruncated) }
    public var aofUseRdbPreamble: Bool { bool(ConfigSlot.aofUseRdbPreamble) }
    public var aofTimestampEnabled: Bool { bool(ConfigSlot.aofTimestampEnabled) }

    // MARK: replication

    /// The master this node replicates from, nil for a master. Set by the
    /// REPLICAOF command (CONFIG SET cannot change it).
    public var replicaof: (host: String, port: Int)? {
        get {
            guard case .replicaof(let r) = values[ConfigSlot.replicaof], let r else { return nil }
            return (String(decoding: r.host, as: UTF8.self), r.port)
        }
        set {
            values[ConfigSlot.replicaof] = .replicaof(newValue.map { ConfigReplicaOf(host: Array($0.host.utf8), port: $0.port) })
        }
    }

    /// "" for none.
    public var masterauth: String {
        get { string(ConfigSlot.masterauth) }
        set { setString(ConfigSlot.masterauth, newValue) }
    }

    /// "" for none.
    public var masteruser: String {
        get { string(ConfigSlot.masteruser) }
        set { setString(ConfigSlot.masteruser, newValue) }
    }

    public var replicaReadOnly: Bool {
        get { bool(ConfigSlot.replicaReadOnly) }
        set { setBool(ConfigSlot.replicaReadOnly, newValue) }
    }

    public var replicaServeStaleData: Bool { bool(ConfigSlot.replicaServeStaleData) }
    public var replicaPriority: Int { int(ConfigSlot.replicaPriority) }
    public var replicaAnnounced: Bool { bool(ConfigSlot.replicaAnnounced) }
    /// "" for none.
    public var replicaAnnounceIp: String { string(ConfigSlot.replicaAnnounceIp) }
    public var replicaAnnouncePort: Int { int(ConfigSlot.replicaAnnouncePort) }
    public var replicaLazyFlush: Bool { bool(ConfigSlot.replicaLazyFlush) }
    public var replicaIgnoreMaxmemory: Bool { bool(ConfigSlot.replicaIgnoreMaxmemory) }
    public var replBacklogSize: Int { int(ConfigSlot.replBacklogSize) }
    public var replBacklogTtl: Int { int(ConfigSlot.replBacklogTtl) }
    public var replTimeout: Int { int(ConfigSlot.replTimeout) }
    public var replPingReplicaPeriod: Int { int(ConfigSlot.replPingReplicaPeriod) }
    public var replDisklessSync: Bool { bool(ConfigSlot.replDisklessSync) }
    public var replDisklessSyncDelay: Int { int(ConfigSlot.replDisklessSyncDelay) }
    public var replDisklessSyncMaxReplicas: Int { int(ConfigSlot.replDisklessSyncMaxReplicas) }
    /// disabled, on-empty-db or swapdb.
    public var replDisklessLoad: String { enumName(ConfigSlot.replDisklessLoad) }
    public var replDisableTcpNodelay: Bool { bool(ConfigSlot.replDisableTcpNodelay) }
    public var minReplicasToWrite: Int { int(ConfigSlot.minReplicasToWrite) }
    public var minReplicasMaxLag: Int { int(ConfigSlot.minReplicasMaxLag) }
    public var clusterEnabled: Bool { bool(ConfigSlot.clusterEnabled) }
}

/// Table positions of the parameters read on hot paths, resolved once.
enum ConfigSlot {
    static let aclPubsubDefault = ConfigTable.slot("acl-pubsub-default")
    static let aclfile = ConfigTable.slot("aclfile")
    static let acllogMaxLen = ConfigTable.slot("acllog-max-len")
    static let activeExpireEffort = ConfigTable.slot("active-expire-effort")
    static let activerehashing = ConfigTable.slot("activerehashing")
    static let aofLoadTruncated = ConfigTable.slot("aof-load-truncated")
    static let aofTimestampEnabled = ConfigTable.slot("aof-timestamp-enabled")
    static let aofUseRdbPreamble = ConfigTable.slot("aof-use-rdb-preamble")
    static let appenddirname = ConfigTable.slot("appenddirname")
    static let appendfilename = ConfigTable.slot("appendfilename")
    static let appendfsync = ConfigTable.slot("appendfsync")
    static let appendonly = ConfigTable.slot("appendonly")
    static let autoAofRewriteMinSize = ConfigTable.slot("auto-aof-rewrite-min-size")
    static let autoAofRewritePercentage = ConfigTable.slot("auto-aof-rewrite-percentage")
    static let bind = ConfigTable.slot("bind")
    static let busyReplyThreshold = ConfigTable.slot("busy-reply-threshold")
    static let clientOutputBufferLimit = ConfigTable.slot("client-output-buffer-limit")
    static let clientQueryBufferLimit = ConfigTable.slot("client-query-buffer-limit")
    static let clusterEnabled = ConfigTable.slot("cluster-enabled")
    static let daemonize = ConfigTable.slot("daemonize")
    static let databases = ConfigTable.slot("databases")
    static let dbfilename = ConfigTable.slot("dbfilename")
    static let dir = ConfigTable.slot("dir")
    static let dynamicHz = ConfigTable.slot("dynamic-hz")
    static let enableDebugCommand = ConfigTable.slot("enable-debug-command")
    static let enableModuleCommand = ConfigTable.slot("enable-module-command")
    static let enableProtectedConfigs = ConfigTable.slot("enable-protected-configs")
    static let hashMaxListpackEntries = ConfigTable.slot("hash-max-listpack-entries")
    static let hashMaxListpackValue = ConfigTable.slot("hash-max-listpack-value")
    static let hllSparseMaxBytes = ConfigTable.slot("hll-sparse-max-bytes")
    static let hz = ConfigTable.slot("hz")
    static let latencyMonitorThreshold = ConfigTable.slot("latency-monitor-threshold")
    static let latencyTracking = ConfigTable.slot("latency-tracking")
    static let latencyTrackingInfoPercentiles = ConfigTable.slot("latency-tracking-info-percentiles")
    static let lazyfreeLazyEviction = ConfigTable.slot("lazyfree-lazy-eviction")
    static let lazyfreeLazyExpire = ConfigTable.slot("lazyfree-lazy-expire")
    static let lazyfreeLazyServerDel = ConfigTable.slot("lazyfree-lazy-server-del")
    static let lazyfreeLazyUserDel = ConfigTable.slot("lazyfree-lazy-user-del")
    static let lazyfreeLazyUserFlush = ConfigTable.slot("lazyfree-lazy-user-flush")
    static let listCompressDepth = ConfigTable.slot("list-compress-depth")
    static let listMaxListpackSize = ConfigTable.slot("list-max-listpack-size")
    static let logfile = ConfigTable.slot("logfile")
    static let crashLogEnabled = ConfigTable.slot("crash-log-enabled")
    static let watchdogPeriod = ConfigTable.slot("watchdog-period")
    static let loglevel = ConfigTable.slot("loglevel")
    static let masterauth = ConfigTable.slot("masterauth")
    static let masteruser = ConfigTable.slot("masteruser")
    static let maxclients = ConfigTable.slot("maxclients")
    static let maxmemory = ConfigTable.slot("maxmemory")
    static let maxmemoryPolicy = ConfigTable.slot("maxmemory-policy")
    static let maxmemorySamples = ConfigTable.slot("maxmemory-samples")
    static let minReplicasMaxLag = ConfigTable.slot("min-replicas-max-lag")
    static let minReplicasToWrite = ConfigTable.slot("min-replicas-to-write")
    static let noAppendfsyncOnRewrite = ConfigTable.slot("no-appendfsync-on-rewrite")
    static let notifyKeyspaceEvents = ConfigTable.slot("notify-keyspace-events")
    static let pidfile = ConfigTable.slot("pidfile")
    static let port = ConfigTable.slot("port")
    static let protectedMode = ConfigTable.slot("protected-mode")
    static let protoMaxBulkLen = ConfigTable.slot("proto-max-bulk-len")
    static let rdbDelSyncFiles = ConfigTable.slot("rdb-del-sync-files")
    static let rdbchecksum = ConfigTable.slot("rdbchecksum")
    static let rdbcompression = ConfigTable.slot("rdbcompression")
    static let replBacklogSize = ConfigTable.slot("repl-backlog-size")
    static let replBacklogTtl = ConfigTable.slot("repl-backlog-ttl")
    static let replDisableTcpNodelay = ConfigTable.slot("repl-disable-tcp-nodelay")
    static let replDisklessLoad = ConfigTable.slot("repl-diskless-load")
    static let replDisklessSync = ConfigTable.slot("repl-diskless-sync")
    static let replDisklessSyncDelay = ConfigTable.slot("repl-diskless-sync-delay")
    static let replDisklessSyncMaxReplicas = ConfigTable.slot("repl-diskless-sync-max-replicas")
    static let replPingReplicaPeriod = ConfigTable.slot("repl-ping-replica-period")
    static let replTimeout = ConfigTable.slot("repl-timeout")
    static let replicaAnnounceIp = ConfigTable.slot("replica-announce-ip")
    static let replicaAnnouncePort = ConfigTable.slot("replica-announce-port")
    static let replicaAnnounced = ConfigTable.slot("replica-announced")
    static let replicaIgnoreMaxmemory = ConfigTable.slot("replica-ignore-maxmemory")
    static let replicaLazyFlush = ConfigTable.slot("replica-lazy-flush")
    static let replicaPriority = ConfigTable.slot("replica-priority")
    static let replicaReadOnly = ConfigTable.slot("replica-read-only")
    static let replicaServeStaleData = ConfigTable.slot("replica-serve-stale-data")
    static let replicaof = ConfigTable.slot("replicaof")
    static let requirepass = ConfigTable.slot("requirepass")
    static let sanitizeDumpPayload = ConfigTable.slot("sanitize-dump-payload")
    static let save = ConfigTable.slot("save")
    static let setMaxIntsetEntries = ConfigTable.slot("set-max-intset-entries")
    static let shutdownOnSigint = ConfigTable.slot("shutdown-on-sigint")
    static let shutdownOnSigterm = ConfigTable.slot("shutdown-on-sigterm")
    static let shutdownTimeout = ConfigTable.slot("shutdown-timeout")
    static let slowlogLogSlowerThan = ConfigTable.slot("slowlog-log-slower-than")
    static let slowlogMaxLen = ConfigTable.slot("slowlog-max-len")
    static let stopWritesOnBgsaveError = ConfigTable.slot("stop-writes-on-bgsave-error")
    static let streamNodeMaxBytes = ConfigTable.slot("stream-node-max-bytes")
    static let streamNodeMaxEntries = ConfigTable.slot("stream-node-max-entries")
    static let supervised = ConfigTable.slot("supervised")
    static let tcpBacklog = ConfigTable.slot("tcp-backlog")
    static let tcpKeepalive = ConfigTable.slot("tcp-keepalive")
    static let timeout = ConfigTable.slot("timeout")
    static let trackingTableMaxKeys = ConfigTable.slot("tracking-table-max-keys")
    static let unixsocket = ConfigTable.slot("unixsocket")
    static let bindSourceAddr = ConfigTable.slot("bind-source-addr")
    static let oomScoreAdj = ConfigTable.slot("oom-score-adj")
    static let oomScoreAdjValues = ConfigTable.slot("oom-score-adj-values")
    static let unixsocketperm = ConfigTable.slot("unixsocketperm")
    static let zsetMaxListpackEntries = ConfigTable.slot("zset-max-listpack-entries")
    static let zsetMaxListpackValue = ConfigTable.slot("zset-max-listpack-value")
}
