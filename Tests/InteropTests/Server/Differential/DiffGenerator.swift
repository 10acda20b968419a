import TestSupport
/// Seeded random command sequences over a small key space, so commands
/// collide on keys, types, databases and transactions. The generator keeps
/// the little state it needs to stay deterministic across the two servers
/// (which connection is inside MULTI) and queues follow-up commands.
struct DiffGenerator {
    var rng: SeededRandom
    let groups: [DiffGroup]
    private let groupWeights: [Int]
    /// Whole seconds, the base of every absolute expiry this run uses.
    let t0: Int64
    /// Per connection, as Redis answered MULTI/EXEC/DISCARD/RESET.
    private(set) var inMulti = [false, false]
    private var pending: [DiffCommand] = []
    /// The ms part of the next stream IDs XADD is given (DiffTemplates+Streams).
    var streamMs = 0

    static let weights: [DiffGroup: Int] = [
        .strings: 30, .bitmaps: 12, .keys: 14, .expire: 14, .object: 4, .scan: 5, .databases: 5,
        .transactions: 8, .connection: 4, .resp3: 3, .unknown: 2, .pubsub: 2,
        .lists: 6, .hashes: 6, .sets: 6, .zsets: 6, .streams: 8,
    ]

    init(seed: UInt64, groups: Set<DiffGroup>, t0: Int64) {
        rng = SeededRandom(seed: seed)
        self.groups = DiffGroup.allCases.filter { groups.contains($0) }
        groupWeights = self.groups.map { Self.weights[$0] ?? 1 }
        self.t0 = t0
    }

    mutating func next() -> DiffCommand {
        if !pending.isEmpty { return pending.removeFirst() }
        let conn = rng.chance(0.65) ? 0 : 1
        for _ in 0..<50 {
            var group = groups[rng.weighted(groupWeights)]
            // Transactions should close within a few commands.
            if inMulti[conn] && groups.contains(.transactions) && rng.chance(0.2) { group = .transactions }
            var cmd = make(group, conn: conn)
            if inMulti[conn] && !cmd.multiSafe { continue }
            mutateArity(&cmd)
            return cmd
        }
        return DiffCommand(conn, .connection, [asBytes("PING")])
    }

    /// Tracks MULTI state from Redis's reply (the reference), and queues follow-ups.
    mutating func observe(_ cmd: DiffCommand, redisReply: [UInt8]) {
        let ok = redisReply.first != UInt8(ascii: "-")
        switch cmd.name {
        case "MULTI" where ok && cmd.args.count == 1: inMulti[cmd.conn] = true
        case "EXEC", "DISCARD":
            // A rejected EXEC (arity) inside MULTI aborts the transaction too.
            if cmd.args.count == 1 || redisReply.starts(with: asBytes("-EXECABORT")) { inMulti[cmd.conn] = false }
        case "RESET":
            inMulti[cmd.conn] = false
            // RESET drops the connection back to RESP2.
            if cmd.conn == 1 { pending.append(DiffCommand(1, .resp3, [asBytes("HELLO"), asBytes("3")])) }
        case "HELLO" where ok && cmd.conn == 1 && cmd.args.count >= 2 && cmd.args[1] == asBytes("2"):
            pending.append(DiffCommand(1, .resp3, [asBytes("HELLO"), asBytes("3")]))
        default: break
        }
    }

    /// After a mismatch the harness resynchronises the servers: no MULTI open.
    mutating func resetConnectionState() {
        inMulti = [false, false]
        pending.removeAll()
    }

    /// Now and then drop the last argument or add one: arity and syntax errors
    /// for every command shape.
    private mutating func mutateArity(_ cmd: inout DiffCommand) {
        if rng.chance(0.03) && cmd.args.count > 1 {
            cmd.args.removeLast()
            if cmd.relativeExpireMs != nil && cmd.args.count <= cmd.timeArgIndex { cmd.relativeExpireMs = nil }
        } else if rng.chance(0.02) {
            cmd.args.append(rng.pick([asBytes("junk"), asBytes("1"), asBytes("NX"), asBytes("")]))
        }
    }

    /// Queues a command to run right after the current one, on the same connection.
    mutating func followUp(_ cmd: DiffCommand) { pending.append(cmd) }

    // MARK: pools

    static let keyNames = ["k0", "k1", "k2", "k3", "k4", "k5"]

