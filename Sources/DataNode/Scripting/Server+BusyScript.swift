import Lua

/// A script past busy-reply-threshold (script.c scriptInterrupt,
/// server.c processEventsWhileBlocked): from inside the Lua hook the server
/// goes on reading its clients, answers -BUSY to all but the few commands
/// allowed then (SCRIPT KILL, FUNCTION KILL, SHUTDOWN NOSAVE...), and stops
/// the script when one of them asks.
extension Server {
    static let busyEvalError = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."
    static let busyFunctionError = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."

    /// A script is past its time limit: dispatch serves only allow_busy commands.
    var scriptIsBusy: Bool { scripting.running?.timedOut ?? false }

    /// The -BUSY text for the script running now.
    var busyError: String { scripting.running?.isFunction == true ? Self.busyFunctionError : Self.busyEvalError }

    func scriptHook(_ vm: LuaVM, thresholdMs: Int64) throws {
        guard let run = scripting.running else { return }
        if !run.timedOut {
            let elapsed = clock.monotonicMs() - run.startMs
            guard elapsed >= thresholdMs else { return }
            run.timedOut = true
            log.warning("Slow script detected: still in execution after \(elapsed) milliseconds. You can try killing the script using the \(run.isFunction ? "FUNCTION KILL" : "SCRIPT KILL") command. Script name is: \(run.name).")
        }
        if let l = vm.currentLine { run.lastLine = l }
        processEventsWhileScriptRuns()
        if run.killed || exiting { throw LuaAbort("killed") }
    }

    /// Reads and serves the clients once, without waiting, and flushes replies.
    func processEventsWhileScriptRuns() {
        loop.processFileEvents(maxWaitMs: 0)
        if !pendingWrites.isEmpty {
            let list = pendingWrites
            pendingWrites.removeAll(keepingCapacity: true)
            for c in list { flushClient(c) }
        }
    }

    func scriptTimedOutEnded(_ run: RunningScript) {
        // The caller's own pipelined input waited while the script ran.
        if !run.caller.isFreed { run.caller.markPendingWrite() }
    }

    /// SCRIPT KILL / FUNCTION KILL (script.c scriptKill).
    func killRunningScript(_ c: Client, function: Bool) {
        guard let run = scripting.running else {
            c.replyError("NOTBUSY No scripts in execution right now.")
            return
        }
        if run.caller.flags.contains(.master) {
            c.replyError("UNKILLABLE The busy script was sent by a master instance in the context of replication and cannot be killed.")
            return
        }
        if run.wrote {
            c.replyError("UNKILLABLE Sorry the script already executed write commands against the dataset. You can either wait the script termination or kill the server in a hard way using the SHUTDOWN NOSAVE command.")
            return
        }
        if run.isFunction != function {
            c.replyError(run.isFunction ? Self.busyFunctionError : Self.busyEvalError)
            return
        }
        run.killed = true
        c.out.ok()
    }
}
