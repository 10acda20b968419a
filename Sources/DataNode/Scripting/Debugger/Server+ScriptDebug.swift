import CVigilShim
import Glibc
import Lua

/// SCRIPT DEBUG and the EVAL it changes (eval.c ldbStartSession /
/// ldbEndSession): YES forks a child that runs the session on a copy of the
/// dataset (its changes are thrown away), SYNC runs it here, blocking the
/// server. Either way the client is closed once the EVAL reply went out.
extension Server {
    static func scriptDebug(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if !c.out.bytes.isEmpty || (c.connection?.pendingOutputBytes ?? 0) > 0 {
            c.replyError("ERR SCRIPT DEBUG must be called outside a pipeline")
            return
        }
        if argEquals(argv[2], "no") {
            c.flags.remove([.luaDebug, .luaDebugSync])
        } else if argEquals(argv[2], "yes") {
            // As Redis: YES after SYNC keeps the session synchronous.
            c.flags.insert(.luaDebug)
        } else if argEquals(argv[2], "sync") {
            c.flags.insert([.luaDebug, .luaDebugSync])
        } else {
            c.replyError("ERR Use SCRIPT DEBUG YES/SYNC/NO")
            return
        }
        c.out.ok()
    }

    /// EVAL under the debugger: start the session, run, end it.
    func evalWithDebugging(_ c: Client, _ argv: [[UInt8]], readOnlyCommand: Bool) {
        guard let conn = c.connection, !conn.isClosed else {
            runEval(c, argv, bySha: false, readOnlyCommand: readOnlyCommand)
            return
        }
        let forked = !c.flags.contains(.luaDebugSync)
        if forked {
            let startUs = clock.monotonicUs()
            let pid = forkChild()
            if pid < 0 {
                c.replyError("ERR Fork() failed: can't run EVAL in debugging mode: \(Self.errorText(errno))")
                c.flags.remove([.luaDebug, .luaDebugSync])
                return
            }
            if pid > 0 {
                // redisFork counts every fork (INFO total_forks, latest_fork_usec).
                noteFork(durationUs: clock.monotonicUs() - startUs)
                scripting.debugChildren.append(pid)
                closeClientAsap(c, reason: "forked for debugging")
                return
            }
            vigil_ignore_shutdown_signals()
            log.role = "C"
            log.warning("Redis forked for debugging eval")
        } else {
            log.warning("Redis synchronous debugging eval session started")
        }
        let link = DebuggerLink(fd: conn.fd, interrupted: forked ? { false } : { vigil_shutdown_requested() != 0 })
        // What the client is owed goes out before the session's own output.
        if !c.out.bytes.isEmpty {
            link.write(c.out.bytes)
            c.out.bytes.removeAll(keepingCapacity: true)
        }
        let threshold = Int64(config.int("busy-reply-threshold"))
        let clock = self.clock
        let session = LuaDebugger(link: link, forked: forked, script: argv[1], timeoutMs: threshold > 0 ? threshold : 5000,
                                  now: { clock.monotonicMs() })
        scripting.debugger = session
        runEval(c, argv, bySha: false, readOnlyCommand: readOnlyCommand)
        scripting.debugger = nil
        session.end()
        if forked {
            link.write(c.out.bytes)
            log.warning("Lua debugging session child exiting")
            _exit(0)
        }
        log.warning("Redis synchronous debugging eval session ended")
        // The end of the connection tells the client the session is over.
        c.flags.insert(.closeAfterReply)
    }

    /// The debugger's hooks for one run: every new line, and every
    /// `scriptHookInterval` instructions for the endless-loop timeout. An
    /// error they raise (abort) names the line the script stands at.
    func installDebuggerHooks(_ session: LuaDebugger, on vm: LuaVM, run: RunningScript) {
        vm.hookInterval = Self.scriptHookInterval
        vm.hook = { vm in
            do { try session.hookEvent(vm, line: vm.currentLine ?? 0, count: true) } catch {
                run.lastLine = session.currentLine
                throw error
            }
        }
        vm.lineHook = { vm, line in
            do { try session.hookEvent(vm, line: line, count: false) } catch {
                run.lastLine = session.currentLine
                throw error
            }
        }
    }

    /// Reaps the forked sessions that ended (checkChildrenDone's ldbRemoveChild).
    func reapDebugChildren() {
        scripting.debugChildren.removeAll { pid in
            var status: Int32 = 0
            return waitpid(pid, &status, WNOHANG) == pid
        }
    }

    /// At shutdown: the forked sessions go with the server (ldbKillForkedSessions).
    func killDebugChildren() {
        for pid in scripting.debugChildren {
            log.warning("Killing debugging session \(pid)")
            kill(pid, SIGKILL)
        }
        scripting.debugChildren.removeAll()
    }
}
