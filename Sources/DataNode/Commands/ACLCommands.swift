import ACL
import Protocol
import ServerKit

/// ACL SETUSER / GETUSER / DELUSER / LIST / USERS / WHOAMI / CAT / GENPASS /
/// LOG / DRYRUN / HELP on the data node (acl.c's aclCommand).
enum ACLCommands {
    static let handlers: [String: CommandHandler] = [
        "acl|setuser": setuser, "acl|getuser": getuser, "acl|deluser": deluser, "acl|list": list,
        "acl|users": users, "acl|whoami": whoami, "acl|cat": cat, "acl|genpass": genpass,
        "acl|log": log, "acl|dryrun": dryrun, "acl|help": help, "acl|load": load, "acl|save": save,
    ]

    static func text(_ b: [UInt8]) -> String { String(decoding: b, as: UTF8.self) }

    static func setuser(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.redactedArgs = Array(2..<argv.count)
        let acl = server.acl
        do {
            let (staged, existing) = try acl.stage(text(argv[2]), rules: Array(argv[3...]))
            if let existing, !staged.keepsAllChannels(of: existing) { dropRevokedSubscribers(server, staged, existing, caller: c) }
            acl.commit(staged, into: existing)
            c.out.ok()
        } catch {
            c.replyError("ERR " + error.text)
        }
    }

    /// ACLKillPubsubClientsIfNeeded: subscribers holding what they may no longer read.
    static func dropRevokedSubscribers(_ server: Server, _ staged: ACLUser, _ existing: ACLUser, caller: Client) {
        for other in server.clients.values.sorted(by: { $0.id < $1.id }) where server.aclUser(of: other) === existing {
            guard other.totalSubscriptionCount > 0 else { continue }
            let kill = other.patterns.contains { !staged.keepsSubscription($0.bytes, isPattern: true) }
                || other.channels.contains { !staged.keepsSubscription($0.bytes, isPattern: false) }
                || other.shardChannels.contains { !staged.keepsSubscription($0.bytes, isPattern: false) }
            guard kill else { continue }
            if other === caller { other.flags.insert(.closeAfterReply) } else { server.freeClient(other, reason: "ACL channels revoked") }
        }
    }

    static func getuser(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let u = server.acl.user(text(argv[2])) else { c.out.nullBulk(); return }
        c.out.mapHeader(6)
        c.out.bulk("flags")
        c.out.setHeader(u.flagNames.count)
        for f in u.flagNames { c.out.bulk(f) }
        c.out.bulk("passwords")
        c.out.arrayHeader(u.passwords.count)
        for p in u.passwords { c.out.bulk(p) }
        selectorFields(server, c, u.root)
        c.out.bulk("selectors")
        c.out.arrayHeader(u.selectors.count - 1)
        for s in u.selectors.dropFirst() {
            c.out.mapHeader(3)
            selectorFields(server, c, s)
        }
    }

    static func selectorFields(_ server: Server, _ c: Client, _ s: ACLSelector) {
        c.out.bulk("commands"); c.out.bulk(s.commandRules(server.acl.catalog))
        c.out.bulk("keys"); c.out.bulk(s.keysText)
        c.out.bulk("channels"); c.out.bulk(s.channelsText)
    }

    static func deluser(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv[2...].contains(where: { text($0) == "default" }) {
            c.replyError("ERR The 'default' user cannot be removed")
            return
        }
        var deleted: [ACLUser] = []
        for name in argv[2...] { if let u = server.acl.delete(text(name)) { deleted.append(u) } }
        server.disconnectClients(of: deleted, caller: c)
        c.out.integer(deleted.count)
    }

    static func list(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let users = server.acl.sorted
        c.out.arrayHeader(users.count)
        for u in users { c.out.bulk(u.describe(server.acl.catalog)) }
    }

    static func users(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let users = server.acl.sorted
        c.out.arrayHeader(users.count)
        for u in users { c.out.bulk(u.name) }
    }

    static func whoami(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.bulk(server.aclUser(of: c).name)
    }

    static func cat(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv.count == 2 {
            c.out.arrayHeader(ACLCatalog.categories.count)
            for n in ACLCatalog.categories { c.out.bulk(n) }
            return
        }
        guard argv.count == 3 else { return ServerCommands.replySubcommandSyntaxError(c, argv) }
        guard let bit = ACLCatalog.categoryBit(text(argv[2])) else {
            c.replyError("ERR Unknown category '\(text(argv[2]).prefix(128))'")
            return
        }
        let ids = server.acl.catalog.members(ofCategory: bit)
        c.out.arrayHeader(ids.count)
        for id in ids { c.out.bulk(server.acl.catalog.entries[id].fullName) }
    }

