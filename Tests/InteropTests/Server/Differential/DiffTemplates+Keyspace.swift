/// Generic key, expiry, OBJECT, KEYS/SCAN/RANDOMKEY and database command shapes.
extension DiffGenerator {
    mutating func make(_ group: DiffGroup, conn c: Int) -> DiffCommand {
        switch group {
        case .strings: return makeString(c)
        case .bitmaps: return makeBitmap(c)
        case .keys: return makeKeys(c)
        case .expire: return makeExpire(c)
        case .object: return makeObject(c)
        case .scan: return makeScan(c)
        case .databases: return makeDatabases(c)
        case .transactions: return makeTransaction(c)
        case .connection: return makeConnection(c)
        case .resp3: return makeResp3()
        case .unknown: return makeUnknown(c)
        case .pubsub: return makePubSub(c)
        case .lists: return makeList(c)
        case .hashes: return makeHash(c)
        case .sets: return makeSet(c)
        case .zsets: return makeZSet(c)
        case .streams: return makeStream(c)
        }
    }

    mutating func makeKeys(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        switch rng.int(0..<12) {
        case 0, 1: a = [asBytes(rng.chance(0.8) ? "DEL" : "UNLINK")] + keys(1...3)
        case 2, 3: a = [asBytes("EXISTS")] + keys(1...3)
        case 4: a = [asBytes("TYPE"), key()]
        case 5, 6: a = [asBytes(rng.chance(0.7) ? "RENAME" : "RENAMENX"), key(), key()]
        case 7, 8:
            a = [asBytes("COPY"), key(), key()]
            for _ in 0..<rng.int(0...2) {
                switch rng.int(0..<4) {
                case 0, 1: a += [asBytes("DB"), dbIndex()]
                case 2: a.append(asBytes(rng.pick(["REPLACE", "replace"])))
                default: a.append(word(["DB", "FOO"], junkChance: 0.3))
                }
            }
        case 9, 10: a = [asBytes("MOVE"), key(), dbIndex()]
        default: a = [asBytes("TOUCH")] + keys(1...3)
        }
        return DiffCommand(c, .keys, a)
    }

