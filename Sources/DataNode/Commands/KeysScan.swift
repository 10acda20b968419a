import Keyspace
import Protocol

/// KEYS and SCAN. SCAN's cursor is DenseDict's: 1 + the next slot to visit,
/// walking slots from high to low, so keys present for the whole iteration
/// are returned at least once even while the keyspace changes.
extension KeyCommands {
    /// KEYS hides logically expired keys without deleting them (Redis 7.0's keyIsExpired).
    static func keys(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        let pattern = argv[1]
        let all = pattern.count == 1 && pattern[0] == UInt8(ascii: "*")
        var found: [Key] = []
        for key in db.dict.keys {
            if !all && !key.matches(glob: pattern) { continue }
            if db.isLogicallyExpired(key) { continue }
            found.append(key)
        }
        client.out.arrayHeader(found.count)
        for (i, k) in found.enumerated() {
            client.out.bulk(k)
            // A reply over the client's output limit stops here: it is closing.
            if i % 1000 == 999 && server.replyLimitReached(client) { return }
        }
    }

    /// SCAN cursor [MATCH pattern] [COUNT n] [TYPE name]. The cursor is
    /// validated first, then the options from left to right (the last of each wins).
    static func scan(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let cursor = parseScanCursor(argv[1]) else {
            client.replyError("ERR invalid cursor")
            return
        }
        var count = 10
        var pattern: [UInt8]? = nil
        var typeName: [UInt8]? = nil
        var i = 2
        while i < argv.count {
            let remaining = argv.count - i
            if argEquals(argv[i], "count") && remaining >= 2 {
                guard let n = parseStrictInt64(argv[i + 1]) else {
                    client.replyError("ERR value is not an integer or out of range")
                    return
                }
                guard n >= 1 else {
                    client.replyError("ERR syntax error")
                    return
                }
                count = Int(n)
                i += 2
            } else if argEquals(argv[i], "match") && remaining >= 2 {
                let p = argv[i + 1]
                pattern = (p.count == 1 && p[0] == UInt8(ascii: "*")) ? nil : p
                i += 2
            } else if argEquals(argv[i], "type") && remaining >= 2 {
                typeName = argv[i + 1]
                i += 2
            } else {
                client.replyError("ERR syntax error")
                return
            }
        }

        let db = client.db
        var batch: [Key] = []
        batch.reserveCapacity(min(count, db.count))
        let next = db.dict.scan(cursor: CollectionScan.startIndex(cursor), count: count) { key, _ in batch.append(key) }

        // Filter after collecting: the expiry filter deletes, which moves slots.
        var found: [Key] = []
        found.reserveCapacity(batch.count)
        for key in batch {
            if let p = pattern, !key.matches(glob: p) { continue }
            if let t = typeName {
                // Redis looks the key up for its type (counting a hit or a miss),
                // so an expired key is reaped here and reads as "none".
                let name = db.lookupRead(key, touch: false)?.typeName ?? "none"
                if !asciiCaseEquals(t, name) { continue }
            }
            if db.expireIfNeeded(key) { continue }
            found.append(key)
        }
        CollectionScan.replyHeader(client, cursor: next, count: found.count)
        for k in found { client.out.bulk(k) }
    }

    /// Redis's parseScanCursorOrReply: strtoul in base 10, so a sign is allowed
    /// (a negative cursor wraps), the empty string is 0, and leading
    /// whitespace, trailing junk or a value beyond 2^64-1 are invalid.
    static func parseScanCursor(_ arg: [UInt8]) -> UInt64? {
        // The C string ends at the first NUL.
        let s = arg.prefix { $0 != 0 }
        guard let first = s.first else { return 0 }
        if first == 32 || (first >= 9 && first <= 13) { return nil }
        var i = s.startIndex
        var negative = false
        if first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            i += 1
        }
        guard i < s.endIndex else { return nil }
        var v: UInt64 = 0
        while i < s.endIndex {
            let c = s[i]
            guard c >= 48 && c <= 57 else { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(c - 48))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        return negative ? 0 &- v : v
    }

    /// strcasecmp of an argument with an ASCII name.
    static func asciiCaseEquals(_ a: [UInt8], _ b: String) -> Bool {
        let bb = Array(b.utf8)
        guard a.count == bb.count else { return false }
        for (x, y) in zip(a, bb) {
            let lx = x >= 65 && x <= 90 ? x + 32 : x
            let ly = y >= 65 && y <= 90 ? y + 32 : y
            if lx != ly { return false }
        }
        return true
    }
}
