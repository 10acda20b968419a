import Keyspace
import Protocol
import ServerKit

/// XREAD and XREADGROUP, served at once or blocked (t_stream.c xreadCommand,
/// blocked.c serveClientsBlockedOnStreamKey).
extension StreamCommands {
    /// What one call asks for, kept while the client is blocked.
    struct ReadRequest {
        var count = 0
        var noAck = false
        var group: [UInt8]? = nil
        var consumer: [UInt8] = []
        var keys: [[UInt8]] = []
        /// Serve entries above these; max-max is `>` (the group's last ID).
        var ids: [StreamID] = []
    }

    static func xread(_ server: Server, _ c: Client, _ argv: [[UInt8]]) { read(server, c, argv, xreadgroup: false) }
    static func xreadgroup(_ server: Server, _ c: Client, _ argv: [[UInt8]]) { read(server, c, argv, xreadgroup: true) }

    static func read(_ server: Server, _ c: Client, _ argv: [[UInt8]], xreadgroup: Bool) {
        if xreadgroup && server.feed.isActive { server.feed.preventCommandPropagation() }
        var r = ReadRequest()
        var timeout: Int64 = -1
        var streamsArg = 0
        var i = 1
        while i < argv.count {
            let more = argv.count - i - 1
            let o = argv[i]
            if argEquals(o, "block") && more > 0 {
                // Refused outright from scripts, as 7.0 keeps it for Lua (not just answered as a timeout).
                if c.flags.contains(.denyBlocking) {
                    c.replyError("ERR \(String(decoding: argv[0], as: UTF8.self)) command is not allowed with BLOCK option from scripts")
                    return
                }
                i += 1
                guard let t = blockTimeoutOrReply(server, c, argv[i]) else { return }
                timeout = t
            } else if argEquals(o, "count") && more > 0 {
                i += 1
                guard let n = longLongOrReply(c, argv[i]) else { return }
                r.count = n < 0 ? 0 : Int(clamping: n)
            } else if argEquals(o, "streams") && more > 0 {
                streamsArg = i + 1
                if (argv.count - streamsArg) % 2 != 0 {
                    // XREADGROUP gets XREAD's text too (7.0.15).
                    c.replyError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
                    return
                }
                break
            } else if argEquals(o, "group") && more >= 2 {
                if !xreadgroup {
                    c.replyError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
                    return
                }
                r.group = argv[i + 1]
                r.consumer = argv[i + 2]
                i += 2
            } else if argEquals(o, "noack") {
                if !xreadgroup {
                    c.replyError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
                    return
                }
                r.noAck = true
            } else {
                c.replyError(StreamReplies.syntax)
                return
            }
            i += 1
        }
        if streamsArg == 0 {
            c.replyError(StreamReplies.syntax)
            return
        }
        if xreadgroup && r.group == nil {
            c.replyError("ERR Missing GROUP option for XREADGROUP")
            return
        }
        let n = (argv.count - streamsArg) / 2
        r.keys = Array(argv[streamsArg..<(streamsArg + n)])
        for j in 0..<n {
            let key = r.keys[j]
            let arg = argv[streamsArg + n + j]
            var stream: StreamValue? = nil
            switch lookupRead(c, key) {
            case .wrongType:
                c.replyError(StreamReplies.wrongType)
                return
            case .found(let s): stream = s
            case .missing: break
            }
            if let g = r.group, stream?.group(g) == nil {
                c.replyError(bytes: errorText("NOGROUP No such key '", cString(key), "' or consumer group '", cString(g),
                                              "' in XREADGROUP with GROUP option"))
                return
            }
            if cStringEquals(arg, "$") {
                if xreadgroup {
                    c.replyError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
                    return
                }
                r.ids.append(stream?.lastID ?? .zero)
            } else if cStringEquals(arg, ">") {
                if !xreadgroup {
                    c.replyError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
                    return
                }
                r.ids.append(.max)
            } else {
                guard let id = idOrReply(c, arg) else { return }
                r.ids.append(id)
            }
        }

        // Serve what can be served now, in argument order.
        let mark = c.out.bytes.count
        var served = 0
        for j in 0..<n {
            guard case .found(let s) = lookupRead(c, r.keys[j]) else { continue }
            var gt = r.ids[j]
            var history = false
            let group = r.group.flatMap { s.group($0) }
            var now = false
            if let g = group {
                if gt != .max {
                    now = true
                    history = true
                } else if s.length > 0, let top = s.edgeID(first: false), top > g.lastID {
                    now = true
                    gt = g.lastID
                }
            } else if s.length > 0, let top = s.edgeID(first: false), top > gt {
                now = true
            }
            guard now else { continue }
            served += 1
            if c.out.proto == 2 { c.out.arrayHeader(2) }
            c.out.bulk(r.keys[j])
            serveKey(server, c, s, key: r.keys[j], group: group, after: gt, history: history, request: r)
        }
        if served > 0 {
            var header = RESPWriter(proto: c.out.proto, capacity: 16)
            if c.out.proto == 2 { header.arrayHeader(served) } else { header.mapHeader(served) }
            c.out.bytes.insert(contentsOf: header.bytes, at: mark)
            return
        }
        if timeout == -1 {
            c.out.nullArray()
            return
        }
        guard server.clientMayBlock(c) else {
            c.out.nullArray()
            return
        }
        var blocked = r
        if blocked.count == 0 { blocked.count = 1000 }
        server.blockClient(c, argv, on: r.keys.map { Key($0) }, kind: .stream, deadlineMs: timeout) { server, c, key in
            serveBlocked(server, c, key, blocked)
        }
    }

