import Keyspace
import Protocol

/// Client-side caching, as Redis 7.0's tracking.c: turning tracking on and
/// off, remembering what tracking clients read, and sending invalidations
/// (RESP3 pushes, or `__redis__:invalidate` messages to a RESP2 subscriber
/// given as REDIRECT) when those keys change, are flushed, or the table
/// grows past tracking-table-max-keys.
extension Server {
    // MARK: on / off

    /// enableTracking: options replace the previous mode; BCAST prefixes add up.
    func enableTracking(_ c: Client, redirect: Int, options: ClientTrackingFlags, prefixes: [Key]) {
        if !c.tracking.isOn { tracking.clientCount += 1 }
        c.tracking.flags.insert(.on)
        c.tracking.flags.subtract(ClientTrackingFlags.modeBits)
        c.tracking.redirect = redirect
        tracking.noteCreated()
        if options.contains(.bcast) {
            c.tracking.flags.insert(.bcast)
            // Kept in radix order, each put in its place (no re-sort per call).
            for p in prefixes.isEmpty ? [Key([UInt8]())] : prefixes where tracking.subscribe(id: c.id, prefix: p) {
                c.tracking.prefixes.insert(p, at: TrackingTable.insertionIndex(of: p.bytes, in: c.tracking.prefixes))
            }
        }
        c.tracking.flags.formUnion(options.intersection([.optin, .optout, .noloop]))
    }

    /// disableTracking: the keys it read stay in the table until they change
    /// (Redis does not walk the table); its prefixes go at once.
    func disableTracking(_ c: Client) {
        if c.tracking.flags.contains(.bcast) {
            for p in c.tracking.prefixes { tracking.unsubscribe(id: c.id, prefix: p) }
            c.tracking.prefixes = []
        }
        if c.tracking.isOn {
            tracking.clientCount -= 1
            c.tracking.flags = []
        }
    }

    // MARK: reads

    /// After a read-only command: remember the keys it named for a client
    /// tracking in default mode. A script's reads charge its caller with the
    /// keys the script declared (`rememberScriptCallerKeys`).
    func trackingRememberKeys(_ c: Client, _ cmd: Command, _ argv: [[UInt8]]) {
        guard c.tracking.remembersReads, !cmd.flags.contains(.pubsub) else { return }
        KeyExtraction.forEachKey(cmd, argv) { position, _ in
            if position < argv.count { tracking.remember(Key(argv[position]), id: c.id) }
            return true
        }
    }

    /// Read-only themselves, but what they read is charged per call inside.
    static let scriptReadCommands: Set<String> = ["eval_ro", "evalsha_ro", "fcall_ro"]

    /// A read-only command a script ran: its caller, if tracking in default
    /// mode, now caches every key the script declared (call()'s
    /// trackingRememberKeys(server.script_caller)).
    func rememberScriptCallerKeys(_ run: RunningScript) {
        let caller = run.caller
        guard caller.tracking.isOn, !caller.tracking.flags.contains(.bcast),
              let name = run.callerArgv.first, let cmd = lookupCommand(name) else { return }
        trackingRememberKeys(caller, cmd, run.callerArgv)
    }

    // MARK: invalidation

    /// trackingInvalidateKey: every default-mode reader of the key is told
    /// once and forgotten; with `bcast` the key is also collected for the
    /// prefixes it matches. A reader running the command that changed the
    /// key hears of it after its reply.
    func trackingInvalidateKey(_ key: Key, bcast: Bool) {
        if bcast { tracking.collectForBroadcast(key, modifiedBy: currentClientId) }
        guard let ids = tracking.take(key) else { return }
        for id in ids {
            guard let target = clients[id], target.tracking.isOn, !target.tracking.flags.contains(.bcast) else { continue }
            if target.tracking.flags.contains(.noloop) && target.id == currentClientId { continue }
            if target.id == currentClientId && (callDepth > 0 || servingBlockedClient) {
                tracking.pending.append(key)
            } else {
                sendTrackingMessage(target, .keys([key]))
            }
        }
    }

    /// FLUSHALL/FLUSHDB (any database): every tracking client, BCAST ones
    /// too, gets a null invalidation and the table starts over.
    func trackingInvalidateKeysOnFlush() {
        guard tracking.clientCount > 0 || tracking.created else { return }
        if tracking.clientCount > 0 {
            for c in clients.values.sorted(by: { $0.id < $1.id }) where c.tracking.isOn {
                if c.id == currentClientId {
                    tracking.pending.append(nil)
                } else {
                    sendTrackingMessage(c, .null)
                }
            }
        }
        tracking.removeAllKeys()
    }

