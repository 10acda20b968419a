import Keyspace
import Protocol
import ServerKit

/// XGROUP, XACK and XPENDING (t_stream.c).
extension StreamCommands {
    static func xgroupHelp(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        ServerCommands.replyHelp(c, argv, [
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        ])
    }

    static let entriesReadRange = "ERR value for ENTRIESREAD must be positive or -1"

    /// The checks xgroupCommand makes for every subcommand: the key must hold a
    /// stream (unless MKSTREAM), and some subcommands need the group. Nil after replying.
    private static func xgroupTarget(_ c: Client, _ argv: [[UInt8]], mkstream: Bool, needsGroup: Bool)
        -> (StreamValue?, StreamGroup?)? {
        var s: StreamValue? = nil
        switch lookupWrite(c, argv[2]) {
        case .wrongType:
            c.replyError(StreamReplies.wrongType)
            return nil
        case .found(let found): s = found
        case .missing: break
        }
        if mkstream { return (s, nil) }
        guard let stream = s else {
            c.replyError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
            return nil
        }
        let g = stream.group(argv[3])
        if needsGroup && g == nil {
            noSuchGroup(c, key: argv[2], group: argv[3])
            return nil
        }
        return (stream, g)
    }

    static func xgroupCreate(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        var mkstream = false
        var entriesRead: Int64 = -1
        var i = 5
        while i < argv.count {
            if argEquals(argv[i], "mkstream") {
                mkstream = true
                i += 1
            } else if argEquals(argv[i], "entriesread") && i + 1 < argv.count {
                guard let n = longLongOrReply(c, argv[i + 1]) else { return }
                if n < 0 && n != -1 {
                    c.replyError(entriesReadRange)
                    return
                }
                entriesRead = n
                i += 2
            } else {
                ServerCommands.replySubcommandSyntaxError(c, argv)
                return
            }
        }
        guard let (found, _) = xgroupTarget(c, argv, mkstream: mkstream, needsGroup: false) else { return }
        if argv.count > 8 {
            ServerCommands.replySubcommandSyntaxError(c, argv)
            return
        }
        let id: StreamID
        if cStringEquals(argv[4], "$") {
            id = found?.lastID ?? .zero
        } else {
            guard let parsed = idOrReply(c, argv[4]) else { return }
            id = parsed
        }
        let s: StreamValue
        if let f = found {
            s = f
        } else {
            s = StreamValue()
            c.db.add(Key(argv[2]), .stream(s))
            touched(c, argv[2])
        }
        if s.createGroup(argv[3], lastID: id, entriesRead: entriesRead) != nil {
            c.out.ok()
            server.dirty += 1
            server.notifyKeyspaceEvent(Notify.stream, "xgroup-create", argv[2], db: c.db.id)
        } else {
            c.replyError("BUSYGROUP Consumer Group name already exists")
        }
    }

    static func xgroupSetid(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        // Options are read before the key is looked up, as for CREATE.
        var entriesRead: Int64 = -1
        var i = 5
        while i < argv.count {
            guard argEquals(argv[i], "entriesread") && i + 1 < argv.count else {
                ServerCommands.replySubcommandSyntaxError(c, argv)
                return
            }
            guard let n = longLongOrReply(c, argv[i + 1]) else { return }
            if n < 0 && n != -1 {
                c.replyError(entriesReadRange)
                return
            }
            entriesRead = n
            i += 2
        }
        guard let (found, group) = xgroupTarget(c, argv, mkstream: false, needsGroup: true),
              let s = found, let g = group else { return }
        guard argv.count == 5 || argv.count == 7 else {
            ServerCommands.replySubcommandSyntaxError(c, argv)
            return
        }
        let id: StreamID
        if cStringEquals(argv[4], "$") {
            id = s.lastID
        } else {
            guard let parsed = idOrReply(c, argv[4], strict: false) else { return }
            id = parsed
        }
        g.lastID = id
        g.entriesRead = entriesRead
        c.out.ok()
        server.dirty += 1
        server.notifyKeyspaceEvent(Notify.stream, "xgroup-setid", argv[2], db: c.db.id)
    }

    static func xgroupDestroy(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let (found, group) = xgroupTarget(c, argv, mkstream: false, needsGroup: false), let s = found else { return }
        guard group != nil else {
            c.out.integer(0)
            return
        }
        _ = s.destroyGroup(argv[3])
        c.out.integer(1)
        server.dirty += 1
        server.notifyKeyspaceEvent(Notify.stream, "xgroup-destroy", argv[2], db: c.db.id)
        // Clients blocked in XREADGROUP on this group get NOGROUP.
        touched(c, argv[2])
    }

