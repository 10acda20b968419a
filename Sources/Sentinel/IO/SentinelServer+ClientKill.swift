import Protocol

/// CLIENT KILL, in both forms, as clientKillCommand in Redis 7.0: options are
/// checked in order and the first bad one answers; other clients are freed at
/// once, and a caller that matches gets its reply before its connection closes.
extension SentinelServer {
    func clientKill(_ c: ClientSession, _ args: [String]) {
        var addr: String?, laddr: String?, type: String?, user: ACLUser?
        var id = 0
        var skipMe = true
        let oldForm = args.count == 3
        if oldForm {
            addr = args[2]
            skipMe = false  // the old form may kill the caller
        } else {
            var i = 2
            while i < args.count {
                let more = args.count > i + 1
                let opt = args[i].lowercased()
                if opt == "id" && more {
                    guard let v = parseStrictInt64(Array(args[i + 1].utf8)), v >= 1 else {
                        return replyError(c, "ERR client-id should be greater than 0")
                    }
                    id = Int(v)
                } else if opt == "type" && more {
                    guard let t = Self.clientType(named: args[i + 1]) else {
                        return replyError(c, "ERR Unknown client type '\(args[i + 1])'")
                    }
                    type = t
                } else if opt == "addr" && more {
                    addr = args[i + 1]
                } else if opt == "laddr" && more {
                    laddr = args[i + 1]
                } else if opt == "user" && more {
                    guard let u = acl.user(args[i + 1]) else { return replyError(c, "ERR No such user '\(args[i + 1])'") }
                    user = u
                } else if opt == "skipme" && more {
                    switch args[i + 1].lowercased() {
                    case "yes": skipMe = true
                    case "no": skipMe = false
                    default: return replyError(c, "ERR syntax error")
                    }
                } else {
                    return replyError(c, "ERR syntax error")
                }
                i += 2
            }
        }
        var killed = 0
        var killSelf = false
        for victim in clients.values.sorted(by: { $0.id < $1.id }) {
            if let addr, victim.addr != addr { continue }
            if let laddr, victim.laddr != laddr { continue }
            if let type, type != (victim.inPubSub ? "pubsub" : "normal") { continue }
            if id != 0 && victim.id != id { continue }
            if let user, effectiveUser(victim) !== user { continue }
            if victim === c {
                if skipMe { continue }
                killSelf = true
            } else {
                victim.connection.close(reason: "killed by CLIENT KILL")
            }
            killed += 1
        }
        if oldForm {
            if killed == 0 { replyError(c, "ERR No such client") } else { c.reply(.simple("OK")) }
        } else {
            c.reply(.integer(Int64(killed)))
        }
        // Only once the reply is queued: the caller still reads it.
        if killSelf { c.closeAfterReply = true }
    }

    /// getClientTypeByName; a sentinel's clients are only ever normal or pubsub.
    static func clientType(named name: String) -> String? {
        switch name.lowercased() {
        case "normal": return "normal"
        case "slave", "replica": return "replica"
        case "pubsub": return "pubsub"
        case "master": return "master"
        default: return nil
        }
    }

    /// The user a client acts as: Redis gives a connection that has not
    /// authenticated yet the default user.
    func effectiveUser(_ c: ClientSession) -> ACLUser? {
        c.user ?? acl.user("default")
    }
}
