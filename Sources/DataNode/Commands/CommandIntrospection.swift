import CoreKit
import ServerKit

/// COMMAND, COMMAND COUNT/INFO/DOCS/LIST/GETKEYS/GETKEYSANDFLAGS/HELP.
/// Only the commands this server implements are listed (the CommandTable).
/// COMMAND DOCS has no summaries, complexity, history or argument lists: the
/// reference table carries none, so each entry holds what it does carry
/// (since, group, doc flags, deprecation) and the subcommands.
enum CommandIntrospection {
    static let handlers: [String: CommandHandler] = [
        "command": all,
        "command|count": count,
        "command|info": info,
        "command|docs": docs,
        "command|list": list,
        "command|getkeys": { s, c, argv in getKeys(s, c, argv, withFlags: false) },
        "command|getkeysandflags": { s, c, argv in getKeys(s, c, argv, withFlags: true) },
        "command|help": help,
    ]

    /// Top-level commands in a stable order (Redis walks a hash table).
    static func topLevel(_ s: Server) -> [Command] {
        s.commands.commands.keys.sorted().map { s.commands.commands[$0]! }
    }

    static func all(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let cmds = topLevel(s)
        c.out.arrayHeader(cmds.count)
        for cmd in cmds { replyInfo(c, cmd) }
    }

    static func count(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.integer(s.commands.commands.count)
    }

    static func info(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv.count == 2 { return all(s, c, argv) }
        c.out.arrayHeader(argv.count - 2)
        for name in argv[2...] {
            if let cmd = ServerCommands.lookupCommandByFullName(s, name) { replyInfo(c, cmd) } else { c.out.nullBulk() }
        }
    }

    static func docs(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var picked: [Command] = []
        if argv.count == 2 {
            picked = topLevel(s)
        } else {
            for name in argv[2...] {
                if let cmd = ServerCommands.lookupCommandByFullName(s, name) { picked.append(cmd) }
            }
        }
        c.out.mapHeader(picked.count)
        for cmd in picked {
            c.out.bulk(cmd.fullName)
            replyDocs(c, cmd)
        }
    }

    enum ListFilter {
        case none, module, aclCategory(String), pattern([UInt8])
    }

    static func list(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var filter = ListFilter.none
        var i = 2
        while i < argv.count {
            let more = argv.count - 1 - i
            guard argEquals(argv[i], "filterby") && more == 2 else {
                c.replyError("ERR syntax error")
                return
            }
            if argEquals(argv[i + 1], "module") { filter = .module }
            else if argEquals(argv[i + 1], "aclcat") { filter = .aclCategory(String(decoding: argv[i + 2], as: UTF8.self).lowercased()) }
            else if argEquals(argv[i + 1], "pattern") { filter = .pattern(argv[i + 2]) }
            else {
                c.replyError("ERR syntax error")
                return
            }
            i += 3
        }
        var names: [String] = []
        for cmd in ServerCommands.commandsInReportOrder(s) where matches(cmd, filter) { names.append(cmd.fullName) }
        c.out.arrayHeader(names.count)
        for n in names { c.out.bulk(n) }
    }

    static func matches(_ cmd: Command, _ f: ListFilter) -> Bool {
        switch f {
        case .none: return true
        case .module: return false // no module commands exist
        case .aclCategory(let cat): return cmd.spec.aclCategories.contains(cat)
        case .pattern(let p): return stringMatch(pattern: p, string: Array(cmd.fullName.utf8), nocase: true)
        }
    }

    /// COMMAND GETKEYS/GETKEYSANDFLAGS <full command line>.
    static func getKeys(_ s: Server, _ c: Client, _ argv: [[UInt8]], withFlags: Bool) {
        let line = Array(argv[2...])
        var target = s.commands.lookup(line[0])
        if let base = target, !base.subcommands.isEmpty, line.count > 1 {
            target = base.subcommands[asciiLowercased(line[1])]
        }
        guard let cmd = target else {
            c.replyError("ERR Invalid command specified")
            return
        }
        let specs = KeySpec.parseAll(cmd.spec.keySpecs)
        guard KeyExtraction.hasKeys(cmd.spec, specs) else {
            c.replyError("ERR The command has no key arguments")
            return
        }
        guard cmd.arityAccepts(line.count) else {
            c.replyError("ERR Invalid number of arguments specified for command")
            return
        }
        let keys = KeyExtraction.keys(cmd.spec, line)
        if keys.isEmpty {
            if cmd.flags.contains(.noMandatoryKeys) { c.out.arrayHeader(0) } else { c.replyError("ERR Invalid arguments specified for command") }
            return
        }
        c.out.arrayHeader(keys.count)
        for k in keys {
            if withFlags {
                c.out.arrayHeader(2)
                c.out.bulk(line[k.position])
                replyStatusSet(c, k.flags.replyNames)
            } else {
                c.out.bulk(line[k.position])
            }
        }
    }

    static func help(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        ClientCommands.replyHelp(c, HelpTexts.command)
    }
}