    static func xgroupCreateConsumer(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let (_, group) = xgroupTarget(c, argv, mkstream: false, needsGroup: true), let g = group else { return }
        let created = g.createConsumer(argv[4], now: nowMs(server)) != nil
        if created {
            server.dirty += 1
            server.notifyKeyspaceEvent(Notify.stream, "xgroup-createconsumer", argv[2], db: c.db.id)
        }
        c.out.integer(created ? 1 : 0)
    }

    static func xgroupDelConsumer(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let (_, group) = xgroupTarget(c, argv, mkstream: false, needsGroup: true), let g = group else { return }
        var pending = 0
        if let n = g.deleteConsumer(argv[4]) {
            pending = n
            server.dirty += 1
            server.notifyKeyspaceEvent(Notify.stream, "xgroup-delconsumer", argv[2], db: c.db.id)
        }
        c.out.integer(pending)
    }

    // MARK: XACK

    static func xack(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        var group: StreamGroup? = nil
        switch lookupRead(c, argv[1]) {
        case .wrongType:
            c.replyError(StreamReplies.wrongType)
            return
        case .found(let s): group = s.group(argv[2])
        case .missing: break
        }
        guard let g = group else {
            c.out.integer(0)
            return
        }
        var ids: [StreamID] = []
        for a in argv[3...] {
            guard let id = idOrReply(c, a) else { return }
            ids.append(id)
        }
        var acked = 0
        for id in ids where g.acknowledge(id) {
            acked += 1
            server.dirty += 1
        }
        c.out.integer(acked)
    }

    // MARK: XPENDING

    static func xpending(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let summary = argv.count == 3
        if argv.count != 3 && (argv.count < 6 || argv.count > 9) {
            c.replyError(StreamReplies.syntax)
            return
        }
        var start = StreamID.zero, end = StreamID.max
        var count: Int64 = 0
        var minIdle: Int64 = 0
        var consumerName: [UInt8]? = nil
        if argv.count >= 6 {
            var idx = 3
            if argEquals(argv[3], "idle") {
                guard let n = longLongOrReply(c, argv[4]) else { return }
                minIdle = n
                if argv.count < 8 {
                    c.replyError(StreamReplies.syntax)
                    return
                }
                idx += 2
            }
            guard let n = longLongOrReply(c, argv[idx + 2]) else { return }
            count = max(0, n)
            guard let s0 = rangeStartOrReply(c, argv[idx]), let e0 = rangeEndOrReply(c, argv[idx + 1]) else { return }
            start = s0
            end = e0
            if idx + 3 < argv.count { consumerName = argv[idx + 3] }
        }
        var group: StreamGroup? = nil
        switch lookupRead(c, argv[1]) {
        case .wrongType:
            c.replyError(StreamReplies.wrongType)
            return
        case .found(let s): group = s.group(argv[2])
        case .missing: break
        }
        guard let g = group else {
            nogroup(c, key: argv[1], group: argv[2])
            return
        }
        if summary {
            c.out.arrayHeader(4)
            c.out.integer(g.pel.count)
            guard let first = g.pel.ids.first, let last = g.pel.ids.last else {
                c.out.nullBulk()
                c.out.nullBulk()
                c.out.nullArray()
                return
            }
            bulkID(c, first)
            bulkID(c, last)
            let owners = g.sortedConsumers.filter { !$0.pel.isEmpty }
            c.out.arrayHeader(owners.count)
            for o in owners {
                c.out.arrayHeader(2)
                c.out.bulk(o.name)
                c.out.bulkInteger(Int64(o.pel.count))
            }
            return
        }
        var pel = g.pel
        if let name = consumerName {
            guard let consumer = g.consumer(name) else {
                c.out.arrayHeader(0)
                return
            }
            pel = consumer.pel
        }
        let now = nowMs(server)
        var rows: [(StreamID, StreamNACK)] = []
        var i = pel.lowerBound(start)
        var left = count
        while left > 0 && i < pel.ids.endIndex && pel.ids[i] <= end {
            let id = pel.ids[i]
            i += 1
            let nack = pel[id]!
            if minIdle != 0 && now &- nack.deliveryTime < minIdle { continue }
            rows.append((id, nack))
            left -= 1
        }
        c.out.arrayHeader(rows.count)
        for (id, nack) in rows {
            c.out.arrayHeader(4)
            bulkID(c, id)
            c.out.bulk(nack.consumer.name)
            c.out.integer(max(0, now &- nack.deliveryTime))
            c.out.integer(Int64(bitPattern: nack.deliveryCount))
        }
    }
}
