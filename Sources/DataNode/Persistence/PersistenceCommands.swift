import Protocol

/// SAVE and BGSAVE (rdb.c saveCommand, bgsaveCommand); LASTSAVE lives with
/// the other server commands, DEBUG RELOAD with DEBUG.
enum PersistenceCommands {
    static let handlers: [String: CommandHandler] = [
        "save": save,
        "bgsave": bgsave,
    ]

    static func save(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if s.backgroundChild?.kind == .rdb {
            c.replyError("ERR Background save already in progress")
            return
        }
        s.persistence.rdbSaves += 1
        if s.saveInForeground() { c.out.ok() } else { c.replyError("ERR") }
    }

    static func bgsave(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var schedule = false
        if argv.count > 1 {
            guard argv.count == 2, argEquals(argv[1], "schedule") else {
                c.replyError("ERR syntax error")
                return
            }
            schedule = true
        }
        let inExec = s.callDepth > 1
        if s.backgroundChild?.kind == .rdb {
            c.replyError("ERR Background save already in progress")
        } else if s.hasActiveChildProcess || inExec {
            if schedule || inExec {
                s.persistence.bgsaveScheduled = true
                c.out.simpleString("Background saving scheduled")
            } else {
                c.replyError("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
            }
        } else if s.saveInBackground() {
            c.out.simpleString("Background saving started")
        } else {
            c.replyError("ERR")
        }
    }
}
