import Keyspace
import Protocol
import ServerKit

/// XINFO STREAM [FULL [COUNT n]], GROUPS, CONSUMERS and HELP (t_stream.c xinfoCommand).
extension StreamCommands {
    static func xinfoHelp(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        ServerCommands.replyHelp(c, argv, [
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ])
    }

    static func xinfoConsumers(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let s = readOrReply(c, argv[2], missing: { $0.replyError(StreamReplies.noSuchKey) }) else { return }
        guard let g = s.group(argv[3]) else {
            noSuchGroup(c, key: argv[2], group: argv[3])
            return
        }
        let now = nowMs(server)
        let consumers = g.sortedConsumers
        c.out.arrayHeader(consumers.count)
        for consumer in consumers {
            c.out.mapHeader(3)
            c.out.bulk("name")
            c.out.bulk(consumer.name)
            c.out.bulk("pending")
            c.out.integer(consumer.pel.count)
            c.out.bulk("idle")
            c.out.integer(now - consumer.seenTime)
        }
    }

    static func xinfoGroups(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let s = readOrReply(c, argv[2], missing: { $0.replyError(StreamReplies.noSuchKey) }) else { return }
        let groups = s.sortedGroups
        c.out.arrayHeader(groups.count)
        for g in groups {
            c.out.mapHeader(6)
            c.out.bulk("name")
            c.out.bulk(g.name)
            c.out.bulk("consumers")
            c.out.integer(g.consumers.count)
            c.out.bulk("pending")
            c.out.integer(g.pel.count)
            c.out.bulk("last-delivered-id")
            bulkID(c, g.lastID)
            replyCounters(c, s, g)
        }
    }

    /// `entries-read` and `lag`, null when unknown.
    static func replyCounters(_ c: Client, _ s: StreamValue, _ g: StreamGroup) {
        c.out.bulk("entries-read")
        if g.entriesRead != -1 { c.out.integer(g.entriesRead) } else { c.out.nullBulk() }
        c.out.bulk("lag")
        if let lag = s.lag(of: g) { c.out.integer(lag) } else { c.out.nullBulk() }
    }

    static func xinfoStream(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let s = readOrReply(c, argv[2], missing: { $0.replyError(StreamReplies.noSuchKey) }) else { return }
        var full = false
        var count: Int64 = 10
        if argv.count > 3 {
            guard argEquals(argv[3], "full"), argv.count == 4 || (argv.count == 6 && argEquals(argv[4], "count")) else {
                ServerCommands.replySubcommandSyntaxError(c, argv)
                return
            }
            full = true
            if argv.count == 6 {
                guard let n = longLongOrReply(c, argv[5]) else { return }
                count = n < 0 ? 10 : n
            }
        }
        c.out.mapHeader(full ? 9 : 10)
        c.out.bulk("length")
        c.out.integer(s.length)
        c.out.bulk("radix-tree-keys")
        c.out.integer(s.nodes.count)
        c.out.bulk("radix-tree-nodes")
        c.out.integer(s.radixTreeNodes)
        c.out.bulk("last-generated-id")
        bulkID(c, s.lastID)
        c.out.bulk("max-deleted-entry-id")
        bulkID(c, s.maxDeletedID)
        c.out.bulk("entries-added")
        c.out.integer(Int64(bitPattern: s.entriesAdded))
        c.out.bulk("recorded-first-entry-id")
        bulkID(c, s.firstID)
        if !full {
            c.out.bulk("groups")
            c.out.integer(s.groups.count)
            for (label, reverse) in [("first-entry", false), ("last-entry", true)] {
                c.out.bulk(label)
                var found = false
                s.forEach(from: .zero, to: .max, reverse: reverse) { id, pairs in
                    replyEntry(c, id, pairs)
                    found = true
                    return false
                }
                if !found { c.out.nullBulk() }
            }
            return
        }
        let limit = Int(clamping: count)
        c.out.bulk("entries")
        replyRange(c, s, .zero, .max, count: limit, reverse: false)
        c.out.bulk("groups")
        let groups = s.sortedGroups
        c.out.arrayHeader(groups.count)
        for g in groups {
            c.out.mapHeader(7)
            c.out.bulk("name")
            c.out.bulk(g.name)
            c.out.bulk("last-delivered-id")
            bulkID(c, g.lastID)
            replyCounters(c, s, g)
            c.out.bulk("pel-count")
            c.out.integer(g.pel.count)
            c.out.bulk("pending")
            let pelIDs = limit == 0 ? g.pel.ids[...] : g.pel.ids.prefix(limit)
            c.out.arrayHeader(pelIDs.count)
            for id in pelIDs {
                let nack = g.pel[id]!
                c.out.arrayHeader(4)
                bulkID(c, id)
                c.out.bulk(nack.consumer.name)
                c.out.integer(nack.deliveryTime)
                c.out.integer(Int64(bitPattern: nack.deliveryCount))
            }
            c.out.bulk("consumers")
            let consumers = g.sortedConsumers
            c.out.arrayHeader(consumers.count)
            for consumer in consumers {
                c.out.mapHeader(4)
                c.out.bulk("name")
                c.out.bulk(consumer.name)
                c.out.bulk("seen-time")
                c.out.integer(consumer.seenTime)
                c.out.bulk("pel-count")
                c.out.integer(consumer.pel.count)
                c.out.bulk("pending")
                let ids = limit == 0 ? consumer.pel.ids[...] : consumer.pel.ids.prefix(limit)
                c.out.arrayHeader(ids.count)
                for id in ids {
                    let nack = consumer.pel[id]!
                    c.out.arrayHeader(3)
                    bulkID(c, id)
                    c.out.integer(nack.deliveryTime)
                    c.out.integer(Int64(bitPattern: nack.deliveryCount))
                }
            }
        }
    }

    /// `-NOGROUP No such consumer group 'g' for key name 'k'`.
    static func noSuchGroup(_ c: Client, key: [UInt8], group: [UInt8]) {
        c.replyError(bytes: errorText("NOGROUP No such consumer group '", cString(group), "' for key name '", cString(key), "'"))
    }
}
