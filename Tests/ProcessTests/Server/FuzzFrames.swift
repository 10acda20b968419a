import TestSupport
import DataNode
import Protocol

/// Random request frames for robustness runs: commands from Vigil's own table
/// with plausible arguments (keys at key positions, numbers, option words),
/// serialised as multibulk or inline, then often mutated at the byte level.
struct FuzzFrames {
    struct Shape {
        let path: [String]
        let arity: Int
        let keyPositions: Set<Int>
    }

    var rng: SeededRandom
    let shapes: [Shape]
    /// Share of frames mutated at the byte level.
    var mutationRate: Double
    private var previous: [UInt8] = []

    /// Commands a fuzz run must not send, and why.
    static let unsafeCommands: [String: String] = [
        "shutdown": "ends the process under test",
        "debug": "DEBUG SEGFAULT/SLEEP/RELOAD are deliberate crashes and stalls",
        "config|set": "could move dir/port/limits or set requirepass mid-run",
        "config|rewrite": "writes files",
        "client|pause": "would stall every client, the liveness checks included",
        "save": "persistence writes files / forks", "bgsave": "persistence", "bgrewriteaof": "persistence",
        "replicaof": "connects out", "slaveof": "connects out", "failover": "replication",
        "sync": "replication stream", "psync": "replication stream", "module": "loads code",
        "monitor": "turns the connection into a feed (kept in-process, where replies are discarded)",
        "pfselftest": "a deliberate multi-second self test (millions of HLL updates), a stall by design",
    ]

    init(seed: UInt64, excluding: Set<String>, mutationRate: Double = 0.3) {
        rng = SeededRandom(seed: seed)
        self.mutationRate = mutationRate
        shapes = CommandTable().all.compactMap { c in
            if c.handler == nil || excluding.contains(c.fullName) { return nil }
            if let parent = c.fullName.split(separator: "|").first, excluding.contains(String(parent)) { return nil }
            let path = c.fullName.split(separator: "|").map(String.init)
            let argc = max(abs(c.arity), path.count) + 4
            return Shape(path: path, arity: c.arity, keyPositions: Set(c.keyPositions(argc: argc)))
        }.sorted { $0.path.lexicographicallyPrecedes($1.path) }
    }

    static let keys: [[UInt8]] = ["k0", "k1", "k2", "k3", "{t}k", "", "ch"].map { Array($0.utf8) } + [[0, 0xFF, 13, 10]]
    static let numbers = ["0", "1", "-1", "2", "3", "7", "8", "10", "100", "1000", "-100", "9223372036854775807",
                          "-9223372036854775808", "9223372036854775808", "4294967296", "1.5", "abc", "inf", "-inf",
                          "nan", "", "+1", "1e3", "0x10", "99999999999999999999", "-0", "536870912"].map { Array($0.utf8) }
    static let words = ["NX", "XX", "GT", "LT", "EX", "PX", "EXAT", "PXAT", "KEEPTTL", "GET", "SET", "PERSIST", "MATCH",
                        "COUNT", "TYPE", "BYTE", "BIT", "AND", "OR", "XOR", "NOT", "OVERFLOW", "WRAP", "SAT", "FAIL",
                        "INCRBY", "u8", "i16", "i64", "u63", "#1", "REPLACE", "DB", "ASYNC", "SYNC", "ID", "ADDR",
                        "USER", "SKIPME", "LEN", "IDX", "MINMATCHLEN", "WITHMATCHLEN", "HELP", "ON", "OFF", "SKIP",
                        "AUTH", "SETNAME", "default", "string", "c*", "*", "LIMIT", "WITHSCORES", "RESET", "3", "2",
                        "yes", "no", "ENCODING", "REFCOUNT", "FREQ", "IDLETIME", "NUMSUB", "CHANNELS", "GETNAME"].map { Array($0.utf8) }

