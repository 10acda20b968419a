import Foundation
import Protocol
import RESPClient
import TestSupport

/// One difference between Redis and Vigil, with enough context to replay it.
struct DiffMismatch {
    let seed: UInt64
    let step: Int
    let command: String
    let redis: String
    let vigil: String
    let note: String
    let context: [String]

    /// Groups repeats of one bug: command name plus both replies with digits folded.
    var signature: String {
        // Digits and quoted arguments inside messages vary between repeats of one bug.
        func fold(_ s: String) -> String {
            let unquoted = s.replacingOccurrences(of: "('[^']*' ?)+", with: "'…' ", options: .regularExpression)
            return String(unquoted.prefix(120).map { $0.isNumber ? "#" : $0 })
        }
        let name = redis.hasPrefix("-ERR unknown command") ? "(unknown command)"
            : command.dropFirst(3).split(separator: " ").prefix(1).joined().uppercased()
        return "\(name) | redis: \(fold(redis)) | vigil: \(fold(vigil))"
    }

    var report: String {
        """
        MISMATCH seed=\(seed) step=\(step) (replay: VIGIL_DIFF_SEED=\(seed))
          command: \(command)
          redis:   \(redis)
          vigil:   \(vigil)\(note.isEmpty ? "" : "\n  note:    \(note)")
          last commands (oldest first):
        \(context.map { "    " + $0 }.joined(separator: "\n"))
        """
    }
}

enum DiffFatal: Error, CustomStringConvertible {
    case vigilDied(String)
    case redisFailed(String)
    var description: String {
        switch self {
        case .vigilDied(let s): return "vigil-server stopped answering: \(s)"
        case .redisFailed(let s): return "redis-server failed (test infrastructure): \(s)"
        }
    }
}

/// Runs generated commands against a redis-server and a vigil-server, two
/// connections each (index 0 stays RESP2, index 1 switches to RESP3), and
/// compares every reply.
final class DiffSession {
    let seed: UInt64
    let redisPort: Int
    private(set) var vigilPort: Int
    /// The vigil-server under test: liveness, crash report, restart (new port).
    let vigil: VigilUnderTest
    private var redis: [RedisConnection] = []
    private var vigilConns: [RedisConnection] = []
    private var history: [String] = []
    private(set) var mismatches: [DiffMismatch] = []
    private(set) var commandsRun = 0
    /// Per group: commands run, and how many Redis answered with an error.
    private(set) var groupCounts: [DiffGroup: (total: Int, errors: Int)] = [:]
    private var step = 0
    /// Runs after each command both servers answered (the keyspace-event
    /// comparison reads what the command published).
    var afterCommand: ((DiffCommand, _ step: Int, _ context: [String]) throws -> Void)?
    /// VIGIL_DIFF_TRACE=1 prints every command and reply as it runs.
    private let trace = ProcessInfo.processInfo.environment["VIGIL_DIFF_TRACE"] == "1"
    static let maxMismatchesPerSeed = 150

    init(seed: UInt64, redisPort: Int, vigil: VigilUnderTest) throws {
        self.seed = seed
        self.redisPort = redisPort
        self.vigil = vigil
        vigilPort = vigil.port
        try reconnect()
    }

    /// Fresh connections, RESP3 on index 1, both servers emptied.
    private func reconnect() throws {
        for c in redis + vigilConns { c.close() }
        queuedShortTTLMs.removeAll()
        do {
            redis = try (0..<2).map { _ in try ProcessFixture.connect(redisPort, ioTimeoutMs: 5000) }
        } catch {
            throw DiffFatal.redisFailed("connect: \(error)")
        }
        do {
            vigilConns = try (0..<2).map { _ in try ProcessFixture.connect(vigilPort, ioTimeoutMs: 5000) }
        } catch {
            throw DiffFatal.vigilDied("connect: \(error)")
        }
        try run(DiffCommand(0, .databases, [asBytes("FLUSHALL")]))
        try run(DiffCommand(1, .resp3, [asBytes("HELLO"), asBytes("3")]))
    }

    func close() {
        for c in redis + vigilConns { c.close() }
    }

    // MARK: running

    func run(steps: Int, generator: inout DiffGenerator) throws {
        for _ in 0..<steps {
            if mismatches.count >= Self.maxMismatchesPerSeed { break }
            var cmd = generator.next()
            let before = mismatches.count
            if let relative = cmd.relativeExpireMs { try moveAwayFromCurrentExpiry(&cmd, relativeMs: relative) }
            let redisReply = try run(cmd)
            waitOutShortTTL(cmd, redisReply: redisReply)
            generator.observe(cmd, redisReply: redisReply)
            if mismatches.count > before { try resync(&generator) }
        }
    }

