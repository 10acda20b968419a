import Foundation
import Glibc
import Protocol
import TestSupport
import XCTest
@testable import DataNode

/// Seeded sorted-set command sequences whose replies are deterministic in
/// Redis (lex ranges only over equal scores; ZRANDMEMBER only with counts
/// that return the whole set; no ZSCAN of skiplists, whose order is a hash's).
struct ZsetScriptGenerator {
    var rng: SeededRandom
    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    let keys = ["z1", "z2", "z3", "s1"]
    let members = ["a", "b", "c", "d", "e", "f", "g", "h", "aa", "ab", "", "1", "2", "10", "-1", String(repeating: "x", count: 70)]

    mutating func score() -> String {
        if rng.chance(0.5) { return String(rng.int(-5...5)) }
        if rng.chance(0.4) {
            return rng.pick(["1.5", "-2.25", "0.1", "3e2", "inf", "-inf", "+inf", "-0", "0", "1e-300", "4611686018427387904", "9007199254740993"])
        }
        return String(Double(rng.int(-100_000...100_000)) / 7919)
    }
    mutating func bound() -> String { rng.chance(0.3) ? "(" + score() : score() }
    mutating func lexBound() -> String {
        if rng.chance(0.15) { return "-" }
        if rng.chance(0.18) { return "+" }
        return rng.pick(["[", "("]) + rng.pick(members)
    }
    mutating func key() -> String { rng.chance(0.9) ? rng.pick(Array(keys[0..<3])) : rng.pick(keys) }
    mutating func member() -> String { rng.pick(members) }

    mutating func script(commands n: Int, maxEntries: String?) -> [[String]] {
        var out: [[String]] = []
        if let m = maxEntries { out.append(["config", "set", "zset-max-listpack-entries", m]) }
        out.append(["flushall"])
        for _ in 0..<n { out.append(command()) }
        return out
    }

    mutating func command() -> [String] {
        let k = key()
        switch rng.int(0...27) {
        case 0...4:
            var opts: [String] = []
            for o in ["nx", "xx", "gt", "lt", "ch", "incr"] where rng.chance(0.15) { opts.append(o) }
            var pairs: [String] = []
            for _ in 0..<(opts.contains("incr") ? 1 : rng.int(1...4)) { pairs += [score(), member()] }
            return ["zadd", k] + opts + pairs
        case 5: return ["zincrby", k, score(), member()]
        case 6: return ["zrem", k, member(), member()]
        case 7: return [rng.pick(["zcard", "zscore", "zrank", "zrevrank"]), k] + (rng.chance(0.9) ? [member()] : [])
        case 8: return ["zmscore", k, member(), member()]
        case 9: return ["zcount", k, bound(), bound()]
        case 10:
            if rng.chance(0.4) { return ["zadd", "l1", "0", member(), "0", member()] }
            if rng.chance(0.3) { return ["zlexcount", "l1", lexBound(), lexBound()] }
            if rng.chance(0.3) { return ["zremrangebylex", "l1", lexBound(), lexBound()] }
            return [rng.pick(["zrangebylex", "zrevrangebylex"]), "l1", lexBound(), lexBound()]
                + (rng.chance(0.4) ? ["limit", String(rng.int(-1...3)), String(rng.int(-1...3))] : [])
        case 11...13:
            var a: [String]
            let t = rng.int(0...2)
            if t == 0 { a = ["zrange", k, String(rng.int(-8...8)), String(rng.int(-8...8))] }
            else if t == 1 { a = ["zrange", k, bound(), bound(), "byscore"] }
            else { a = ["zrange", "l1", lexBound(), lexBound(), "bylex"] }
            if rng.chance(0.4) { a.append("rev") }
            if rng.chance(0.4) && t != 2 { a.append("withscores") }
            if rng.chance(0.3) && t != 0 { a += ["limit", String(rng.int(-1...4)), String(rng.int(-1...4))] }
            return a
        case 14:
            return [rng.pick(["zrangebyscore", "zrevrangebyscore"]), k, bound(), bound()] + (rng.chance(0.5) ? ["withscores"] : [])
                + (rng.chance(0.3) ? ["limit", String(rng.int(0...3)), String(rng.int(-1...3))] : [])
        case 15: return ["zrevrange", k, String(rng.int(-5...5)), String(rng.int(-5...5))] + (rng.chance(0.5) ? ["withscores"] : [])
        case 16:
            let t = rng.int(0...2)
            var a = ["zrangestore", rng.pick(keys)]
            if t == 0 { a += [k, String(rng.int(-8...8)), String(rng.int(-8...8))] }
            else if t == 1 { a += [k, bound(), bound(), "byscore"] }
            else { a += ["l1", lexBound(), lexBound(), "bylex"] }
            if rng.chance(0.4) { a.append("rev") }
            return a
        case 17: return ["zremrangebyrank", k, String(rng.int(-5...5)), String(rng.int(-5...5))]
        case 18: return ["zremrangebyscore", k, bound(), bound()]
        case 19: return [rng.pick(["zpopmin", "zpopmax"]), k] + (rng.chance(0.6) ? [String(rng.int(-1...4))] : [])
        case 20:
            let ks = (0..<rng.int(1...3)).map { _ in key() }
            return ["zmpop", String(ks.count)] + ks + [rng.pick(["min", "max"])] + (rng.chance(0.5) ? ["count", String(rng.int(1...4))] : [])
        case 21, 22:
            let op = rng.pick(["zunion", "zinter", "zdiff", "zunionstore", "zinterstore", "zdiffstore", "zintercard"])
            let ks = (0..<rng.int(1...3)).map { _ in rng.pick(keys) }
            var a = [op] + (op.hasSuffix("store") ? [rng.pick(keys)] : []) + [String(ks.count)] + ks
            if ["zunion", "zinter", "zunionstore", "zinterstore"].contains(op) {
                if rng.chance(0.4) { a += ["weights"] + ks.map { _ in rng.pick(["1", "2", "-1", "0.5", "0", "inf"]) } }
                if rng.chance(0.4) { a += ["aggregate", rng.pick(["sum", "min", "max"])] }
            }
            if ["zunion", "zinter", "zdiff"].contains(op) && rng.chance(0.5) { a.append("withscores") }
            if op == "zintercard" && rng.chance(0.5) { a += ["limit", String(rng.int(0...3))] }
            return a
        case 23: return ["zrandmember", k, String(rng.int(20...30))] + (rng.chance(0.5) ? ["withscores"] : [])
        case 24: return ["sadd", "s1", member(), member()]
        case 25: return ["del", k]
        case 26: return ["object", "encoding", k]
        default: return ["zrange", k, "0", "-1", "withscores"]
        }
    }
}
