import Keyspace
import Protocol

/// The set group: membership commands here, random ones in Sets+Random.swift,
/// algebra (SINTER/SUNION/SDIFF and their STORE forms, SINTERCARD) in
/// Sets+Algebra.swift, SSCAN in Sets+Scan.swift.
enum SetCommands {
    static let handlers: [String: CommandHandler] = [
        "sadd": sadd, "srem": srem, "smembers": smembers, "sismember": sismember, "smismember": smismember,
        "scard": scard, "spop": spop, "srandmember": srandmember, "smove": smove,
        "sinter": sinter, "sintercard": sintercard, "sinterstore": sinterstore,
        "sunion": sunion, "sunionstore": sunionstore, "sdiff": sdiff, "sdiffstore": sdiffstore,
        "sscan": sscan,
    ]

    static let wrongType = HashCommands.wrongType

    enum Found {
        case missing
        case wrongType
        case set(SetValue)
    }

    @inline(__always)
    static func lookupRead(_ client: Client, _ key: [UInt8]) -> Found {
        guard let v = client.db.lookupRead(Key(key)) else { return .missing }
        guard case .set(let s) = v else { return .wrongType }
        return .set(s)
    }

    @inline(__always)
    static func lookupWrite(_ client: Client, _ key: Key) -> Found {
        guard let v = client.db.lookupWrite(key) else { return .missing }
        guard case .set(let s) = v else { return .wrongType }
        return .set(s)
    }

    @inline(__always)
    static func signalModified(_ db: Database, _ key: Key) {
        db.context.onModified?(db, key)
    }

    // MARK: SADD, SREM, SMOVE

    static func sadd(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        let set: SetValue
        var created = false
        switch lookupWrite(client, key) {
        case .wrongType:
            client.replyError(wrongType)
            return
        case .set(let s): set = s
        case .missing:
            set = SetValue.forFirstMember(argv[2])
            client.db.add(key, .set(set))
            created = true
        }
        let maxIntset = server.config.setMaxIntsetEntries
        var added = 0
        for i in 2..<argv.count where set.add(argv[i], maxIntsetEntries: maxIntset) { added += 1 }
        if added > 0 && !created { signalModified(client.db, key) }
        if added > 0 { server.notifyKeyspaceEvent(Notify.set, "sadd", key, db: client.db.id) }
        server.dirty += added
        client.out.integer(added)
    }

    static func srem(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        switch lookupWrite(client, key) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(wrongType)
        case .set(let s): MemberRemoval.removeNamed(server, client, key, s, argv, eventType: Notify.set, event: "srem")
        }
    }

    static func smove(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let srcKey = Key(argv[1]), dstKey = Key(argv[2])
        let member = argv[3]
        let srcFound = lookupWrite(client, srcKey)
        let dstFound = lookupWrite(client, dstKey)
        let src: SetValue
        switch srcFound {
        case .missing:
            client.out.integer(0)
            return
        case .wrongType:
            client.replyError(wrongType)
            return
        case .set(let s): src = s
        }
        var dst: SetValue? = nil
        switch dstFound {
        case .wrongType:
            client.replyError(wrongType)
            return
        case .set(let s): dst = s
        case .missing: break
        }
        // The same key: nothing moves.
        if let d = dst, d === src {
            client.out.integer(src.contains(member) ? 1 : 0)
            return
        }
        guard src.remove(member) else {
            client.out.integer(0)
            return
        }
        let db = client.db
        server.notifyKeyspaceEvent(Notify.set, "srem", srcKey, db: db.id)
        if src.isEmpty {
            db.delete(srcKey)
            server.notifyKeyspaceEvent(Notify.generic, "del", srcKey, db: db.id)
        } else {
            signalModified(db, srcKey)
        }
        let target: SetValue
        if let d = dst {
            target = d
        } else {
            target = SetValue.forFirstMember(member)
            db.add(dstKey, .set(target))
        }
        server.dirty += 1
        if target.add(member, maxIntsetEntries: server.config.setMaxIntsetEntries) {
            server.dirty += 1
            signalModified(db, dstKey)
            server.notifyKeyspaceEvent(Notify.set, "sadd", dstKey, db: db.id)
        }
        client.out.integer(1)
    }

    // MARK: reads

    static func sismember(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(wrongType)
        case .set(let s): client.out.integer(s.contains(argv[2]) ? 1 : 0)
        }
    }

    static func smismember(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var set: SetValue? = nil
        switch lookupRead(client, argv[1]) {
        case .missing: break
        case .wrongType:
            client.replyError(wrongType)
            return
        case .set(let s): set = s
        }
        client.out.arrayHeader(argv.count - 2)
        for i in 2..<argv.count {
            client.out.integer(set?.contains(argv[i]) == true ? 1 : 0)
        }
    }

    static func scard(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(wrongType)
        case .set(let s): client.out.integer(s.count)
        }
    }

    /// SMEMBERS is SINTER of one key in Redis 7.0 (a set reply in RESP3).
    static func smembers(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.setHeader(0)
        case .wrongType: client.replyError(wrongType)
        case .set(let s): replyMembers(client, s)
        }
    }

    /// The whole set as a set reply, in storage order.
    static func replyMembers(_ client: Client, _ s: SetValue) {
        client.out.setHeader(s.count)
        if case .table(let t) = s.kind {
            for k in t.dict.keys { client.out.bulk(k) }
        } else {
            s.forEachBytes { client.out.bulk($0) }
        }
    }

    /// Writes one member as a bulk string.
    @inline(__always)
    static func bulk(_ client: Client, _ m: SetMember) {
        switch m {
        case .key(let k): client.out.bulk(k)
        case .int(let v): client.out.bulkInteger(v)
        }
    }
}
