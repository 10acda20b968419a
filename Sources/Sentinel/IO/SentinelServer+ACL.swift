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
            c.reply(.array(acl.sortedUsers.map { .bulk($0.describe) }))
        case "users":
            c.reply(.array(acl.sortedUsers.map { .bulk($0.name) }))
        case "setuser":
            let err = acl.setUser(args[2], rules: Array(args[3...])) { staged, existing in
                self.killPubsubClientsIfNeeded(staged, existing, caller: c)
            }
            if let err { return replyError(c, "ERR \(err)") }
            if args[2] == "default" { syncDefaultUser() }
            c.reply(.simple("OK"))
        case "deluser":
            if args[2...].contains("default") { return replyError(c, "ERR The 'default' user cannot be removed") }
            var n = 0
            for name in args[2...] {
                guard let u = acl.user(name) else { continue }
                _ = acl.deleteUser(name)
                n += 1
                disconnectClients(of: [u], caller: c)
            }
            c.reply(.integer(Int64(n)))
        case "getuser":
            guard let u = acl.user(args[2]) else { return c.reply(.bulkString(nil)) }
            var flags: [RESPValue] = [.bulk(u.enabled ? "on" : "off")]
            if u.nopass { flags.append(.bulk("nopass")) }
            let keys = u.allKeys ? "~*" : u.keys.map { "~" + $0 }.joined(separator: " ")
            let chans = u.allChannels ? "&*" : u.channels.map { "&" + $0 }.joined(separator: " ")
            c.reply(.map([.bulk("flags"), .array(flags),
                          .bulk("passwords"), .array(u.passwords.map { .bulk($0) }),
                          .bulk("commands"), .bulk(u.commandRules.isEmpty ? "-@all" : u.commandRules.joined(separator: " ")),
                          .bulk("keys"), .bulk(keys), .bulk("channels"), .bulk(chans), .bulk("selectors"), .array([])]))
        case "cat":
            if args.count == 2 {
                return c.reply(.array(Self.aclCategories.map { .bulk($0) }))
            }
            let cat = args[2].lowercased()
            guard Self.aclCategories.contains(cat) else { return replyError(c, "ERR Unknown category '\(args[2])'") }
            var names: [String] = []
            for n in commands.order {
                guard let s = commands.lookup(n) else { continue }
                if s.subcommands.isEmpty {
                    if s.categories.contains(cat) { names.append(n) }
                } else {
                    names += s.subcommands.values.filter { $0.categories.contains(cat) }.map(\.name).sorted()
                }
            }
            c.reply(.array(names.map { .bulk($0) }))
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
            if args.count == 3 && args[2].lowercased() == "reset" { return c.reply(.simple("OK")) }
            c.reply(.array([]))
        case "save", "load":
            if options.aclfile.isEmpty {
                return replyError(c, "ERR This Redis instance is not configured to use an ACL file. You may want to specify users via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis configuration file set) in order to store users in the Redis configuration.")
            }
            if args[1].lowercased() == "load" {
                if let err = loadACLFile(caller: c) { return replyError(c, "ERR \(err)") }
            } else {
                let text = acl.sortedUsers.map { $0.describe + "\n" }.joined()
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
            if u.allows(target.name, container: target.name.contains("|") ? spec.name : nil, categories: target.categories) {
                c.reply(.simple("OK"))
            } else {
                c.reply(.bulk("This user has no permissions to run the '\(target.name)' command"))
            }
        default:
            c.reply(.array(HelpTexts.acl.map { .simple($0) }))
        }
    }

    /// ACLLoadFromFile: every line is `user <name> <rules>`; all or nothing.
    /// The connections of every replaced user are closed (ACLFreeUsersSet).
    func loadACLFile(caller: ClientSession? = nil) -> String? {
        let bytes: [UInt8]
        switch ConfigPaths.readFile(options.aclfile) {
        case .success(let b): bytes = b
        case .failure(let e): return "Error loading ACLs, opening file '\(options.aclfile)': \(e)"
        }
        let fresh = ACLStore()
        var sawDefault = false
        for (i, raw) in String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = trimmingBlanks(raw)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let argv = splitArgs(Array(line.utf8))?.map({ String(decoding: $0, as: UTF8.self) }),
                  argv.count >= 2, argv[0] == "user" else {
                return "\(options.aclfile):\(i + 1): line should start with user keyword"
            }
            if argv[1] == "default" { sawDefault = true; _ = fresh.setUser("default", rules: ["reset"]) }
            if let err = fresh.setUser(argv[1], rules: Array(argv[2...])) { return "\(options.aclfile):\(i + 1): \(err)" }
        }
        _ = sawDefault
        disconnectClients(of: acl.replace(with: fresh), caller: caller)
        return nil
    }

    /// requirepass follows the default user, as in 7.0; links to other
    /// sentinels use it when sentinel-pass is unset.
    func syncDefaultUser() {
        core.requirePass = options.requirepass
    }

    static let aclCategories = ["keyspace", "read", "write", "set", "sortedset", "list", "hash", "string", "bitmap",
                                "hyperloglog", "geo", "stream", "pubsub", "admin", "fast", "slow", "blocking", "dangerous",
                                "connection", "transaction", "scripting"]
}

/// The line without leading and trailing spaces and tabs.
private func trimmingBlanks(_ s: Substring) -> Substring {
    let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
    guard let start = s.firstIndex(where: { !blank($0) }), let end = s.lastIndex(where: { !blank($0) }) else { return "" }
    return s[start...end]
}
