import ACL
import ServerKit

/// Where the ACL engine meets dispatch: the permission check of
/// processCommand, NOPERM replies and ACL LOG entries.
extension Server {
    /// redis-server 7.0's whole command table, subcommands included (ACL
    /// rules know every command, implemented here or not); only_sentinel
    /// commands are not in a data node's table.
    static let aclCatalog = ACLCatalog(commands: CommandSpec.redis70.filter { !$0.flags.contains("only_sentinel") }.map {
        ($0.fullName, $0.aclCategories, $0.flags.contains("no_auth"))
    })

    /// The connection's user (unauthenticated connections are `default`).
    func aclUser(of c: Client) -> ACLUser { c.aclUser ?? acl.defaultUser }

    /// ACLCheckAllPerm and its rejection; false when the command was refused.
    @inline(__always)
    func aclPermits(_ c: Client, _ cmd: Command, _ argv: [[UInt8]]) -> Bool {
        let u = aclUser(of: c)
        if u.unrestricted { return true }
        let verdict = aclVerdict(u, cmd, argv)
        if verdict == .ok { return true }
        let ctx: ACLLog.Context = c.flags.contains(.multi) ? .multi : .toplevel
        switch verdict {
        case .deniedCommand:
            addACLLog(c, reason: .command, context: ctx, object: Array(cmd.fullName.utf8), running: cmd.fullName)
            rejectCommand(c, "NOPERM this user has no permissions to run the '\(cmd.fullName)' command", cmd)
        case .deniedKey(let i):
            addACLLog(c, reason: .key, context: ctx, object: argv[i], running: cmd.fullName)
            rejectCommand(c, "NOPERM this user has no permissions to access one of the keys used as arguments", cmd)
        case .deniedChannel(let i):
            addACLLog(c, reason: .channel, context: ctx, object: argv[i], running: cmd.fullName)
            rejectCommand(c, "NOPERM this user has no permissions to access one of the channels used as arguments", cmd)
        case .ok: break
        }
        return false
    }

    func aclVerdict(_ u: ACLUser, _ cmd: Command, _ argv: [[UInt8]]) -> ACLVerdict {
        if cmd.aclID < 0 { cmd.aclID = acl.catalog.lookup(cmd.fullName) ?? Int.max }
        // Not in redis-server's table: no rule can allow it.
        guard cmd.aclID != Int.max else { return .deniedCommand }
        if let keys = KeyExtraction.aclKeyRange(cmd, argv) {
            return u.check(acl.catalog, command: cmd.aclID, argv: argv, keyRange: keys, channels: cmd.aclChannelArgs)
        }
        return u.check(acl.catalog, command: cmd.aclID, argv: argv, keys: { visit in Self.aclKeys(cmd, argv, visit) },
                       channels: cmd.aclChannelArgs)
    }

    /// ACLUserCheckCmdWithUnrestrictedKeyAccess for the connection's user:
    /// whether `cmd` may also read (`read`) or write any key at all.
    func aclHasUnrestrictedKeyAccess(_ c: Client, _ cmd: Command, _ argv: [[UInt8]], read: Bool, write: Bool) -> Bool {
        let u = aclUser(of: c)
        if cmd.aclID < 0 { cmd.aclID = acl.catalog.lookup(cmd.fullName) ?? Int.max }
        guard cmd.aclID != Int.max else { return false }
        return u.checkWithUnrestrictedKeyAccess(acl.catalog, command: cmd.aclID, argv: argv,
                                                keys: { visit in Self.aclKeys(cmd, argv, visit) },
                                                channels: cmd.aclChannelArgs, read: read, write: write)
    }

    /// The command's keys as the ACL engine sees them, found in place.
    @inline(__always)
    private static func aclKeys(_ cmd: Command, _ argv: [[UInt8]], _ visit: (ACLKeyRef) -> Bool) {
        KeyExtraction.forEachKey(cmd, argv) { position, flags in
            let access = KeyExtraction.aclAccess(flags)
            return visit(ACLKeyRef(position: position, read: access.read, write: access.write))
        }
    }

