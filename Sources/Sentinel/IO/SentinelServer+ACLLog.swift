import ACL
import Protocol
import ServerKit

/// The permission check of every command and the ACL log it feeds, as
/// redis-sentinel runs them (processCommand's ACLCheckAllPerm, ACL LOG).
extension SentinelServer {
    /// ACLCheckAllPerm and its rejection; false when the command was refused.
    /// A connection that has not authenticated acts as the default user.
    func aclPermits(_ c: ClientSession, _ target: CommandSpec, _ argv: [[UInt8]]) -> Bool {
        let u = c.user ?? acl.defaultUser
        if u.unrestricted { return true }
        guard let id = acl.catalog.lookup(target.name) else { return true }
        switch u.check(acl.catalog, command: id, argv: argv, keys: { _ in }, channels: CommandTable.channelArgs(target.name)) {
        case .ok:
            return true
        case .deniedCommand:
            addACLLog(c, reason: .command, object: Array(target.name.utf8))
            replyError(c, "NOPERM this user has no permissions to run the '\(target.name)' command")
        case .deniedKey(let i):
            addACLLog(c, reason: .key, object: argv[i])
            replyError(c, "NOPERM this user has no permissions to access one of the keys used as arguments")
        case .deniedChannel(let i):
            addACLLog(c, reason: .channel, object: argv[i])
            replyError(c, "NOPERM this user has no permissions to access one of the channels used as arguments")
        }
        return false
    }

    /// addACLLogEntry; a sentinel runs no MULTI or scripts, so the context is always toplevel.
    func addACLLog(_ c: ClientSession, reason: ACLLog.Reason, object: [UInt8], username: String? = nil) {
        let now = clockMs()
        aclLog.add(reason: reason, context: .toplevel, object: object, username: username ?? (c.user ?? acl.defaultUser).name,
                   clientInfo: clientLine(c, now: now), nowMs: now, maxLen: options.acllogMaxLen)
    }

    func addACLLog(_ c: ClientSession, reason: ACLLog.Reason, object: String, username: String? = nil) {
        addACLLog(c, reason: reason, object: Array(object.utf8), username: username)
    }

    /// ACL LOG [<count> | RESET].
    func aclLogCommand(_ c: ClientSession, _ args: [String], _ argv: [[UInt8]]) {
        var count = 10
        if args.count == 3 {
            if args[2].lowercased() == "reset" {
                aclLog.reset()
                return c.reply(.simple("OK"))
            }
            guard let n = parseStrictInt64(argv[2]) else { return replyError(c, "ERR value is not an integer or out of range") }
            count = Int(max(n, 0))
        } else if args.count > 3 {
            return replyError(c, bytes: CommandRejection.subcommandSyntax(argv[1], container: "acl"))
        }
        let now = clockMs()
        c.reply(.array(aclLog.entries.prefix(count).map { e in
            .map([.bulk("count"), .integer(Int64(e.count)),
                  .bulk("reason"), .bulk(e.reason.rawValue),
                  .bulk("context"), .bulk(e.context.rawValue),
                  .bulk("object"), .bulkString(e.object),
                  .bulk("username"), .bulk(e.username),
                  .bulk("age-seconds"), .double(Double(now - e.timeMs) / 1000),
                  .bulk("client-info"), .bulk(e.clientInfo)])
        }))
    }
}
