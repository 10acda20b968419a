import Keyspace
import Protocol

/// Sorted-set commands (Redis 7.0's t_zset.c): replies, errors and the order
/// in which arguments are checked follow Redis, since clients see which
/// error wins.
enum SortedSetCommands {
    static let handlers: [String: CommandHandler] = [
        "zadd": zadd, "zincrby": zincrby, "zrem": zrem, "zcard": zcard,
        "zscore": zscore, "zmscore": zmscore, "zrank": zrank, "zrevrank": zrevrank,
        "zcount": zcount, "zlexcount": zlexcount,
        "zrange": zrange, "zrangestore": zrangestore, "zrevrange": zrevrange,
        "zrangebyscore": zrangebyscore, "zrevrangebyscore": zrevrangebyscore,
        "zrangebylex": zrangebylex, "zrevrangebylex": zrevrangebylex,
        "zremrangebyrank": zremrangebyrank, "zremrangebyscore": zremrangebyscore,
        "zremrangebylex": zremrangebylex,
        "zunion": zunion, "zinter": zinter, "zdiff": zdiff, "zintercard": zintercard,
        "zunionstore": zunionstore, "zinterstore": zinterstore, "zdiffstore": zdiffstore,
        "zpopmin": zpopmin, "zpopmax": zpopmax, "zmpop": zmpop,
        "zrandmember": zrandmember, "zscan": zscan,
        "bzpopmin": bzpopmin, "bzpopmax": bzpopmax, "bzmpop": bzmpop,
    ]

    // MARK: ZADD / ZINCRBY

    static func zadd(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zaddGeneric(server, client, argv, flags: [])
    }

    static func zincrby(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zaddGeneric(server, client, argv, flags: .incr)
    }

