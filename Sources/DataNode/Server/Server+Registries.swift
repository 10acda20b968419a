import CVigilShim
import Keyspace
import Protocol

/// Who is connected and what they follow: client creation and teardown,
/// MONITOR feeds, WATCHed keys, pub/sub subscriptions.
extension Server {
    /// A client with no socket (tests, AOF loading): replies accumulate in `out`.
    public func createDetachedClient() -> Client {
        let c = Client(id: nextClientId, connection: nil, server: self, address: "127.0.0.1:0", localAddress: "127.0.0.1:0")
        nextClientId += 1
        clients[c.id] = c
        return c
    }

    /// Removes a client from every structure; closes its connection.
    public func freeClient(_ c: Client, reason: String) {
        guard !c.isFreed else { return }
        c.markFreed()
        clients[c.id] = nil
        forgetClientMemory(c)
        unwatchAll(c)
        unsubscribeAll(c)
        if c.tracking.isOn { disableTracking(c) }
        if c.flags.contains(.monitor) { monitors.removeAll { $0 === c } }
        if c.flags.contains(.replica) {
            feed.detach(id: c.id)
            replicaSyncEnded(id: c.id)
            replication.replicaDetached(id: c.id, nowMs: clock.monotonicMs())
            log.warning("Connection with replica \(replicaName(c)) lost.")
            dualChannelClientGone(c.id)
        }
        replication.replconf[c.id] = nil
        if c.flags.contains(.master) { replicaLinkDriver.masterClientFreed(c) }
        pausedClients.removeAll { $0.client === c }
        if c.flags.contains(.blocked) { blockedClientFreed(c) }
        if let conn = c.connection, !conn.isClosed { conn.close(reason: reason) }
        // Clients without a connection (the AOF loader's, a script's) were never connected.
        if c.connection != nil { log.verbose("Client closed connection id=\(c.id) addr=\(c.address): \(reason)") }
    }

    /// Closes a client asynchronously (output limit, CLIENT KILL): no more
    /// replies. The client whose input is being run finishes its command
    /// first (a transaction runs whole, as Redis's freeClientAsync lets it),
    /// its replies dropped, and is freed as soon as it returns.
    public func closeClientAsap(_ c: Client, reason: String) {
        c.flags.insert(.closeASAP)
        c.out.bytes.removeAll(keepingCapacity: false)
        if c.id == inputClientId {
            c.closeReason = reason
            return
        }
        freeClient(c, reason: reason)
    }

    /// A reply being built has put its client over its output limit (now
    /// closing): commands that can answer with huge replies stop building
    /// them, as Redis's check of CLIENT_CLOSE_ASAP mid-reply.
    func replyLimitReached(_ c: Client) -> Bool {
        checkOutputBufferLimits(c)
        return c.isFreed || c.flags.contains(.closeASAP)
    }


    // MARK: MONITOR

    /// `+<unix.micro> [db addr] "arg" ...`, as Redis's replicationFeedMonitors.
    func feedMonitors(_ c: Client, _ argv: [[UInt8]]) {
        let us = clock.wallUs()
        let head = "+\(us / 1_000_000).\(String(us % 1_000_000).leftPadded(6)) [\(c.dbIndex) \(c.flags.contains(.unixSocket) ? "unix:" + config.unixSocket : c.address)]"
        var bytes = Array(head.utf8)
        for a in argv {
            bytes.append(UInt8(ascii: " "))
            appendSdsRepr(a, to: &bytes)
        }
        bytes.append(contentsOf: "\r\n".utf8)
        // A monitor that sent QUIT (or is being dropped) gets no more output.
        for m in monitors where !m.isFreed && m.flags.isDisjoint(with: [.closeAfterReply, .closeASAP]) {
            m.out.raw(bytes)
            m.markPendingWrite()
            checkOutputBufferLimits(m)
        }
    }

    // MARK: WATCH

    func touchWatchedKey(db: Int, key: Key) {
        guard db < watchers.count, !watchers[db].isEmpty, let list = watchers[db][key] else { return }
        for c in list {
            // A key already expired at WATCH time whose (lazy) deletion is all
            // that happened is logically unchanged (Redis 7.0 touchWatchedKey).
            if let i = c.watchedKeys.firstIndex(where: { $0.db == db && $0.key == key }), c.watchedKeys[i].expired {
                if databases[db].dict[key] == nil {
                    c.watchedKeys[i].expired = false
                    continue
                }
            }
            c.flags.insert(.dirtyCAS)
        }
    }

    public func watch(_ c: Client, key: Key) {
        if c.watchedKeys.contains(where: { $0.db == c.dbIndex && $0.key == key }) { return }
        c.watchedKeys.append((c.dbIndex, key, c.db.isLogicallyExpired(key)))
        watchers[c.dbIndex][key, default: []].append(c)
    }

    public func unwatchAll(_ c: Client) {
        for (db, key, _) in c.watchedKeys {
            watchers[db][key]?.removeAll { $0 === c }
            if watchers[db][key]?.isEmpty == true { watchers[db][key] = nil }
        }
        c.watchedKeys.removeAll()
    }

    /// Redis 7.0's touchAllWatchedKeysInDb: a flush or swap only invalidates
    /// WATCHes of keys that exist in the emptied database (or in the one
    /// replacing it); watching a missing key survives FLUSHDB. A key that was
    /// already expired at WATCH time is logically unchanged when it vanishes
    /// or is replaced by another expired key, and a missing key replaced by an
    /// expired one becomes such an already-expired watch (EXEC ignores it).
    /// Runs before the flush or swap.
    func touchWatchedKeysBeforeFlush(db: Int, replacedWith other: Int? = nil) {
        guard db < watchers.count, !watchers[db].isEmpty else { return }
        let emptied = databases[db]
        let replacement = other.map { databases[$0] }
        for (key, list) in watchers[db] {
            let existsInEmptied = emptied.dict[key] != nil
            let existsInReplacement = replacement?.dict[key] != nil
            guard existsInEmptied || existsInReplacement else { continue }
            let replacementExpired = existsInReplacement && replacement!.isLogicallyExpired(key)
            for c in list {
                guard let i = c.watchedKeys.firstIndex(where: { $0.db == db && $0.key == key }) else { continue }
                if c.watchedKeys[i].expired {
                    if !existsInReplacement {
                        c.watchedKeys[i].expired = false
                        continue
                    }
                    if replacementExpired { continue }
                } else if !existsInEmptied && replacementExpired {
                    c.watchedKeys[i].expired = true
                    continue
                }
                c.flags.insert(.dirtyCAS)
            }
        }
    }

    // MARK: pub/sub bookkeeping used by client teardown

    func unsubscribeAll(_ c: Client) {
        for ch in c.channels { pubsub.remove(c, channel: ch) }
        c.channels.removeAll()
        if !c.patterns.isEmpty {
            pubsub.removeAllPatterns(of: c)
            c.patterns.removeAll()
        }
        for ch in c.shardChannels { pubsub.remove(c, shardChannel: ch) }
        c.shardChannels.removeAll()
    }
}
