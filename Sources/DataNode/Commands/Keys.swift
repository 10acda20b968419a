import Keyspace
import Protocol

/// Handlers of this group, by full command name: the generic keyspace commands
/// (this file), KEYS/SCAN (KeysScan.swift), expiry (Expire.swift) and OBJECT
/// (ObjectCommand.swift).
enum KeyCommands {
    static let handlers: [String: CommandHandler] = {
        var h: [String: CommandHandler] = [
            "del": del, "unlink": unlink, "exists": exists, "touch": touch, "type": type,
            "randomkey": randomkey, "rename": { s, c, a in rename(s, c, a, nx: false) },
            "renamenx": { s, c, a in rename(s, c, a, nx: true) }, "move": move, "copy": copy,
            "keys": keys, "scan": scan,
        ]
        h.merge(expireHandlers) { a, _ in a }
        h.merge(objectHandlers) { a, _ in a }
        return h
    }()

    static let sameObjectError = "ERR source and destination objects are the same"
    static let dbIndexError = "ERR DB index is out of range"

    // MARK: DEL, UNLINK, EXISTS, TOUCH, TYPE, RANDOMKEY

    /// UNLINK frees memory in the background in Redis; here both free at once.
    static func del(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        delGeneric(server, client, argv, lazy: server.config.lazyfreeLazyUserDel)
    }

    static func unlink(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        delGeneric(server, client, argv, lazy: true)
    }

    /// delGenericCommand: a lazy delete defers freeing a large value (LazyFree.swift).
    private static func delGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]], lazy: Bool) {
        let db = client.db
        var n = 0
        for arg in argv.dropFirst() {
            guard let value = db.remove(Key(arg)) else { continue }
            if lazy { server.lazyFree(value) }
            server.notifyKeyspaceEvent(Notify.generic, "del", arg, db: db.id)
            server.dirty += 1
            n += 1
        }
        client.out.integer(n)
    }

    /// Counts repeated keys each time, as Redis does.
    static func exists(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        var n = 0
        for arg in argv.dropFirst() where db.lookupRead(Key(arg), touch: false) != nil { n += 1 }
        client.out.integer(n)
    }

    static func touch(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        var n = 0
        for arg in argv.dropFirst() where db.lookupRead(Key(arg)) != nil { n += 1 }
        client.out.integer(n)
    }

    static func type(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        client.out.simpleString(client.db.lookupRead(Key(argv[1]), touch: false)?.typeName ?? "none")
    }

    static func randomkey(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        if let k = client.db.randomKey(using: &server.rng) {
            client.out.bulk(k)
        } else {
            client.out.nullBulk()
        }
    }

    // MARK: RENAME, RENAMENX, MOVE, COPY

    /// On a (writable) replica a logically expired key stays stored until the
    /// master's DEL; a key written over it must not inherit its TTL, so it goes
    /// first, as Redis 7.0's write lookups force-delete expired keys.
    static func dropStaleEntry(_ db: Database, _ key: Key) {
        if db.isLogicallyExpired(key) { db.deleteExpired(key) }
    }

    /// The value, its TTL and its access stamp move to the new name.
    static func rename(_ server: Server, _ client: Client, _ argv: [[UInt8]], nx: Bool) {
        let db = client.db
        let src = Key(argv[1]), dst = Key(argv[2])
        guard let value = db.lookupWrite(src) else {
            client.replyError("ERR no such key")
            return
        }
        if src == dst {
            if nx { client.out.integer(0) } else { client.out.ok() }
            return
        }
        let expire = db.expireTime(src)
        let stamp = db.dict.stamp(of: src)
        if db.lookupWrite(dst) != nil {
            if nx {
                client.out.integer(0)
                return
            }
            db.delete(dst)
        }
        dropStaleEntry(db, dst)
        db.add(dst, value, stamp: stamp)
        if let when = expire { db.setExpire(dst, at: when) }
        db.delete(src)
        server.notifyKeyspaceEvent(Notify.generic, "rename_from", src, db: db.id)
        server.notifyKeyspaceEvent(Notify.generic, "rename_to", dst, db: db.id)
        server.dirty += 1
        if nx { client.out.integer(1) } else { client.out.ok() }
    }

    /// getIntFromObjectOrReply + selectDb's range check, with Redis's texts.
    static func parseDbIndex(_ server: Server, _ client: Client, _ arg: [UInt8]) -> Int? {
        guard let v = parseStrictInt64(arg) else {
            client.replyError("ERR value is not an integer or out of range")
            return nil
        }
        guard v >= Int64(Int32.min) && v <= Int64(Int32.max) else {
            client.replyError("ERR value is out of range, value must between -2147483648 and 2147483647")
            return nil
        }
        guard v >= 0 && Int(v) < server.databases.count else {
            client.replyError(dbIndexError)
            return nil
        }
        return Int(v)
    }

    static func move(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let target = parseDbIndex(server, client, argv[2]) else { return }
        if target == client.dbIndex {
            client.replyError(sameObjectError)
            return
        }
        let src = client.db, dst = server.databases[target]
        let key = Key(argv[1])
        guard let value = src.lookupWrite(key) else {
            client.out.integer(0)
            return
        }
        let expire = src.expireTime(key)
        if dst.lookupWrite(key) != nil {
            client.out.integer(0)
            return
        }
        dropStaleEntry(dst, key)
        dst.add(key, value, stamp: src.dict.stamp(of: key))
        if let when = expire { dst.setExpire(key, at: when) }
        src.delete(key)
        server.notifyKeyspaceEvent(Notify.generic, "move_from", key, db: src.id)
        server.notifyKeyspaceEvent(Notify.generic, "move_to", key, db: dst.id)
        server.dirty += 1
        client.out.integer(1)
    }

    /// COPY src dst [DB n] [REPLACE]: options parse left to right, the last DB wins.
    /// The copy is a new object (fresh access stamp) with the source's TTL.
    static func copy(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var target = client.dbIndex
        var replace = false
        var j = 3
        while j < argv.count {
            if argEquals(argv[j], "replace") {
                replace = true
            } else if argEquals(argv[j], "db") && j + 1 < argv.count {
                guard let n = parseDbIndex(server, client, argv[j + 1]) else { return }
                target = n
                j += 1
            } else {
                client.replyError("ERR syntax error")
                return
            }
            j += 1
        }
        let src = client.db, dst = server.databases[target]
        let key = Key(argv[1]), newKey = Key(argv[2])
        if target == client.dbIndex && key == newKey {
            client.replyError(sameObjectError)
            return
        }
        // Collection values are objects: the copy must not share them.
        guard let value = src.lookupRead(key) else {
            client.out.integer(0)
            return
        }
        let expire = src.expireTime(key)
        if dst.lookupWrite(newKey) != nil {
            guard replace else {
                client.out.integer(0)
                return
            }
            dst.delete(newKey)
        }
        dropStaleEntry(dst, newKey)
        dst.add(newKey, value.duplicate())
        if let when = expire { dst.setExpire(newKey, at: when) }
        server.notifyKeyspaceEvent(Notify.generic, "copy_to", newKey, db: dst.id)
        server.dirty += 1
        client.out.integer(1)
    }
}
