import Protocol

/// HSCAN, and the option parsing it shares with SSCAN (Redis's scanGenericCommand).
extension HashCommands {
    /// HSCAN key cursor [MATCH pattern] [COUNT count]. A listpack hash is
    /// returned whole with cursor 0, as Redis does; a hashtable walks
    /// DenseDict's cursor (see DenseDict.scan for the guarantee).
    static func hscan(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let cursor = KeyCommands.parseScanCursor(argv[2]) else {
            client.replyError("ERR invalid cursor")
            return
        }
        let h: HashValue
        switch lookupRead(client, argv[1]) {
        case .missing:
            CollectionScan.replyEmpty(client)
            return
        case .wrongType:
            client.replyError(wrongType)
            return
        case .hash(let found): h = found
        }
        guard let options = CollectionScan.parseOptions(client, argv, from: 3) else { return }
        var items: [[UInt8]] = []
        var next = 0
        if let t = h.table {
            next = t.dict.scan(cursor: CollectionScan.startIndex(cursor), count: options.count) { k, v in
                if options.matches(k.bytes) {
                    items.append(k.bytes)
                    items.append(v)
                }
            }
        } else {
            h.forEach { f, v in
                let field = Array(f)
                if options.matches(field) {
                    items.append(field)
                    items.append(Array(v))
                }
            }
        }
        CollectionScan.reply(client, cursor: next, items)
    }
}

/// Options and reply of HSCAN and SSCAN.
struct CollectionScan {
    var count = 10
    var pattern: [UInt8]? = nil

    @inline(__always)
    func matches(_ bytes: [UInt8]) -> Bool {
        guard let p = pattern else { return true }
        return stringMatch(pattern: p, string: bytes, nocase: false)
    }

    /// COUNT and MATCH from left to right, the last of each winning; TYPE is
    /// only SCAN's, so it is a syntax error here.
    static func parseOptions(_ client: Client, _ argv: [[UInt8]], from start: Int) -> CollectionScan? {
        var o = CollectionScan()
        var i = start
        while i < argv.count {
            let more = argv.count - i >= 2
            if more && argEquals(argv[i], "count") {
                guard let n = parseStrictInt64(argv[i + 1]) else {
                    client.replyError("ERR value is not an integer or out of range")
                    return nil
                }
                guard n >= 1 else {
                    client.replyError("ERR syntax error")
                    return nil
                }
                o.count = Int(n)
                i += 2
            } else if more && argEquals(argv[i], "match") {
                let p = argv[i + 1]
                o.pattern = (p.count == 1 && p[0] == UInt8(ascii: "*")) ? nil : p
                i += 2
            } else {
                client.replyError("ERR syntax error")
                return nil
            }
        }
        return o
    }

    /// The DenseDict position a client cursor stands for (huge cursors clamp).
    static func startIndex(_ cursor: UInt64) -> Int {
        cursor > UInt64(Int.max) ? Int.max : Int(cursor)
    }

    static func reply(_ client: Client, cursor: Int, _ items: [[UInt8]]) {
        client.out.arrayHeader(2)
        var digits: [UInt8] = []
        appendDecimal(Int64(cursor), to: &digits)
        client.out.bulk(digits)
        client.out.arrayHeader(items.count)
        for b in items { client.out.bulk(b) }
    }

    /// Redis's shared.emptyscan: cursor 0, no elements.
    static func replyEmpty(_ client: Client) {
        reply(client, cursor: 0, [])
    }
}
