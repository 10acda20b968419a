import Protocol

/// DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, empty the databases, load
/// the file back (debug.c), as Redis's test suite uses it to check that a
/// dataset survives the round trip.
enum DebugReload {
    static func run(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var save = true, flush = true, merge = false
        for a in argv.dropFirst(2) {
            if argEquals(a, "merge") { merge = true }
            else if argEquals(a, "noflush") { flush = false }
            else if argEquals(a, "nosave") { save = false }
            else {
                c.replyError("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
                return
            }
        }
        if save && !s.saveInForeground() {
            c.replyError("ERR")
            return
        }
        if flush {
            for db in s.databases {
                s.touchWatchedKeysBeforeFlush(db: db.id)
                _ = db.removeAll()
            }
            // emptyData: the function libraries go with the keys.
            s.flushFunctions()
        }
        guard s.loadRDB(merge: merge, serveEvents: false) == .loaded else {
            c.replyError("ERR Error trying to load the RDB dump")
            return
        }
        s.log.warning("DB reloaded by DEBUG RELOAD")
        c.out.ok()
    }
}
