import ServerKit
/// The commands this server implements: every Redis 7.0 spec that has a handler
/// in one of the group files. A container (CLIENT, CONFIG...) is present when
/// at least one of its subcommands is. What dispatch must know about a command
/// beyond its spec (see Command) is decided here, not in the server.
extension CommandTable {
    /// Handlers by full name ("get", "client|kill"), one dictionary per group file.
    static var allHandlers: [[String: CommandHandler]] {
        [
            StringCommands.handlers, BitmapCommands.handlers, KeyCommands.handlers,
            ServerCommands.handlers, InfoCommands.handlers, ConfigCommands.handlers, DebugCommands.handlers,
            ConnectionCommands.handlers, ClientCommands.handlers, ClientTrackingCommands.handlers,
            PubSubCommands.handlers, TransactionCommands.handlers,
            HashCommands.handlers, SetCommands.handlers,
            CommandIntrospection.handlers,
            SortedSetCommands.handlers, GeoCommands.handlers,
            ListCommands.handlers, ClientUnblockCommand.handlers,
            HyperLogLogCommands.handlers, SortCommands.handlers,
            ReplicationCommands.handlers,
            AOFCommands.handlers,
            DumpRestoreCommands.handlers, MigrateCommand.handlers,
            MemoryCommands.handlers,
            PersistenceCommands.handlers,
            StreamCommands.handlers,
            ACLCommands.handlers,
            ReplicaofCommand.handlers,
            ReplconfCommand.handlers,
            FailoverCommand.handlers,
            WaitCommand.handlers,
            EvalCommands.handlers, FunctionCommands.handlers,
            LolwutCommand.handlers,
            ClusterCommands.handlers,
        ]
    }

    /// The commands a RESP2 client in subscribed mode may still run.
    /// The commands that run at once inside MULTI instead of being queued.
    static let bypassingMultiQueue: Set<String> = ["exec", "discard", "multi", "watch", "quit", "reset"]

    public init() {
        var commands: [String: Command] = [:]
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
        self.init(commands: commands)
        for c in all {
            c.propagationRewrite = PropagationRewrites.byCommand[c.fullName]
            c.isExec = c.fullName == "exec"
            c.isScriptCall = ["eval", "eval_ro", "evalsha", "evalsha_ro", "fcall", "fcall_ro"].contains(c.fullName)
            c.allowedWhileSubscribed = CommandRejection.subscribedContextAllowed.contains(c.fullName)
            c.bypassesMultiQueue = Self.bypassingMultiQueue.contains(c.fullName)
            if c.isExec { c.onRejected = TransactionCommands.execAbort }
            if c.flags.contains(.protected) {
                c.protection = c.fullName == "debug"
                    ? .init(name: "DEBUG", option: "enable-debug-command", setting: \.enableDebugCommand)
                    : .init(name: "MODULE", option: "enable-module-command", setting: \.enableModuleCommand)
            }
        }
    }
}
