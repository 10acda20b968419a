import Keyspace
import Protocol

/// Handlers of this group, by full command name.
enum StringCommands {
    static let handlers: [String: CommandHandler] = [
        "get": get, "set": set, "setnx": setnx, "setex": setex, "psetex": psetex,
        "getset": getset, "getdel": getdel, "getex": getex,
        "mget": mget, "mset": mset, "msetnx": msetnx,
        "append": append, "strlen": strlen, "getrange": getrange, "substr": getrange, "setrange": setrange,
        "incr": incr, "decr": decr, "incrby": incrby, "decrby": decrby, "incrbyfloat": incrbyfloat,
        "lcs": lcs,
    ]

    // MARK: GET family

    static func get(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let v = client.db.lookupRead(Key(argv[1])) else {
            client.out.nullBulk()
            return
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return
        }
        client.out.bulk(s)
    }

    /// Redis's getGenericCommand: replies the value (or null); false after WRONGTYPE.
    @inline(__always)
    static func replyCurrentValue(_ client: Client, _ key: Key) -> Bool {
        guard let v = client.db.lookupRead(key) else {
            client.out.nullBulk()
            return true
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return false
        }
        client.out.bulk(s)
        return true
    }

    static func getset(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        guard replyCurrentValue(client, key) else { return }
        client.db.setKey(key, .string(StringValue(argv[2])))
        server.notifyKeyspaceEvent(Notify.string, "set", key, db: client.db.id)
        server.dirty += 1
    }

    static func getdel(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        let db = client.db
        guard let v = db.lookupRead(key) else {
            client.out.nullBulk()
            return
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return
        }
        client.out.bulk(s)
        db.delete(key)
        server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
        server.dirty += 1
    }

    static func getex(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let opts = StringSetOptions.parse(argv, from: 2, forSet: false, client: client) else { return }
        let key = Key(argv[1])
        let db = client.db
        guard let v = db.lookupRead(key) else {
            client.out.nullBulk()
            return
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return
        }
        var when: Int64 = 0
        if let arg = opts.expire {
            guard let ms = StringSetOptions.absoluteExpire(arg, flags: opts.flags, now: server.clock.keyspaceMs(),
                                                           command: "getex", client: client) else { return }
            when = ms
        }
        client.out.bulk(s)
        let f = opts.flags
        // checkAlreadyExpired reads the clock afresh.
        if !f.isDisjoint(with: [.exat, .pxat]) && when <= server.clock.keyspaceMs() && server.keyspace.deletesPastExpiry {
            // An absolute time already past deletes the key now (not counted as expired).
            db.delete(key)
            server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
            server.dirty += 1
        } else if opts.expire != nil {
            db.setExpire(key, at: when)
            server.keyspace.onModified?(db, key)
            server.notifyKeyspaceEvent(Notify.generic, "expire", key, db: db.id)
            server.dirty += 1
        } else if f.contains(.persist) {
            if db.removeExpire(key) {
                server.keyspace.onModified?(db, key)
                server.notifyKeyspaceEvent(Notify.generic, "persist", key, db: db.id)
                server.dirty += 1
            }
        }
    }

    static func mget(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        client.out.arrayHeader(argv.count - 1)
        for i in 1..<argv.count {
            if let v = db.lookupRead(Key(argv[i])), case .string(let s) = v {
                client.out.bulk(s)
            } else {
                // MGET answers null for a key of another type, not an error.
                client.out.nullBulk()
            }
        }
    }

    // MARK: SET family

    static func set(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        if argv.count == 3 {
            // The plain form: no option parsing, no reply other than OK.
            let key = Key(argv[1])
            let db = client.db
            expireBeforeOverwrite(db, key)
            db.setKey(key, .string(StringValue(argv[2])))
            server.notifyKeyspaceEvent(Notify.string, "set", key, db: db.id)
            server.dirty += 1
            client.out.ok()
            return
        }
        guard let opts = StringSetOptions.parse(argv, from: 3, forSet: true, client: client) else { return }
        setGeneric(server, client, argv[1], argv[2], opts, command: "set", okReply: nil, abortReply: nil)
    }

    static func setnx(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var opts = StringSetOptions()
        opts.flags = .nx
        setGeneric(server, client, argv[1], argv[2], opts, command: "setnx", okReply: 1, abortReply: 0)
    }

    static func setex(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var opts = StringSetOptions()
        opts.flags = .ex
        opts.expire = argv[2]
        setGeneric(server, client, argv[1], argv[3], opts, command: "setex", okReply: nil, abortReply: nil)
    }

    static func psetex(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        var opts = StringSetOptions()
        opts.flags = .px
        opts.expire = argv[2]
        setGeneric(server, client, argv[1], argv[3], opts, command: "psetex", okReply: nil, abortReply: nil)
    }

    /// Redis's setGenericCommand. `okReply`/`abortReply` are integers for
    /// SETNX; nil means +OK and a null reply.
    static func setGeneric(_ server: Server, _ client: Client, _ keyBytes: [UInt8], _ value: [UInt8],
                           _ opts: StringSetOptions, command: String, okReply: Int?, abortReply: Int?) {
        let f = opts.flags
        var when: Int64 = 0
        if let arg = opts.expire {
            // EX/PX count from a fresh clock reading (mstime()), not the command's
            // frozen time: the key then lives at least its full TTL.
            guard let ms = StringSetOptions.absoluteExpire(arg, flags: f, now: server.clock.keyspaceMs(),
                                                           command: command, client: client) else { return }
            when = ms
        }
        let key = Key(keyBytes)
        if f.contains(.get) {
            guard replyCurrentValue(client, key) else { return }
        }
        let db = client.db
        let found = db.lookupWrite(key) != nil
        if (f.contains(.nx) && found) || (f.contains(.xx) && !found) {
            if !f.contains(.get) {
                if let a = abortReply { client.out.integer(a) } else { client.out.nullBulk() }
            }
            return
        }
        db.setKey(key, .string(StringValue(value)), keepTTL: f.contains(.keepTTL))
        server.dirty += 1
        server.notifyKeyspaceEvent(Notify.string, "set", key, db: db.id)
        if opts.expire != nil {
            db.setExpire(key, at: when)
            server.notifyKeyspaceEvent(Notify.generic, "expire", key, db: db.id)
        }
        if !f.contains(.get) {
            if let ok = okReply { client.out.integer(ok) } else { client.out.ok() }
        }
    }

