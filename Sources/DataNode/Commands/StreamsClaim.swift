import Keyspace
import Protocol
import ServerKit

/// XCLAIM and XAUTOCLAIM (t_stream.c), and the XCLAIM / XGROUP SETID forms
/// they and XREADGROUP propagate.
extension StreamCommands {
    static let xclaimWord = Array("XCLAIM".utf8), timeWord = Array("TIME".utf8)
    static let retryWord = Array("RETRYCOUNT".utf8), forceWord = Array("FORCE".utf8)
    static let justidWord = Array("JUSTID".utf8), lastidWord = Array("LASTID".utf8)
    static let xgroupWord = Array("XGROUP".utf8), setidWord = Array("SETID".utf8)
    static let entriesReadWord = Array("ENTRIESREAD".utf8), createConsumerWord = Array("CREATECONSUMER".utf8)

    /// streamPropagateXCLAIM: an idempotent XCLAIM carrying the NACK's state.
    static func propagateClaim(_ server: Server, _ c: Client, key: [UInt8], group: StreamGroup, id: [UInt8],
                               consumer: [UInt8], time: Int64, count: UInt64) {
        guard server.feed.isActive else { return }
        server.feed.alsoPropagate(db: c.dbIndex, [
            xclaimWord, key, group.name, consumer, [UInt8(ascii: "0")], id,
            timeWord, Array(String(time).utf8), retryWord, Array(String(count).utf8),
            forceWord, justidWord, lastidWord, group.lastID.bytes,
        ])
    }

    /// streamPropagateGroupID: `XGROUP SETID key group last-id ENTRIESREAD n`.
    static func propagateGroupID(_ server: Server, _ c: Client, key: [UInt8], group: StreamGroup) {
        guard server.feed.isActive else { return }
        server.feed.alsoPropagate(db: c.dbIndex, [
            xgroupWord, setidWord, key, group.name, group.lastID.bytes, entriesReadWord,
            Array(String(group.entriesRead).utf8),
        ])
    }

    /// `looked` is the key's lookup when the command made it earlier (XAUTOCLAIM).
    static func claimTarget(_ c: Client, _ argv: [[UInt8]], looked: StreamLookup? = nil) -> (StreamValue, StreamGroup)? {
        var found: (StreamValue, StreamGroup)? = nil
        switch looked ?? lookupRead(c, argv[1]) {
        case .wrongType:
            c.replyError(StreamReplies.wrongType)
            return nil
        case .found(let s): if let g = s.group(argv[2]) { found = (s, g) }
        case .missing: break
        }
        if found == nil { nogroup(c, key: argv[1], group: argv[2]) }
        return found
    }

    /// The consumer a claim moves entries to, created (and its seen-time refreshed) on first use.
    static func claimant(_ server: Server, _ c: Client, _ key: [UInt8], _ g: StreamGroup, _ name: [UInt8]) -> StreamConsumer {
        let now = nowMs(server)
        if let existing = g.consumer(name) {
            existing.seenTime = now
            return existing
        }
        server.dirty += 1
        let created = g.createConsumer(name, now: now)!
        server.notifyKeyspaceEvent(Notify.stream, "xgroup-createconsumer", key, db: c.db.id)
        return created
    }

    // MARK: XCLAIM