    /// Per connection, the longest short TTL queued in its MULTI: it starts at EXEC.
    private var queuedShortTTLMs: [Int: Int64] = [:]

    /// See `DiffCommand.shortRelativeTTLMs`: sleeps past a short TTL once it runs.
    private func waitOutShortTTL(_ cmd: DiffCommand, redisReply: [UInt8]) {
        var wait = cmd.shortRelativeTTLMs
        if wait != nil && redisReply == Array("+QUEUED\r\n".utf8) {
            queuedShortTTLMs[cmd.conn] = max(queuedShortTTLMs[cmd.conn] ?? 0, wait!)
            return
        }
        if cmd.name == "EXEC" || cmd.name == "DISCARD" || redisReply.starts(with: Array("-EXECABORT".utf8)) {
            let queued = queuedShortTTLMs.removeValue(forKey: cmd.conn)
            if cmd.name == "EXEC" { wait = queued }
        }
        if let ms = wait {
            remember("(waited \(ms + 2) ms: a \(ms) ms TTL has run out on both servers)")
            usleep(UInt32(ms + 2) * 1000)
        }
    }

    /// Runs one command on both servers, compares, records; returns Redis's reply.
    @discardableResult
    func run(_ cmd: DiffCommand) throws -> [UInt8] {
        step += 1
        commandsRun += 1
        let (r, v) = try exchange(cmd.conn, cmd.args)
        var counts = groupCounts[cmd.group] ?? (0, 0)
        counts.total += 1
        if r.first == UInt8(ascii: "-") { counts.errors += 1 }
        groupCounts[cmd.group] = counts
        switch v {
        case .failure(let why):
            if vigil.isRunning {
                record(cmd, redis: r, vigil: Array("<\(why)>".utf8), note: "no reply from vigil")
            } else {
                let crash = vigil.crashSummary()
                record(cmd, redis: r, vigil: Array("<CRASH: \(crash.headline)>".utf8), note: crash.frames)
                vigilPort = try vigil.restart()
            }
            try reconnect()
            return r
        case .reply(let vb):
            try compare(cmd, r, vb)
            try afterCommand?(cmd, step, Array(history.suffix(12)))
            return r
        }
    }

    private enum VigilReply { case reply([UInt8]), failure(String) }

    private func exchange(_ conn: Int, _ args: [[UInt8]]) throws -> ([UInt8], VigilReply) {
        let r: [UInt8]
        do {
            try redis[conn].send(args)
            r = try redis[conn].readRawReply()
        } catch {
            throw DiffFatal.redisFailed("\(DiffCommand(conn, .unknown, args).display): \(error)")
        }
        do {
            try vigilConns[conn].send(args)
            return (r, .reply(try vigilConns[conn].readRawReply()))
        } catch {
            return (r, .failure("\(error)"))
        }
    }

    private func compare(_ cmd: DiffCommand, _ r: [UInt8], _ v: [UInt8]) throws {
        let rn = normalize(r), vn = normalize(v)
        switch cmd.compare {
        case .exact:
            check(cmd, rn == vn, r, v)
        case .tolerance(let t):
            if case .integer(let a)? = decode(r), case .integer(let b)? = decode(v) {
                let same = (a < 0 || b < 0) ? a == b : abs(a - b) <= t
                check(cmd, same, r, v, note: same ? "" : "differs by more than \(t)")
            } else {
                check(cmd, rn == vn, r, v)
            }
        case .keysSet:
            if let a = sortedElements(r), let b = sortedElements(v) {
                check(cmd, a == b, r, v, note: "compared as sorted sets")
            } else {
                check(cmd, rn == vn, r, v)
            }
        case .unordered:
            if let a = sortedElements(r), let b = sortedElements(v), r.first == v.first {
                check(cmd, a == b, r, v, note: "compared as sorted lists")
            } else {
                check(cmd, rn == vn, r, v)
            }
        case .unorderedPairs:
            if let a = sortedPairs(r), let b = sortedPairs(v), r.first == v.first {
                check(cmd, a == b, r, v, note: "compared as sorted field/value pairs")
            } else {
                check(cmd, rn == vn, r, v)
            }
        case .streamTimes:
            if let a = decode(r), let b = decode(v) {
                check(cmd, Self.sameStreamReply(a, b, timeSlot: false), r, v, note: "times compared within \(Self.streamTimeTolerance) ms")
            } else {
                check(cmd, rn == vn, r, v)
            }
        case .randomKey:
            try compareRandomKey(cmd, r, v)
        case .scan:
            try compareScan(cmd, r, v)
        }
    }

