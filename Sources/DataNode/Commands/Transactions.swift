import Keyspace
import Protocol

/// MULTI / EXEC / DISCARD / WATCH / UNWATCH. Dispatch queues commands while
/// the client is in MULTI and flags `.dirtyExec` when one is rejected.
enum TransactionCommands {
    static let handlers: [String: CommandHandler] = [
        "multi": multi, "exec": exec, "discard": discard, "watch": watch, "unwatch": unwatch,
    ]

    static func multi(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if c.flags.contains(.multi) {
            c.replyError("ERR MULTI calls can not be nested")
            return
        }
        c.flags.insert(.multi)
        c.out.ok()
    }

    /// Drops the queue, the transaction flags and every WATCH.
    static func discardTransaction(_ server: Server, _ c: Client) {
        c.multiQueue.removeAll()
        c.flags.remove([.multi, .dirtyCAS, .dirtyExec])
        server.unwatchAll(c)
    }

    /// EXEC refused by dispatch (arity, NOAUTH, pub/sub context...): the
    /// transaction is dropped and the reason quoted without its ERR code.
    static func execAbort(_ server: Server, _ c: Client, _ message: String) {
        discardTransaction(server, c)
        let reason = message.hasPrefix("ERR ") ? String(message.dropFirst(4)) : message
        c.replyError("EXECABORT Transaction discarded because of: \(reason)")
    }

    static func discard(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard c.flags.contains(.multi) else {
            c.replyError("ERR DISCARD without MULTI")
            return
        }
        discardTransaction(server, c)
        c.out.ok()
    }

    /// A watched key that was alive at WATCH time and is logically expired
    /// now counts as changed, even if nobody deleted it yet (7.0).
    static func watchedKeyExpired(_ server: Server, _ c: Client) -> Bool {
        for w in c.watchedKeys where !w.expired {
            if server.databases[w.db].isLogicallyExpired(w.key) { return true }
        }
        return false
    }

    static func exec(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard c.flags.contains(.multi) else {
            c.replyError("ERR EXEC without MULTI")
            return
        }
        if watchedKeyExpired(server, c) { c.flags.insert(.dirtyCAS) }
        if c.flags.contains(.dirtyExec) {
            c.replyError("EXECABORT Transaction discarded because of previous errors.")
            discardTransaction(server, c)
            return
        }
        if c.flags.contains(.dirtyCAS) {
            c.out.nullArray()
            discardTransaction(server, c)
            return
        }
        server.unwatchAll(c)
        // `.multi` stays set while the queue runs, as in Redis: CLIENT LIST
        // shows `x` and MONITOR refuses to start inside EXEC.
        let queue = c.multiQueue
        c.out.arrayHeader(queue.count)
        // A queued CLIENT REPLY SKIP skips the command after EXEC, not the
        // next queued one: Redis only moves that flag between client commands.
        var skipAfterExec = false
        for (cmd, args) in queue {
            if c.isFreed { break }
            // Once a queued command (CLIENT KILL of itself) marked the client
            // to close, Redis runs the rest but adds no more replies
            // (prepareClientToWrite refuses): the EXEC array stays short.
            let closing = c.flags.contains(.closeAfterReply), mark = c.out.bytes.count
            if let denial = server.aclDenialAtExec(c, cmd, args) {
                c.replyError(denial)
                continue
            }
            server.call(c, cmd, args)
            if closing && c.out.bytes.count > mark { c.out.bytes.removeSubrange(mark...) }
            if c.replyMode == .skip {
                skipAfterExec = true
                c.replyMode = .on
            }
        }
        // The outer call() turns skipNext into skip once EXEC returns.
        if skipAfterExec && c.replyMode == .on { c.replyMode = .skipNext }
        discardTransaction(server, c)
    }

    static func watch(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if c.flags.contains(.multi) {
            c.replyError("ERR WATCH inside MULTI is not allowed")
            return
        }
        // Already doomed: watching more changes nothing.
        if !c.flags.contains(.dirtyCAS) {
            for k in argv[1...] { server.watch(c, key: Key(k)) }
        }
        c.out.ok()
    }

    static func unwatch(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        server.unwatchAll(c)
        c.flags.remove(.dirtyCAS)
        c.out.ok()
    }
}
