import ACL
import Protocol
import ServerKit

/// CLIENT KILL, in both forms, as clientKillCommand in Redis 7.0: options are
/// checked in order and the first bad one answers; other clients are freed at
/// once, and a caller that matches gets its reply before its connection closes.
extension SentinelServer {
    func clientKill(_ c: ClientSession, _ argv: [[UInt8]]) {
        let filter: ClientKillFilter
        switch ClientKillFilter.parse(argv, userExists: { acl.user(String(decoding: $0, as: UTF8.self)) != nil }) {
        case .error(let text): return replyError(c, bytes: text)
        case .request(let f): filter = f
        }
        let user = filter.user.flatMap { acl.user(String(decoding: $0, as: UTF8.self)) }
        var killed = 0
        var killSelf = false
        for victim in clients.values.sorted(by: { $0.id < $1.id }) {
            // A sentinel's clients are only ever normal or pubsub.
            guard filter.matches(id: victim.id, addr: victim.addr, laddr: victim.laddr, type: victim.inPubSub ? .pubsub : .normal,
                                 userMatches: effectiveUser(victim) === user) else { continue }
            if victim === c {
                if filter.skipMe { continue }
                killSelf = true
            } else {
                victim.connection.close(reason: "killed by CLIENT KILL")
            }
            killed += 1
        }
        if filter.oldForm {
            if killed == 0 { replyError(c, "ERR No such client") } else { c.reply(.simple("OK")) }
        } else {
            c.reply(.integer(Int64(killed)))
        }
        // Only once the reply is queued: the caller still reads it.
        if killSelf { c.closeAfterReply = true }
    }

    /// The user a client acts as: Redis gives a connection that has not
    /// authenticated yet the default user.
    func effectiveUser(_ c: ClientSession) -> ACLUser? {
        c.user ?? acl.user("default")
    }
}
