import Keyspace
import Protocol

/// HRANDFIELD key [count [WITHVALUES]], with Redis 7.0's count rules: a
/// negative count may repeat fields, a positive one returns distinct fields
/// (the whole hash, in its order, when the count reaches its size), and the
/// count is checked before the key.
extension HashCommands {
    static func hrandfield(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        if argv.count >= 3 {
            guard let l = RandomPicks.parseCount(client, argv[2]) else { return }
            var withValues = false
            if argv.count > 4 || (argv.count == 4 && !argEquals(argv[3], "withvalues")) {
                client.replyError("ERR syntax error")
                return
            } else if argv.count == 4 {
                withValues = true
                // Twice the count must fit (field and value per pick).
                if l < -Int64.max / 2 || l > Int64.max / 2 {
                    client.replyError("ERR value is out of range")
                    return
                }
            }
            randomFields(server, client, argv[1], l, withValues)
            return
        }
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.nullBulk()
        case .wrongType: client.replyError(wrongType)
        case .hash(let h):
            let i = Int.random(in: 0..<h.count, using: &server.rng)
            h.withPair(at: i) { f, _ in client.out.bulk(f) }
        }
    }

    private static func randomFields(_ server: Server, _ client: Client, _ key: [UInt8], _ l: Int64, _ withValues: Bool) {
        let h: HashValue
        switch lookupRead(client, key) {
        case .missing:
            client.out.arrayHeader(0)
            return
        case .wrongType:
            client.replyError(wrongType)
            return
        case .hash(let found): h = found
        }
        let unique = l >= 0
        let count = Int(l.magnitude)
        if count == 0 {
            client.out.arrayHeader(0)
            return
        }
        let resp3Pairs = withValues && client.proto >= 3
        func header(_ n: Int) { client.out.arrayHeader(withValues && !resp3Pairs ? n * 2 : n) }
        func emit(_ f: UnsafeRawBufferPointer, _ v: UnsafeRawBufferPointer) {
            if resp3Pairs { client.out.arrayHeader(2) }
            client.out.bulk(f)
            if withValues { client.out.bulk(v) }
        }
        let size = h.count

        // Picks with repetition: each one independent. A huge count stops
        // once the reply puts the client over its output limit.
        if !unique || count == 1 {
            header(count)
            RandomPicks.inBatches(count, server, client) { h.randomPairs($0, using: &server.rng, emit) }
            return
        }
        // The whole hash, in storage order.
        if count >= size {
            header(size)
            h.forEach(emit)
            return
        }
        // Distinct picks: a listpack answers in its own order (lpRandomPairsUnique).
        var positions = RandomPicks.distinctPositions(count, of: size, using: &server.rng)
        header(count)
        if h.isListpack {
            positions.sort()
            h.forEachPair(atSorted: positions, emit)
        } else {
            for i in positions { h.withPair(at: i, emit) }
        }
    }
}

/// Random choices shared by HRANDFIELD, SRANDMEMBER and SPOP.
enum RandomPicks {
    /// Picks with repetition made `batch` at a time, stopping when the
    /// client's output limit closes it (the count is the caller's, unbounded).
    static func inBatches(_ count: Int, _ server: Server, _ client: Client, batch: Int = 1000, _ pick: (Int) -> Void) {
        var left = count
        while left > 0 {
            let n = min(left, batch)
            pick(n)
            left -= n
            if server.replyLimitReached(client) { return }
        }
    }

    /// SRANDMEMBER_SUB_STRATEGY_MUL: a set at most this many times the count
    /// is sampled by subtraction (CASE 3), a bigger one by picking (CASE 4).
    static let subStrategyMul = 3

    /// HRANDFIELD's and SRANDMEMBER's count: an integer whose magnitude fits
    /// (Int64.min has none); nil after replying the error.
    static func parseCount(_ client: Client, _ arg: [UInt8]) -> Int64? {
        guard let l = parseStrictInt64(arg) else {
            client.replyError("ERR value is not an integer or out of range")
            return nil
        }
        if l == Int64.min {
            client.replyError("ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807")
            return nil
        }
        return l
    }

    /// `count` distinct positions in 0..<size (count < size), in random order.
    static func distinctPositions<G: RandomNumberGenerator>(_ count: Int, of size: Int, using g: inout G) -> [Int] {
        if count * 3 > size {
            // Near the size: shuffle the first `count` slots of all positions.
            var all = Array(0..<size)
            for i in 0..<count {
                all.swapAt(i, Int.random(in: i..<size, using: &g))
            }
            return Array(all[0..<count])
        }
        var seen = Set<Int>(minimumCapacity: count)
        var out: [Int] = []
        out.reserveCapacity(count)
        while out.count < count {
            let i = Int.random(in: 0..<size, using: &g)
            if seen.insert(i).inserted { out.append(i) }
        }
        return out
    }
}
