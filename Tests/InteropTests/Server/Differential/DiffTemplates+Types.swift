/// List, hash, set and sorted-set command shapes on the shared key space, so
/// they meet strings (WRONGTYPE), RENAME/COPY/MOVE, OBJECT ENCODING and SCAN
/// TYPE. Random picks (SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER) and the
/// *SCAN cursors are left out: Redis answers them from its hash seed.
extension DiffGenerator {
    static let members = ["a", "b", "c", "1", "2", "3", "10", "-5", "1.5", "", String(repeating: "m", count: 70)]
    static let fields = ["f1", "f2", "f3", "a", "", String(repeating: "F", count: 70)]
    static let scores = ["1", "2", "2.5", "-1", "0", "-inf", "+inf", "inf", "1e3", "3.0000000000000001", "nan", "abc", "",
                         "(1", "1.5e-3", "0x10", "9007199254740993"]
    static let scoreRanges = ["-inf", "+inf", "0", "1", "(1", "2", "(2.5", "abc", "[a", "3", "(-inf", "10"]
    static let lexRanges = ["-", "+", "[a", "(b", "[c", "a", "[1", "(", "[", "[m"]
    static let counts = ["0", "1", "2", "5", "-1", "abc", "100"]

    mutating func member() -> [UInt8] { rng.chance(0.05) ? [0x00, 0xFF] : asBytes(rng.pick(Self.members)) }
    mutating func members(_ r: ClosedRange<Int>) -> [[UInt8]] { (0..<rng.int(r)).map { _ in member() } }
    mutating func field() -> [UInt8] { asBytes(rng.pick(Self.fields)) }
    mutating func score() -> [UInt8] { asBytes(rng.pick(Self.scores)) }
    mutating func count() -> [UInt8] { asBytes(rng.pick(Self.counts)) }

    mutating func makeList(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        switch rng.int(0..<20) {
        case 0, 1, 2: a = [asBytes(rng.pick(["LPUSH", "RPUSH"])), key()] + members(1...3)
        case 3: a = [asBytes(rng.pick(["LPUSHX", "RPUSHX"])), key()] + members(1...2)
        case 4, 5:
            a = [asBytes(rng.pick(["LPOP", "RPOP"])), key()]
            if rng.chance(0.4) { a.append(count()) }
        case 6: a = [asBytes("LLEN"), key()]
        case 7, 8: a = [asBytes("LRANGE"), key(), index(), index()]
        case 9: a = [asBytes("LINDEX"), key(), index()]
        case 10: a = [asBytes("LSET"), key(), index(), member()]
        case 11: a = [asBytes("LREM"), key(), asBytes(rng.pick(["0", "1", "-1", "2", "-2", "x"])), member()]
        case 12: a = [asBytes("LINSERT"), key(), word(["BEFORE", "AFTER", "after", "MIDDLE"]), member(), member()]
        case 13:
            a = [asBytes("LPOS"), key(), member()]
            for _ in 0..<rng.int(0...2) {
                a += [word(["RANK", "COUNT", "MAXLEN", "FOO"], junkChance: 0.05),
                      asBytes(rng.pick(["0", "1", "-1", "2", "-2", "abc", "-9223372036854775808"]))]
            }
        case 14: a = [asBytes("LTRIM"), key(), index(), index()]
        case 15: a = [asBytes("RPOPLPUSH"), key(), key()]
        case 16: a = [asBytes("LMOVE"), key(), key(), word(["LEFT", "RIGHT"]), word(["LEFT", "RIGHT", "UP"])]
        case 17:
            let n = rng.int(1...3)
            a = [asBytes("LMPOP"), asBytes(rng.chance(0.9) ? String(n) : rng.pick(["0", "-1", "x", "5"]))] + (0..<n).map { _ in key() }
            a.append(word(["LEFT", "RIGHT"]))
            if rng.chance(0.5) { a += [asBytes("COUNT"), count()] }
        default: a = [asBytes("OBJECT"), asBytes("ENCODING"), key()]
        }
        return DiffCommand(c, .lists, a)
    }