    static func genpass(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        var bits = 256
        if argv.count == 3 {
            guard let b = Int(text(argv[2])) else { return c.replyError("ERR value is not an integer or out of range") }
            bits = b
        } else if argv.count > 3 {
            return ServerCommands.replySubcommandSyntaxError(c, argv)
        }
        guard bits > 0 && bits <= 4096 else {
            return c.replyError("ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
        }
        let hex = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        for _ in 0..<((bits + 3) / 4) { out.append(hex[Int.random(in: 0..<16)]) }
        c.out.bulk(out)
    }

    static func log(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        var count = 10
        if argv.count == 3 {
            if text(argv[2]).lowercased() == "reset" { server.aclLog.reset(); c.out.ok(); return }
            guard let n = Int(text(argv[2])) else { return c.replyError("ERR value is not an integer or out of range") }
            count = max(n, 0)
        } else if argv.count > 3 {
            return ServerCommands.replySubcommandSyntaxError(c, argv)
        }
        let entries = server.aclLog.entries.prefix(count)
        let now = server.clock.wallMs()
        c.out.arrayHeader(entries.count)
        for e in entries {
            c.out.mapHeader(7)
            c.out.bulk("count"); c.out.integer(e.count)
            c.out.bulk("reason"); c.out.bulk(e.reason.rawValue)
            c.out.bulk("context"); c.out.bulk(e.context.rawValue)
            c.out.bulk("object"); c.out.bulk(e.object)
            c.out.bulk("username"); c.out.bulk(e.username)
            c.out.bulk("age-seconds"); c.out.double(Double(now - e.timeMs) / 1000)
            c.out.bulk("client-info"); c.out.bulk(e.clientInfo)
        }
    }

    static func dryrun(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let u = server.acl.user(text(argv[2])) else { return c.replyError("ERR User '\(text(argv[2]))' not found") }
        let cmdArgv = Array(argv[3...])
        // Redis looks in its whole table: a command Vigil does not run yet is still judged by its spec.
        guard var cmd = server.commands.lookup(cmdArgv[0]) ?? specOnlyCommand(text(cmdArgv[0])) else {
            return c.replyError("ERR Command '\(text(argv[3]))' not found")
        }
        if cmd.isContainer {
            guard cmdArgv.count >= 2, let sub = cmd.subcommands[text(cmdArgv[1]).lowercased()] else {
                return c.replyError("ERR Command '\(text(argv[3]))' not found")
            }
            cmd = sub
        }
        guard cmd.arityAccepts(cmdArgv.count) else {
            return c.replyError("ERR wrong number of arguments for '\(cmd.fullName)' command")
        }
        switch server.aclVerdict(u, cmd, cmdArgv) {
        case .ok: c.out.ok()
        case .deniedCommand: c.out.bulk("This user has no permissions to run the '\(cmd.fullName)' command")
        case .deniedKey(let i): c.out.bulk("This user has no permissions to access the '\(text(cmdArgv[i]))' key")
        case .deniedChannel(let i): c.out.bulk("This user has no permissions to access the '\(text(cmdArgv[i]))' channel")
        }
    }

    /// A handler-less Command for a 7.0 spec (with its subcommands), for DRYRUN only.
    static func specOnlyCommand(_ name: String) -> Command? {
        let lower = name.lowercased()
        guard let spec = CommandSpec.redis70.first(where: { $0.container.isEmpty && $0.name == lower }),
              !spec.flags.contains("only_sentinel") else { return nil }
        let cmd = Command(spec: spec, handler: nil)
        for sub in CommandSpec.redis70 where sub.container == lower {
            let s = Command(spec: sub, handler: nil)
            cmd.subcommands[sub.subcommandName] = s
        }
        return cmd
    }

    static func help(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.arrayHeader(HelpTexts.acl.count)
        for l in HelpTexts.acl { c.out.simpleString(l) }
    }

    static func load(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard !server.config.aclfile.isEmpty else { return fileless(c) }
        if let err = server.loadACLFile(caller: c) { return c.replyError("ERR " + err) }
        c.out.ok()
    }

    static func save(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard !server.config.aclfile.isEmpty else { return fileless(c) }
        do {
            try AtomicFile.write(Array(server.acl.fileText.utf8), to: server.config.aclfile)
            c.out.ok()
        } catch {
            server.log.warning("Renaming ACL file for ACL SAVE: \(error)")
            c.replyError("ERR There was an error trying to save the ACLs. Please check the server logs for more information")
        }
    }

    static func fileless(_ c: Client) {
        c.replyError("ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")
    }
}
