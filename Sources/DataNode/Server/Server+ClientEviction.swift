import Keyspace

/// maxmemory-clients (client eviction, Redis 7.0's evictClients): when the
/// normal and pub/sub clients together hold that much buffer memory, the
/// biggest are disconnected until they hold less. Checked before every
/// command and before the loop sleeps, as Redis does; only with the limit
/// set, so the per-client walk costs nothing by default.
extension Client {
    /// getClientMemoryUsage: buffers as allocated, plus the arguments and
    /// transaction queue held for commands not yet run.
    var memoryUsage: Int {
        var mem = out.bytes.capacity + parser.partialArgumentBytes
        if let conn = connection { mem += conn.input.capacity + conn.outputCapacity }
        for q in multiQueue { mem += q.argv.reduce(0) { $0 + $1.count } + 8 * q.argv.count }
        return mem
    }

    /// clientEvictionAllowed: normal and pub/sub clients without CLIENT NO-EVICT.
    var evictionAllowed: Bool {
        flags.isDisjoint(with: [.noEvict, .master, .replica, .monitor])
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

    func evictClients() {
        let limit = clientEvictionLimit
        guard limit > 0 else { return }
        var total = 0
        for c in clients.values where c.evictionAllowed { total += c.memoryUsage }
        guard total >= limit else { return }
        // Biggest first, as Redis empties its top memory bucket first.
        let candidates = clients.values.filter { $0.evictionAllowed }
            .map { ($0, $0.memoryUsage) }
            .sorted { $0.1 > $1.1 }
        for (c, mem) in candidates {
            if total < limit { return }
            let info = ClientCommands.infoLine(self, c, current: c, argv: [], running: c.lastCommandName)
            log.notice("Evicting client: \(info)")
            freeClient(c, reason: "client eviction")
            stats.evictedClients += 1
            total -= mem
        }
        if total >= limit { log.warning("Over client maxmemory after evicting all evictable clients") }
    }
}