    /// After the outermost call(): what the running client's own command
    /// invalidated for itself, now that its reply is out.
    func trackingHandlePendingKeyInvalidations() {
        let pending = tracking.pending
        tracking.pending.removeAll()
        guard let c = clients[currentClientId], !c.isFreed else { return }
        for key in pending {
            sendTrackingMessage(c, key.map { .keys([$0]) } ?? .null)
        }
    }

    /// beforeSleep: one message per prefix with every key changed since the
    /// last one; a NOLOOP client gets the list without its own changes.
    func trackingBroadcastInvalidationMessages() {
        guard tracking.clientCount > 0 else {
            _ = tracking.drainBroadcasts()
            return
        }
        for b in tracking.drainBroadcasts() {
            let all = b.keys.map(\.key)
            for id in b.clients {
                guard let c = clients[id] else { continue }
                if c.tracking.flags.contains(.noloop) {
                    let own = b.keys.filter { $0.modifiedBy != c.id }.map(\.key)
                    if !own.isEmpty { sendTrackingMessage(c, .keys(own)) }
                } else {
                    sendTrackingMessage(c, .keys(all))
                }
            }
        }
    }

    /// trackingLimitUsedSlots: over tracking-table-max-keys, invalidate
    /// random keys, up to 100 per round times the rounds in a row spent over.
    func trackingLimitUsedSlots() {
        guard tracking.created else { return }
        let max = config.trackingTableMaxKeys
        guard max > 0 else { return }
        if tracking.keyCount <= max {
            tracking.limitRounds = 0
            return
        }
        var effort = 100 * (tracking.limitRounds + 1)
        while effort > 0, let key = tracking.randomKey(using: &rng) {
            effort -= 1
            trackingInvalidateKey(key, bcast: false)
            if tracking.keyCount <= max {
                tracking.limitRounds = 0
                return
            }
        }
        tracking.limitRounds += 1
    }

    // MARK: messages

    enum TrackingPayload {
        case keys([Key])
        /// Everything (a flush): the null of the tracking client's protocol.
        case null
    }

    static let invalidatePushHead: [UInt8] = Array(">2\r\n$10\r\ninvalidate\r\n".utf8)
    static let invalidateMessageHead: [UInt8] = Array("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n".utf8)

    /// sendTrackingMessage: to the client itself under RESP3, or to its
    /// redirect target (a push under RESP3, a pub/sub message when that
    /// target is a RESP2 subscriber; nothing otherwise). A vanished target
    /// marks the redirect broken and, under RESP3, says so.
    func sendTrackingMessage(_ c: Client, _ payload: TrackingPayload) {
        let nullProto = c.proto
        var target = c
        var redirected = false
        if c.tracking.redirect != 0 {
            guard let redir = clients[c.tracking.redirect], !redir.isFreed else {
                c.tracking.flags.insert(.brokenRedirect)
                if c.proto >= 3 {
                    c.out.raw(Self.redirBrokenHead)
                    c.out.integer(c.tracking.redirect)
                    deliverTrackingOutput(c)
                }
                return
            }
            target = redir
            redirected = true
        }
        if target.proto >= 3 {
            target.out.raw(Self.invalidatePushHead)
        } else if redirected && target.flags.contains(.pubsub) {
            target.out.raw(Self.invalidateMessageHead)
        } else {
            return
        }
        switch payload {
        case .keys(let keys):
            target.out.arrayHeader(keys.count)
            for k in keys { k.withUnsafeBytes { target.out.bulk($0) } }
        case .null:
            target.out.raw(nullProto >= 3 ? Self.resp3Null : Self.resp2Null)
        }
        deliverTrackingOutput(target)
    }

    static let redirBrokenHead: [UInt8] = Array(">2\r\n$21\r\ntracking-redir-broken\r\n".utf8)
    static let resp3Null: [UInt8] = Array("_\r\n".utf8)
    static let resp2Null: [UInt8] = Array("$-1\r\n".utf8)

    private func deliverTrackingOutput(_ c: Client) {
        c.markPendingWrite()
        if c.id != currentClientId { checkOutputBufferLimits(c) }
    }
}
