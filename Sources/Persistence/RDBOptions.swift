/// The configuration that shapes what a writer emits (redis.conf names).
public struct RDBOptions: Sendable {
    /// RDB_VERSION: 7.0 writes 10 (a 7.0 loader refuses anything newer).
    public var version = 10
    /// rdbcompression: LZF for strings over 20 bytes that shrink by 4 or more.
    public var compression = true
    /// rdbchecksum: off writes a zero checksum, which loaders skip.
    public var checksum = true
    /// list-max-listpack-size: how the writer cuts a list into quicklist nodes.
    public var listMaxListpackSize = -2
    /// Elements at least this long go into a plain node (quicklist's packed_threshold, 1 GiB).
    public var listPackedThreshold = 1 << 30

    public init() {}
}

/// The thresholds a loader converts values by, as Redis's rdbLoadObject
/// does (redis.conf names and defaults).
public struct RDBLimits: Sendable {
    public var databases = 16
    /// 512 is the compiled-in default (config.c); redis.conf's example says 128.
    public var hashMaxListpackEntries = 512
    public var hashMaxListpackValue = 64
    public var zsetMaxListpackEntries = 128
    public var zsetMaxListpackValue = 64
    public var setMaxIntsetEntries = 512
    public var listMaxListpackSize = -2
    /// DEBUG SET-SKIP-CHECKSUM-VALIDATION 1 turns this off: RDB files and
    /// RESTORE payloads load whatever their CRC says.
    public var verifiesChecksum = true

    public init() {}
}

/// Per-key information besides the value (opcodes 0xFC, 0xF8, 0xF9).
public struct RDBKeyMeta: Sendable, Equatable {
    /// Absolute expire time, ms since the epoch.
    public var expireAtMs: Int64?
    /// LRU idle time in seconds (written when maxmemory-policy is an LRU one).
    public var idleSeconds: Int64?
    /// LFU counter (written when maxmemory-policy is an LFU one).
    public var lfuFreq: UInt8?

    public init(expireAtMs: Int64? = nil, idleSeconds: Int64? = nil, lfuFreq: UInt8? = nil) {
        self.expireAtMs = expireAtMs
        self.idleSeconds = idleSeconds
        self.lfuFreq = lfuFreq
    }
}