    static func xclaim(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let (s, g) = claimTarget(c, argv) else { return }
        guard let minIdleArg = longLongOrReply(c, argv[4], error: "ERR Invalid min-idle-time argument for XCLAIM") else { return }
        let minIdle = max(0, minIdleArg)
        var ids: [(StreamID, Int)] = []
        var j = 5
        while j < argv.count, let r = parseID(argv[j], missingSeq: 0, strict: true) {
            ids.append((r.id, j))
            j += 1
        }
        let now = nowMs(server)
        var deliveryTime: Int64 = -1
        var retryCount: Int64 = -1
        var force = false, justID = false
        var lastID = StreamID.zero
        while j < argv.count {
            let more = argv.count - 1 - j
            let opt = argv[j]
            if argEquals(opt, "force") {
                force = true
            } else if argEquals(opt, "justid") {
                justID = true
            } else if argEquals(opt, "idle") && more > 0 {
                j += 1
                guard let n = longLongOrReply(c, argv[j], error: "ERR Invalid IDLE option argument for XCLAIM") else { return }
                deliveryTime = now &- n
            } else if argEquals(opt, "time") && more > 0 {
                j += 1
                guard let n = longLongOrReply(c, argv[j], error: "ERR Invalid TIME option argument for XCLAIM") else { return }
                deliveryTime = n
            } else if argEquals(opt, "retrycount") && more > 0 {
                j += 1
                guard let n = longLongOrReply(c, argv[j], error: "ERR Invalid RETRYCOUNT option argument for XCLAIM") else { return }
                retryCount = n
            } else if argEquals(opt, "lastid") && more > 0 {
                j += 1
                guard let id = idOrReply(c, argv[j]) else { return }
                lastID = id
            } else {
                c.replyError(bytes: errorText("ERR Unrecognized XCLAIM option '", cString(opt), "'"))
                return
            }
            j += 1
        }
        var propagateLastID = false
        if lastID > g.lastID {
            g.lastID = lastID
            propagateLastID = true
        }
        if deliveryTime != -1 {
            if deliveryTime < 0 || deliveryTime > now { deliveryTime = now }
        } else {
            deliveryTime = now
        }
        if server.feed.isActive { server.feed.preventCommandPropagation() }
        var consumer: StreamConsumer? = nil
        var replies: [(StreamID, [[UInt8]]?)] = []
        for (id, argIndex) in ids {
            let existing = g.pel[id]
            guard let pairs = s.entry(id) else {
                // 7.0: a pending entry that was deleted leaves the PEL.
                if let nack = existing {
                    propagateClaim(server, c, key: argv[1], group: g, id: argv[argIndex], consumer: nack.consumer.name,
                                   time: nack.deliveryTime, count: nack.deliveryCount)
                    propagateLastID = false
                    server.dirty += 1
                    g.acknowledge(id)
                }
                continue
            }
            if existing == nil && !force { continue }
            if let nack = existing, minIdle > 0, now &- nack.deliveryTime < minIdle { continue }
            let owner = consumer ?? claimant(server, c, argv[1], g, argv[3])
            consumer = owner
            var count: UInt64 = existing?.deliveryCount ?? 1
            if retryCount >= 0 {
                count = UInt64(retryCount)
            } else if !justID {
                count &+= 1
            }
            g.assign(id, to: owner, time: deliveryTime, count: count)
            replies.append((id, justID ? nil : pairs))
            propagateClaim(server, c, key: argv[1], group: g, id: argv[argIndex], consumer: owner.name,
                           time: deliveryTime, count: count)
            propagateLastID = false
            server.dirty += 1
        }
        if propagateLastID {
            propagateGroupID(server, c, key: argv[1], group: g)
            server.dirty += 1
        }
        c.out.arrayHeader(replies.count)
        for (id, pairs) in replies {
            if let p = pairs { replyEntry(c, id, p) } else { bulkID(c, id) }
        }
    }

    // MARK: XAUTOCLAIM

    static func xautoclaim(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        // Redis looks the key up before reading the arguments: a miss (keymiss
        // event) or a lazy expiry happens even when an argument is bad.
        let looked = lookupRead(c, argv[1])
        guard let minIdleArg = longLongOrReply(c, argv[4], error: "ERR Invalid min-idle-time argument for XAUTOCLAIM") else { return }
        let minIdle = max(0, minIdleArg)
        guard let start = rangeStartOrReply(c, argv[5]) else { return }
        var count = 100
        var justID = false
        var j = 6
        while j < argv.count {
            let more = argv.count - 1 - j
            if argEquals(argv[j], "count") && more > 0 {
                guard let n = parseStrictInt64(argv[j + 1]), n >= 1, n <= Int64.max / 16 else {
                    c.replyError("ERR COUNT must be > 0")
                    return
                }
                count = Int(n)
                j += 1
            } else if argEquals(argv[j], "justid") {
                justID = true
            } else {
                c.replyError(StreamReplies.syntax)
                return
            }
            j += 1
        }
        guard let (s, g) = claimTarget(c, argv, looked: looked) else { return }
        if server.feed.isActive { server.feed.preventCommandPropagation() }
        var attempts = count * 10
        let now = nowMs(server)
        var consumer: StreamConsumer? = nil
        var claimed: [(StreamID, [[UInt8]]?)] = []
        var deleted: [StreamID] = []
        var i = g.pel.lowerBound(start)
        while attempts > 0 && count > 0 && i < g.pel.ids.endIndex {
            attempts -= 1
            let id = g.pel.ids[i]
            let nack = g.pel[id]!
            guard let pairs = s.entry(id) else {
                propagateClaim(server, c, key: argv[1], group: g, id: id.bytes, consumer: nack.consumer.name,
                               time: nack.deliveryTime, count: nack.deliveryCount)
                server.dirty += 1
                g.acknowledge(id)
                deleted.append(id)
                count -= 1
                i = g.pel.lowerBound(id)
                continue
            }
            i += 1
            if minIdle > 0 && now &- nack.deliveryTime < minIdle { continue }
            let owner = consumer ?? claimant(server, c, argv[1], g, argv[3])
            consumer = owner
            let n = justID ? nack.deliveryCount : nack.deliveryCount &+ 1
            g.assign(id, to: owner, time: now, count: n)
            claimed.append((id, justID ? nil : pairs))
            count -= 1
            propagateClaim(server, c, key: argv[1], group: g, id: id.bytes, consumer: owner.name, time: now, count: n)
            server.dirty += 1
        }
        let cursor = i < g.pel.ids.endIndex ? g.pel.ids[i] : StreamID.zero
        c.out.arrayHeader(3)
        bulkID(c, cursor)
        c.out.arrayHeader(claimed.count)
        for (id, pairs) in claimed {
            if let p = pairs { replyEntry(c, id, p) } else { bulkID(c, id) }
        }
        c.out.arrayHeader(deleted.count)
        for id in deleted { bulkID(c, id) }
    }
}