    private func check(_ cmd: DiffCommand, _ same: Bool, _ r: [UInt8], _ v: [UInt8], note: String = "") {
        let line = "#\(step) \(cmd.display) -> \(visible(r, limit: 120))"
        if same {
            remember(line)
        } else {
            remember(line + "  ≠ vigil \(visible(v, limit: 120))")
            record(cmd, redis: r, vigil: v, note: note)
        }
    }

    private func record(_ cmd: DiffCommand, redis r: [UInt8], vigil v: [UInt8], note: String) {
        mismatches.append(DiffMismatch(seed: seed, step: step, command: cmd.display, redis: visible(r), vigil: visible(v),
                                       note: note, context: Array(history.suffix(21).dropLast())))
    }

    private func remember(_ line: String) {
        if trace { print("diff[\(seed)] " + line) }
        history.append(line)
        if history.count > 64 { history.removeFirst(history.count - 32) }
    }

    /// RANDOMKEY: nil on both, or each server's answer is one of its own keys
    /// (then both key sets, read with KEYS *, must match too).
    private func compareRandomKey(_ cmd: DiffCommand, _ r: [UInt8], _ v: [UInt8]) throws {
        guard case .bulkString(.some(let rk))? = decode(r), case .bulkString(.some(let vk))? = decode(v) else {
            check(cmd, r == v, r, v)
            return
        }
        remember("#\(step) \(cmd.display) -> redis \(visible(r, limit: 60)) vigil \(visible(v, limit: 60))")
        let keys = DiffCommand(cmd.conn, .scan, [asBytes("KEYS"), asBytes("*")], compare: .keysSet)
        step += 1
        let (kr, kv) = try exchange(cmd.conn, keys.args)
        guard case .reply(let kvb) = kv else { return record(keys, redis: kr, vigil: Array("<no reply>".utf8), note: "") }
        let rs = sortedElements(kr) ?? [], vs = sortedElements(kvb) ?? []
        check(keys, rs == vs, kr, kvb, note: "KEYS * after RANDOMKEY, compared as sorted sets")
        if !vs.contains(vk) || !rs.contains(rk) {
            record(cmd, redis: r, vigil: v, note: "RANDOMKEY answer is not one of the server's own keys")
        }
    }

    /// SCAN: errors compare exactly; otherwise each server is scanned to the
    /// end on its own and the element sets compared.
    private func compareScan(_ cmd: DiffCommand, _ r: [UInt8], _ v: [UInt8]) throws {
        guard let (rc, re) = scanPage(r), let (vc, ve) = scanPage(v) else {
            check(cmd, normalize(r) == normalize(v), r, v)
            return
        }
        var rset = Set(re), vset = Set(ve)
        do {
            try scanToEnd(redis[cmd.conn], cmd.args, cursor: rc, into: &rset)
        } catch {
            throw DiffFatal.redisFailed("SCAN: \(error)")
        }
        do {
            try scanToEnd(vigilConns[cmd.conn], cmd.args, cursor: vc, into: &vset)
        } catch {
            record(cmd, redis: r, vigil: Array("<SCAN continuation failed: \(error)>".utf8), note: "")
            return
        }
        let rs = rset.sorted { $0.lexicographicallyPrecedes($1) }, vs = vset.sorted { $0.lexicographicallyPrecedes($1) }
        let show = { (s: [[UInt8]]) in s.map { DiffCommand.quote($0) }.joined(separator: " ") }
        remember("#\(step) \(cmd.display) -> {\(show(rs))}")
        if rs != vs {
            mismatches.append(DiffMismatch(seed: seed, step: step, command: cmd.display, redis: "{\(show(rs))}",
                                           vigil: "{\(show(vs))}", note: "SCAN to completion, compared as sets",
                                           context: Array(history.suffix(21).dropLast())))
        }
    }

    private func scanToEnd(_ c: RedisConnection, _ args: [[UInt8]], cursor: [UInt8], into set: inout Set<[UInt8]>) throws {
        var cursor = cursor
        var rounds = 0
        while cursor != asBytes("0") && rounds < 10_000 {
            var a = args
            a[1] = cursor
            try c.send(a)
            guard let (next, elements) = scanPage(try c.readRawReply()) else { throw DiffFatal.vigilDied("bad SCAN page") }
            set.formUnion(elements)
            cursor = next
            rounds += 1
        }
    }

    private func scanPage(_ raw: [UInt8]) -> ([UInt8], [[UInt8]])? {
        guard let e = decode(raw)?.elements, e.count == 2, let cursor = e[0].bytes, let items = e[1].elements else { return nil }
        return (cursor, items.compactMap { $0.bytes })
    }

