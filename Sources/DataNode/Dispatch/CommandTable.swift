import Keyspace

/// Commands by name, as dispatch looks them up. Which commands exist and how
/// they behave is the Commands side's business (CommandTable+Redis70.swift).
public struct CommandTable {
    public private(set) var commands: [String: Command]
    /// The same commands keyed by their bytes in lower and in upper case, so the
    /// usual spellings are found without building a String per command.
    private var byBytes = DenseDict<Key, Command>()

    init(commands: [String: Command]) {
        self.commands = commands
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

    /// rename-command: the command answers to `newName` only (its own name,
    /// in COMMAND INFO, SLOWLOG, ACL rules, stays), or to nothing when
    /// `newName` is empty. false when `newName` is taken.
    mutating func rename(_ command: Command, from oldName: String, to newName: String) -> Bool {
        let old = oldName.lowercased(), new = newName.lowercased()
        commands[old] = nil
        _ = byBytes.remove(Key(Array(old.utf8)))
        _ = byBytes.remove(Key(Array(old.uppercased().utf8)))
        if new.isEmpty { return true }
        if commands[new] != nil { return false }
        commands[new] = command
        _ = byBytes.set(Key(Array(new.utf8)), command)
        _ = byBytes.set(Key(Array(new.uppercased().utf8)), command)
        return true
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
