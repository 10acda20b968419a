import ACL
import Protocol

/// redis-sentinel 7.0.15's command table, read from its own COMMAND and
/// COMMAND DOCS replies (SentinelCommandData+Generated.swift): the same 15
/// commands, subcommands, arities, flags and ACL categories, so that
/// unknown commands, arity errors and COMMAND replies match.
struct CommandSpec {
    let name: String          // "ping", "sentinel|master"
    let arity: Int
    let flags: Set<String>
    let categories: Set<String>   // without '@'
    let info: RESPValue           // this command's COMMAND INFO entry
    var subcommands: [String: CommandSpec] = [:]
}

final class CommandTable {
    private(set) var commands: [String: CommandSpec] = [:]
    /// In COMMAND's order (the real sentinel's dict order).
    private(set) var order: [String] = []
    let docs: [String: RESPValue]
    let docsOrder: [String]

    init() {
        let cmd = Self.decode(SentinelCommandData.commandReply)
        for entry in cmd.elements ?? [] {
            guard let spec = Self.spec(entry) else { continue }
            commands[spec.name] = spec
            order.append(spec.name)
        }
        var d: [String: RESPValue] = [:]
        var dOrder: [String] = []
        let items = Self.decode(SentinelCommandData.docsReply).elements ?? []
        var i = 0
        while i + 1 < items.count {
            if let n = items[i].string {
                d[n] = items[i + 1]
                dOrder.append(n)
            }
            i += 2
        }
        docs = d
        docsOrder = dOrder
    }

    private static func decode(_ base64: String) -> RESPValue {
        guard let data = Base64.decode(base64),
              let (v, _) = try? ReplyParser().parse(data) else { return .array([]) }
        return v
    }

    private static func spec(_ v: RESPValue) -> CommandSpec? {
        guard let e = v.elements, e.count >= 10, let name = e[0].string, let arity = e[1].int else { return nil }
        let flags = Set((e[2].elements ?? []).compactMap { $0.string })
        let cats = Set((e[6].elements ?? []).compactMap { $0.string.map { String($0.dropFirst()) } })
        var s = CommandSpec(name: name, arity: Int(arity), flags: flags, categories: cats, info: v)
        for sub in e[9].elements ?? [] {
            if let ss = spec(sub), let short = ss.name.split(separator: "|").last {
                s.subcommands[String(short)] = ss
            }
        }
        return s
    }

    func lookup(_ name: String) -> CommandSpec? { commands[name.lowercased()] }

    /// Every command and subcommand, "container|sub" for subcommands.
    var allNames: [String] {
        var out: [String] = []
        for n in order {
            out.append(n)
            if let s = commands[n] { out += s.subcommands.values.map(\.name).sorted() }
        }
        return out
    }

    var categories: [String] {
        Array(Set(commands.values.flatMap { c in [c.categories] + c.subcommands.values.map(\.categories) }.flatMap { $0 })).sorted()
    }
}

extension CommandTable {
    /// The sentinel's commands for the ACL engine (redis-sentinel's rules
    /// know only these), containers before their subcommands.
    func makeACLCatalog() -> ACLCatalog {
        var list: [(fullName: String, categories: [String], noAuth: Bool)] = []
        for n in order {
            guard let s = commands[n] else { continue }
            list.append((s.name, Array(s.categories), s.flags.contains("no_auth")))
            for sub in s.subcommands.values.sorted(by: { $0.name < $1.name }) {
                list.append((sub.name, Array(sub.categories), sub.flags.contains("no_auth")))
            }
        }
        return ACLCatalog(commands: list)
    }

    /// Which arguments of a sentinel command name channels.
    static func channelArgs(_ name: String) -> ACLChannelArgs {
        switch name {
        case "publish": return .publish
        case "subscribe": return .subscribe
        case "psubscribe": return .psubscribe
        default: return .none
        }
    }
}
