import TestSupport

/// Random ACL SETUSER rule sets and DRYRUN probes from a seed: valid and
/// invalid rules of every kind, so the two servers must agree on parsing,
/// the canonical description and the permission check.
struct ACLRuleSetGenerator {
    var rng: SeededRandom

    static let commands = ["get", "set", "del", "exists", "copy", "rename", "lpush", "lpop", "lmove", "publish", "subscribe",
                           "psubscribe", "config", "config|get", "config|set", "client", "client|id", "client|kill",
                           "select", "debug", "acl|whoami", "acl", "ping", "sort", "mset", "eval", "object|freq", "xadd",
                           "georadius", "bitfield", "keys", "flushall", "auth", "hello", "multi", "exec", "zadd", "hset"]
    static let categories = ACLCategoryNames.all + ["all"]
    static let keyPatterns = ["k*", "r*", "w*", "k1", "*1", "a", "b", "x?y", "[kw]*", "*"]
    static let channelPatterns = ["ch*", "ch1", "news.*", "*", "c?"]
    static let passwords = ["p1", "p2", "secret"]

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    mutating func selectorRule() -> String {
        switch rng.below(12) {
        case 0: return rng.pick(["+", "-"]) + rng.pick(Self.commands)
        case 1: return rng.pick(["+", "-"]) + "@" + rng.pick(Self.categories)
        case 2: return "~" + rng.pick(Self.keyPatterns)
        case 3: return "%" + rng.pick(["R", "W", "RW", "WR", "r", "w", "RR", "X", ""]) + "~" + rng.pick(Self.keyPatterns)
        case 4: return "&" + rng.pick(Self.channelPatterns)
        case 5: return rng.pick(["allkeys", "resetkeys", "allchannels", "resetchannels", "allcommands", "nocommands", "AllKeys"])
        case 6: return "+" + rng.pick(["select|0", "select|1", "debug|object", "config|get|x", "get|", "client|nosuch", "nosuch"])
        case 7: return rng.pick(["-@nosuch", "+@", "~a b", "&c d", "-select|0", "%R", "%"])
        case 8: return rng.pick(["+", "-"]) + rng.pick(Self.commands).uppercased()
        case 9: return "+@" + rng.pick(Self.categories)
        case 10: return "-@" + rng.pick(Self.categories)
        default: return "+" + rng.pick(Self.commands)
        }
    }

    mutating func rule() -> String {
        switch rng.below(20) {
        case 0: return rng.pick(["on", "off", "ON"])
        case 1: return rng.pick(["nopass", "resetpass", "reset", "clearselectors", "sanitize-payload", "skip-sanitize-payload"])
        case 2: return ">" + rng.pick(Self.passwords)
        case 3: return "<" + rng.pick(Self.passwords)
        case 4: return rng.pick(["#", "!"]) + rng.pick([String(repeating: "ab", count: 32), String(repeating: "AB", count: 32), "abc",
                                                       "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb"])
        case 5:
            let inner = (0..<rng.int(1...3)).map { _ in selectorRule() }.joined(separator: " ")
            return "(" + inner + ")"
        case 6: return rng.pick(["foo", "", "(~x"])
        default: return selectorRule()
        }
    }

    mutating func ruleSet() -> (user: String, rules: [String]) {
        let user = rng.pick(["u1", "u2", "u3"])
        return (user, (0..<rng.int(1...8)).map { _ in rule() })
    }

    /// A command line for ACL DRYRUN.
    mutating func probe() -> [String] {
        let key = { (r: inout SeededRandom) in r.pick(["k1", "r1", "w1", "a", "b", "xzy", "z"]) }
        switch rng.below(16) {
        case 0: return ["get", key(&rng)]
        case 1: return ["set", key(&rng), "v"] + (rng.chance(percent: 30) ? ["GET"] : [])
        case 2: return ["lpush", key(&rng), "x"]
        case 3: return ["publish", rng.pick(["ch1", "ch2", "news.a", "c1"]), "m"]
        case 4: return ["subscribe", rng.pick(["ch1", "news.a"]), rng.pick(["ch2", "x"])]
        case 5: return ["psubscribe", rng.pick(["ch*", "news.*", "news.a*"])]
        case 6: return ["config", "get", "maxmemory"]
        case 7: return ["client", rng.pick(["id", "kill"]), "x"].prefix(rng.chance(percent: 50) ? 2 : 3).map { $0 }
        case 8: return ["select", rng.pick(["0", "1"])]
        case 9: return ["exists", key(&rng)]
        case 10: return ["copy", key(&rng), key(&rng)]
        case 11: return ["mset", key(&rng), "v", key(&rng), "v"]
        case 12: return ["lmove", key(&rng), key(&rng), "LEFT", "RIGHT"]
        case 13: return ["eval", "return 1", "1", key(&rng)]
        case 14: return ["sort", key(&rng), "STORE", key(&rng)]
        default: return ["ping"]
        }
    }
}

enum ACLCategoryNames {
    static let all = ["keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
                      "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
                      "connection", "transaction", "scripting"]
}
