import Keyspace
import Protocol

/// SPOP and SRANDMEMBER with Redis 7.0's count rules and reply types: SPOP
/// with a count answers a set (RESP3 `~`), SRANDMEMBER with a count an array.
extension SetCommands {
    static func spop(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        if argv.count == 3 {
            spopWithCount(server, client, argv)
            return
        }
        if argv.count > 3 {
            client.replyError("ERR syntax error")
            return
        }
        let key = Key(argv[1])
        let set: SetValue
        switch lookupWrite(client, key) {
        case .missing:
            client.out.nullBulk()
            return
        case .wrongType:
            client.replyError(wrongType)
            return
        case .set(let s): set = s
        }
        let m = set.popRandom(using: &server.rng)
        server.notifyKeyspaceEvent(Notify.set, "spop", key, db: client.db.id)
        bulk(client, m)
        // A random effect replays as its result.
        if server.feed.isActive { server.feed.replaceCommand(with: [PropagatedForms.srem, argv[1], m.bytes]) }
        if set.isEmpty {
            client.db.delete(key)
            server.notifyKeyspaceEvent(Notify.generic, "del", key, db: client.db.id)
        } else {
            signalModified(client.db, key)
        }
        server.dirty += 1
    }

    /// How much bigger than the count the rest must be to pop one by one
    /// (Redis's SPOP_MOVE_STRATEGY_MUL); else the survivors are picked instead.
    private static let spopMoveStrategyMul = 5

    private static func spopWithCount(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let l = parseStrictInt64(argv[2]), l >= 0 else {
            client.replyError("ERR value is out of range, must be positive")
            return
        }
        let key = Key(argv[1])
        let set: SetValue
        switch lookupWrite(client, key) {
        case .missing:
            client.out.setHeader(0)
            return
        case .wrongType:
            client.replyError(wrongType)
            return
        case .set(let s): set = s
        }
        let count = Int(l)
        if count == 0 {
            client.out.setHeader(0)
            return
        }
        let size = set.count
        let db = client.db
        server.notifyKeyspaceEvent(Notify.set, "spop", key, db: db.id)
        // Everything: Redis answers through SUNION of the key, so an intset comes out sorted.
        if count >= size {
            server.dirty += size
            // That SUNION looks the key up again: one more keyspace hit.
            _ = db.lookupRead(key)
            replyMembers(client, set)
            db.delete(key)
            server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
            if server.feed.isActive {
                server.feed.replaceCommand(with: [server.config.lazyfreeLazyServerDel ? PropagationRewrites.unlink : PropagationRewrites.del, argv[1]])
            }
            return
        }
        // Each popped member replays as its own SREM (the unit wraps them in MULTI/EXEC).
        let propagating = server.feed.isActive
        if propagating { server.feed.preventCommandPropagation() }
        func popped(_ m: [UInt8]) {
            if propagating { server.feed.alsoPropagate(db: client.dbIndex, [PropagatedForms.srem, argv[1], m]) }
        }
        server.dirty += count
        client.out.setHeader(count)
        let remaining = size - count
        if remaining * spopMoveStrategyMul > count {
            for _ in 0..<count {
                let m = set.popRandom(using: &server.rng)
                bulk(client, m)
                popped(m.bytes)
            }
        } else {
            // Most of the set goes: move the survivors into a new set (which,
            // made by setTypeCreate, may be an intset again) and reply the rest.
            let maxIntset = server.config.setMaxIntsetEntries
            var survivors: SetValue? = nil
            for _ in 0..<remaining {
                let m = set.popRandom(using: &server.rng)
                if survivors == nil {
                    survivors = SetValue.forFirstMember(m.bytes)
                }
                survivors!.add(m, maxIntsetEntries: maxIntset)
            }
            set.forEach {
                bulk(client, $0)
                popped($0.bytes)
            }
            db.overwrite(key, .set(survivors!))
        }
        signalModified(db, key)
    }

    static func srandmember(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        if argv.count == 3 {
            srandmemberWithCount(server, client, argv)
            return
        }
        if argv.count > 3 {
            client.replyError("ERR syntax error")
            return
        }
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.nullBulk()
        case .wrongType: client.replyError(wrongType)
        case .set(let s): bulk(client, s.randomMember(using: &server.rng))
        }
    }

    private static func srandmemberWithCount(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let l = RandomPicks.parseCount(client, argv[2]) else { return }
        let set: SetValue
        switch lookupRead(client, argv[1]) {
        case .missing:
            client.out.arrayHeader(0)
            return
        case .wrongType:
            client.replyError(wrongType)
            return
        case .set(let s): set = s
        }
        let unique = l >= 0
        let count = Int(l.magnitude)
        if count == 0 {
            client.out.arrayHeader(0)
            return
        }
        let size = set.count
        if !unique || count == 1 {
            client.out.arrayHeader(count)
            RandomPicks.inBatches(count, server, client) { set.randomMembers($0, using: &server.rng) { bulk(client, $0) } }
            return
        }
        if count >= size {
            client.out.arrayHeader(size)
            set.forEachBytes { client.out.bulk($0) }
            return
        }
        client.out.arrayHeader(count)
        // CASE 4 (a set much bigger than the count): picks from the table
        // (each with its rehash steps) until enough are distinct. CASE 3 draws
        // distinct positions, the uniform subset Redis gets by emptying a copy.
        if count * RandomPicks.subStrategyMul <= size, let keys = set.distinctTableMembers(count, using: &server.rng) {
            for k in keys { client.out.bulk(k) }
            return
        }
        for i in RandomPicks.distinctPositions(count, of: size, using: &server.rng) {
            bulk(client, set.member(at: i))
        }
    }
}
