import CVigilShim

/// BGREWRITEAOF, and what CONFIG SET appendonly does to the running server.
enum AOFCommands {
    static let handlers: [String: CommandHandler] = [
        "bgrewriteaof": bgrewriteaof,
    ]

    /// bgrewriteaofCommand.
    static func bgrewriteaof(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if s.aof.childPid != -1 {
            c.replyError("ERR Background append only file rewriting already in progress")
        } else if s.hasActiveChildProcess || s.callDepth > 1 {
            // Inside EXEC, or another child runs: started from cron when possible.
            s.aof.rewriteScheduled = true
            s.aof.consecutiveFailures = 0
            c.out.simpleString("Background append only file rewriting scheduled")
        } else if s.rewriteAppendOnlyFileBackground() {
            c.out.simpleString("Background append only file rewriting started")
        } else {
            c.replyError("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
        }
    }
}

extension ConfigCommands {
    /// updateAppendonly: turning it on starts a rewrite (refused when that
    /// can't start), turning it off closes the file.
    static func applyAppendonly(_ s: Server, _ on: Bool) -> String? {
        if !on && s.aof.state != .off {
            s.stopAppendOnly()
        } else if on && s.aof.state == .off {
            if !s.startAppendOnly() { return "Unable to turn on AOF. Check server logs." }
        }
        return nil
    }
}

extension Server {
    /// INFO persistence's aof_* fields (always present).
    func infoAppendOnlyFields() -> [(String, String)] {
        let writeOK = aof.lastWriteOK && vigil_aof_bio_status() == 0
        let now = Int(clock.wallMs() / 1000)
        return [
            ("aof_enabled", aof.state != .off ? "1" : "0"),
            ("aof_rewrite_in_progress", aof.childPid != -1 ? "1" : "0"),
            ("aof_rewrite_scheduled", aof.rewriteScheduled ? "1" : "0"),
            ("aof_last_rewrite_time_sec", String(aof.rewriteTimeLast)),
            ("aof_current_rewrite_time_sec", aof.rewriteTimeStart == -1 ? "-1" : String(now - aof.rewriteTimeStart)),
            ("aof_last_bgrewrite_status", aof.lastBgrewriteOK ? "ok" : "err"),
            ("aof_rewrites", String(aof.rewrites)),
            ("aof_rewrites_consecutive_failures", String(aof.consecutiveFailures)),
            ("aof_last_write_status", writeOK ? "ok" : "err"),
            ("aof_last_cow_size", String(aof.lastCowSize)),
        ]
    }

    /// The fields INFO adds while appendonly is yes (server.aof_enabled, the
    /// setting: shown during start-up loading too, while aof_enabled says 0).
    func infoAppendOnlySizes() -> [(String, String)] {
        guard config.appendonly else { return [] }
        return [
            ("aof_current_size", String(aof.currentSize)),
            ("aof_base_size", String(aof.rewriteBaseSize)),
            ("aof_pending_rewrite", aof.rewriteScheduled ? "1" : "0"),
            ("aof_buffer_length", String(aof.buffer.count)),
            ("aof_pending_bio_fsync", String(vigil_aof_bio_pending())),
            ("aof_delayed_fsync", String(aof.delayedFsync)),
        ]
    }
}
