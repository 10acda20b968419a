import Keyspace
import Protocol

/// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD: Redis 7.0's
/// zunionInterDiffGenericCommand. Sources may be sets (score 1). Sources are
/// visited in Redis's order (by cardinality for union and intersection) so
/// that sums of floating-point scores round exactly as Redis's do.
extension SortedSetCommands {
    enum SetOp { case union, inter, diff }
    enum Aggregate { case sum, min, max }

    static func zunion(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setOperation(server, client, argv, dst: nil, numkeysIndex: 1, op: .union, name: "zunion")
    }

    static func zinter(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setOperation(server, client, argv, dst: nil, numkeysIndex: 1, op: .inter, name: "zinter")
    }

    static func zdiff(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setOperation(server, client, argv, dst: nil, numkeysIndex: 1, op: .diff, name: "zdiff")
    }

    static func zintercard(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setOperation(server, client, argv, dst: nil, numkeysIndex: 1, op: .inter, name: "zintercard", cardinalityOnly: true)
    }

    static func zunionstore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setOperation(server, client, argv, dst: Key(argv[1]), numkeysIndex: 2, op: .union, name: "zunionstore")
    }

    static func zinterstore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setOperation(server, client, argv, dst: Key(argv[1]), numkeysIndex: 2, op: .inter, name: "zinterstore")
    }

    static func zdiffstore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setOperation(server, client, argv, dst: Key(argv[1]), numkeysIndex: 2, op: .diff, name: "zdiffstore")
    }

    /// One input: a sorted set, a set (every score 1), or a missing key.
    struct OpSource {
        enum Kind { case missing, zset(SortedSetValue), set(SetValue) }
        var kind: Kind
        var weight = 1.0

        var count: Int {
            switch kind {
            case .missing: return 0
            case .zset(let z): return z.count
            case .set(let s): return s.count
            }
        }

        /// zuiNext's order: a sorted set from its highest member down.
        func forEach(_ body: (UnsafeRawBufferPointer, Double) -> Void) {
            switch kind {
            case .missing: return
            case .zset(let z): z.forEachDescending(body)
            case .set(let s): s.forEachBytes { body($0, 1.0) }
            }
        }

        /// zuiFind.
        func score(of member: [UInt8]) -> Double? {
            switch kind {
            case .missing: return nil
            case .zset(let z): return z.score(of: member)
            case .set(let s): return s.contains(member) ? 1.0 : nil
            }
        }

        /// The same stored object (a key named twice).
        func isSame(_ other: OpSource) -> Bool {
            switch (kind, other.kind) {
            case (.zset(let a), .zset(let b)): return a === b
            case (.set(let a), .set(let b)): return a === b
            default: return false
            }
        }
    }

    @inline(__always)
    static func aggregate(_ target: inout Double, _ v: Double, _ how: Aggregate) {
        switch how {
        case .sum:
            target = target + v
            // inf + -inf: Redis turns the NaN into 0.
            if target.isNaN { target = 0 }
        case .min: target = v < target ? v : target
        case .max: target = v > target ? v : target
        }
    }

    static func setOperation(_ server: Server, _ client: Client, _ argv: [[UInt8]], dst: Key?, numkeysIndex: Int,
                             op: SetOp, name: String, cardinalityOnly: Bool = false) {
        guard let setnum = longArgument(client, argv[numkeysIndex]) else { return }
        if setnum < 1 {
            client.replyError("ERR at least 1 input key is needed for '\(name)' command")
            return
        }
        if setnum > argv.count - (numkeysIndex + 1) {
            client.replyError(ZsetReplies.syntax)
            return
        }
        let db = client.db
        var src: [OpSource] = []
        src.reserveCapacity(setnum)
        var j = numkeysIndex + 1
        for _ in 0..<setnum {
            switch db.lookupRead(Key(argv[j])) {
            case nil: src.append(OpSource(kind: .missing))
            case .zset(let z)?: src.append(OpSource(kind: .zset(z)))
            case .set(let s)?: src.append(OpSource(kind: .set(s)))
            default:
                client.replyError(ZsetReplies.wrongType)
                return
            }
            j += 1
        }

        var how = Aggregate.sum
        var withScores = false
        var limit = 0
        var remaining = argv.count - j
        while remaining > 0 {
            let a = argv[j]
            if op != .diff && !cardinalityOnly && remaining >= setnum + 1 && argEquals(a, "weights") {
                j += 1; remaining -= 1
                for i in 0..<setnum {
                    guard let w = doubleArgument(client, argv[j], error: "ERR weight value is not a float") else { return }
                    src[i].weight = w
                    j += 1; remaining -= 1
                }
            } else if op != .diff && !cardinalityOnly && remaining >= 2 && argEquals(a, "aggregate") {
                j += 1; remaining -= 1
                if argEquals(argv[j], "sum") { how = .sum }
                else if argEquals(argv[j], "min") { how = .min }
                else if argEquals(argv[j], "max") { how = .max }
                else {
                    client.replyError(ZsetReplies.syntax)
                    return
                }
                j += 1; remaining -= 1
            } else if dst == nil && !cardinalityOnly && argEquals(a, "withscores") {
                j += 1; remaining -= 1
                withScores = true
            } else if cardinalityOnly && remaining >= 2 && argEquals(a, "limit") {
                j += 1; remaining -= 1
                guard let l = parseStrictInt64(argv[j]), l >= 0 else {
                    client.replyError("ERR LIMIT can't be negative")
                    return
                }
                limit = Int(l)
                j += 1; remaining -= 1
            } else {
                client.replyError(ZsetReplies.syntax)
                return
            }
        }

        if op != .diff {
            // qsort by cardinality; glibc's is a stable merge sort.
            src = src.enumerated().sorted { a, b in
                a.element.count != b.element.count ? a.element.count < b.element.count : a.offset < b.offset
            }.map { $0.element }
        }

        var results: [(member: [UInt8], score: Double)] = []
        var cardinality = 0
        switch op {
        case .inter:
            guard src[0].count > 0 else { break }
            let first = src[0]
            var stop = false
            first.forEach { m, s in
                if stop { return }
                var score = first.weight * s
                if score.isNaN { score = 0 }
                var member: [UInt8]? = nil
                var k = 1
                while k < src.count {
                    let other = src[k]
                    if other.isSame(first) {
                        aggregate(&score, s * other.weight, how)
                    } else {
                        if member == nil { member = Array(m) }
                        guard let v = other.score(of: member!) else { break }
                        aggregate(&score, v * other.weight, how)
                    }
                    k += 1
                }
                guard k == src.count else { return }
                if cardinalityOnly {
                    cardinality += 1
                    if limit > 0 && cardinality >= limit { stop = true }
                } else {
                    results.append((member ?? Array(m), score))
                }
            }
        case .union:
            var index: [Key: Int] = [:]
            for source in src where source.count > 0 {
                source.forEach { m, s in
                    var score = source.weight * s
                    if score.isNaN { score = 0 }
                    let key = Key(m)
                    if let i = index[key] {
                        aggregate(&results[i].score, score, how)
                    } else {
                        index[key] = results.count
                        results.append((key.bytes, score))
                    }
                }
            }
        case .diff:
            guard src[0].count > 0 else { break }
            // zsetChooseDiffAlgorithm: a key named again as a later input empties the result.
            if src.dropFirst().contains(where: { $0.isSame(src[0]) }) { break }
            src[0].forEach { m, s in
                let member = Array(m)
                for other in src.dropFirst() where other.score(of: member) != nil { return }
                results.append((member, s))
            }
        }

        if cardinalityOnly {
            client.out.integer(cardinality)
            return
        }
        results.sort { a, b in
            if a.score != b.score { return a.score < b.score }
            return a.member.withUnsafeBytes { x in b.member.withUnsafeBytes { y in compareMembers(x, y) < 0 } }
        }
        if let dst {
            if results.isEmpty {
                client.out.integer(0)
                if db.delete(dst) {
                    server.notifyKeyspaceEvent(Notify.generic, "del", dst, db: db.id)
                    server.dirty += 1
                }
            } else {
                db.setKey(dst, .zset(SortedSetValue(sorted: results, limits: limits(server))))
                client.out.integer(results.count)
                let event: StaticString = switch op {
                case .union: "zunionstore"
                case .inter: "zinterstore"
                case .diff: "zdiffstore"
                }
                server.notifyKeyspaceEvent(Notify.zset, event, dst, db: db.id)
                server.dirty += 1
            }
            return
        }
        let pairs = withScores && client.proto > 2
        client.out.arrayHeader(withScores && client.proto == 2 ? results.count * 2 : results.count)
        for r in results {
            if pairs { client.out.arrayHeader(2) }
            client.out.bulk(r.member)
            if withScores { client.out.double(r.score) }
        }
    }
}
