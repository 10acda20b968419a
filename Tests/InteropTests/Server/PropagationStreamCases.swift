import Foundation
import Keyspace
import Persistence
import TestSupport
/// Command sequences whose replication stream the feed test compares with
/// real Redis 7.0's, one per command or group. A step is a command, or
/// `#block <command...>` (sent on a connection of its own that then waits
/// blocked), or `#sleep <ms>`.
struct PropagationStreamCase {
    let name: String
    let steps: [[String]]
    /// SPOP with a count below the set's size: which members go is random,
    /// so the SREMs' members are compared as placeholders (and checked
    /// against the server's own reply).
    var randomMembers = false
}

private func c(_ name: String, _ lines: [String], randomMembers: Bool = false) -> PropagationStreamCase {
    PropagationStreamCase(name: name, steps: lines.map { $0.split(separator: " ").map(String.init) },
                          randomMembers: randomMembers)
}

let propagationStreamCases: [PropagationStreamCase] = [
    c("set forms", ["set a 1", "set a 2 nx ex 100", "set a 3 xx px 100000 get", "set b 1 exat 99999999999",
                    "set b 2 pxat 99999999999000", "set b 3 keepttl", "set a 5 get", "set a 6 GET", "set a 7 nx get"]),
    c("setnx setex psetex getset", ["setnx k 1", "setnx k 2", "setex e 100 v", "psetex p 100000 v", "getset k 9", "getset nosuch 1"]),
    c("getex getdel", ["set a 1", "getex a ex 100", "getex a px 100000", "getex a exat 99999999999",
                       "getex a pxat 99999999999000", "getex a persist", "getex a persist", "getex a", "getex a exat 1",
                       "getex nosuch ex 10", "set d 1", "getdel d", "getdel d"]),
    c("mset msetnx append setrange", ["mset a 1 b 2", "msetnx a 1 c 3", "msetnx c 3 d 4", "append a xyz", "setrange a 2 QQ",
                                      "setrange n 0 x", "setrange a 1 QQ"]),
    c("integer counters", ["incr n", "decr n", "incrby n 10", "decrby n 3", "incr bad", "set s x", "incr s"]),
    c("incrbyfloat", ["incrbyfloat f 1.5", "incrbyfloat f 1e3", "set t 1 ex 100", "incrbyfloat t 0.1"]),
    c("bitmaps", ["setbit b 7 1", "setbit b 7 1", "bitfield bf set u8 0 200 incrby u8 0 100", "bitfield bf get u8 0",
                  "set x1 abc", "set x2 abd", "bitop and dst x1 x2", "bitop or dst2 nosuch1 nosuch2"]),
    c("del unlink", ["set a 1", "set b 1", "del a nosuch", "del nosuch", "unlink b", "unlink b"]),
    c("expire family", ["set x 1", "expire x 100", "pexpire x 100000", "expireat x 99999999999", "pexpireat x 99999999999000",
                        "pexpireat x 0099999999999000", "expire x 200 gt", "expire x 10 gt", "pexpire x 100 nx", "expire nosuch 10",
                        "persist x", "persist x", "expire x -1", "set y 1", "expireat y 1", "set z 1", "pexpireat z 1"]),
    c("rename move copy", ["set a 1", "rename a b", "renamenx b c", "set d 1", "renamenx c d", "move c 1", "copy d e",
                           "copy d f db 2", "copy d e replace", "copy d e"]),
    c("swapdb flushdb flushall", ["set a 1", "swapdb 0 1", "flushdb", "select 1", "flushdb async", "flushall", "flushall async"]),
    c("hashes", ["hset h a 1 b 2", "hset h a 1", "hsetnx h c 3", "hsetnx h c 4", "hmset h d 4", "hdel h a nosuch", "hdel h nosuch",
                 "hincrby h b 5", "hincrbyfloat h f 2.5", "hincrbyfloat h f 1e2"]),
    c("sets", ["sadd s a b c", "sadd s a", "srem s a nosuch", "srem s nosuch", "smove s t b", "smove s t nosuch",
               "sadd u x y", "sdiffstore d1 s u", "sinterstore d2 s t", "sunionstore d3 s t u", "sunionstore d3 none"]),
    c("spop deterministic", ["sadd s a", "spop s", "spop s", "sadd s a b c", "spop s 5", "sadd s x", "spop s 0", "spop nosuch 2"]),
    c("spop random members", ["sadd s a b c d e", "spop s 2", "sadd big 1 2 3 4 5 6 7 8 9 10 11 12", "spop big 10"],
      randomMembers: true),
    c("list pushes and edits", ["lpush l a b", "rpush l c", "lpushx l d", "lpushx nol d", "rpushx l e", "rpushx nol e",
                                "linsert l before c X", "linsert l before nope X", "lset l 0 Z", "lrem l 1 X", "ltrim l 0 2",
                                "ltrim l 0 -1"]),
    c("list pops and moves", ["rpush l a b c d e", "lpop l", "rpop l", "lpop l 2", "rpop nol", "rpush m x", "lmove l m left right",
                              "rpoplpush l m", "lmpop 2 nol m left count 5", "lmpop 1 m right"]),
    c("blocking list commands served at once", ["rpush l a b c d e f", "blpop nol l 0", "brpop l 0", "blmove l m left right 0",
                                                "brpoplpush l m 0", "blmpop 0 1 l right count 2", "blmpop 0 2 nol m left"]),
    c("blocking list commands served later", ["#block blpop bl1 0", "rpush bl1 a", "#block brpop bl2 0", "lpush bl2 b",
                                              "#block blmove bl3 dst left right 0", "rpush bl3 c",
                                              "#block brpoplpush bl4 dst 0", "rpush bl4 d",
                                              "#block blmpop 0 1 bl5 left count 3", "rpush bl5 e f"]),
    c("sorted sets", ["zadd z 1 a 2 b 3 c", "zadd z 1 a", "zadd z incr 5 a", "zincrby z 2 b", "zrem z c nosuch", "zrem z nosuch",
                      "zadd r 1 a 2 b 3 c 4 d 5 e", "zremrangebyscore r 1 2", "zremrangebyrank r 0 0", "zadd lx 0 a 0 b 0 c",
                      "zremrangebylex lx [a [b", "zremrangebylex lx [x [y"]),
    c("sorted set pops", ["zadd z 1 a 2 b 3 c 4 d 5 e 6 f", "zpopmin z", "zpopmax z 2", "zpopmin nosuch", "zmpop 1 z min",
                          "zmpop 2 nosuch z max count 5"]),
    c("blocking sorted set pops served at once", ["zadd z 1 a 2 b 3 c 4 d", "bzpopmin z 0", "bzpopmax noz z 0",
                                                  "bzmpop 0 1 z min count 5"]),
    c("blocking sorted set pops served later", ["#block bzpopmin bz1 0", "zadd bz1 1 a", "#block bzpopmax bz2 0", "zadd bz2 2 b",
                                                "#block bzmpop 0 1 bz3 max count 2", "zadd bz3 1 x 2 y 3 z"]),
    c("sorted set stores", ["zadd z1 1 a 2 b", "zadd z2 3 b 4 c", "zunionstore u 2 z1 z2", "zinterstore i 2 z1 z2",
                            "zdiffstore d 2 z1 z2", "zrangestore r z1 0 -1", "zinterstore i 2 z1 nosuch"]),
    c("geo", ["geoadd g 13.361389 38.115556 Palermo 15.087269 37.502669 Catania", "geoadd g 13.361389 38.115556 Palermo",
              "georadius g 15 37 200 km store gs", "georadiusbymember g Palermo 200 km storedist gd",
              "geosearchstore gss g frommember Palermo byradius 200 km"]),
    c("hyperloglog", ["pfadd h a b", "pfadd h a", "pfcount h", "pfcount h", "pfadd h2 c", "pfmerge h3 h h2", "pfdebug todense h"]),
    c("sort store", ["rpush l 3 1 2", "sort l store sl", "sort l", "sort nol store s2"]),
    c("publish", ["publish ch msg", "spublish sch msg"]),
    c("select", ["select 1", "set x 1", "select 2", "select 0", "set y 1", "select 1", "set z 1"]),
    c("transactions", ["multi", "exec", "multi", "set a 1", "exec", "multi", "set a 1", "set b 2", "exec", "multi", "get a", "exec",
                       "multi", "set c 1", "select 1", "set d 1", "exec", "multi", "incr a", "incr nosuch", "exec"]),
    c("lazy expiry", ["set e 1 px 50", "#sleep 200", "get e", "set f 1 px 50", "#sleep 200", "set f 2",
                      "set g 1 px 50", "#sleep 200", "multi", "set h 1", "get g", "set i 1", "exec"]),
    c("lazy expiry as unlink", ["config set lazyfree-lazy-expire yes", "set e 1 px 50", "#sleep 200", "get e", "set x 1",
                                "expire x -1", "config set lazyfree-lazy-expire no"]),
    c("active expiry", ["set e 1 px 50", "#sleep 400"]),
    c("restore", ["restore r 0 \(dumpArgument("v")) idletime 5", "restore r 0 \(dumpArgument("v"))",
                  "restore r2 100000 \(dumpArgument("w"))", "restore r2 0 \(dumpArgument("x")) replace",
                  "restore r3 1 \(dumpArgument("v")) absttl", "restore r2 1 \(dumpArgument("v")) absttl replace",
                  "restore r4 99999999999000 \(dumpArgument("v")) ABSTTL", "restore-asking ra 0 \(dumpArgument("v"))"]),
    // $TARGET: a third server's port (a real redis-server both nodes migrate to); hex: is the empty key.
    c("migrate", ["mset a 1 b 2 c 3 d 4", "pexpire a 100000", "migrate 127.0.0.1 $TARGET a 0 5000 replace",
                  "migrate 127.0.0.1 $TARGET b 0 5000 copy replace", "migrate 127.0.0.1 $TARGET nosuch 0 5000",
                  "migrate 127.0.0.1 $TARGET c 99 5000 replace", "select 3", "set e 5", "select 0",
                  "migrate 127.0.0.1 $TARGET hex: 0 5000 replace keys b nosuch c d"]),
    c("stream adds, trims, deletes", ["xadd s 1-1 a 1", "xadd s 1-* b 2", "xadd s maxlen = 5 2-0 c 3", "xadd s maxlen ~ 1 3-0 d 4",
                                      "xadd s minid ~ 0 limit 5 4-0 f 6", "xtrim s maxlen 10", "xtrim s maxlen ~ 0",
                                      "xtrim s maxlen 1", "xdel s 4-0 99-1", "xdel s 99-1",
                                      "xsetid s 20-0 entriesadded 10 maxdeletedid 4-0", "xadd s nomkstream 21-0 a 1",
                                      "xadd nos nomkstream 1-1 a 1", "xadd s * g 7", "xadd t maxlen ~ 1 * a 1"]),
    c("stream consumer groups", ["xadd s 1-1 a 1", "xadd s 2-1 b 2", "xadd s 3-1 c 3", "xgroup create s g 0",
                                 "xgroup create s g2 $ entriesread 3", "xgroup create m g $ mkstream", "xgroup setid s g2 1-1",
                                 "xgroup setid s g2 $ entriesread 2", "xgroup createconsumer s g alice",
                                 "xgroup createconsumer s g alice", "xreadgroup group g alice count 1 streams s >",
                                 "xreadgroup group g bob streams s >", "xreadgroup group g bob streams s 0",
                                 "xreadgroup group g2 carol noack streams s >", "xadd s 4-1 d 4",
                                 "xreadgroup group g2 carol noack streams s >", "xack s g 1-1 9-9", "xdel s 2-1",
                                 "xclaim s g alice 0 2-1 3-1", "xclaim s g alice 0 3-1 force justid lastid 5-0",
                                 "xclaim s g alice 0 9-9 lastid 6-0", "xautoclaim s g dave 0 0", "xgroup delconsumer s g dave",
                                 "xgroup delconsumer s g nobody", "xgroup destroy s g", "xgroup destroy s g"]),
    c("blocking stream reads served later", ["#block xread block 0 streams bs $", "xadd bs 1-1 a 1", "xgroup create bs g $",
                                             "#block xreadgroup group g c block 0 streams bs >", "xadd bs 2-1 b 2",
                                             "#block xreadgroup group g c2 noack block 0 streams bs >", "xadd bs 3-1 c 3"]),
    // Scripts propagate their effects (MULTI/EXEC around more than one), never themselves.
    PropagationStreamCase(name: "script effects", steps: [
        ["eval", "redis.call('set','a','1') redis.call('incr','a')", "0"], ["eval", "return redis.call('get','a')", "0"],
        ["eval", "redis.call('set','b','2')", "0"], ["script", "load", "redis.call('del','a')"],
        ["evalsha", "496c4b70ee18b52a9d9f50a165f7a57e048d99d0", "0"],
        ["eval", "redis.call('select','3') redis.call('set','c','1') redis.call('select','0') redis.call('set','d','1')", "0"],
        ["eval", "redis.call('set','e','1') redis.call('incr','e') error('after writes')", "0"],
        ["eval", "redis.set_repl(redis.REPL_NONE) redis.call('set','hidden','1') redis.set_repl(redis.REPL_ALL) redis.call('set','shown','1')", "0"],
        ["eval", "return redis.call('set','x','1','EX','100')", "0"],
    ]),
    PropagationStreamCase(name: "functions", steps: [
        ["function", "load", functionLibrary], ["fcall", "pf", "1", "k"], ["fcall", "pf", "1", "k"],
        ["function", "delete", "plib"], ["function", "load", functionLibrary], ["function", "flush"],
        ["function", "restore", "hex:" + FunctionPayload.encode(libraryCodes: [Array(functionLibrary.utf8)]).map { String(format: "%02x", $0) }.joined()],
        ["function", "flush", "async"],
    ]),
]

private let functionLibrary = "#!lua name=plib\nredis.register_function('pf', function(keys) redis.call('incr', keys[1]) return redis.call('incr', keys[1]) end)"

/// A DUMP payload as one step word (`hex:` + its bytes in hex; the runner sends the bytes).
private func dumpArgument(_ s: String) -> String {
    "hex:" + DumpPayload.encode(.string(StringValue(Array(s.utf8)))).map { String(format: "%02x", $0) }.joined()
}

/// A step word as sent: `hex:` words are binary arguments.
func stepArgument(_ word: String) -> [UInt8] {
    guard word.hasPrefix("hex:") else { return Array(word.utf8) }
    let hex = Array(word.utf8.dropFirst(4))
    return stride(from: 0, to: hex.count - 1, by: 2).map { UInt8(String(decoding: hex[$0...$0 + 1], as: UTF8.self), radix: 16)! }
}