    mutating func key() -> [UInt8] {
        if rng.chance(0.02) { return [0x6B, 0x00, 0xFF, 0x0D, 0x0A] }  // binary-safe key
        return asBytes(rng.pick(Self.keyNames))
    }

    mutating func keys(_ range: ClosedRange<Int>) -> [[UInt8]] { (0..<rng.int(range)).map { _ in key() } }

    static let values: [[UInt8]] = [
        "", "v", "hello", "Hello World", "0", "1", "-1", "42", "007", "+5", " 5", "5 ", "3.14", "-0", "1e3",
        "9223372036854775807", "-9223372036854775808", "9223372036854775808", "12345678901234567890",
        "inf", "nan", "abc", "foobar", "ohmytext", "mynewtext", "\r\n", "10.5", "0x10",
        String(repeating: "x", count: 44), String(repeating: "y", count: 45), String(repeating: "z", count: 200),
    ].map(asBytes) + [[0x00, 0x01, 0xFF, 0xFE], [0xFF], [0x80, 0x00]]

    mutating func value() -> [UInt8] { rng.pick(Self.values) }

    /// Where an argument is echoed inside an error message (unknown options,
    /// subcommands): binary, NUL, CR/LF and over-long words test its formatting.
    mutating func junk() -> [UInt8] {
        switch rng.int(0..<6) {
        case 0: return [0x00, 0x7A, 0x7A]
        case 1: return asBytes("a\r\nb")
        case 2: return [0x80, 0xFF, 0x41]
        case 3: return asBytes(String(repeating: "q", count: rng.int(120...140)))
        default: return value()
        }
    }

    /// A word from `words`, or now and then junk.
    mutating func word(_ words: [String], junkChance: Double = 0.15) -> [UInt8] {
        rng.chance(junkChance) ? junk() : asBytes(rng.pick(words))
    }

    static let integers = ["1", "-1", "0", "10", "-100", "3", "9223372036854775807", "-9223372036854775808",
                           "9223372036854775808", "abc", "1.5", "", " 1", "0x10", "+1", "100000000000000000000", "-0"]
    static let floats = ["1", "0.1", "-1.5", "1e3", "1.5e-3", "inf", "-inf", "+inf", "nan", "abc", "", "1e308", "-1e308",
                         "5.0e3", "3.0000000000000001", " 1", "0x1p3", "1,5", "10.50", "1e-320", "17", "-0.0"]
    static let indexes = ["0", "1", "-1", "-3", "2", "5", "100", "-100", "9223372036854775807", "-9223372036854775808",
                          "abc", "", "1.0", "3"]
    /// Never a valid offset that would make either server allocate hundreds of MB.
    static let setrangeOffsets = ["0", "1", "3", "10", "-1", "536870912", "abc", "100", "4294967296"]
    static let bitOffsets = ["0", "1", "7", "8", "9", "63", "100", "-1", "4294967296", "abc", "1000", "", "15", "1.5"]

    mutating func int() -> [UInt8] { asBytes(rng.pick(Self.integers)) }
    mutating func float() -> [UInt8] { asBytes(rng.pick(Self.floats)) }
    mutating func index() -> [UInt8] { asBytes(rng.pick(Self.indexes)) }

    /// Relative expiry times, far apart from each other and from the absolute
    /// ones below, so no comparison between two expiries is within the run's length.
    static let relativeSeconds: [Int64] = [100, 1000, 10_000, 100_000]
    static let absoluteOffsets: [Int64] = [700, 7000, 70_000, 700_000]

    mutating func relativeSeconds() -> Int64 { rng.pick(Self.relativeSeconds) }
    mutating func absoluteSeconds() -> Int64 { t0 + rng.pick(Self.absoluteOffsets) }
    /// Already in the past: the key is deleted (EXPIRE family, GETEX) or stored expired (SET).
    mutating func pastSeconds() -> Int64 { rng.pick([1, 100, t0 - 1000]) }

    static let badTimes = ["abc", "", "1.5", "9223372036854775807", "-9223372036854775808", "9223372036854775",
                           "0x10", " 10"]

    mutating func dbIndex() -> [UInt8] {
        rng.chance(0.85) ? asBytes(String(rng.int(0...2))) : asBytes(rng.pick(["15", "16", "-1", "x", "4294967296", "", "1.0"]))
    }
}
