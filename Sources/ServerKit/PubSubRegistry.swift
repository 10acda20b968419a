import Protocol

/// The server's side of pub/sub: who listens on each channel, pattern and
/// shard channel. A client keeps its own list of what it holds (for its
/// reply counts and CLIENT LIST); the server registers it here too, so that
/// PUBLISH finds the listeners without visiting every client.
public struct PubSubRegistry<Name: Hashable, Subscriber: AnyObject> {
    /// Channel → subscribers in subscription order; a channel without any is absent.
    public private(set) var channels: [Name: [Subscriber]] = [:]
    /// One entry per (pattern, subscriber), in subscription order (Redis keeps a list).
    public private(set) var patterns: [(pattern: Name, subscriber: Subscriber)] = []
    /// SSUBSCRIBE: a namespace of its own.
    public private(set) var shardChannels: [Name: [Subscriber]] = [:]

    public init() {}

    public mutating func add(_ s: Subscriber, channel: Name) { channels[channel, default: []].append(s) }
    public mutating func remove(_ s: Subscriber, channel: Name) { Self.remove(s, channel, from: &channels) }
    public mutating func add(_ s: Subscriber, shardChannel: Name) { shardChannels[shardChannel, default: []].append(s) }
    public mutating func remove(_ s: Subscriber, shardChannel: Name) { Self.remove(s, shardChannel, from: &shardChannels) }
    public mutating func add(_ s: Subscriber, pattern: Name) { patterns.append((pattern, s)) }

    public mutating func remove(_ s: Subscriber, pattern: Name) {
        if let i = patterns.firstIndex(where: { $0.subscriber === s && $0.pattern == pattern }) { patterns.remove(at: i) }
    }

    public mutating func removeAllPatterns(of s: Subscriber) { patterns.removeAll { $0.subscriber === s } }

    private static func remove(_ s: Subscriber, _ name: Name, from map: inout [Name: [Subscriber]]) {
        map[name]?.removeAll { $0 === s }
        if map[name]?.isEmpty == true { map[name] = nil }
    }

    /// PUBSUB NUMPAT, INFO's pubsub_patterns: patterns with at least one subscriber.
    public var distinctPatternCount: Int { Set(patterns.map(\.pattern)).count }
}

/// The pub/sub reply shapes: a push in RESP3, an array in RESP2.
public enum PubSubReply {
    /// `[kind, name-or-null, count]`: (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE
    /// answer one per name; an UNSUBSCRIBE with nothing to drop answers a null name.
    public static func subscription(_ w: inout RESPWriter, kind: [UInt8], name: [UInt8]?, count: Int) {
        w.pushHeader(3)
        w.bulk(kind)
        if let name { w.bulk(name) } else { w.nullBulk() }
        w.integer(count)
    }

    /// `[message|smessage, channel, payload]`.
    public static func message(_ w: inout RESPWriter, kind: [UInt8], channel: [UInt8], payload: [UInt8]) {
        w.pushHeader(3)
        w.bulk(kind)
        w.bulk(channel)
        w.bulk(payload)
    }

    /// `[pmessage, pattern, channel, payload]`.
    public static func patternMessage(_ w: inout RESPWriter, pattern: [UInt8], channel: [UInt8], payload: [UInt8]) {
        w.pushHeader(4)
        w.bulk(pmessageWord)
        w.bulk(pattern)
        w.bulk(channel)
        w.bulk(payload)
    }

    public static let subscribeWord: [UInt8] = Array("subscribe".utf8)
    public static let unsubscribeWord: [UInt8] = Array("unsubscribe".utf8)
    public static let psubscribeWord: [UInt8] = Array("psubscribe".utf8)
    public static let punsubscribeWord: [UInt8] = Array("punsubscribe".utf8)
    public static let ssubscribeWord: [UInt8] = Array("ssubscribe".utf8)
    public static let sunsubscribeWord: [UInt8] = Array("sunsubscribe".utf8)
    public static let messageWord: [UInt8] = Array("message".utf8)
    public static let pmessageWord: [UInt8] = Array("pmessage".utf8)
    public static let smessageWord: [UInt8] = Array("smessage".utf8)
}
