/// The commands a server knows, as the ACL engine sees them: an id per
/// command and subcommand (the bit in a selector's bitmap), its ACL
/// categories, its container. Each server builds one from its own command
/// table (redis-sentinel's ACL rules only know the sentinel's commands).
public final class ACLCatalog: Sendable {
    /// ACL CAT's 21 categories, in Redis 7.0's order (also the order the
    /// canonical rule description tries them in).
    public static let categories = ["keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
                                    "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
                                    "connection", "transaction", "scripting"]

    public struct Entry: Sendable {
        /// "get" or "config|get".
        public let fullName: String
        /// Bit i set = in `categories[i]`.
        public let categoryMask: UInt32
        /// AUTH, HELLO, QUIT, RESET: no command bit check.
        public let noAuth: Bool
        public let parent: Int?
        public internal(set) var subcommands: [Int] = []
    }

    public let entries: [Entry]
    /// Top-level commands in the table's order.
    public let topLevel: [Int]
    private let byName: [String: Int]
    /// Per category: the bitmap of its commands (for counting) and of what
    /// +@cat / -@cat changes (its commands plus the subcommands of its containers).
    let categoryMembers: [[UInt64]]
    let categoryReach: [[UInt64]]
    /// Per category: its command ids, whose first-args a category rule drops.
    let categoryIDs: [[Int]]

    /// `commands`: every command and subcommand ("config|get"), each
    /// container before its subcommands.
    public init(commands: [(fullName: String, categories: [String], noAuth: Bool)]) {
        var entries: [Entry] = [], topLevel: [Int] = [], byName: [String: Int] = [:]
        for c in commands {
            let name = c.fullName.lowercased()
            var mask: UInt32 = 0
            for cat in c.categories {
                if let i = Self.categories.firstIndex(of: cat.hasPrefix("@") ? String(cat.dropFirst()) : cat) { mask |= 1 << UInt32(i) }
            }
            var parent: Int?
            if let bar = name.firstIndex(of: "|") { parent = byName[String(name[..<bar])] }
            let id = entries.count
            entries.append(Entry(fullName: name, categoryMask: mask, noAuth: c.noAuth, parent: parent))
            byName[name] = id
            if let p = parent { entries[p].subcommands.append(id) } else { topLevel.append(id) }
        }
        self.entries = entries; self.topLevel = topLevel; self.byName = byName
        let words = (entries.count + 63) / 64
        var members: [[UInt64]] = [], reach: [[UInt64]] = [], ids: [[Int]] = []
        for j in Self.categories.indices {
            let bit: UInt32 = 1 << UInt32(j)
            var m = Array(repeating: UInt64(0), count: words), r = m
            var list: [Int] = []
            for (id, e) in entries.enumerated() where e.categoryMask & bit != 0 {
                list.append(id)
                m[id >> 6] |= 1 << UInt64(id & 63)
                r[id >> 6] |= 1 << UInt64(id & 63)
                for s in e.subcommands { r[s >> 6] |= 1 << UInt64(s & 63) }
            }
            members.append(m); reach.append(r); ids.append(list)
        }
        categoryMembers = members; categoryReach = reach; categoryIDs = ids
    }

    public var count: Int { entries.count }

    public static func categoryBit(_ name: String) -> UInt32? {
        categories.firstIndex(of: name.lowercased()).map { 1 << UInt32($0) }
    }

    /// lookupCommandBySds over the original table: "get", "config|get";
    /// nil for unknown names, "get|x" (no such subcommand) and "a|b|c".
    public func lookup(_ name: String) -> Int? {
        let lower = name.lowercased()
        let parts = lower.split(separator: "|", omittingEmptySubsequences: false)
        if parts.count > 2 { return nil }
        if parts.count == 2, let p = byName[String(parts[0])], entries[p].subcommands.isEmpty { return nil }
        return byName[lower]
    }

    /// Command ids in a category, in ACL CAT's order (containers before their subcommands).
    public func members(ofCategory bit: UInt32) -> [Int] {
        var out: [Int] = []
        for t in topLevel {
            if entries[t].categoryMask & bit != 0 { out.append(t) }
            for s in entries[t].subcommands where entries[s].categoryMask & bit != 0 { out.append(s) }
        }
        return out
    }
}
