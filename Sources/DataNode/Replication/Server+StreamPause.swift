import ReplicationCore

/// CLIENT PAUSE reaches the master's stream on a replica (StreamPause in
/// ReplicationCore decides what it holds): the link learns of each pause and
/// of its end.
extension Server {
    /// What the pause in force holds of the stream, by the command table's flags.
    func streamPause() -> StreamPause {
        let writing: CommandFlags = [.write, .mayReplicate]
        var writes = Set<[UInt8]>(), containers = Set<[UInt8]>()
        for (name, c) in commands.commands {
            let bytes = Array(name.utf8)
            if c.isContainer {
                containers.insert(bytes)
                for (sub, s) in c.subcommands where !s.flags.isDisjoint(with: writing) {
                    writes.insert(bytes + [UInt8(ascii: "|")] + Array(sub.utf8))
                }
            } else if !c.flags.isDisjoint(with: writing) {
                writes.insert(bytes)
            }
        }
        return StreamPause(holdsAll: pause.pausesAll, writeCommands: writes, containers: containers)
    }

    /// A CLIENT PAUSE (or FAILOVER's) began or widened.
    func pauseReplicationStream() {
        guard pause.isSet else { return }
        replication.link.pauseStream(streamPause())
    }

    /// The pause ended: the stream's held command runs, and what followed
    /// it, before the loop sleeps (as Redis runs unblocked clients), not
    /// inside the command that unpaused. A pause begun meanwhile keeps it held.
    func unpauseReplicationStream() {
        guard replication.link.streamPause != nil else { return }
        loop.runBeforeSleep { [unowned self] in
            guard !pause.isSet, replication.link.streamPause != nil else { return }
            replicaLinkDriver.run(refreshing: false) { link, _ in link.unpauseStream() }
        }
    }
}
