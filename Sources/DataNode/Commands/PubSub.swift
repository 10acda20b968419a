import CoreKit
import Keyspace
import ServerKit

/// Pub/sub (plain, pattern and shard channels), PUBSUB introspection, and MONITOR.
/// Shard channels behave like plain ones in standalone mode but live in a
/// namespace of their own and are counted apart in the replies.
enum PubSubCommands {
    static let handlers: [String: CommandHandler] = [
        "subscribe": subscribe, "unsubscribe": unsubscribe,
        "psubscribe": psubscribe, "punsubscribe": punsubscribe,
        "ssubscribe": ssubscribe, "sunsubscribe": sunsubscribe,
        "publish": publish, "spublish": spublish,
        "pubsub|channels": channels, "pubsub|numsub": numsub, "pubsub|numpat": numpat,
        "pubsub|shardchannels": shardchannels, "pubsub|shardnumsub": shardnumsub,
        "pubsub|help": help,
        "monitor": monitor,
    ]

    static func replySubscription(_ c: Client, _ kind: [UInt8], _ channel: [UInt8]?, _ count: Int) {
        let start = c.out.bytes.count
        PubSubReply.subscription(&c.out, kind: kind, name: channel, count: count)
        c.notePush(from: start)
    }

    /// Leaves pub/sub mode once nothing (plain, pattern or shard) is left.
    static func updatePubSubFlag(_ c: Client) {
        if c.totalSubscriptionCount == 0 { c.flags.remove(.pubsub) } else { c.flags.insert(.pubsub) }
    }

    // MARK: channels

    static func subscribe(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        for ch in argv[1...] {
            let key = Key(ch)
            if c.channels.insert(key).inserted {
                server.pubsub.add(c, channel: key)
            }
            replySubscription(c, PubSubReply.subscribeWord, ch, c.subscriptionCount)
        }
        c.flags.insert(.pubsub)
    }

    /// Removes one channel subscription; returns false if there was none.
    @discardableResult
    static func removeChannel(_ server: Server, _ c: Client, _ key: Key) -> Bool {
        guard c.channels.remove(key) != nil else { return false }
        server.pubsub.remove(c, channel: key)
        return true
    }

    static func unsubscribe(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        unsubscribe(c, argv, PubSubReply.unsubscribeWord, held: Array(c.channels),
                    remove: { removeChannel(server, c, $0) }, left: { c.subscriptionCount })
    }

    /// The UNSUBSCRIBE family: the names given, else every one held (and,
    /// when none is, one reply with a null name); each reply carries the
    /// count `left` after that removal.
    private static func unsubscribe(_ c: Client, _ argv: [[UInt8]], _ word: [UInt8], held: [Key],
                                    remove: (Key) -> Void, left: () -> Int) {
        if argv.count == 1 {
            if held.isEmpty {
                replySubscription(c, word, nil, left())
            }
            for key in held {
                remove(key)
                replySubscription(c, word, key.bytes, left())
            }
        } else {
            for name in argv[1...] {
                remove(Key(name))
                replySubscription(c, word, name, left())
            }
        }
        updatePubSubFlag(c)
    }

    // MARK: patterns

    static func psubscribe(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        for p in argv[1...] {
            let key = Key(p)
            if !c.patterns.contains(key) {
                c.patterns.append(key)
                server.pubsub.add(c, pattern: key)
            }
            replySubscription(c, PubSubReply.psubscribeWord, p, c.subscriptionCount)
        }
        c.flags.insert(.pubsub)
    }

    @discardableResult
    static func removePattern(_ server: Server, _ c: Client, _ key: Key) -> Bool {
        guard let i = c.patterns.firstIndex(of: key) else { return false }
        c.patterns.remove(at: i)
        server.pubsub.remove(c, pattern: key)
        return true
    }

    static func punsubscribe(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        unsubscribe(c, argv, PubSubReply.punsubscribeWord, held: c.patterns,
                    remove: { removePattern(server, c, $0) }, left: { c.subscriptionCount })
    }

    // MARK: shard channels

    static func ssubscribe(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        for ch in argv[1...] {
            let key = Key(ch)
            if c.shardChannels.insert(key).inserted {
                server.pubsub.add(c, shardChannel: key)
            }
            replySubscription(c, PubSubReply.ssubscribeWord, ch, c.shardChannels.count)
        }
        c.flags.insert(.pubsub)
    }

    @discardableResult
    static func removeShardChannel(_ server: Server, _ c: Client, _ key: Key) -> Bool {
        guard c.shardChannels.remove(key) != nil else { return false }
        server.pubsub.remove(c, shardChannel: key)
        return true
    }

    static func sunsubscribe(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        unsubscribe(c, argv, PubSubReply.sunsubscribeWord, held: Array(c.shardChannels),
                    remove: { removeShardChannel(server, c, $0) }, left: { c.shardChannels.count })
    }

    // MARK: publishing