    static func mset(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        msetGeneric(server, client, argv, nx: false)
    }

    static func msetnx(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        msetGeneric(server, client, argv, nx: true)
    }

    static func msetGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]], nx: Bool) {
        if argv.count % 2 == 0 {
            client.replyError("ERR wrong number of arguments for '\(nx ? "msetnx" : "mset")' command")
            return
        }
        let db = client.db
        if nx {
            var j = 1
            while j < argv.count {
                if db.lookupWrite(Key(argv[j])) != nil {
                    client.out.integer(0)
                    return
                }
                j += 2
            }
        }
        var j = 1
        while j < argv.count {
            let key = Key(argv[j])
            if !nx { expireBeforeOverwrite(db, key) }
            db.setKey(key, .string(StringValue(argv[j + 1])))
            server.notifyKeyspaceEvent(Notify.string, "set", key, db: db.id)
            j += 2
        }
        server.dirty += (argv.count - 1) / 2
        if nx { client.out.integer(1) } else { client.out.ok() }
    }

    // MARK: byte-range commands

    static func append(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        let db = client.db
        let tail = argv[2]
        switch inspectForWrite(db, key, { $0.count }) {
        case .wrongType:
            client.replyError(StringReplies.wrongType)
        case .missing:
            db.add(key, .string(StringValue(tail)))
            server.notifyKeyspaceEvent(Notify.string, "append", key, db: db.id)
            server.dirty += 1
            client.out.integer(tail.count)
        case .found(let len):
            guard checkStringLength(server, client, len, tail.count) else { return }
            let total = modifyString(db, key) { s -> Int in
                s.bytes.append(contentsOf: tail)
                s.encoding = .raw
                return s.count
            } ?? 0
            server.notifyKeyspaceEvent(Notify.string, "append", key, db: db.id)
            server.dirty += 1
            client.out.integer(total)
        }
    }

    static func strlen(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let v = client.db.lookupRead(Key(argv[1])) else {
            client.out.integer(0)
            return
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return
        }
        client.out.integer(s.count)
    }

    /// GETRANGE and its old name SUBSTR.
    static func getrange(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard var start = integerArgument(client, argv[2]), var end = integerArgument(client, argv[3]) else { return }
        guard let v = client.db.lookupRead(Key(argv[1])) else {
            client.out.bulk(EmptyCollection<UInt8>())
            return
        }
        guard case .string(let s) = v else {
            client.replyError(StringReplies.wrongType)
            return
        }
        let len = Int64(s.count)
        if start < 0 && end < 0 && start > end {
            client.out.bulk(EmptyCollection<UInt8>())
            return
        }
        if start < 0 { start = len &+ start }
        if end < 0 { end = len &+ end }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= len { end = len - 1 }
        if start > end || len == 0 {
            client.out.bulk(EmptyCollection<UInt8>())
        } else {
            s.withUnsafeBytes { client.out.bulk(UnsafeRawBufferPointer(rebasing: $0[Int(start)...Int(end)])) }
        }
    }

    static func setrange(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let offset = integerArgument(client, argv[2]) else { return }
        if offset < 0 {
            client.replyError("ERR offset is out of range")
            return
        }
        let key = Key(argv[1])
        let db = client.db
        let patch = argv[3]
        let off = Int(offset)
        switch inspectForWrite(db, key, { $0.count }) {
        case .wrongType:
            client.replyError(StringReplies.wrongType)
        case .missing:
            if patch.isEmpty {
                client.out.integer(0)
                return
            }
            guard checkStringLength(server, client, off, patch.count) else { return }
            var bytes = [UInt8](repeating: 0, count: off + patch.count)
            copyBytes(patch, into: &bytes, at: off)
            db.add(key, .string(StringValue(bytes: bytes, encoding: .raw)))
            server.notifyKeyspaceEvent(Notify.string, "setrange", key, db: db.id)
            server.dirty += 1
            client.out.integer(bytes.count)
        case .found(let len):
            if patch.isEmpty {
                client.out.integer(len)
                return
            }
            guard checkStringLength(server, client, off, patch.count) else { return }
            let total = modifyString(db, key) { s -> Int in
                let end = off + patch.count
                if s.count < end {
                    let pad = end - s.count
                    s.bytes.append(contentsOf: repeatElement(0, count: pad))
                }
                copyBytes(patch, into: &s.bytes, at: off)
                s.encoding = .raw
                return s.count
            } ?? 0
            server.notifyKeyspaceEvent(Notify.string, "setrange", key, db: db.id)
            server.dirty += 1
            client.out.integer(total)
        }
    }

    /// memcpy of `src` into `dst` at `offset` (the room must exist).
    @inline(__always)
    static func copyBytes(_ src: [UInt8], into dst: inout [UInt8], at offset: Int) {
        guard !src.isEmpty else { return }
        dst.withUnsafeMutableBufferPointer { d in
            src.withUnsafeBufferPointer { s in
                (d.baseAddress! + offset).update(from: s.baseAddress!, count: s.count)
            }
        }
    }
}
