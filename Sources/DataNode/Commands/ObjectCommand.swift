import Keyspace
import Protocol

/// OBJECT ENCODING/REFCOUNT/IDLETIME/FREQ/HELP. Lookups neither touch the
/// key's access stamp nor skip the hit/miss statistics, as Redis's
/// objectCommandLookup (LOOKUP_NOTOUCH).
extension KeyCommands {
    static let objectHandlers: [String: CommandHandler] = [
        "object|help": objectHelp,
        "object|encoding": objectEncoding,
        "object|refcount": objectRefcount,
        "object|idletime": objectIdletime,
        "object|freq": objectFreq,
    ]

    static let objectHelpLines = [
        "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "ENCODING <key>",
        "    Return the kind of internal representation used in order to store the value",
        "    associated with a <key>.",
        "FREQ <key>",
        "    Return the access frequency index of the <key>. The returned integer is",
        "    proportional to the logarithm of the recent access frequency of the key.",
        "IDLETIME <key>",
        "    Return the idle time of the <key>, that is the approximated number of",
        "    seconds elapsed since the last access to the key.",
        "REFCOUNT <key>",
        "    Return the number of references of the value associated with the specified",
        "    <key>.",
        "HELP",
        "    Prints this help.",
    ]

    /// Redis's OBJ_SHARED_REFCOUNT: the refcount of a shared integer object.
    static let sharedRefcount: Int64 = 2_147_483_647
    /// OBJ_SHARED_INTEGERS: 0..<10000 are shared objects.
    static let sharedIntegers: Int64 = 10_000

    static func objectHelp(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        client.out.arrayHeader(objectHelpLines.count)
        for line in objectHelpLines { client.out.simpleString(line) }
    }

    private static func objectLookup(_ client: Client, _ argv: [[UInt8]]) -> (Database, Key, Value)? {
        let db = client.db
        let key = Key(argv[2])
        guard let v = db.lookupRead(key, touch: false, notify: false) else {
            client.out.nullBulk()
            return nil
        }
        return (db, key, v)
    }

    static func objectEncoding(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let (_, _, v) = objectLookup(client, argv) else { return }
        client.out.bulk(v.encodingName)
    }

    /// Values are not reference counted here; what Redis would report is
    /// derived: small non-negative integers are its shared objects (unless an
    /// LRU/LFU policy with a memory limit turns sharing off), the rest are 1.
    static func objectRefcount(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let (_, _, v) = objectLookup(client, argv) else { return }
        var refcount: Int64 = 1
        if case .string(let s) = v, s.encoding == .int, !s.unshared, let n = parseStrictInt64(s.bytes),
           n >= 0 && n < sharedIntegers, sharesIntegers(server) {
            refcount = sharedRefcount
        }
        client.out.integer(refcount)
    }

    static func objectIdletime(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let (db, key, v) = objectLookup(client, argv) else { return }
        server.syncAccessPolicy()
        if server.keyspace.accessPolicy.lfu {
            client.replyError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
            return
        }
        client.out.integer(stamp(server, db, key, v).map { server.keyspace.idleSeconds($0) } ?? 0)
    }

    static func objectFreq(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let (db, key, v) = objectLookup(client, argv) else { return }
        server.syncAccessPolicy()
        if !server.keyspace.accessPolicy.lfu {
            client.replyError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
            return
        }
        client.out.integer(Int64(stamp(server, db, key, v).map { server.keyspace.lfuDecayed($0) } ?? 0))
    }

    /// The stamp Redis's object carries: the shared one for a shared integer.
    private static func stamp(_ server: Server, _ db: Database, _ key: Key, _ v: Value) -> UInt32? {
        if let n = server.keyspace.sharedInteger(v) { return server.keyspace.sharedIntegerStamp(n) }
        return db.dict.stamp(of: key)
    }

    /// Redis stops sharing integers when maxmemory is set with an LRU or LFU policy.
    static func sharesIntegers(_ server: Server) -> Bool {
        let policy = server.config.maxmemoryPolicy
        return server.config.maxmemory == 0 || !(policy.hasSuffix("-lru") || policy.hasSuffix("-lfu"))
    }
}
