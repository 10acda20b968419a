/// The shapes of COMMAND INFO and COMMAND DOCS entries (Redis 7.0's
/// addReplyCommandInfo / addReplyCommandDocs).
extension CommandIntrospection {
    /// Command flags COMMAND INFO shows, in Redis's order; may_replicate,
    /// sentinel, only_sentinel and protected are deliberately hidden by Redis.
    static let shownFlags = [
        "write", "readonly", "denyoom", "module", "admin", "pubsub", "noscript", "blocking", "loading", "stale",
        "skip_monitor", "skip_slowlog", "asking", "fast", "no_auth", "no_mandatory_keys", "no_async_loading",
        "no_multi", "movablekeys", "allow_busy",
    ]

    /// ACL categories in Redis's declaration order.
    static let categoryOrder = [
        "keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap", "hyperloglog", "geo",
        "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous", "connection", "transaction", "scripting",
    ]

    static func replyStatusSet(_ c: Client, _ items: [String]) {
        c.out.setHeader(items.count)
        for i in items { c.out.simpleString(i) }
    }

    /// name, arity, flags, first key, last key, step, ACL categories, tips,
    /// key specs, subcommands.
    static func replyInfo(_ c: Client, _ cmd: Command) {
        let spec = cmd.spec
        c.out.arrayHeader(10)
        c.out.bulk(cmd.fullName)
        c.out.integer(spec.arity)
        replyStatusSet(c, shownFlags.filter { spec.flags.contains($0) })
        c.out.integer(spec.firstKey)
        c.out.integer(spec.lastKey)
        c.out.integer(spec.keyStep)
        let cats = categoryOrder.filter { spec.aclCategories.contains($0) }
            + spec.aclCategories.filter { !categoryOrder.contains($0) }
        replyStatusSet(c, cats.map { "@" + $0 })
        c.out.setHeader(spec.tips.count)
        for t in spec.tips { c.out.bulk(t) }
        let keySpecs = KeySpec.parseAll(spec.keySpecs)
        c.out.setHeader(keySpecs.count)
        let notes = KeySpecNotes.byCommand[cmd.fullName]
        for (i, ks) in keySpecs.enumerated() { replyKeySpec(c, ks, notes: notes?[i]) }
        let subs = cmd.subcommands.keys.sorted().map { cmd.subcommands[$0]! }
        if subs.isEmpty {
            c.out.setHeader(0)
        } else {
            c.out.arrayHeader(subs.count)
            for sub in subs { replyInfo(c, sub) }
        }
    }

    /// Key spec maps, with Redis's `notes` first where it has them (KeySpecNotes).
    static func replyKeySpec(_ c: Client, _ ks: KeySpec, notes: String? = nil) {
        c.out.mapHeader(notes == nil ? 3 : 4)
        if let n = notes {
            c.out.bulk("notes")
            c.out.bulk(n)
        }
        c.out.bulk("flags")
        replyStatusSet(c, ks.flags.replyNames)
        c.out.bulk("begin_search")
        switch ks.begin {
        case .index(let pos):
            replySearchStep(c, "index", ["index": pos])
        case .keyword(let kw, let from):
            replySearchStepHead(c, "keyword", fields: 2)
            c.out.bulk("keyword")
            c.out.bulk(kw)
            c.out.bulk("startfrom")
            c.out.integer(from)
        case .unknown:
            replySearchStep(c, "unknown", [:])
        }
        c.out.bulk("find_keys")
        switch ks.find {
        case .range(let last, let step, let limit):
            replySearchStep(c, "range", ["lastkey": last, "keystep": step, "limit": limit])
        case .keynum(let idx, let first, let step):
            replySearchStep(c, "keynum", ["keynumidx": idx, "firstkey": first, "keystep": step])
        case .unknown:
            replySearchStep(c, "unknown", [:])
        }
    }

    /// A begin_search or find_keys map up to its spec's fields:
    /// `{type: <type>, spec: {<fields>...}}`.
    private static func replySearchStepHead(_ c: Client, _ type: String, fields: Int) {
        c.out.mapHeader(2)
        c.out.bulk("type")
        c.out.bulk(type)
        c.out.bulk("spec")
        c.out.mapHeader(fields)
    }

    /// A begin_search or find_keys map whose spec fields are all integers, in order.
    private static func replySearchStep(_ c: Client, _ type: String, _ fields: KeyValuePairs<String, Int>) {
        replySearchStepHead(c, type, fields: fields.count)
        for (name, value) in fields {
            c.out.bulk(name)
            c.out.integer(value)
        }
    }

    /// since, group, doc_flags, deprecated_since, replaced_by, subcommands:
    /// the documentation fields the reference table carries.
    static func replyDocs(_ c: Client, _ cmd: Command) {
        let spec = cmd.spec
        let subs = cmd.subcommands.keys.sorted().map { cmd.subcommands[$0]! }
        var n = 1
        if !spec.since.isEmpty { n += 1 }
        if !spec.docFlags.isEmpty { n += 1 }
        if !spec.deprecatedSince.isEmpty { n += 1 }
        if !spec.replacedBy.isEmpty { n += 1 }
        if !subs.isEmpty { n += 1 }
        c.out.mapHeader(n)
        if !spec.since.isEmpty {
            c.out.bulk("since")
            c.out.bulk(spec.since)
        }
        c.out.bulk("group")
        // The reference spells the group as in commands.json ("sorted_set"); replies say "sorted-set".
        c.out.bulk(String(spec.group.map { $0 == "_" ? "-" : $0 }))
        if !spec.docFlags.isEmpty {
            c.out.bulk("doc_flags")
            replyStatusSet(c, spec.docFlags)
        }
        if !spec.deprecatedSince.isEmpty {
            c.out.bulk("deprecated_since")
            c.out.bulk(spec.deprecatedSince)
        }
        if !spec.replacedBy.isEmpty {
            c.out.bulk("replaced_by")
            c.out.bulk(spec.replacedBy)
        }
        if !subs.isEmpty {
            c.out.bulk("subcommands")
            c.out.mapHeader(subs.count)
            for sub in subs {
                c.out.bulk(sub.fullName)
                replyDocs(c, sub)
            }
        }
    }
}
