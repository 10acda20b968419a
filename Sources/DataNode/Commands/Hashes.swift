import Keyspace
import Protocol

/// The hash group: HSET family, reads, HDEL, counters (Hashes+Counters.swift),
/// HRANDFIELD (Hashes+Random.swift) and HSCAN (Hashes+Scan.swift).
enum HashCommands {
    static let handlers: [String: CommandHandler] = [
        "hset": hset, "hmset": hmset, "hsetnx": hsetnx,
        "hget": hget, "hmget": hmget, "hgetall": hgetall, "hkeys": hkeys, "hvals": hvals,
        "hdel": hdel, "hlen": hlen, "hstrlen": hstrlen, "hexists": hexists,
        "hincrby": hincrby, "hincrbyfloat": hincrbyfloat,
        "hrandfield": hrandfield, "hscan": hscan,
    ]

    static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"

    // MARK: lookups

    /// Read lookup (hit/miss counted): nil after replying WRONGTYPE or when
    /// missing (then nothing is replied: the caller answers its empty reply).
    enum Found {
        case missing
        case wrongType
        case hash(HashValue)
    }

    @inline(__always)
    static func lookupRead(_ client: Client, _ key: [UInt8]) -> Found {
        guard let v = client.db.lookupRead(Key(key)) else { return .missing }
        guard case .hash(let h) = v else { return .wrongType }
        return .hash(h)
    }

    @inline(__always)
    static func lookupWrite(_ client: Client, _ key: Key) -> Found {
        guard let v = client.db.lookupWrite(key) else { return .missing }
        guard case .hash(let h) = v else { return .wrongType }
        return .hash(h)
    }

    /// Redis's hashTypeLookupWriteOrCreate: a missing key gets an empty hash at once.
    static func lookupWriteOrCreate(_ client: Client, _ key: Key) -> HashValue? {
        switch lookupWrite(client, key) {
        case .hash(let h): return h
        case .wrongType:
            client.replyError(wrongType)
            return nil
        case .missing:
            let h = HashValue()
            client.db.add(key, .hash(h))
            return h
        }
    }

    /// signalModifiedKey for a value changed in place.
    @inline(__always)
    static func signalModified(_ db: Database, _ key: Key) {
        db.context.onModified?(db, key)
    }

    // MARK: HSET family

    static func hset(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setPairs(server, client, argv, name: "hset")
    }

    static func hmset(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        setPairs(server, client, argv, name: "hmset")
    }

    private static func setPairs(_ server: Server, _ client: Client, _ argv: [[UInt8]], name: String) {
        if argv.count % 2 == 1 {
            client.replyError("ERR wrong number of arguments for '\(name)' command")
            return
        }
        let key = Key(argv[1])
        guard let h = lookupWriteOrCreate(client, key) else { return }
        let maxEntries = server.config.hashMaxListpackEntries
        let maxValue = server.config.hashMaxListpackValue
        h.convertIfAnyLonger(argv[2...], maxValue: maxValue)
        var created = 0
        var i = 2
        while i < argv.count {
            if h.set(argv[i], argv[i + 1], maxEntries: maxEntries, maxValue: maxValue) { created += 1 }
            i += 2
        }
        if name == "hset" { client.out.integer(created) } else { client.out.ok() }
        signalModified(client.db, key)
        server.notifyKeyspaceEvent(Notify.hash, "hset", key, db: client.db.id)
        server.dirty += (argv.count - 2) / 2
    }

    static func hsetnx(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        guard let h = lookupWriteOrCreate(client, key) else { return }
        if h.contains(argv[2]) {
            client.out.integer(0)
            return
        }
        let maxValue = server.config.hashMaxListpackValue
        h.convertIfAnyLonger(argv[2...3], maxValue: maxValue)
        h.set(argv[2], argv[3], maxEntries: server.config.hashMaxListpackEntries, maxValue: maxValue)
        client.out.integer(1)
        signalModified(client.db, key)
        server.notifyKeyspaceEvent(Notify.hash, "hset", key, db: client.db.id)
        server.dirty += 1
    }

    // MARK: reads

    static func hget(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.nullBulk()
        case .wrongType: client.replyError(wrongType)
        case .hash(let h):
            if h.withValue(argv[2], { client.out.bulk($0) }) == nil { client.out.nullBulk() }
        }
    }

    static func hmget(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var hash: HashValue? = nil
        switch lookupRead(client, argv[1]) {
        case .missing: break
        case .wrongType:
            client.replyError(wrongType)
            return
        case .hash(let h): hash = h
        }
        client.out.arrayHeader(argv.count - 2)
        for i in 2..<argv.count {
            if let h = hash, h.withValue(argv[i], { client.out.bulk($0) }) != nil { continue }
            client.out.nullBulk()
        }
    }

    static func hgetall(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.mapHeader(0)
        case .wrongType: client.replyError(wrongType)
        case .hash(let h):
            client.out.mapHeader(h.count)
            if let t = h.table {
                // The large case: straight from the arrays, no closures.
                let keys = t.dict.keys, values = t.dict.values
                for i in 0..<keys.count {
                    client.out.bulk(keys[i])
                    client.out.bulk(values[i])
                }
            } else {
                h.forEach { f, v in
                    client.out.bulk(f)
                    client.out.bulk(v)
                }
            }
        }
    }

    static func hkeys(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.arrayHeader(0)
        case .wrongType: client.replyError(wrongType)
        case .hash(let h):
            client.out.arrayHeader(h.count)
            h.forEach { f, _ in client.out.bulk(f) }
        }
    }

    static func hvals(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.arrayHeader(0)
        case .wrongType: client.replyError(wrongType)
        case .hash(let h):
            client.out.arrayHeader(h.count)
            h.forEach { _, v in client.out.bulk(v) }
        }
    }

    static func hlen(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(wrongType)
        case .hash(let h): client.out.integer(h.count)
        }
    }

    static func hstrlen(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(wrongType)
        case .hash(let h): client.out.integer(h.withValue(argv[2], { $0.count }) ?? 0)
        }
    }

    static func hexists(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        switch lookupRead(client, argv[1]) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(wrongType)
        case .hash(let h): client.out.integer(h.contains(argv[2]) ? 1 : 0)
        }
    }

    // MARK: HDEL

    static func hdel(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        switch lookupWrite(client, key) {
        case .missing: client.out.integer(0)
        case .wrongType: client.replyError(wrongType)
        case .hash(let h): MemberRemoval.removeNamed(server, client, key, h, argv, eventType: Notify.hash, event: "hdel")
        }
    }
}
