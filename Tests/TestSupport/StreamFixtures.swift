import Keyspace
import Protocol

/// Streams for the persistence fixtures: built through the stream's own
/// operations (XADD's node splits, XDEL's tombstones, groups with PELs and
/// consumers), described as text both from a value and from a server's
/// XRANGE and XINFO STREAM FULL, and replayed as the commands that build
/// the same stream in a real server.
public enum StreamFixtures {
    public struct Pending {
        public var id: String, time: Int64, count: UInt64
        public init(_ id: String, time: Int64, count: UInt64) { self.id = id; self.time = time; self.count = count }
    }

    public struct Consumer {
        public var name: String, seenTime: Int64, pending: [Pending]
        public init(_ name: String, seenTime: Int64, pending: [Pending]) { self.name = name; self.seenTime = seenTime; self.pending = pending }
    }

    public struct Group {
        public var name: String, lastID: String, entriesRead: Int64, consumers: [Consumer]
        public init(_ name: String, lastID: String, entriesRead: Int64, consumers: [Consumer] = []) {
            self.name = name; self.lastID = lastID; self.entriesRead = entriesRead; self.consumers = consumers
        }
    }

    static func id(_ s: String) -> StreamID {
        let parts = s.split(separator: "-")
        return StreamID(ms: UInt64(parts[0])!, seq: UInt64(parts[1])!)
    }

    /// XADD of every entry (default node limits), XDEL of `deleting`, then the groups.
    public static func stream(_ entries: [(String, [String])], deleting: [String] = [], groups: [Group] = []) -> StreamValue {
        let s = StreamValue()
        for (i, f) in entries { s.append(id(i), f.map { Array($0.utf8) }, maxBytes: 4096, maxEntries: 100) }
        for d in deleting {
            precondition(s.delete(id(d)))
            if id(d) > s.maxDeletedID { s.maxDeletedID = id(d) }
        }
        if !deleting.isEmpty { s.refreshFirstID() }
        for g in groups {
            let grp = s.createGroup(Array(g.name.utf8), lastID: id(g.lastID), entriesRead: g.entriesRead)!
            for c in g.consumers {
                let con = grp.createConsumer(Array(c.name.utf8), now: c.seenTime)!
                for p in c.pending { grp.assign(id(p.id), to: con, time: p.time, count: p.count) }
            }
        }
        return s
    }

    /// An empty stream as XGROUP CREATE ... MKSTREAM leaves it.
    public static func emptyWithGroups(_ groups: [Group]) -> StreamValue {
        stream([], groups: groups)
    }

    // MARK: text

    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    /// Entries, metadata and groups (delivery counts, owners), not the clock-dependent times.
    public static func describe(_ s: StreamValue) -> String {
        var entries: [String] = []
        s.forEach(from: .zero, to: .max) { id, pairs in
            entries.append(text(id.bytes) + "=" + pairs.map(text).joined(separator: "|"))
            return true
        }
        var groups: [String] = []
        for g in s.sortedGroups {
            let pel = g.pel.ids.map { text($0.bytes) + "@" + text(g.pel[$0]!.consumer.name) + "x\(g.pel[$0]!.deliveryCount)" }
            let consumers = g.sortedConsumers.map { c in text(c.name) + ":" + c.pel.ids.map { text($0.bytes) }.joined(separator: ",") }
            groups.append(text(g.name) + " last=" + text(g.lastID.bytes) + " read=" + (g.entriesRead < 0 ? "nil" : String(g.entriesRead))
                          + " pel=" + pel.joined(separator: ",") + " consumers=" + consumers.joined(separator: ";"))
        }
        return "stream:" + entries.joined(separator: ",") + " len=\(s.length) last=" + text(s.lastID.bytes)
            + " maxdel=" + text(s.maxDeletedID.bytes) + " added=\(s.entriesAdded) first=" + text(s.firstID.bytes)
            + " groups=[" + groups.joined(separator: "] [") + "]"
    }

