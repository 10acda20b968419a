import Keyspace
import Protocol

/// SINTER, SINTERCARD, SINTERSTORE, SUNION, SUNIONSTORE, SDIFF, SDIFFSTORE,
/// following Redis 7.0's sinterGenericCommand and sunionDiffGenericCommand:
/// the same iteration order (smallest set first for intersections), the
/// same choice between the two diff algorithms, and results built as Redis
/// builds them (an intset first, converting as members require), so a stored
/// result has Redis's encoding and an all-integer result comes out sorted.
extension SetCommands {
    static func sinter(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        intersect(server, client, argv[1...], into: nil, cardinalityOnly: false, limit: 0)
    }

    static func sinterstore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        intersect(server, client, argv[2...], into: Key(argv[1]), cardinalityOnly: false, limit: 0)
    }

    /// SINTERCARD numkeys key [key ...] [LIMIT limit]
    static func sintercard(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let numkeys = parseStrictInt64(argv[1]), numkeys >= 1 else {
            client.replyError("ERR numkeys should be greater than 0")
            return
        }
        if numkeys > Int64(argv.count - 2) {
            client.replyError("ERR Number of keys can't be greater than number of args")
            return
        }
        let n = Int(numkeys)
        var limit = 0
        var j = 2 + n
        while j < argv.count {
            if argEquals(argv[j], "limit") && j + 1 < argv.count {
                j += 1
                guard let l = parseStrictInt64(argv[j]), l >= 0 else {
                    client.replyError("ERR LIMIT can't be negative")
                    return
                }
                limit = Int(l)
            } else {
                client.replyError("ERR syntax error")
                return
            }
            j += 1
        }
        intersect(server, client, argv[2..<(2 + n)], into: nil, cardinalityOnly: true, limit: limit)
    }

    static func sunion(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        unionOrDiff(server, client, argv[1...], into: nil, diff: false)
    }

    static func sunionstore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        unionOrDiff(server, client, argv[2...], into: Key(argv[1]), diff: false)
    }

    static func sdiff(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        unionOrDiff(server, client, argv[1...], into: nil, diff: true)
    }

    static func sdiffstore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        unionOrDiff(server, client, argv[2...], into: Key(argv[1]), diff: true)
    }

    // MARK: lookups

    /// Every source set (nil for a missing key), or nil after replying WRONGTYPE.
    private static func sources(_ client: Client, _ keys: ArraySlice<[UInt8]>) -> [SetValue?]? {
        var sets: [SetValue?] = []
        sets.reserveCapacity(keys.count)
        for k in keys {
            switch lookupRead(client, k) {
            case .missing: sets.append(nil)
            case .wrongType:
                client.replyError(wrongType)
                return nil
            case .set(let s): sets.append(s)
            }
        }
        return sets
    }

    /// A stable sort (glibc's qsort merges, so Redis keeps equal sizes in key order).
    private static func stableSorted<T>(_ sets: [T], by less: (T, T) -> Bool) -> [T] {
        var out = sets
        if out.count < 2 { return out }
        for i in 1..<out.count {
            let x = out[i]
            var j = i - 1
            while j >= 0 && less(x, out[j]) {
                out[j + 1] = out[j]
                j -= 1
            }
            out[j + 1] = x
        }
        return out
    }

    // MARK: intersection

    private static func intersect(_ server: Server, _ client: Client, _ keys: ArraySlice<[UInt8]>, into dst: Key?,
                                  cardinalityOnly: Bool, limit: Int) {
        guard let found = sources(client, keys) else { return }
        let db = client.db
        if found.contains(where: { $0 == nil }) {
            // An empty set makes an empty intersection.
            if let dst {
                if db.delete(dst) {
                    server.notifyKeyspaceEvent(Notify.generic, "del", dst, db: db.id)
                    server.dirty += 1
                }
                client.out.integer(0)
            } else if cardinalityOnly {
                client.out.integer(0)
            } else {
                client.out.setHeader(0)
            }
            return
        }
        let sets = stableSorted(found.map { $0! }) { $0.count < $1.count }
        let first = sets[0]
        var cardinality = 0
        var result: [SetMember] = []
        let dstSet: SetValue? = dst == nil ? nil : SetValue()
        let maxIntset = server.config.setMaxIntsetEntries
        first.visitMembers({ m in
            for j in 1..<sets.count where sets[j] !== first {
                if !sets[j].contains(m) { return true }
            }
            if cardinalityOnly {
                cardinality += 1
                // SINTERCARD stops searching at its LIMIT.
                if limit > 0 && cardinality >= limit { return false }
            } else if let d = dstSet {
                d.add(m, maxIntsetEntries: maxIntset)
            } else {
                result.append(m)
            }
            return true
        })
        if cardinalityOnly {
            client.out.integer(cardinality)
        } else if let dst, let d = dstSet {
            store(server, client, d, at: dst, event: "sinterstore")
        } else {
            client.out.setHeader(result.count)
            for m in result { bulk(client, m) }
        }
    }

    /// Stores a computed set (Redis's setKey, dropping any TTL), or deletes
    /// the destination when the result is empty.
    private static func store(_ server: Server, _ client: Client, _ set: SetValue, at dst: Key, event: StaticString) {
        let db = client.db
        if set.count > 0 {
            // setKey's own write lookup expires a stale destination first.
            if !db.expires.isEmpty { db.expireIfNeeded(dst, forceDelete: true) }
            db.setKey(dst, .set(set))
            client.out.integer(set.count)
            server.notifyKeyspaceEvent(Notify.set, event, dst, db: db.id)
            server.dirty += 1
        } else {
            client.out.integer(0)
            if db.delete(dst) {
                server.notifyKeyspaceEvent(Notify.generic, "del", dst, db: db.id)
                server.dirty += 1
            }
        }
    }

    // MARK: union and difference

    private static func unionOrDiff(_ server: Server, _ client: Client, _ keys: ArraySlice<[UInt8]>, into dst: Key?,
                                    diff: Bool) {
        guard var sets = sources(client, keys) else { return }
        let maxIntset = server.config.setMaxIntsetEntries
        let sameSet = sets[0].map { s0 in sets.dropFirst().contains { $0 === s0 } } ?? false
        var algorithm = 1
        if diff, let s0 = sets[0], !sameSet {
            var one = 0, two = 0
            for s in sets {
                guard let s else { continue }
                one += s0.count
                two += s.count
            }
            // Algorithm 1 stops early on shared members: give it an advantage.
            one /= 2
            algorithm = one <= two ? 1 : 2
            if algorithm == 1 && sets.count > 1 {
                // Biggest first: members are likelier to be found early.
                let rest = stableSorted(Array(sets[1...])) { ($0?.count ?? 0) > ($1?.count ?? 0) }
                sets = [s0] + rest
            }
        }
        let result = SetValue()
        if !diff {
            for s in sets {
                s?.forEach { result.add($0, maxIntsetEntries: maxIntset) }
            }
        } else if sameSet {
            // Subtracting the first set from itself: empty.
        } else if let s0 = sets[0], algorithm == 1 {
            s0.forEach { m in
                for j in 1..<sets.count {
                    guard let s = sets[j] else { continue }
                    if s === s0 || s.contains(m) { return }
                }
                result.add(m, maxIntsetEntries: maxIntset)
            }
        } else if sets[0] != nil {
            for (j, s) in sets.enumerated() {
                guard let s else { continue }
                s.forEach { m in
                    if j == 0 { result.add(m, maxIntsetEntries: maxIntset) } else { result.remove(m) }
                }
                if result.isEmpty { break }
            }
        }
        if let dst {
            store(server, client, result, at: dst, event: diff ? "sdiffstore" : "sunionstore")
        } else {
            replyMembers(client, result)
        }
    }
}
