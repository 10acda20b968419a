import Keyspace

/// maxmemory-clients (client eviction, Redis 7.0's evictClients): when the
/// normal and pub/sub clients together hold that much memory, the biggest
/// evictable ones are disconnected until they hold less.
///
/// The total is kept incrementally, as Redis's updateClientMemUsageAndBucket:
/// each client's last counted usage is refreshed where its buffers change
/// (after each of its commands and reads, after output reaches or leaves it,
/// in cron), so the check before every command and before the loop sleeps is
/// one comparison; the walk over clients happens only when the limit is
/// crossed. With the limit unset nothing is counted.
extension Client {
    /// getClientMemoryUsage, and CLIENT LIST's tot-mem: the reply buffer and
    /// output queue as allocated, the query buffer, the arguments held
    /// (`argvBytes`: of the running command, else those of a partly read
    /// one), the transaction queue, and an entry's overhead per watched key,
    /// subscription and tracking prefix (their names are shared with the
    /// server's tables, as in Redis, which also counts only the entries).
    func memoryUsage(argvBytes: Int? = nil) -> Int {
        var mem = out.bytes.capacity + (argvBytes ?? parser.partialArgumentBytes) + multiMemory
        if let conn = connection { mem += conn.input.capacity + conn.pendingOutputBytes }
        let entries = watchedKeys.count + channels.count + shardChannels.count + patterns.count + tracking.prefixes.count
        return mem + entries * Self.entryOverhead
    }

    /// mstate.argv_len_sums: each queued command's argument bytes plus a pointer per argument.
    var multiMemory: Int {
        var mem = 0
        for q in multiQueue { mem += q.argv.reduce(0) { $0 + $1.count } + 8 * q.argv.count }
        return mem
    }

    /// A watch, subscription or prefix entry: Redis's list node plus entry
    /// (watchedKey, dictEntry) or radix-tree node estimate, 24 to 48 bytes.
    static let entryOverhead = 32

    /// The clients whose memory counts towards the limit (getClientType normal or pub/sub).
    var countsTowardsClientLimit: Bool {
        flags.isDisjoint(with: [.master, .replica, .monitor])
    }

    /// clientEvictionAllowed: normal and pub/sub clients without CLIENT NO-EVICT.
    var evictionAllowed: Bool {
        countsTowardsClientLimit && !flags.contains(.noEvict)
    }
}

extension Server {
    /// getClientEvictionLimit: 0 for none; a percentage applies to maxmemory
    /// (and means none without one); never under 128 KiB, so a bad setting
    /// cannot lock every client out.
    var clientEvictionLimit: Int {
        let setting = hot.maxmemoryClients
        var limit: Int
        if setting < 0 && hot.maxmemory > 0 {
            limit = Int(Double(hot.maxmemory) * Double(-setting) / 100)
        } else if setting > 0 {
            limit = setting
        } else {
            return 0
        }
        if limit < 128 * 1024 { limit = 128 * 1024 }
        return limit
    }

    /// Re-counts one client's memory into the total (updateClientMemUsage).
    @inline(__always)
    func updateClientMemory(_ c: Client) {
        guard hot.maxmemoryClients != 0 else { return }
        let now = c.countsTowardsClientLimit && !c.isFreed ? c.memoryUsage() : 0
        clientsMemoryTotal += now - c.countedMemory
        c.countedMemory = now
    }

    /// Takes a leaving client out of the total.
    func forgetClientMemory(_ c: Client) {
        clientsMemoryTotal -= c.countedMemory
        c.countedMemory = 0
    }

    /// maxmemory-clients changed: count every client afresh (from or to none),
    /// then apply the new limit.
    func recountClientMemory() {
        clientsMemoryTotal = 0
        for c in clients.values {
            c.countedMemory = 0
            updateClientMemory(c)
        }
        evictClients()
    }

    func evictClients() {
        let limit = clientEvictionLimit
        guard limit > 0, clientsMemoryTotal >= limit else { return }
        // Biggest first, as Redis empties its top memory bucket first.
        let candidates = clients.values.filter { $0.evictionAllowed }.sorted { $0.countedMemory > $1.countedMemory }
        for c in candidates {
            if clientsMemoryTotal < limit { return }
            let info = ClientCommands.infoLine(self, c, current: c, argv: [], running: c.lastCommandName)
            log.notice("Evicting client: \(info)")
            freeClient(c, reason: "client eviction")
            // Its replies go now, as Redis frees a client's reply blocks: the
            // object may live on to the end of the round (a pending-write
            // list), and key eviction looks at used_memory next. (Not in
            // freeClient: a client freed from inside its own send holds its
            // buffer borrowed.)
            c.out.bytes = []
            stats.evictedClients += 1
        }
        if clientsMemoryTotal >= limit { log.warning("Over client maxmemory after evicting all evictable clients") }
    }
}