    /// zaddGenericCommand: options, then element count, option conflicts,
    /// every score, and only then the key.
    static func zaddGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]], flags initial: ZAddFlags) {
        var flags = initial
        var ch = false
        var scoreIdx = 2
        while scoreIdx < argv.count {
            let o = argv[scoreIdx]
            if argEquals(o, "nx") { flags.insert(.nx) }
            else if argEquals(o, "xx") { flags.insert(.xx) }
            else if argEquals(o, "ch") { ch = true }
            else if argEquals(o, "incr") { flags.insert(.incr) }
            else if argEquals(o, "gt") { flags.insert(.gt) }
            else if argEquals(o, "lt") { flags.insert(.lt) }
            else { break }
            scoreIdx += 1
        }
        let incr = flags.contains(.incr), nx = flags.contains(.nx), xx = flags.contains(.xx)
        let gt = flags.contains(.gt), lt = flags.contains(.lt)
        let pairArgs = argv.count - scoreIdx
        if pairArgs % 2 != 0 || pairArgs == 0 {
            client.replyError(ZsetReplies.syntax)
            return
        }
        let elements = pairArgs / 2
        if nx && xx {
            client.replyError("ERR XX and NX options at the same time are not compatible")
            return
        }
        if (gt && nx) || (lt && nx) || (gt && lt) {
            client.replyError("ERR GT, LT, and/or NX options at the same time are not compatible")
            return
        }
        if incr && elements > 1 {
            client.replyError("ERR INCR option supports a single increment-element pair")
            return
        }
        var scores: [Double] = []
        scores.reserveCapacity(elements)
        for j in 0..<elements {
            guard let d = doubleArgument(client, argv[scoreIdx + j * 2]) else { return }
            scores.append(d)
        }

        let key = Key(argv[1])
        let db = client.db
        let lim = limits(server)
        let z: SortedSetValue
        var created = false
        switch lookupWrite(db, key) {
        case .wrongType:
            client.replyError(ZsetReplies.wrongType)
            return
        case .found(let found):
            z = found
        case .missing:
            if xx {
                if incr { client.out.nullBulk() } else { client.out.integer(0) }
                return
            }
            z = SortedSetValue(forFirstMember: argv[scoreIdx + 1].count, limits: lim)
            db.add(key, .zset(z))
            created = true
        }

        var added = 0, updated = 0, processed = 0
        var score = 0.0
        for j in 0..<elements {
            switch z.add(argv[scoreIdx + 1 + j * 2], score: scores[j], flags: flags, limits: lim) {
            case .nan:
                client.replyError(ZsetReplies.nan)
                return
            case .nop:
                continue
            case .added(let s):
                added += 1; processed += 1; score = s
            case .updated(let s):
                updated += 1; processed += 1; score = s
            case .unchanged(let s):
                processed += 1; score = s
            }
        }
        server.dirty += added + updated
        if incr {
            if processed > 0 { client.out.double(score) } else { client.out.nullBulk() }
        } else {
            client.out.integer(ch ? added + updated : added)
        }
        if added + updated > 0 {
            if !created { touched(db, key) }
            server.notifyKeyspaceEvent(Notify.zset, incr ? "zincr" : "zadd", key, db: db.id)
        }
    }

    // MARK: ZREM / ZCARD

    static func zrem(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        let db = client.db
        let z: SortedSetValue
        switch lookupWrite(db, key) {
        case .missing: client.out.integer(0); return
        case .wrongType: client.replyError(ZsetReplies.wrongType); return
        case .found(let f): z = f
        }
        var deleted = 0
        var keyRemoved = false
        for j in 2..<argv.count {
            if z.remove(argv[j]) { deleted += 1 }
            if z.isEmpty {
                db.delete(key)
                keyRemoved = true
                break
            }
        }
        if deleted > 0 {
            server.notifyKeyspaceEvent(Notify.zset, "zrem", key, db: db.id)
            if keyRemoved { server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id) }
            touched(db, key)
            server.dirty += deleted
        }
        client.out.integer(deleted)
    }

    static func zcard(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(ZsetReplies.wrongType)
        case .found(let z): client.out.integer(z.count)
        }
    }

    // MARK: ZSCORE / ZMSCORE / ZRANK

    static func zscore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing: client.out.nullBulk()
        case .wrongType: client.replyError(ZsetReplies.wrongType)
        case .found(let z):
            if let s = z.score(of: argv[2]) { client.out.double(s) } else { client.out.nullBulk() }
        }
    }

    static func zmscore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var z: SortedSetValue? = nil
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing: break
        case .wrongType: client.replyError(ZsetReplies.wrongType); return
        case .found(let f): z = f
        }
        client.out.arrayHeader(argv.count - 2)
        for j in 2..<argv.count {
            if let s = z?.score(of: argv[j]) { client.out.double(s) } else { client.out.nullBulk() }
        }
    }

    static func zrank(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        rankGeneric(client, argv, reverse: false)
    }

    static func zrevrank(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        rankGeneric(client, argv, reverse: true)
    }

    private static func rankGeneric(_ client: Client, _ argv: [[UInt8]], reverse: Bool) {
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing: client.out.nullBulk()
        case .wrongType: client.replyError(ZsetReplies.wrongType)
        case .found(let z):
            if let r = z.rank(of: argv[2], reverse: reverse) { client.out.integer(r) } else { client.out.nullBulk() }
        }
    }

    // MARK: ZCOUNT / ZLEXCOUNT

    static func zcount(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let r = parseScoreRange(argv[2], argv[3]) else {
            client.replyError(ZsetReplies.minMaxNotFloat)
            return
        }
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(ZsetReplies.wrongType)
        case .found(let z): client.out.integer(z.count(inScore: r))
        }
    }

    static func zlexcount(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let r = parseLexRange(argv[2], argv[3]) else {
            client.replyError(ZsetReplies.lexRangeInvalid)
            return
        }
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(ZsetReplies.wrongType)
        case .found(let z): client.out.integer(z.count(inLex: r))
        }
    }
}