    mutating func makeHash(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        var compare = DiffCompare.exact
        switch rng.int(0..<18) {
        case 0, 1, 2:
            a = [asBytes(rng.chance(0.8) ? "HSET" : "HMSET"), key()]
            for _ in 0..<rng.int(1...3) { a += [field(), value()] }
        case 3: a = [asBytes("HSETNX"), key(), field(), value()]
        case 4, 5: a = [asBytes("HGET"), key(), field()]
        case 6: a = [asBytes("HMGET"), key()] + (0..<rng.int(1...3)).map { _ in field() }
        case 7: a = [asBytes("HDEL"), key()] + (0..<rng.int(1...3)).map { _ in field() }
        case 8: a = [asBytes("HLEN"), key()]
        case 9: a = [asBytes("HEXISTS"), key(), field()]
        case 10: a = [asBytes("HSTRLEN"), key(), field()]
        case 11: a = [asBytes("HINCRBY"), key(), field(), int()]
        case 12: a = [asBytes("HINCRBYFLOAT"), key(), field(), float()]
        case 13: a = [asBytes(rng.pick(["HKEYS", "HVALS"])), key()]; compare = .unordered
        case 14: a = [asBytes("HGETALL"), key()]; compare = .unorderedPairs
        case 15: a = [asBytes("HSET"), key(), field(), asBytes(rng.pick(["1", "10", "-3", "1.5", "abc"]))]
        default: a = [asBytes("OBJECT"), asBytes("ENCODING"), key()]
        }
        return DiffCommand(c, .hashes, a, compare: compare)
    }

