import Keyspace
import Protocol

/// ZRANGE and its older spellings, ZRANGESTORE, ZREMRANGEBY*: Redis 7.0's
/// zrangeGenericCommand and zremrangeGenericCommand.
extension SortedSetCommands {
    enum RangeType { case auto, rank, score, lex }

    static func zrange(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zrangeGeneric(server, client, argv, start: 1, store: false, type: .auto, reverse: nil)
    }

    static func zrangestore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zrangeGeneric(server, client, argv, start: 2, store: true, type: .auto, reverse: nil)
    }

    static func zrevrange(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zrangeGeneric(server, client, argv, start: 1, store: false, type: .rank, reverse: true)
    }

    static func zrangebyscore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zrangeGeneric(server, client, argv, start: 1, store: false, type: .score, reverse: false)
    }

    static func zrevrangebyscore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zrangeGeneric(server, client, argv, start: 1, store: false, type: .score, reverse: true)
    }

    static func zrangebylex(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zrangeGeneric(server, client, argv, start: 1, store: false, type: .lex, reverse: false)
    }

    static func zrevrangebylex(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zrangeGeneric(server, client, argv, start: 1, store: false, type: .lex, reverse: true)
    }

    /// `reverse` nil: REV may be given as an option (ZRANGE, ZRANGESTORE).
    static func zrangeGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]], start argStart: Int,
                              store: Bool, type initialType: RangeType, reverse initialReverse: Bool?) {
        var type = initialType
        var reverse = initialReverse
        var minIdx = argStart + 1, maxIdx = argStart + 2
        var withScores = false
        var offset = 0, limit = -1
        var j = argStart + 3
        while j < argv.count {
            let left = argv.count - j - 1
            let a = argv[j]
            if !store && argEquals(a, "withscores") {
                withScores = true
            } else if argEquals(a, "limit") && left >= 2 {
                guard let o = longArgument(client, argv[j + 1]), let l = longArgument(client, argv[j + 2]) else { return }
                offset = o
                limit = l
                j += 2
            } else if reverse == nil && argEquals(a, "rev") {
                reverse = true
            } else if type == .auto && argEquals(a, "bylex") {
                type = .lex
            } else if type == .auto && argEquals(a, "byscore") {
                type = .score
            } else {
                client.replyError(ZsetReplies.syntax)
                return
            }
            j += 1
        }
        let rev = reverse ?? false
        if type == .auto { type = .rank }
        if limit != -1 && type == .rank {
            client.replyError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
            return
        }
        if withScores && type == .lex {
            client.replyError("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
            return
        }
        if rev && (type == .score || type == .lex) { swap(&minIdx, &maxIdx) }

        var rankStart = 0, rankEnd = 0
        var scoreRange = ZScoreRange(min: 0, max: 0)
        var lexRange = ZLexRange(min: .minusInfinity, max: .plusInfinity, minex: false, maxex: false)
        switch type {
        case .auto, .rank:
            guard let s = longArgument(client, argv[minIdx]), let e = longArgument(client, argv[maxIdx]) else { return }
            rankStart = s
            rankEnd = e
        case .score:
            guard let r = parseScoreRange(argv[minIdx], argv[maxIdx]) else {
                client.replyError(ZsetReplies.minMaxNotFloat)
                return
            }
            scoreRange = r
        case .lex:
            guard let r = parseLexRange(argv[minIdx], argv[maxIdx]) else {
                client.replyError(ZsetReplies.lexRangeInvalid)
                return
            }
            lexRange = r
        }

        let z: SortedSetValue
        switch lookupRead(client.db, Key(argv[argStart])) {
        case .missing:
            if store { finishRangeStore(server, client, Key(argv[1]), [], startAsSkiplist: false) } else { client.out.arrayHeader(0) }
            return
        case .wrongType:
            client.replyError(ZsetReplies.wrongType)
            return
        case .found(let f):
            z = f
        }

        if store {
            var results: [(member: [UInt8], score: Double)] = []
            let collect: (UnsafeRawBufferPointer, Double) -> Void = { m, s in results.append((Array(m), s)) }
            var rankLength = -1
            switch type {
            case .auto, .rank:
                rankLength = 0
                if let (s, e) = clampRanks(rankStart, rankEnd, z.count) {
                    rankLength = e - s + 1
                    z.forEach(ranks: s, e, reverse: rev, collect)
                }
            case .score:
                if !(offset > 0 && offset >= z.count) {
                    z.forEach(inScore: scoreRange, offset: offset, limit: limit, reverse: rev, collect)
                }
            case .lex:
                z.forEach(inLex: lexRange, offset: offset, limit: limit, reverse: rev, collect)
            }
            finishRangeStore(server, client, Key(argv[1]), results,
                             startAsSkiplist: rankLength > limits(server).maxEntries)
            return
        }

        let pairs = withScores && client.proto >= 3
        let flatScores = withScores && client.proto < 3
        switch type {
        case .auto, .rank:
            guard let (s, e) = clampRanks(rankStart, rankEnd, z.count) else {
                client.out.arrayHeader(0)
                return
            }
            let n = e - s + 1
            client.out.arrayHeader(flatScores ? n * 2 : n)
            z.forEach(ranks: s, e, reverse: rev) { m, score in
                emit(client, m, score, withScores: withScores, pair: pairs)
            }
        case .score, .lex:
            // The length is known only at the end (Redis's deferred length).
            let saved = client.out.bytes
            client.out.bytes = []
            client.out.bytes.reserveCapacity(256)
            let emitOne: (UnsafeRawBufferPointer, Double) -> Void = { m, score in
                emit(client, m, score, withScores: withScores, pair: pairs)
            }
            var n = 0
            if type == .score {
                if !(offset > 0 && offset >= z.count) {
                    n = z.forEach(inScore: scoreRange, offset: offset, limit: limit, reverse: rev, emitOne)
                }
            } else {
                n = z.forEach(inLex: lexRange, offset: offset, limit: limit, reverse: rev, emitOne)
            }
            let body = client.out.bytes
            client.out.bytes = saved
            client.out.arrayHeader(flatScores ? n * 2 : n)
            client.out.raw(body)
        }
    }

    /// One range element: member, then its score when asked; a [member, score]
    /// pair in RESP3.
    @inline(__always)
    static func emit(_ client: Client, _ m: UnsafeRawBufferPointer, _ score: Double, withScores: Bool, pair: Bool) {
        if pair { client.out.arrayHeader(2) }
        client.out.bulk(m)
        if withScores { client.out.double(score) }
    }

    /// genericZrangebyrankCommand's index rules; nil for an empty range.
    static func clampRanks(_ start: Int, _ end: Int, _ count: Int) -> (Int, Int)? {
        var s = start, e = end
        if s < 0 { s = count + s }
        if e < 0 { e = count + e }
        if s < 0 { s = 0 }
        if s > e || s >= count { return nil }
        if e >= count { e = count - 1 }
        return (s, e)
    }

    /// zrangeResultBeginStore + FinalizeStore: the results go one by one (in
    /// emission order) into a listpack, or a skiplist when a rank range is
    /// known to be longer than zset-max-listpack-entries, converting as ZADD
    /// would; scores that pass through the listpack lose a negative zero, as
    /// in Redis. An empty result deletes the destination.
    static func finishRangeStore(_ server: Server, _ client: Client, _ dst: Key,
                                 _ results: [(member: [UInt8], score: Double)], startAsSkiplist: Bool) {
        let db = client.db
        if results.isEmpty {
            client.out.integer(0)
            if db.delete(dst) {
                server.notifyKeyspaceEvent(Notify.generic, "del", dst, db: db.id)
                server.dirty += 1
            }
            return
        }
        let lim = limits(server)
        let z = SortedSetValue(skiplist: startAsSkiplist)
        for r in results { _ = z.add(r.member, score: r.score, flags: [], limits: lim) }
        db.setKey(dst, .zset(z))
        server.notifyKeyspaceEvent(Notify.zset, "zrangestore", dst, db: db.id)
        server.dirty += 1
        client.out.integer(results.count)
    }

    // MARK: ZREMRANGEBY*

    static func zremrangebyrank(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let s = longArgument(client, argv[2]), let e = longArgument(client, argv[3]) else { return }
        zremrangeGeneric(server, client, argv, event: "zremrangebyrank") { z in
            guard let (a, b) = clampRanks(s, e, z.count) else { return 0 }
            return z.removeRange(ranks: a, b)
        }
    }

    static func zremrangebyscore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let r = parseScoreRange(argv[2], argv[3]) else {
            client.replyError(ZsetReplies.minMaxNotFloat)
            return
        }
        zremrangeGeneric(server, client, argv, event: "zremrangebyscore") { $0.removeRange(inScore: r) }
    }

    static func zremrangebylex(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let r = parseLexRange(argv[2], argv[3]) else {
            client.replyError(ZsetReplies.lexRangeInvalid)
            return
        }
        zremrangeGeneric(server, client, argv, event: "zremrangebylex") { $0.removeRange(inLex: r) }
    }

    private static func zremrangeGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]], event: StaticString,
                                         _ remove: (SortedSetValue) -> Int) {
        let key = Key(argv[1])
        let db = client.db
        let z: SortedSetValue
        switch lookupWrite(db, key) {
        case .missing: client.out.integer(0); return
        case .wrongType: client.replyError(ZsetReplies.wrongType); return
        case .found(let f): z = f
        }
        let deleted = remove(z)
        if deleted > 0 {
            let keyRemoved = deleteIfEmpty(db, key, z)
            if !keyRemoved { touched(db, key) }
            server.notifyKeyspaceEvent(Notify.zset, event, key, db: db.id)
            if keyRemoved { server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id) }
        }
        server.dirty += deleted
        client.out.integer(deleted)
    }
}