    /// EXPIRE/PEXPIRE GT|LT with a relative time: read PTTL first (compared
    /// too), and if the new expiry would land within 30 s of the current one,
    /// move it 50,000 s later so both servers decide GT/LT the same way.
    private func moveAwayFromCurrentExpiry(_ cmd: inout DiffCommand, relativeMs: Int64) throws {
        let probe = DiffCommand(cmd.conn, .expire, [asBytes("PTTL"), cmd.args[1]], compare: .tolerance(2000))
        let r = try run(probe)
        guard case .integer(let current)? = decode(r), current >= 0, abs(current - relativeMs) < 30_000 else { return }
        let ms = cmd.name == "PEXPIRE"
        let moved = (ms ? relativeMs + 50_000_000 : relativeMs / 1000 + 50_000)
        cmd.args[cmd.timeArgIndex] = asBytes(String(moved))
    }

    /// After a mismatch the servers may hold different data: close any MULTI,
    /// empty both, and go on from a common state.
    private func resync(_ generator: inout DiffGenerator) throws {
        // Either server may be inside MULTI whatever Redis said: DISCARD both.
        for conn in 0..<2 { _ = try exchange(conn, [asBytes("DISCARD")]) }
        _ = try exchange(0, [asBytes("FLUSHALL")])
        generator.resetConnectionState()
        queuedShortTTLMs.removeAll()
        remember("(resync: DISCARD on both connections, FLUSHALL)")
    }

    // MARK: decoding

    static let streamTimeTolerance: Int64 = 5000

    /// Equal trees, except integers in time positions: after an `idle` or
    /// `seen-time` name, the third element of a pending-entry row
    /// (`[id, consumer, time, count]` or `[id, time, count]` in XINFO FULL).
    static func sameStreamReply(_ a: RESPValue, _ b: RESPValue, timeSlot: Bool) -> Bool {
        switch (a, b) {
        case (.integer(let x), .integer(let y)):
            return timeSlot ? abs(x &- y) <= streamTimeTolerance : x == y
        case (.array(let x?), .array(let y?)), (.map(let x), .map(let y)):
            guard x.count == y.count else { return false }
            let row = isPendingRow(x)
            for i in 0..<x.count {
                var slot = row.map { $0 == i } ?? false
                if i > 0, let name = x[i - 1].bytes, name == Array("idle".utf8) || name == Array("seen-time".utf8) { slot = true }
                if !sameStreamReply(x[i], y[i], timeSlot: slot) { return false }
            }
            return true
        default:
            return a == b
        }
    }

    /// The index of the time in a pending-entry row, nil for other arrays.
    private static func isPendingRow(_ e: [RESPValue]) -> Int? {
        guard let first = e.first?.bytes, first.contains(UInt8(ascii: "-")) else { return nil }
        if e.count == 4, e[1].bytes != nil, case .integer = e[2], case .integer = e[3] { return 2 }
        if e.count == 3, case .integer = e[1], case .integer = e[2] { return 1 }
        return nil
    }

    private func decode(_ raw: [UInt8]) -> RESPValue? {
        (try? ReplyParser().parse(raw))?.value
    }

    private func sortedElements(_ raw: [UInt8]) -> [[UInt8]]? {
        guard let e = decode(raw)?.elements else { return nil }
        let b = e.compactMap { $0.bytes }
        guard b.count == e.count else { return nil }
        return b.sorted { $0.lexicographicallyPrecedes($1) }
    }

    private func sortedPairs(_ raw: [UInt8]) -> [[UInt8]]? {
        guard let e = decode(raw)?.elements, e.count % 2 == 0 else { return nil }
        let b = e.compactMap { $0.bytes }
        guard b.count == e.count else { return nil }
        return stride(from: 0, to: b.count, by: 2).map { b[$0] + [0] + b[$0 + 1] }
            .sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// HELLO's `id` field is the client id: it differs between servers by design.
    func normalize(_ raw: [UInt8]) -> [UInt8] {
        let marker = asBytes("$2\r\nid\r\n:")
        guard raw.count > marker.count else { return raw }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var i = 0
        while i < raw.count {
            if raw[i] == marker[0], i + marker.count <= raw.count, Array(raw[i..<(i + marker.count)]) == marker {
                out += marker + asBytes("ID")
                i += marker.count
                while i < raw.count, raw[i] >= 48 && raw[i] <= 57 { i += 1 }
                continue
            }
            out.append(raw[i])
            i += 1
        }
        return out
    }
}