    mutating func makeSet(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        var compare = DiffCompare.exact
        switch rng.int(0..<16) {
        case 0, 1, 2: a = [asBytes("SADD"), key()] + members(1...4)
        case 3: a = [asBytes("SREM"), key()] + members(1...3)
        case 4: a = [asBytes("SCARD"), key()]
        case 5: a = [asBytes("SISMEMBER"), key(), member()]
        case 6: a = [asBytes("SMISMEMBER"), key()] + members(1...3)
        case 7: a = [asBytes("SMEMBERS"), key()]; compare = .unordered
        case 8, 9: a = [asBytes(rng.pick(["SINTER", "SUNION", "SDIFF"]))] + keys(1...3); compare = .unordered
        case 10: a = [asBytes(rng.pick(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])), key()] + keys(1...3)
        case 11:
            let n = rng.int(1...3)
            a = [asBytes("SINTERCARD"), asBytes(rng.chance(0.9) ? String(n) : rng.pick(["0", "x", "9"]))] + (0..<n).map { _ in key() }
            if rng.chance(0.4) { a += [asBytes("LIMIT"), count()] }
        case 12: a = [asBytes("SMOVE"), key(), key(), member()]
        case 13: a = [asBytes("SADD"), key()] + (0..<rng.int(1...4)).map { _ in asBytes(String(rng.int(-5...600))) }
        default: a = [asBytes("OBJECT"), asBytes("ENCODING"), key()]
        }
        return DiffCommand(c, .sets, a, compare: compare)
    }

    mutating func makeZSet(_ c: Int) -> DiffCommand {
        var a: [[UInt8]]
        switch rng.int(0..<24) {
        case 0, 1, 2, 3:
            a = [asBytes("ZADD"), key()]
            for _ in 0..<rng.weighted([60, 25, 10, 5]) {
                a.append(word(["NX", "XX", "GT", "LT", "CH", "INCR"], junkChance: 0.05))
            }
            for _ in 0..<rng.int(1...3) { a += [score(), member()] }
        case 4: a = [asBytes("ZINCRBY"), key(), score(), member()]
        case 5: a = [asBytes("ZSCORE"), key(), member()]
        case 6: a = [asBytes("ZMSCORE"), key()] + members(1...3)
        case 7: a = [asBytes("ZCARD"), key()]
        case 8: a = [asBytes("ZCOUNT"), key(), asBytes(rng.pick(Self.scoreRanges)), asBytes(rng.pick(Self.scoreRanges))]
        case 9, 10:
            var by = ""
            switch rng.int(0..<4) {
            case 0: by = "BYSCORE"
            case 1: by = "BYLEX"
            default: by = ""
            }
            let ranges = by == "BYSCORE" ? Self.scoreRanges : by == "BYLEX" ? Self.lexRanges : Self.indexes
            a = [asBytes("ZRANGE"), key(), asBytes(rng.pick(ranges)), asBytes(rng.pick(ranges))]
            if !by.isEmpty { a.append(asBytes(by)) }
            if rng.chance(0.3) { a.append(asBytes("REV")) }
            if rng.chance(0.3) { a += [asBytes("LIMIT"), asBytes(rng.pick(["0", "1", "-1"])), count()] }
            if rng.chance(0.4) { a.append(asBytes("WITHSCORES")) }
        case 11:
            a = [asBytes(rng.pick(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"])), key(),
                 asBytes(rng.pick(Self.scoreRanges)), asBytes(rng.pick(Self.scoreRanges))]
            if rng.chance(0.4) { a.append(asBytes("WITHSCORES")) }
            if rng.chance(0.3) { a += [asBytes("LIMIT"), asBytes(rng.pick(["0", "1"])), count()] }
        case 12: a = [asBytes(rng.pick(["ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT"])), key(),
                      asBytes(rng.pick(Self.lexRanges)), asBytes(rng.pick(Self.lexRanges))]
        case 13: a = [asBytes(rng.pick(["ZREVRANGE", "ZRANGE"])), key(), index(), index(), asBytes("WITHSCORES")]
        case 14: a = [asBytes(rng.pick(["ZRANK", "ZREVRANK"])), key(), member()]
        case 15: a = [asBytes("ZREM"), key()] + members(1...3)
        case 16:
            switch rng.int(0..<3) {
            case 0: a = [asBytes("ZREMRANGEBYSCORE"), key(), asBytes(rng.pick(Self.scoreRanges)), asBytes(rng.pick(Self.scoreRanges))]
            case 1: a = [asBytes("ZREMRANGEBYRANK"), key(), index(), index()]
            default: a = [asBytes("ZREMRANGEBYLEX"), key(), asBytes(rng.pick(Self.lexRanges)), asBytes(rng.pick(Self.lexRanges))]
            }
        case 17:
            a = [asBytes(rng.pick(["ZPOPMIN", "ZPOPMAX"])), key()]
            if rng.chance(0.5) { a.append(count()) }
        case 18, 19:
            let n = rng.int(1...3)
            let store = rng.chance(0.5)
            let cmd = rng.pick(store ? ["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"] : ["ZUNION", "ZINTER", "ZDIFF"])
            a = [asBytes(cmd)] + (store ? [key()] : [])
            a.append(asBytes(rng.chance(0.9) ? String(n) : rng.pick(["0", "x", "9"])))
            a += (0..<n).map { _ in key() }
            if !cmd.hasPrefix("ZDIFF") && rng.chance(0.3) { a += [asBytes("WEIGHTS")] + (0..<n).map { _ in score() } }
            if !cmd.hasPrefix("ZDIFF") && rng.chance(0.3) { a += [asBytes("AGGREGATE"), word(["SUM", "MIN", "MAX", "AVG"])] }
            if !store && rng.chance(0.5) { a.append(asBytes("WITHSCORES")) }
        case 20:
            let n = rng.int(1...2)
            a = [asBytes("ZMPOP"), asBytes(String(n))] + (0..<n).map { _ in key() } + [word(["MIN", "MAX"])]
            if rng.chance(0.5) { a += [asBytes("COUNT"), count()] }
        case 21: a = [asBytes("ZRANGESTORE"), key(), key(), index(), index()]
        default: a = [asBytes("OBJECT"), asBytes("ENCODING"), key()]
        }
        return DiffCommand(c, .zsets, a)
    }
}
