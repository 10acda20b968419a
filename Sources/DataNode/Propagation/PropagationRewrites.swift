import Keyspace

/// The propagated forms Redis 7.0 gives commands whose effect can be read
/// back from the dataset once they ran: relative and second-based expiries
/// become absolute milliseconds (t_string.c, expire.c), float increments
/// become the value they produced (so a replica does not redo the float
/// formatting), and GET-style options that only shape the reply are dropped.
/// Commands whose effect cannot be read back (random pops, which of several
/// keys a pop served) say it themselves through PropagationFeed.replaceCommand.
///
/// A rewrite runs only when the command changed the dataset and the feed has
/// a consumer; nil keeps the command's own arguments.
enum PropagationRewrites {
    typealias Rewrite = @Sendable (_ server: Server, _ client: Client, _ argv: [[UInt8]]) -> [[UInt8]]?

    static let byCommand: [String: Rewrite] = [
        "set": set, "setex": setex, "psetex": setex, "getset": getset,
        "expire": expire, "pexpire": expire, "expireat": expire, "pexpireat": expire,
        "getex": getex, "getdel": getdel,
        "incrbyfloat": incrbyfloat, "hincrbyfloat": hincrbyfloat,
    ]

    static let set_ = Array("SET".utf8), pxat = Array("PXAT".utf8), keepttl = Array("KEEPTTL".utf8)
    static let pexpireat = Array("PEXPIREAT".utf8), persist = Array("PERSIST".utf8)
    static let del = Array("DEL".utf8), unlink = Array("UNLINK".utf8), hset = Array("HSET".utf8)

    /// `SET key value PXAT ms` when an expiry was given; otherwise without its GET arguments.
    static func set(_ server: Server, _ c: Client, _ argv: [[UInt8]]) -> [[UInt8]]? {
        if argv.count == 3 { return nil }
        var hasExpire = false, hasGet = false
        for a in argv[3...] {
            if argEquals(a, "ex") || argEquals(a, "px") || argEquals(a, "exat") || argEquals(a, "pxat") { hasExpire = true }
            if argEquals(a, "get") { hasGet = true }
        }
        if hasExpire, let when = c.db.expires[Key(argv[1])] {
            return [set_, argv[1], argv[2], pxat, Array(String(when).utf8)]
        }
        guard hasGet else { return nil }
        return [argv[0], argv[1], argv[2]] + argv[3...].filter { !argEquals($0, "get") }
    }

    /// GETSET replays as SET (which drops the TTL the same way).
    static func getset(_ server: Server, _ c: Client, _ argv: [[UInt8]]) -> [[UInt8]]? {
        [set_] + argv[1...]
    }

    /// SETEX/PSETEX: `SET key value PXAT ms`.
    static func setex(_ server: Server, _ c: Client, _ argv: [[UInt8]]) -> [[UInt8]]? {
        guard let when = c.db.expires[Key(argv[1])] else { return nil }
        return [set_, argv[1], argv[3], pxat, Array(String(when).utf8)]
    }

    /// `PEXPIREAT key ms [flags]`, or a deletion when the time was already past.
    static func expire(_ server: Server, _ c: Client, _ argv: [[UInt8]]) -> [[UInt8]]? {
        guard let when = c.db.expires[Key(argv[1])] else { return [expiredDeletion(server), argv[1]] }
        // PEXPIREAT keeps its own spelling and time argument, as expireGenericCommand.
        if argEquals(argv[0], "pexpireat") { return nil }
        return [pexpireat, argv[1], Array(String(when).utf8)] + argv[3...]
    }

    /// GETEX: `PEXPIREAT key ms`, `PERSIST key`, or a deletion for a past time.
    static func getex(_ server: Server, _ c: Client, _ argv: [[UInt8]]) -> [[UInt8]]? {
        let key = Key(argv[1])
        guard c.db.dict[key] != nil else { return [expiredDeletion(server), argv[1]] }
        if argv[2...].contains(where: { argEquals($0, "persist") }) { return [persist, argv[1]] }
        guard let when = c.db.expires[key] else { return nil }
        return [pexpireat, argv[1], Array(String(when).utf8)]
    }

    static func getdel(_ server: Server, _ c: Client, _ argv: [[UInt8]]) -> [[UInt8]]? {
        [del, argv[1]]
    }

    /// `SET key <new value> KEEPTTL`.
    static func incrbyfloat(_ server: Server, _ c: Client, _ argv: [[UInt8]]) -> [[UInt8]]? {
        guard case .string(let s)? = c.db.dict[Key(argv[1])] else { return nil }
        return [set_, argv[1], s.bytes, keepttl]
    }

    /// `HSET key field <new value>`.
    static func hincrbyfloat(_ server: Server, _ c: Client, _ argv: [[UInt8]]) -> [[UInt8]]? {
        guard case .hash(let h)? = c.db.dict[Key(argv[1])], let v = h.get(argv[2]) else { return nil }
        return [hset, argv[1], argv[2], v]
    }

    /// DEL or UNLINK, as lazyfree-lazy-expire chooses for keys deleted because their time passed.
    static func expiredDeletion(_ server: Server) -> [UInt8] {
        server.config.lazyfreeLazyExpire ? unlink : del
    }
}
