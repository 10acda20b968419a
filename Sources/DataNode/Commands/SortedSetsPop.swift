import Keyspace
import Protocol

/// ZPOPMIN, ZPOPMAX, ZMPOP and ZRANDMEMBER (Redis 7.0's genericZpopCommand
/// and zrandmemberWithCountCommand reply shapes).
extension SortedSetCommands {
    static func zpopmin(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zpopMinMax(server, client, argv, highest: false)
    }

    static func zpopmax(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        zpopMinMax(server, client, argv, highest: true)
    }

    private static func zpopMinMax(_ server: Server, _ client: Client, _ argv: [[UInt8]], highest: Bool) {
        if argv.count > 3 {
            client.replyError(ZsetReplies.syntax)
            return
        }
        var count = -1
        if argv.count == 3 {
            guard let c = parseStrictInt64(argv[2]), c >= 0 else {
                client.replyError(ZsetReplies.notPositive)
                return
            }
            count = Int(c)
        }
        // RESP3 nests each pair only when a count was given.
        let nested = client.proto > 2 && count != -1
        genericPop(server, client, keys: [argv[1]], highest: highest, emitKey: false, count: count,
                   nested: nested, nilWhenEmpty: false)
    }

    /// ZMPOP numkeys key... MIN|MAX [COUNT count].
    static func zmpop(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let parsed = parseMpop(client, argv, numkeysIndex: 1) else { return }
        genericPop(server, client, keys: parsed.keys, highest: parsed.highest, emitKey: true, count: parsed.count,
                   nested: true, nilWhenEmpty: true)
    }

    /// ZMPOP's and BZMPOP's arguments (MpopArguments), the end being MIN|MAX.
    static func parseMpop(_ client: Client, _ argv: [[UInt8]], numkeysIndex: Int) -> (keys: [[UInt8]], highest: Bool, count: Int)? {
        guard let a = MpopArguments.parse(client, argv, numkeysIndex: numkeysIndex, end: { c, word in
            if argEquals(word, "min") { return false }
            if argEquals(word, "max") { return true }
            c.replyError(ZsetReplies.syntax)
            return nil
        }) else { return nil }
        return (Array(argv[a.keyIndexes]), a.end, a.count)
    }

    /// genericZpopCommand: pops from the first non-empty key. `count` -1
    /// means one element without a count given.
    static func genericPop(_ server: Server, _ client: Client, keys: [[UInt8]], highest: Bool, emitKey: Bool,
                           count requested: Int, nested: Bool, nilWhenEmpty: Bool) {
        let db = client.db
        var found: (Key, [UInt8], SortedSetValue)? = nil
        for k in keys {
            let key = Key(k)
            switch lookupWrite(db, key) {
            case .missing: continue
            case .wrongType:
                client.replyError(ZsetReplies.wrongType)
                return
            case .found(let z):
                found = (key, k, z)
            }
            break
        }
        guard let (key, keyBytes, z) = found else {
            if nilWhenEmpty { client.out.nullArray() } else { client.out.arrayHeader(0) }
            return
        }
        if requested == 0 {
            client.out.arrayHeader(0)
            return
        }
        let count = requested == -1 ? 1 : requested
        let n = min(count, z.count)
        switch (nested, emitKey) {
        case (false, false): client.out.arrayHeader(n * 2)
        case (true, false): client.out.arrayHeader(n)
        case (false, true):
            client.out.arrayHeader(n * 2 + 1)
            client.out.bulk(keyBytes)
        case (true, true):
            client.out.arrayHeader(2)
            client.out.bulk(keyBytes)
            client.out.arrayHeader(n)
        }
        for _ in 0..<n {
            guard let (m, s) = z.popFirst(highest: highest) else { break }
            server.dirty += 1
            if nested { client.out.arrayHeader(2) }
            client.out.bulk(m)
            client.out.double(s)
        }
        touched(db, key)
        server.notifyKeyspaceEvent(Notify.zset, highest ? "zpopmax" : "zpopmin", key, db: db.id)
        if deleteIfEmpty(db, key, z) { server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id) }
        // ZMPOP and the blocking pops replay as ZPOPMIN/ZPOPMAX of the key that served.
        if emitKey && server.feed.isActive {
            var form = [highest ? PropagatedForms.zpopmax : PropagatedForms.zpopmin, keyBytes]
            if requested != -1 { form.append(Array(String(n).utf8)) }
            server.feed.replaceCommand(with: form)
        }
    }

    // MARK: ZRANDMEMBER

    static func zrandmember(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        if argv.count >= 3 {
            guard let l = longArgument(client, argv[2]) else { return }
            if l == Int.min {
                client.replyError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
                return
            }
            if argv.count > 4 || (argv.count == 4 && !argEquals(argv[3], "withscores")) {
                client.replyError(ZsetReplies.syntax)
                return
            }
            let withScores = argv.count == 4
            if withScores && (l < Int.min / 2 || l > Int.max / 2) {
                client.replyError("ERR value is out of range")
                return
            }
            randomWithCount(server, client, argv, l, withScores: withScores)
            return
        }
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing: client.out.nullBulk()
        case .wrongType: client.replyError(ZsetReplies.wrongType)
        case .found(let z):
            let i = Int.random(in: 0..<z.count, using: &server.rng)
            client.out.bulk(z.element(atPosition: i).member)
        }
    }

    private static func randomWithCount(_ server: Server, _ client: Client, _ argv: [[UInt8]], _ l: Int, withScores: Bool) {
        let z: SortedSetValue
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing: client.out.arrayHeader(0); return
        case .wrongType: client.replyError(ZsetReplies.wrongType); return
        case .found(let f): z = f
        }
        let size = z.count
        let unique = l >= 0
        let count = l >= 0 ? l : -l
        if count == 0 {
            client.out.arrayHeader(0)
            return
        }
        let pairs = withScores && client.proto > 2
        let header = { (n: Int) in client.out.arrayHeader(withScores && client.proto == 2 ? n * 2 : n) }
        let emitOne: (UnsafeRawBufferPointer, Double) -> Void = { m, s in
            if pairs { client.out.arrayHeader(2) }
            client.out.bulk(m)
            if withScores { client.out.double(s) }
        }
        // Case 1: repeats allowed (or a single pick).
        if !unique || count == 1 {
            header(count)
            RandomPicks.inBatches(count, server, client) { batch in
                var picks: [Int] = []
                picks.reserveCapacity(batch)
                for _ in 0..<batch { picks.append(Int.random(in: 0..<size, using: &server.rng)) }
                z.forEach(atPositions: picks, emitOne)
            }
            return
        }
        // Case 2: the whole set, in Redis's iteration order (highest first).
        if count >= size {
            header(size)
            z.forEachDescending(emitOne)
            return
        }
        // Cases 3 and 4: a random subset without repeats. Redis's order here
        // comes from a hash table or from the listpack, so any order is fair;
        // a listpack answers in its own (ascending) order, as lpRandomPairsUnique.
        header(count)
        var chosen = Set<Int>()
        while chosen.count < count { chosen.insert(Int.random(in: 0..<size, using: &server.rng)) }
        z.forEach(atPositions: chosen.sorted(), emitOne)
    }
}