    /// getTimeoutFromObjectOrReply in milliseconds: 0 = forever, else the deadline.
    static func blockTimeoutOrReply(_ server: Server, _ c: Client, _ arg: [UInt8]) -> Int64? {
        guard let ms = longLongOrReply(c, arg, error: "ERR timeout is not an integer or out of range") else { return nil }
        if ms < 0 {
            c.replyError("ERR timeout is negative")
            return nil
        }
        if ms == 0 { return 0 }
        let deadline = server.keyspace.nowMs &+ ms
        return deadline < 0 ? 0 : deadline
    }

    /// One key's entries after `after` (streamReplyWithRange with a group and
    /// consumer, or the consumer's own PEL for a history read).
    static func serveKey(_ server: Server, _ c: Client, _ s: StreamValue, key: [UInt8], group: StreamGroup?,
                         after: StreamID, history: Bool, request r: ReadRequest) {
        guard let start = after.incremented() else {
            c.out.arrayHeader(0)
            return
        }
        guard let g = group else {
            replyRange(c, s, start, .max, count: r.count, reverse: false)
            return
        }
        let now = nowMs(server)
        var consumer: StreamConsumer
        if let existing = g.consumer(r.consumer) {
            existing.seenTime = now
            consumer = existing
        } else {
            consumer = g.createConsumer(r.consumer, now: now)!
            server.notifyKeyspaceEvent(Notify.stream, "xgroup-createconsumer", key, db: c.db.id)
            server.dirty += 1
            if r.noAck && server.feed.isActive {
                server.feed.alsoPropagate(db: c.dbIndex, [xgroupWord, createConsumerWord, key, g.name, r.consumer])
            }
        }
        server.dirty += 1
        if history {
            var rows: [(StreamID, [[UInt8]]?)] = []
            var i = consumer.pel.lowerBound(start)
            while i < consumer.pel.ids.endIndex && (r.count == 0 || rows.count < r.count) {
                let id = consumer.pel.ids[i]
                i += 1
                let pairs = s.entry(id)
                if pairs != nil, let nack = consumer.pel[id] {
                    nack.deliveryTime = now
                    nack.deliveryCount &+= 1
                }
                rows.append((id, pairs))
            }
            c.out.arrayHeader(rows.count)
            for (id, pairs) in rows {
                if let p = pairs {
                    replyEntry(c, id, p)
                } else {
                    c.out.arrayHeader(2)
                    bulkID(c, id)
                    c.out.nullArray()
                }
            }
            return
        }
        let mark = c.out.bytes.count
        var n = 0
        var advanced = false
        s.forEachEntry(from: start, to: .max) { node, h in
            let id = h.id
            replyEntry(c, node, h)
            n += 1
            if id > g.lastID {
                s.advance(g, to: id)
                advanced = true
            }
            if !r.noAck {
                let nack = g.assign(id, to: consumer, time: now, count: 1)
                propagateClaim(server, c, key: key, group: g, id: id.bytes, consumer: consumer.name,
                               time: nack.deliveryTime, count: nack.deliveryCount)
            }
            return r.count == 0 || n < r.count
        }
        // Without NOACK the XCLAIMs carry the new last ID themselves.
        if advanced && r.noAck { propagateGroupID(server, c, key: key, group: g) }
        insertArrayHeader(c, n, at: mark)
    }

    /// A blocked XREAD/XREADGROUP when `key` was signalled: the new entries,
    /// NOGROUP when the group went away, UNBLOCKED for XREADGROUP when the key
    /// is gone or no longer a stream; false (keep waiting) otherwise.
    static func serveBlocked(_ server: Server, _ c: Client, _ key: Key, _ r: ReadRequest) -> Bool {
        guard case .stream(let s)? = c.db.lookupNoStats(key) else {
            guard r.group != nil else { return false }
            c.replyError("UNBLOCKED the stream key no longer exists")
            return true
        }
        guard let j = r.keys.firstIndex(of: key.bytes) else { return false }
        var gt = r.ids[j]
        var group: StreamGroup? = nil
        if let name = r.group {
            guard let g = s.group(name) else {
                c.replyError("NOGROUP the consumer group this client was blocked on no longer exists")
                return true
            }
            group = g
            gt = g.lastID
        }
        guard s.lastID > gt else { return false }
        if server.feed.isActive { server.feed.preventCommandPropagation() }
        if c.out.proto == 2 {
            c.out.arrayHeader(1)
            c.out.arrayHeader(2)
        } else {
            c.out.mapHeader(1)
        }
        c.out.bulk(key.bytes)
        serveKey(server, c, s, key: key.bytes, group: group, after: gt, history: false, request: r)
        return true
    }
}