    mutating func argument() -> [UInt8] {
        switch rng.int(0..<10) {
        case 0, 1, 2: return rng.pick(Self.numbers)
        case 3, 4, 5: return rng.pick(Self.words)
        case 6, 7: return rng.pick(Self.keys)
        case 8: return Array(String(repeating: "v", count: rng.int(0...64)).utf8)
        default: return rng.bytes(count: rng.int(0...12))
        }
    }

    /// Replies that dump the whole command table or every histogram cost a
    /// thousand times a GET; their argument parsing is all a fuzzer reaches,
    /// so they come up ten times less often.
    static let heavy: Set<String> = ["command", "command|info", "command|docs", "latency|histogram"]

    /// A command with about the right number of arguments.
    mutating func command() -> [[UInt8]] {
        var s = rng.pick(shapes)
        while Self.heavy.contains(s.path.joined(separator: "|")) && rng.chance(0.9) { s = rng.pick(shapes) }
        var argc: Int
        if s.arity > 0 { argc = rng.chance(0.85) ? s.arity : rng.int(1...(s.arity + 2)) }
        else { argc = -s.arity + rng.weighted([30, 25, 20, 10, 10, 5]) }
        argc = max(argc, s.path.count)
        var argv: [[UInt8]] = s.path.map { w in
            // Names in any case, as clients send them.
            Array((rng.chance(0.5) ? w.uppercased() : w).utf8)
        }
        for i in argv.count..<argc {
            argv.append(s.keyPositions.contains(i) && rng.chance(0.9) ? rng.pick(Self.keys) : argument())
        }
        return argv
    }

    /// One frame, serialised and (`mutationRate` of the time) mutated.
    mutating func frame() -> [UInt8] {
        let argv = command()
        var bytes: [UInt8]
        // Inline only when the arguments survive it: breaking inline framing is the mutations' job.
        let plain = argv.allSatisfy { a in !a.isEmpty && a.allSatisfy { $0 > 32 && $0 < 127 && $0 != 34 && $0 != 39 } }
        if !plain || rng.chance(0.9) {
            bytes = RESPWriter.command(argv)
        } else {
            bytes = Array(argv.joined(separator: [32])) + (rng.chance(0.8) ? [13, 10] : [10])
        }
        if rng.chance(mutationRate) {
            for _ in 0..<rng.int(1...3) { mutate(&bytes) }
        }
        previous = bytes
        return bytes
    }

    private mutating func mutate(_ b: inout [UInt8]) {
        if b.isEmpty { b = [UInt8(ascii: "*")]; return }
        let i = rng.int(0..<b.count)
        switch rng.int(0..<10) {
        case 0: b[i] = UInt8.random(in: 0...255, using: &rng)
        case 1: b.insert(contentsOf: rng.bytes(count: rng.int(1...4)), at: i)
        case 2: b.removeSubrange(i..<min(b.count, i + rng.int(1...8)))
        case 3: let j = min(b.count, i + rng.int(1...16)); b.insert(contentsOf: b[i..<j], at: j)
        case 4: b.removeSubrange(i...)  // truncated: the next frame completes it, wrongly
        case 5: b.insert(contentsOf: [13, 10], at: i)
        case 6:
            // Rewrite a length header.
            if let h = b.indices.filter({ b[$0] == UInt8(ascii: "$") || b[$0] == UInt8(ascii: "*") }).randomElement(using: &rng),
               let cr = b[h...].firstIndex(of: 13) {
                let n = rng.pick(["-1", "0", "-5", "abc", "", "99", "2147483648", "1048577", "3", "9223372036854775808"])
                b.replaceSubrange((h + 1)..<cr, with: Array(n.utf8))
            }
        case 7: if !previous.isEmpty { b.insert(contentsOf: previous.prefix(rng.int(1...previous.count)), at: i) }
        case 8: b[i] = rng.pick([UInt8(ascii: "*"), UInt8(ascii: "$"), UInt8(ascii: "\""), UInt8(ascii: "'"), 0, 13, 10])
        default: b.insert(UInt8(ascii: rng.pick(["*", "$", "\"", " "])), at: i)
        }
    }
}