    mutating func makeExpire(_ c: Int) -> DiffCommand {
        switch rng.int(0..<14) {
        case 0...6:
            let cmd = rng.pick(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
            let ms = cmd.hasPrefix("P"), absolute = cmd.hasSuffix("AT")
            var relativeMs: Int64? = nil
            let time: [UInt8]
            let r = rng.int(0..<100)
            if r < 65 {
                let s = absolute ? absoluteSeconds() : relativeSeconds()
                if !absolute { relativeMs = s * 1000 + (ms ? 7 : 0) }
                time = asBytes(String(ms ? s * 1000 + (absolute ? 3 : 7) : s))
            } else if r < 82 {
                time = asBytes(absolute ? String(pastSeconds() * (ms ? 1000 : 1)) : rng.pick(["-1", "0", "-100"]))
            } else {
                time = asBytes(rng.pick(Self.badTimes))
            }
            var a = [asBytes(cmd), key(), time]
            var comparesExpiry = false
            switch rng.int(0..<20) {
            case 0...7: break
            case 8, 9: a.append(asBytes("NX"))
            case 10, 11: a.append(asBytes("XX"))
            case 12, 13: a.append(asBytes(rng.pick(["GT", "gt"]))); comparesExpiry = true
            case 14, 15: a.append(asBytes(rng.pick(["LT", "lt"]))); comparesExpiry = true
            default:
                a += rng.chance(0.2) ? [junk()]
                    : rng.pick([["NX", "XX"], ["GT", "LT"], ["NX", "GT"], ["XX", "GT"], ["FOO"], ["XX", "LT", "XX"]]).map(asBytes)
                comparesExpiry = true
            }
            var d = DiffCommand(c, .expire, a)
            if comparesExpiry, let relativeMs { d.relativeExpireMs = relativeMs }
            return d
        case 7: return DiffCommand(c, .expire, [asBytes("PERSIST"), key()])
        case 8, 9: return DiffCommand(c, .expire, [asBytes("TTL"), key()], compare: .tolerance(2))
        case 10, 11: return DiffCommand(c, .expire, [asBytes("PTTL"), key()], compare: .tolerance(2000))
        case 12: return DiffCommand(c, .expire, [asBytes("EXPIRETIME"), key()], compare: .tolerance(2))
        default: return DiffCommand(c, .expire, [asBytes("PEXPIRETIME"), key()], compare: .tolerance(2000))
        }
    }

    mutating func makeObject(_ c: Int) -> DiffCommand {
        switch rng.int(0..<10) {
        case 0, 1, 2, 3: return DiffCommand(c, .object, [asBytes("OBJECT"), asBytes(rng.pick(["ENCODING", "encoding"])), key()])
        case 4, 5:
            // Inside EXEC, Redis counts the queued command's argv holding a value
            // stored by the same transaction (refcount 2 until EXEC returns).
            var d = DiffCommand(c, .object, [asBytes("OBJECT"), asBytes("REFCOUNT"), key()])
            d.allowedInMulti = false
            return d
        case 6: return DiffCommand(c, .object, [asBytes("OBJECT"), asBytes("FREQ"), key()])
        // The LRU clock has a resolution of one second and keys idle for seconds.
        case 7: return DiffCommand(c, .object, [asBytes("OBJECT"), asBytes("IDLETIME"), key()], compare: .tolerance(2))
        case 8: return DiffCommand(c, .object, [asBytes("OBJECT"), asBytes(rng.pick(["HELP", "help"]))])
        default:
            if rng.chance(0.3) { return DiffCommand(c, .object, [asBytes("OBJECT"), junk(), key()]) }
            return DiffCommand(c, .object, rng.pick([["OBJECT"], ["OBJECT", "ENCODING"], ["OBJECT", "BOGUS", "k0"],
                                                      ["OBJECT", "HELP", "x"], ["OBJECT", "ENCODING", "k0", "k1"]]).map(asBytes))
        }
    }

    static let patterns = ["*", "k*", "k[0-2]", "?1", "*z*", "k\\*", "[", "nomatch", "k[^1]", "K*", "", "*\\", "k[2-0]",
                           "k[", "[k]?", "k[!0]", "*[", "\\k0", "k?", "??", "*1*", "k[0-9", "[a-z][0-9]", "k[\\]]", "k\\"]

    mutating func makeScan(_ c: Int) -> DiffCommand {
        switch rng.int(0..<8) {
        case 0, 1, 2: return DiffCommand(c, .scan, [asBytes("KEYS"), asBytes(rng.pick(Self.patterns))], compare: .keysSet)
        case 3, 4, 5:
            // Only cursor 0 (or invalid ones): what a non-zero cursor visits
            // depends on the hash table's layout and seed, in Redis too.
            var a = [asBytes("SCAN"), asBytes(rng.chance(0.9) ? "0" : rng.pick(["abc", "", "18446744073709551616", " 0", "0x"]))]
            for _ in 0..<rng.weighted([40, 40, 15, 5]) {
                switch rng.int(0..<7) {
                case 0, 1: a += [asBytes("MATCH"), asBytes(rng.pick(Self.patterns))]
                case 2, 3: a += [asBytes("COUNT"), asBytes(rng.pick(["1", "2", "10", "100", "0", "-1", "abc"]))]
                case 4, 5: a += [asBytes("TYPE"), word(["string", "STRING", "list", "bogus", "hash", "set", "zset", "stream"])]
                default: a.append(word(["MATCH", "COUNT", "TYPE", "FOO"]))
                }
            }
            return DiffCommand(c, .scan, a, compare: .scan)
        default: return DiffCommand(c, .scan, [asBytes("RANDOMKEY")], compare: .randomKey)
        }
    }

    mutating func makeDatabases(_ c: Int) -> DiffCommand {
        switch rng.int(0..<20) {
        case 0...6: return DiffCommand(c, .databases, [asBytes("SELECT"), dbIndex()])
        case 7...10: return DiffCommand(c, .databases, [asBytes("DBSIZE")])
        case 11, 12:
            var a = [asBytes("FLUSHDB")]
            if rng.chance(0.4) { a.append(word(["ASYNC", "SYNC", "sync", "BOGUS"])) }
            return DiffCommand(c, .databases, a)
        case 13:
            var a = [asBytes("FLUSHALL")]
            if rng.chance(0.4) { a.append(asBytes(rng.pick(["ASYNC", "SYNC", "BOGUS"]))) }
            return DiffCommand(c, .databases, a)
        default: return DiffCommand(c, .databases, [asBytes("SWAPDB"), dbIndex(), dbIndex()])
        }
    }

    mutating func makeTransaction(_ c: Int) -> DiffCommand {
        let a: [String]
        if inMulti[c] {
            switch rng.int(0..<20) {
            case 0...10: a = ["EXEC"]
            case 11, 12, 13: a = ["DISCARD"]
            case 14: a = ["MULTI"]
            case 15: a = ["WATCH", "k1"]
            case 16: a = ["UNWATCH"]
            case 17: a = ["EXEC", "junk"]
            default: a = rng.pick([["FOO"], ["GET"], ["SET", "k1"]])  // queue-time errors doom EXEC
            }
        } else {
            switch rng.int(0..<20) {
            case 0...7: a = ["MULTI"]
            case 8...12: a = ["WATCH"] + keys(1...2).map { String(decoding: $0, as: UTF8.self) }
            case 13, 14: a = ["UNWATCH"]
            case 15: a = ["EXEC"]
            case 16: a = ["DISCARD"]
            case 17: a = ["MULTI", "x"]
            default: a = ["WATCH"]
            }
        }
        return DiffCommand(c, .transactions, a.map(asBytes))
    }

    mutating func makeConnection(_ c: Int) -> DiffCommand {
        let a: [[UInt8]]
        switch rng.int(0..<16) {
        case 0, 1, 2: a = rng.chance(0.5) ? [asBytes("PING")] : [asBytes("ping"), value()]
        case 3: a = [asBytes("PING"), asBytes("a"), asBytes("b")]
        case 4, 5, 6: a = [asBytes("ECHO"), value()]
        case 7: a = rng.pick([["ECHO"], ["ECHO", "a", "b"]]).map(asBytes)
        case 8: a = rng.pick([["AUTH", "x"], ["AUTH", "default", "x"], ["AUTH", "nobody", "x"], ["AUTH", "a", "b", "c"]]).map(asBytes)
        case 9: a = [asBytes("CLIENT"), asBytes("GETNAME")]
        case 10, 11: a = [asBytes("CLIENT"), asBytes("SETNAME"), asBytes(rng.pick(["n1", "a b", "", "x\ny", "conn-\(c)"]))]
        case 12:
            a = rng.chance(0.3) ? [asBytes("CLIENT"), junk()]
                : rng.pick([["CLIENT"], ["CLIENT", "BOGUS"], ["CLIENT", "GETNAME", "x"], ["CLIENT", "SETNAME"]]).map(asBytes)
        case 13: a = [asBytes("RESET")]
        case 14: a = rng.pick([["HELLO", "2"], ["HELLO"], ["HELLO", "x"], ["HELLO", "4"], ["HELLO", "2", "FOO"]]).map(asBytes)
        default: a = [asBytes("PING"), asBytes(String(repeating: "p", count: rng.int(0...300)))]
        }
        return DiffCommand(c, .connection, a)
    }

    /// HELLO shapes on the RESP3 connection (id normalised by the comparer).
    mutating func makeResp3() -> DiffCommand {
        if rng.chance(0.1) { return DiffCommand(1, .resp3, [asBytes("HELLO"), asBytes("3"), junk()]) }
        let a = rng.pick([
            ["HELLO", "3"], ["HELLO"], ["HELLO", "2"], ["HELLO", "4"], ["HELLO", "x"], ["HELLO", "3", "SETNAME", "b3"],
            ["HELLO", "3", "AUTH", "default", "any"], ["HELLO", "3", "AUTH", "nobody", "pw"], ["HELLO", "3", "junk"],
            ["HELLO", "3", "SETNAME", "a b"], ["HELLO", "3", "AUTH", "default"], ["HELLO", "-1"], ["HELLO", "3", "SETNAME"],
        ])
        return DiffCommand(1, .resp3, a.map(asBytes))
    }

    mutating func makeUnknown(_ c: Int) -> DiffCommand {
        var a = [asBytes(rng.pick(["FOO", "getx", "SETT", "", "x y", "COMMANDX", String(repeating: "N", count: 140)]))]
        for _ in 0..<rng.int(0...4) {
            a.append(rng.chance(0.2) ? asBytes(String(repeating: "a", count: rng.int(40...150))) : value())
        }
        return DiffCommand(c, .unknown, a)
    }

    /// Only paths with no subscriber anywhere: deliveries are PubSubProcessTests' job.
    mutating func makePubSub(_ c: Int) -> DiffCommand {
        if rng.chance(0.1) { return DiffCommand(c, .pubsub, [asBytes("PUBSUB"), junk()]) }
        let a = rng.pick([
            ["PUBLISH", "ch", "m"], ["SPUBLISH", "ch", "m"], ["PUBSUB", "NUMSUB", "ch", "x"], ["PUBSUB", "NUMSUB"],
            ["PUBSUB", "NUMPAT"], ["PUBSUB", "CHANNELS"], ["PUBSUB", "CHANNELS", "c*"], ["PUBSUB", "SHARDCHANNELS"],
            ["PUBSUB", "SHARDNUMSUB", "ch"], ["PUBSUB", "BOGUS"], ["PUBSUB"], ["PUBLISH", "ch"], ["PUBSUB", "NUMPAT", "x"],
        ])
        return DiffCommand(c, .pubsub, a.map(asBytes))
    }
}
