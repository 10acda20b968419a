import Glibc

/// MIGRATE's connections to its targets, kept per "host:port" as typed
/// (cluster.c migrateGetSocket/migrateCloseSocket/migrateCloseTimedoutSockets):
/// a run of MIGRATEs to one target connects once and sends SELECT only when
/// the database changes. INFO shows the count as migrate_cached_sockets.
public final class MigrateSocketCache {
    /// MIGRATE_SOCKET_CACHE_ITEMS: beyond it a random one is dropped.
    static let maxItems = 64
    /// MIGRATE_SOCKET_CACHE_TTL: seconds unused before the cron closes one.
    static let idleSeconds: Int64 = 10

    final class Entry {
        let fd: Int32
        /// The database the target has selected, -1 when unknown (Redis's
        /// last_dbid: a MIGRATE to db -1 therefore sends no SELECT, as there).
        var lastDbId: Int64 = -1
        var lastUseSeconds: Int64

        init(fd: Int32, now: Int64) {
            self.fd = fd
            lastUseSeconds = now
        }
    }

    private var entries: [[UInt8]: Entry] = [:]

    public var count: Int { entries.count }

    static func name(host: [UInt8], port: [UInt8]) -> [UInt8] { host + [UInt8(ascii: ":")] + port }

    /// The cached connection or a new one; nil when connecting failed.
    func socket(host: [UInt8], port: [UInt8], timeoutMs: Int, nowSeconds: Int64) -> Entry? {
        let name = Self.name(host: host, port: port)
        if let e = entries[name] {
            e.lastUseSeconds = nowSeconds
            return e
        }
        if entries.count == Self.maxItems, let victim = entries.keys.randomElement() {
            close(name: victim)
        }
        guard let fd = SyncSocketIO.connect(host: host, port: KeyExtraction.atoi(port), timeoutMs: timeoutMs) else { return nil }
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        let e = Entry(fd: fd, now: nowSeconds)
        entries[name] = e
        return e
    }

    /// After an IO error: the next MIGRATE to this target connects afresh.
    func close(host: [UInt8], port: [UInt8]) {
        close(name: Self.name(host: host, port: port))
    }

    private func close(name: [UInt8]) {
        guard let e = entries.removeValue(forKey: name) else { return }
        Glibc.close(e.fd)
    }

    /// The cron's once-a-second sweep.
    func closeIdle(nowSeconds: Int64) {
        for (name, e) in entries where nowSeconds - e.lastUseSeconds > Self.idleSeconds {
            close(name: name)
        }
    }

    deinit {
        for e in entries.values { Glibc.close(e.fd) }
    }
}
