/// INFO [section ...]: Redis 7.0's sections, fields and order; a verbatim
/// string in RESP3.
enum InfoCommands {
    static let handlers: [String: CommandHandler] = ["info": info]

    static func info(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let selection = InfoSelection(arguments: argv.dropFirst().map { String(decoding: $0, as: UTF8.self) })
        c.out.verbatim(s.infoText(selection))
    }
}

/// Which sections an INFO call asked for, as Redis's genInfoSectionDict:
/// no argument means the default sections; "all" is every section;
/// "everything" adds module sections (there are none); "default" may be
/// combined with names; unknown names select nothing.
public struct InfoSelection: Sendable {
    public static let defaultSections: Set<String> = [
        "server", "clients", "memory", "persistence", "stats", "replication", "cpu", "module_list",
        "errorstats", "cluster", "keyspace",
    ]

    public var all = false
    public var names: Set<String> = []

    public init(arguments: [String]) {
        if arguments.isEmpty {
            names = Self.defaultSections
            return
        }
        for a in arguments {
            let n = a.lowercased()
            switch n {
            case "default": names.formUnion(Self.defaultSections)
            case "all", "everything": all = true
            default: names.insert(n)
            }
        }
    }

    public func wants(_ section: String) -> Bool { all || names.contains(section) }
}
