import Keyspace
import Protocol
import ServerKit

/// EXPIRE/PEXPIRE/EXPIREAT/PEXPIREAT with NX/XX/GT/LT, TTL/PTTL,
/// EXPIRETIME/PEXPIRETIME and PERSIST, as Redis 7.0's expire.c.
extension KeyCommands {
    static let expireHandlers: [String: CommandHandler] = [
        "expire": { s, c, a in expireGeneric(s, c, a, relative: true, seconds: true, name: "expire") },
        "pexpire": { s, c, a in expireGeneric(s, c, a, relative: true, seconds: false, name: "pexpire") },
        "expireat": { s, c, a in expireGeneric(s, c, a, relative: false, seconds: true, name: "expireat") },
        "pexpireat": { s, c, a in expireGeneric(s, c, a, relative: false, seconds: false, name: "pexpireat") },
        "ttl": { s, c, a in ttlGeneric(s, c, a, milliseconds: false, absolute: false) },
        "pttl": { s, c, a in ttlGeneric(s, c, a, milliseconds: true, absolute: false) },
        "expiretime": { s, c, a in ttlGeneric(s, c, a, milliseconds: false, absolute: true) },
        "pexpiretime": { s, c, a in ttlGeneric(s, c, a, milliseconds: true, absolute: true) },
        "persist": persist,
    ]

    struct ExpireFlags: OptionSet {
        let rawValue: UInt8
        static let nx = ExpireFlags(rawValue: 1)
        static let xx = ExpireFlags(rawValue: 2)
        static let gt = ExpireFlags(rawValue: 4)
        static let lt = ExpireFlags(rawValue: 8)
    }

    /// parseExtendedExpireArgumentsOrReply: every option is read before any
    /// compatibility check, and all of it before the time argument.
    static func parseExpireFlags(_ client: Client, _ argv: [[UInt8]]) -> ExpireFlags? {
        var flags: ExpireFlags = []
        for arg in argv.dropFirst(3) {
            if argEquals(arg, "nx") { flags.insert(.nx) }
            else if argEquals(arg, "xx") { flags.insert(.xx) }
            else if argEquals(arg, "gt") { flags.insert(.gt) }
            else if argEquals(arg, "lt") { flags.insert(.lt) }
            else {
                // %s in C: the text ends at the first NUL.
                client.replyError(bytes: errorText("ERR Unsupported option ", cString(arg)))
                return nil
            }
        }
        if flags.contains(.nx) && !flags.isDisjoint(with: [.xx, .gt, .lt]) {
            client.replyError("ERR NX and XX, GT or LT options at the same time are not compatible")
            return nil
        }
        if flags.contains([.gt, .lt]) {
            client.replyError("ERR GT and LT options at the same time are not compatible")
            return nil
        }
        return flags
    }

    static func expireGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]],
                              relative: Bool, seconds: Bool, name: String) {
        guard let flags = parseExpireFlags(client, argv) else { return }
        guard var when = parseStrictInt64(argv[2]) else {
            client.replyError("ERR value is not an integer or out of range")
            return
        }
        let timeError = "ERR invalid expire time in '\(name)' command"
        if seconds {
            guard when <= Int64.max / 1000 && when >= Int64.min / 1000 else {
                client.replyError(timeError)
                return
            }
            when *= 1000
        }
        // Redis passes mstime() (a fresh reading) as the base, not the command's frozen time.
        let base = relative ? server.clock.keyspaceMs() : 0
        guard when <= Int64.max - base else {
            client.replyError(timeError)
            return
        }
        when += base

        let db = client.db
        let key = Key(argv[1])
        guard db.lookupWrite(key) != nil else {
            client.out.integer(0)
            return
        }
        if !flags.isEmpty {
            let current = db.expireTime(key)
            if flags.contains(.nx) && current != nil
                || flags.contains(.xx) && current == nil {
                client.out.integer(0)
                return
            }
            // No TTL counts as infinite: GT always fails, LT always passes.
            if flags.contains(.gt) && (current == nil || when <= current!)
                || flags.contains(.lt) && current != nil && when >= current! {
                client.out.integer(0)
                return
            }
        }
        // A time in the past deletes the key, except on a replica, which waits
        // for its master's DEL, and in an AOF replay (the key goes after it).
        // checkAlreadyExpired: `when <= mstime()`, read afresh.
        if when <= server.clock.keyspaceMs() && server.keyspace.deletesPastExpiry {
            db.delete(key)
            server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
        } else {
            db.setExpire(key, at: when)
            db.context.onModified?(db, key)
            server.notifyKeyspaceEvent(Notify.generic, "expire", key, db: db.id)
        }
        server.dirty += 1
        client.out.integer(1)
    }

    /// -2 for a missing key, -1 without TTL; TTL rounds to the nearest second.
    static func ttlGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]],
                           milliseconds: Bool, absolute: Bool) {
        let db = client.db
        let key = Key(argv[1])
        guard db.lookupRead(key, touch: false) != nil else {
            client.out.integer(-2)
            return
        }
        guard let when = db.expireTime(key) else {
            client.out.integer(-1)
            return
        }
        let ttl = max(0, absolute ? when : when - server.clock.keyspaceMs())
        // (ttl + 500) / 1000 without overflowing near Int64.max.
        client.out.integer(milliseconds ? ttl : ttl / 1000 + (ttl % 1000 >= 500 ? 1 : 0))
    }

    static func persist(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        let db = client.db
        let key = Key(argv[1])
        guard db.lookupWrite(key) != nil, db.removeExpire(key) else {
            client.out.integer(0)
            return
        }
        db.context.onModified?(db, key)
        server.notifyKeyspaceEvent(Notify.generic, "persist", key, db: db.id)
        server.dirty += 1
        client.out.integer(1)
    }
}
