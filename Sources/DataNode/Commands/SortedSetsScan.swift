import Protocol

/// ZSCAN key cursor [MATCH pattern] [COUNT count]: the cursor is checked
/// first, then the key, then the options (Redis's zscanCommand and
/// scanGenericCommand). A listpack comes back whole with cursor 0.
extension SortedSetCommands {
    static func zscan(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let cursor = KeyCommands.parseScanCursor(argv[2]) else {
            client.replyError("ERR invalid cursor")
            return
        }
        let z: SortedSetValue
        switch lookupRead(client.db, Key(argv[1])) {
        case .missing:
            client.out.arrayHeader(2)
            client.out.bulk("0")
            client.out.arrayHeader(0)
            return
        case .wrongType:
            client.replyError(ZsetReplies.wrongType)
            return
        case .found(let f):
            z = f
        }
        var count = 10
        var pattern: [UInt8]? = nil
        var i = 3
        while i < argv.count {
            let left = argv.count - i
            if argEquals(argv[i], "count") && left >= 2 {
                guard let n = longArgument(client, argv[i + 1]) else { return }
                if n < 1 {
                    client.replyError(ZsetReplies.syntax)
                    return
                }
                count = n
                i += 2
            } else if argEquals(argv[i], "match") && left >= 2 {
                let p = argv[i + 1]
                pattern = (p.count == 1 && p[0] == UInt8(ascii: "*")) ? nil : p
                i += 2
            } else {
                client.replyError(ZsetReplies.syntax)
                return
            }
        }
        var found: [([UInt8], [UInt8])] = []
        let start = cursor > UInt64(Int.max) ? Int.max : Int(cursor)
        let next = z.scan(cursor: start, count: count) { m, s in
            if let p = pattern, !stringMatch(pattern: p, string: m, nocase: false) { return }
            found.append((m, s))
        }
        client.out.arrayHeader(2)
        var cursorBytes: [UInt8] = []
        appendDecimal(Int64(next), to: &cursorBytes)
        client.out.bulk(cursorBytes)
        client.out.arrayHeader(found.count * 2)
        for (m, s) in found {
            client.out.bulk(m)
            client.out.bulk(s)
        }
    }
}