    /// `describe` from a server's XRANGE and XINFO STREAM FULL replies.
    public static func describe(xrange: RESPValue, info: RESPValue) -> String {
        func map(_ v: RESPValue?) -> [String: RESPValue] {
            var out: [String: RESPValue] = [:]
            let e = v?.elements ?? []
            for i in stride(from: 0, to: e.count - 1, by: 2) { out[e[i].string ?? ""] = e[i + 1] }
            return out
        }
        func str(_ v: RESPValue?) -> String { v?.bytes.map(text) ?? (v?.int.map { String($0) } ?? "nil") }
        let entries = (xrange.elements ?? []).map { e -> String in
            let parts = e.elements ?? []
            return str(parts.first) + "=" + (parts.last?.elements ?? []).map { str($0) }.joined(separator: "|")
        }
        let m = map(info)
        var groups: [String] = []
        for g in m["groups"]?.elements ?? [] {
            let gm = map(g)
            let pel = (gm["pending"]?.elements ?? []).map { p -> String in
                let e = p.elements ?? []
                return str(e[0]) + "@" + str(e[1]) + "x" + str(e[3])
            }
            let consumers = (gm["consumers"]?.elements ?? []).map { c -> String in
                let cm = map(c)
                return str(cm["name"]) + ":" + (cm["pending"]?.elements ?? []).map { str($0.elements?.first) }.joined(separator: ",")
            }
            groups.append(str(gm["name"]) + " last=" + str(gm["last-delivered-id"]) + " read=" + str(gm["entries-read"])
                          + " pel=" + pel.joined(separator: ",") + " consumers=" + consumers.joined(separator: ";"))
        }
        return "stream:" + entries.joined(separator: ",") + " len=" + str(m["length"]) + " last=" + str(m["last-generated-id"])
            + " maxdel=" + str(m["max-deleted-entry-id"]) + " added=" + str(m["entries-added"])
            + " first=" + str(m["recorded-first-entry-id"]) + " groups=[" + groups.joined(separator: "] [") + "]"
    }

    /// The commands a server reads a stream with, for `describe(xrange:info:)`.
    public static func readCommands(_ key: [UInt8]) -> (xrange: [[UInt8]], info: [[UInt8]]) {
        ([Array("XRANGE".utf8), key, Array("-".utf8), Array("+".utf8)],
         [Array("XINFO".utf8), Array("STREAM".utf8), key, Array("FULL".utf8), Array("COUNT".utf8), Array("0".utf8)])
    }

    // MARK: commands

    /// Commands that build `s` in a server: XADD of every stored entry
    /// (tombstones too, so nodes split where ours did), XDEL of the
    /// tombstones, XSETID for the metadata, the groups, their consumers,
    /// and XCLAIM ... FORCE JUSTID for each pending entry's owner, time and count.
    public static func commands(key k: [UInt8], _ s: StreamValue) -> [[[UInt8]]] {
        func b(_ x: String) -> [UInt8] { Array(x.utf8) }
        var out: [[[UInt8]]] = []
        var tombstones: [StreamID] = []
        for node in s.nodes {
            node.forEachStoredEntry { h in
                var pairs: [[UInt8]] = []
                node.forEachField(h) { pairs.append(Array($0)) }
                out.append([b("XADD"), k, h.id.bytes] + pairs)
                if h.deleted { tombstones.append(h.id) }
            }
        }
        if !tombstones.isEmpty { out.append([b("XDEL"), k] + tombstones.map { $0.bytes }) }
        let groups = s.sortedGroups
        var created = 0
        if s.nodes.isEmpty {
            precondition(!groups.isEmpty, "an empty stream is built with XGROUP CREATE ... MKSTREAM")
            let g = groups[0]
            out.append([b("XGROUP"), b("CREATE"), k, g.name, g.lastID.bytes, b("MKSTREAM"), b("ENTRIESREAD"), b(String(g.entriesRead))])
            created = 1
        }
        out.append([b("XSETID"), k, s.lastID.bytes, b("ENTRIESADDED"), b(String(s.entriesAdded)), b("MAXDELETEDID"), s.maxDeletedID.bytes])
        for g in groups[created...] {
            out.append([b("XGROUP"), b("CREATE"), k, g.name, g.lastID.bytes, b("ENTRIESREAD"), b(String(g.entriesRead))])
        }
        for g in groups {
            for c in g.sortedConsumers {
                out.append([b("XGROUP"), b("CREATECONSUMER"), k, g.name, c.name])
                for id in c.pel.ids {
                    let nack = c.pel[id]!
                    out.append([b("XCLAIM"), k, g.name, c.name, b("0"), id.bytes, b("TIME"), b(String(nack.deliveryTime)),
                                b("RETRYCOUNT"), b(String(nack.deliveryCount)), b("FORCE"), b("JUSTID")])
                }
            }
        }
        return out
    }
}
