/// The commands this server implements: every Redis 7.0 spec that has a handler
/// in one of the group files. A container (CLIENT, CONFIG...) is present when
/// at least one of its subcommands is.
public struct CommandTable {
    public private(set) var commands: [String: Command] = [:]
    /// The same commands keyed by their bytes in lower and in upper case, so the
    /// usual spellings are found without building a String per command.
    private var byBytes = DenseDict<Key, Command>()

    /// Handlers by full name ("get", "client|kill"), one dictionary per group file.
    static var allHandlers: [[String: CommandHandler]] {
        [
            StringCommands.handlers, BitmapCommands.handlers, KeyCommands.handlers,
            ServerCommands.handlers, InfoCommands.handlers, ConfigCommands.handlers, DebugCommands.handlers,
            ConnectionCommands.handlers, ClientCommands.handlers,
            PubSubCommands.handlers, TransactionCommands.handlers,
            HashCommands.handlers, SetCommands.handlers,
            CommandIntrospection.handlers,
            SortedSetCommands.handlers, GeoCommands.handlers,
            ListCommands.handlers, ClientUnblockCommand.handlers,
            HyperLogLogCommands.handlers, SortCommands.handlers,
            ReplicationCommands.handlers,
        ]
    }

    public init() {
        var handlers: [String: CommandHandler] = [:]
        for group in Self.allHandlers {
            for (name, h) in group {
                precondition(handlers[name] == nil, "command \(name) registered twice")
                handlers[name] = h
            }
        }
        let specs = CommandSpec.redis70
        for spec in specs where spec.container.isEmpty {
            let subs = specs.filter { $0.container == spec.name }
            if subs.isEmpty {
                guard let h = handlers[spec.name] else { continue }
                commands[spec.name] = Command(spec: spec, handler: h)
            } else {
                let parent = Command(spec: spec, handler: handlers[spec.name])
                for sub in subs {
                    guard let h = handlers[sub.fullName] else { continue }
                    let c = Command(spec: sub, handler: h)
                    c.parent = parent
                    parent.subcommands[sub.subcommandName] = c
                }
                if !parent.subcommands.isEmpty { commands[spec.name] = parent }
            }
        }
        for c in all {
            c.propagationRewrite = PropagationRewrites.byCommand[c.fullName]
            c.isExec = c.fullName == "exec"
        }
        for (name, c) in commands {
            byBytes.set(Key(Array(name.utf8)), c)
            byBytes.set(Key(Array(name.uppercased().utf8)), c)
        }
    }

    /// Looks up a top-level command by the client's spelling (any case).
    @inline(__always)
    public func lookup(_ name: [UInt8]) -> Command? {
        if let c = byBytes[Key(name)] { return c }
        return commands[asciiLowercased(name)]
    }

    /// All commands and subcommands, sorted by full name.
    public var all: [Command] {
        var out: [Command] = []
        for c in commands.values {
            out.append(c)
            out.append(contentsOf: c.subcommands.values)
        }
        return out.sorted { $0.fullName < $1.fullName }
    }
}

/// Lowercases ASCII letters; other bytes pass through. Command names are ASCII.
@inline(__always)
public func asciiLowercased(_ b: [UInt8]) -> String {
    var needs = false
    for c in b where c >= 65 && c <= 90 { needs = true; break }
    if !needs { return String(decoding: b, as: UTF8.self) }
    return String(decoding: b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
}

/// Case-insensitive comparison of an argument with an ASCII keyword.
@inline(__always)
public func argEquals(_ arg: [UInt8], _ keyword: StaticString) -> Bool {
    let n = keyword.utf8CodeUnitCount
    guard arg.count == n else { return false }
    let p = keyword.utf8Start
    for i in 0..<n {
        var c = arg[i]
        if c >= 65 && c <= 90 { c += 32 }
        var k = p[i]
        if k >= 65 && k <= 90 { k += 32 }
        if c != k { return false }
    }
    return true
}