    static func channelArgs(_ name: String) -> ACLChannelArgs {
        switch name {
        case "publish", "spublish": return .publish
        case "subscribe", "ssubscribe": return .subscribe
        case "psubscribe": return .psubscribe
        default: return .none
        }
    }

    /// `running`: the command CLIENT LIST shows as the caller's (Redis's c->lastcmd).
    func addACLLog(_ c: Client, reason: ACLLog.Reason, context: ACLLog.Context, object: [UInt8], running: String, username: String? = nil) {
        aclLog.add(reason: reason, context: context, object: object, username: username ?? aclUser(of: c).name,
                   clientInfo: ClientCommands.infoLine(self, c, current: c, argv: [], running: running),
                   nowMs: clock.wallMs(), maxLen: config.acllogMaxLen)
    }

    /// ACLFreeUserAndKillClients: connections of a deleted or replaced user.
    func disconnectClients(of users: [ACLUser], caller: Client) {
        guard !users.isEmpty else { return }
        for other in clients.values.sorted(by: { $0.id < $1.id }) where other.aclUser.map({ u in users.contains { $0 === u } }) ?? false {
            other.aclUser = nil
            other.user = "default"
            other.authenticated = false
            if other === caller { other.flags.insert(.closeAfterReply) } else { freeClient(other, reason: "user deleted") }
        }
    }
}

extension Server {
    /// ACLLoadUsersAtStartup: `user` lines or the aclfile, never both. nil
    /// when the users are in place, else the lines to log before exiting 1.
    public func loadUsersAtStartup() -> [String]? {
        if !config.aclfile.isEmpty && !config.users.isEmpty {
            return ["Configuring Redis with users defined in redis.conf and at the same setting an ACL file path is invalid. This setup is very likely to lead to configuration errors and security holes, please define either an ACL file or declare users directly in your redis.conf, but not both."]
        }
        for line in config.users {
            if case .load(let text) = acl.loadConfigUser(line.strings) {
                return [text, "Critical error while loading ACLs. Exiting."]
            }
        }
        if !config.aclfile.isEmpty, let err = loadACLFile() {
            return ["Aborting Redis startup because of ACL errors: \(err)"]
        }
        return nil
    }

    /// ACLLoadFromFile; the replaced users' connections are closed.
    func loadACLFile(caller: Client? = nil) -> String? {
        let path = config.aclfile
        let text: String
        switch ConfigPaths.readFile(path) {
        case .success(let b): text = String(decoding: b, as: UTF8.self)
        case .failure(let e): return "Error loading ACLs, opening file '\(path)': \(e)"
        }
        var replaced: [ACLUser] = []
        if let err = acl.load(fileText: text, path: path, replaced: &replaced) { return err }
        for other in clients.values.sorted(by: { $0.id < $1.id }) where other.aclUser.map({ u in replaced.contains { $0 === u } }) ?? false {
            other.aclUser = nil
            other.user = "default"
            other.authenticated = false
            if other === caller { other.flags.insert(.closeAfterReply) } else { freeClient(other, reason: "ACL LOAD") }
        }
        return nil
    }
}

extension Server {
    /// execCommand's re-check: rules may have changed since the command was
    /// queued. The NOPERM text for the reply, nil when still allowed.
    func aclDenialAtExec(_ c: Client, _ cmd: Command, _ argv: [[UInt8]]) -> String? {
        let u = aclUser(of: c)
        if u.unrestricted { return nil }
        let reason: String
        switch aclVerdict(u, cmd, argv) {
        case .ok: return nil
        case .deniedCommand:
            addACLLog(c, reason: .command, context: .multi, object: Array(cmd.fullName.utf8), running: "exec")
            reason = "no permission to execute the command or subcommand"
        case .deniedKey(let i):
            addACLLog(c, reason: .key, context: .multi, object: argv[i], running: "exec")
            reason = "no permission to touch the specified keys"
        case .deniedChannel(let i):
            addACLLog(c, reason: .channel, context: .multi, object: argv[i], running: "exec")
            reason = "no permission to access one of the channels used as arguments"
        }
        return "NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. This command is no longer allowed for the following reason: " + reason
    }
}
