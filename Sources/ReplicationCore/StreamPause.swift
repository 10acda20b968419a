/// CLIENT PAUSE on a replica as its master's stream sees it. Redis 7.0
/// exempts only replicas from a pause, not the master client: processCommand
/// postpones the master's next command like any client's (ALL: every
/// command; WRITE: what is write or may replicate, and an EXEC whose queue
/// holds one), and nothing after it is applied until the pause ends. The
/// stream keeps being read meanwhile: slave_read_repl_offset grows while
/// slave_repl_offset stays.
public struct StreamPause: Sendable, Equatable {
    /// ALL rather than WRITE.
    public var holdsAll: Bool
    /// Lowercased names of the commands WRITE holds: plain commands by name,
    /// subcommands as "container|sub" (the shell lists them from its
    /// command table's write and may-replicate flags).
    public var writeCommands: Set<[UInt8]>
    /// Lowercased names of the commands that take a subcommand.
    public var containers: Set<[UInt8]>

    public init(holdsAll: Bool, writeCommands: Set<[UInt8]>, containers: Set<[UInt8]> = []) {
        self.holdsAll = holdsAll
        self.writeCommands = writeCommands
        self.containers = containers
    }

    /// Whether a WRITE pause holds this command (`queuedWrite`: the MULTI
    /// it would end queued a held one, for EXEC).
    public func isWrite(_ argv: [[UInt8]], queuedWrite: Bool) -> Bool {
        guard let first = argv.first else { return false }
        let name = first.map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
        if name == Self.exec { return queuedWrite }
        if containers.contains(name) {
            guard argv.count >= 2 else { return false }
            let sub = argv[1].map { ($0 >= 0x41 && $0 <= 0x5A) ? $0 | 0x20 : $0 }
            return writeCommands.contains(name + [UInt8(ascii: "|")] + sub)
        }
        return writeCommands.contains(name)
    }

    /// Whether the pause holds this command of the stream.
    public func holds(_ argv: [[UInt8]], queuedWrite: Bool) -> Bool {
        holdsAll || isWrite(argv, queuedWrite: queuedWrite)
    }

    private static let exec = Array("exec".utf8)
}