    /// Delivers to channel subscribers then to matching patterns; returns the
    /// number of deliveries (a client matching twice counts twice, as Redis).
    static func publishMessage(_ server: Server, from c: Client?, channel: [UInt8], message: [UInt8]) -> Int {
        var receivers = 0
        let key = Key(channel)
        if let subs = server.pubsub.channels[key] {
            for other in subs where !other.isFreed {
                let start = other.out.bytes.count
                PubSubReply.message(&other.out, kind: PubSubReply.messageWord, channel: channel, payload: message)
                other.notePush(from: start)
                delivered(server, other, from: c)
                receivers += 1
            }
        }
        if !server.pubsub.patterns.isEmpty {
            for (pattern, other) in server.pubsub.patterns where !other.isFreed {
                guard stringMatch(pattern: pattern.bytes, string: channel, nocase: false) else { continue }
                let start = other.out.bytes.count
                PubSubReply.patternMessage(&other.out, pattern: pattern.bytes, channel: channel, payload: message)
                other.notePush(from: start)
                delivered(server, other, from: c)
                receivers += 1
            }
        }
        return receivers
    }

    /// Schedules the subscriber's write and enforces its output limit; the
    /// publisher itself is checked by call() after the command.
    @inline(__always)
    static func delivered(_ server: Server, _ other: Client, from c: Client?) {
        other.markPendingWrite()
        if other !== c { server.checkOutputBufferLimits(other) }
    }

    static func publish(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let n = publishMessage(server, from: c, channel: argv[1], message: argv[2])
        c.out.integer(n)
        // Replicas deliver to their own subscribers.
        if server.feed.isActive { server.feed.forceCommandPropagation(replicationOnly: true) }
    }

    static func spublish(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if server.feed.isActive { server.feed.forceCommandPropagation(replicationOnly: true) }
        var receivers = 0
        if let subs = server.pubsub.shardChannels[Key(argv[1])] {
            for other in subs where !other.isFreed {
                let start = other.out.bytes.count
                PubSubReply.message(&other.out, kind: PubSubReply.smessageWord, channel: argv[1], payload: argv[2])
                other.notePush(from: start)
                delivered(server, other, from: c)
                receivers += 1
            }
        }
        c.out.integer(receivers)
    }

    // MARK: PUBSUB

    static func syntaxError(_ c: Client, _ argv: [[UInt8]]) {
        c.replyError(bytes: CommandRejection.subcommandSyntax(argv[1], container: "pubsub"))
    }

    static func channelList(_ c: Client, _ argv: [[UInt8]], _ map: [Key: [Client]]) {
        guard argv.count <= 3 else { return syntaxError(c, argv) }
        let pattern = argv.count == 3 ? argv[2] : nil
        var names: [Key] = []
        for (k, subs) in map where !subs.isEmpty {
            if let pattern, !stringMatch(pattern: pattern, string: k.bytes, nocase: false) { continue }
            names.append(k)
        }
        c.out.arrayHeader(names.count)
        for k in names { c.out.bulk(k.bytes) }
    }

    static func channels(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        channelList(c, argv, server.pubsub.channels)
    }

    static func shardchannels(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        channelList(c, argv, server.pubsub.shardChannels)
    }

    /// A flat array of (channel, count) pairs in both protocols, as 7.0 replies.
    static func numberOfSubscribers(_ c: Client, _ argv: [[UInt8]], _ map: [Key: [Client]]) {
        c.out.arrayHeader((argv.count - 2) * 2)
        for ch in argv.dropFirst(2) {
            c.out.bulk(ch)
            c.out.integer(map[Key(ch)]?.count ?? 0)
        }
    }

    static func numsub(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        numberOfSubscribers(c, argv, server.pubsub.channels)
    }

    static func shardnumsub(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        numberOfSubscribers(c, argv, server.pubsub.shardChannels)
    }

    /// Distinct patterns with at least one subscriber (7.0 keeps them in a dict).
    static func numpat(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.integer(server.pubsub.distinctPatternCount)
    }

    static func help(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        ClientCommands.replyHelp(c, helpLines)
    }

    static let helpLines = [
        "PUBSUB <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CHANNELS [<pattern>]",
        "    Return the currently active channels matching a <pattern> (default: '*').",
        "NUMPAT",
        "    Return number of subscriptions to patterns.",
        "NUMSUB [<channel> ...]",
        "    Return the number of subscribers for the specified channels, excluding",
        "    pattern subscriptions(default: no channels).",
        "SHARDCHANNELS [<pattern>]",
        "    Return the currently active shard level channels matching a <pattern> (default: '*').",
        "SHARDNUMSUB [<shardchannel> ...]",
        "    Return the number of subscribers for the specified shard level channel(s)",
        "HELP",
        "    Prints this help.",
    ]

    // MARK: MONITOR

    static func monitor(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        // Inside EXEC the client still carries MULTI: Redis's DENY_BLOCKING case.
        if c.flags.contains(.multi) {
            c.replyError("ERR MONITOR isn't allowed for DENY BLOCKING client")
            return
        }
        // Already a monitor (or a replica): silently ignored, no reply at all.
        if c.flags.contains(.monitor) || c.flags.contains(.replica) { return }
        c.flags.insert(.monitor)
        server.monitors.append(c)
        c.out.ok()
    }
}
