import ACL
import Glibc
import Protocol
import SentinelCore
import ServerKit

/// ACL on the sentinel itself.
extension SentinelServer {
    func aclCommand(_ c: ClientSession, _ args: [String]) {
        switch args[1].lowercased() {
        case "whoami":
            c.reply(.bulk(c.user?.name ?? "default"))
        case "list":
            c.reply(.array(acl.sorted.map { .bulk($0.describe(acl.catalog)) }))
        case "users":
            c.reply(.array(acl.sorted.map { .bulk($0.name) }))
        case "setuser":
            do {
                let (staged, existing) = try acl.stage(args[2], rules: args[3...].map { Array($0.utf8) })
                if let existing { killPubsubClientsIfNeeded(staged, existing, caller: c) }
                acl.commit(staged, into: existing)
            } catch {
                return replyError(c, "ERR \(error.text)")
            }
            if args[2] == "default" { syncDefaultUser() }
            c.reply(.simple("OK"))
        case "deluser":
            if args[2...].contains("default") { return replyError(c, "ERR The 'default' user cannot be removed") }
            var n = 0
            for name in args[2...] {
                guard let u = acl.delete(name) else { continue }
                n += 1
                disconnectClients(of: [u], caller: c)
            }
            c.reply(.integer(Int64(n)))
        case "getuser":
            guard let u = acl.user(args[2]) else { return c.reply(.bulkString(nil)) }
            let selectors: [RESPValue] = u.selectors.dropFirst().map { selectorFields($0) }
            c.reply(.map([.bulk("flags"), .set(u.flagNames.map { .bulk($0) }),
                          .bulk("passwords"), .array(u.passwords.map { .bulk($0) })]
                         + selectorPairs(u.root) + [.bulk("selectors"), .array(selectors)]))
        case "cat":
            if args.count == 2 {
                return c.reply(.array(ACLCatalog.categories.map { .bulk($0) }))
            }
            guard let bit = ACLCatalog.categoryBit(args[2]) else { return replyError(c, "ERR Unknown category '\(args[2])'") }
            c.reply(.array(acl.catalog.members(ofCategory: bit).map { .bulk(acl.catalog.entries[$0].fullName) }))
        case "genpass":
            var bits = 256
            if args.count == 3 {
                guard let b = Int(args[2]), b > 0, b <= 4096 else {
                    return replyError(c, "ERR ACL GENPASS argument must be the number of bits for the output password, a positive number up to 4096")
                }
                bits = b
            }
            var rng = SentinelRandom(seed: UInt64(bitPattern: clockMs()) ^ UInt64(c.id) &* 0x9E37_79B9)
            let chars = (bits + 3) / 4
            let hex = Array("0123456789abcdef")
            c.reply(.bulk(String((0..<chars).map { _ in hex[rng.below(16)] })))
        case "log":
            aclLogCommand(c, args, args.map { Array($0.utf8) })
        case "save", "load":
            if options.aclfile.isEmpty {
                return replyError(c, "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")
            }
            if args[1].lowercased() == "load" {
                if let err = loadACLFile(caller: c) { return replyError(c, "ERR \(err)") }
            } else {
                let text = acl.fileText
                do {
                    try AtomicFile.write(Array(text.utf8), to: options.aclfile)
                } catch {
                    return replyError(c, "ERR There was an error trying to save the ACLs. Please check the server logs for more information")
                }
            }
            c.reply(.simple("OK"))
        case "dryrun":
            guard let u = acl.user(args[2]) else { return replyError(c, "ERR User '\(args[2])' not found") }
            guard let spec = commands.lookup(args[3]) else { return replyError(c, "ERR Command '\(args[3])' not found") }
            let target = (args.count > 4 ? spec.subcommands[args[4].lowercased()] : nil) ?? spec
            guard let id = acl.catalog.lookup(target.name) else { return replyError(c, "ERR Command '\(args[3])' not found") }
            let argv = args[3...].map { Array($0.utf8) }
            switch u.check(acl.catalog, command: id, argv: argv, keys: { _ in }, channels: CommandTable.channelArgs(target.name)) {
            case .ok: c.reply(.simple("OK"))
            case .deniedCommand: c.reply(.bulk("This user has no permissions to run the '\(target.name)' command"))
            case .deniedKey(let i): c.reply(.bulk("This user has no permissions to access the '\(args[3 + i])' key"))
            case .deniedChannel(let i): c.reply(.bulk("This user has no permissions to access the '\(args[3 + i])' channel"))
            }
        default:
            c.reply(.array(HelpTexts.acl.map { .simple($0) }))
        }
    }

    /// ACLLoadFromFile: all or nothing; the connections of every replaced
    /// user are closed (ACLFreeUsersSet).
    func loadACLFile(caller: ClientSession? = nil) -> String? {
        let bytes: [UInt8]
        switch ConfigPaths.readFile(options.aclfile) {
        case .success(let b): bytes = b
        case .failure(let e): return "Error loading ACLs, opening file '\(options.aclfile)': \(e)"
        }
        var replaced: [ACLUser] = []
        if let err = acl.load(fileText: String(decoding: bytes, as: UTF8.self), path: options.aclfile, replaced: &replaced) { return err }
        disconnectClients(of: replaced, caller: caller)
        return nil
    }

    /// ACL GETUSER's commands / keys / channels of one selector.
    private func selectorFields(_ s: ACLSelector) -> RESPValue { .map(selectorPairs(s)) }

    private func selectorPairs(_ s: ACLSelector) -> [RESPValue] {
        [.bulk("commands"), .bulk(s.commandRules(acl.catalog)), .bulk("keys"), .bulk(s.keysText),
         .bulk("channels"), .bulk(s.channelsText)]
    }

    /// requirepass follows the default user, as in 7.0; links to other
    /// sentinels use it when sentinel-pass is unset.
    func syncDefaultUser() {
        core.requirePass = options.requirepass
    }
}
