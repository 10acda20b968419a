import Lua
import Protocol

/// One run of a script or function for a client (script.c scriptPrepareForRun
/// / scriptResetRun, script_lua.c luaCallFunction): the time-limit hook, the
/// reply, Redis's error text with the script's name and line, and the
/// collector step between runs.
extension Server {
    static let scriptKilledError = "ERR Script killed by user with SCRIPT KILL..."
    /// Instructions between two looks at the clock (Redis's count hook).
    static let scriptHookInterval = 100_000

    func runScript(_ c: Client, vm: LuaVM, function: LuaValue, args: [LuaValue], name: String, isFunction: Bool,
                   flags: ScriptFlags, readOnly: Bool, argv: [[UInt8]]) {
        let run = RunningScript(name: name, isFunction: isFunction, caller: c, argv: argv,
                                startMs: clock.monotonicMs(), flags: flags, readOnly: readOnly)
        run.oomAtStart = hot.maxmemory > 0 && eviction.overLimitSinceUs != 0
        scripting.running = run
        // Keys expire against the script's start (scriptTimeSnapshot, a fresh
        // mstime()) for the whole run; the caller's frozen time comes back after.
        let callerNowMs = keyspace.nowMs
        keyspace.nowMs = clock.keyspaceMs()
        vm.random = scripting.sharedRandom
        let fake = scriptClient(for: run)
        if fake.dbIndex != c.dbIndex { fake.dbIndex = c.dbIndex }
        let debugger = isFunction ? nil : scripting.debugger
        if let session = debugger {
            // Replaced by the threshold hook again on the next run (the defer below clears it).
            installDebuggerHooks(session, on: vm, run: run)
        } else if config.busyReplyThreshold > 0 {
            vm.hookInterval = Self.scriptHookInterval
            // Installed once per VM (not a closure allocated per run): it
            // reads the threshold when it fires, which CONFIG SET cannot
            // change while the script runs.
            if vm.hook == nil {
                let s = Unmanaged.passUnretained(self)
                vm.hook = { vm in
                    try s._withUnsafeGuaranteedRef { try $0.scriptHook(vm, thresholdMs: Int64($0.config.busyReplyThreshold)) }
                }
            }
        } else {
            vm.hook = nil
            vm.hookInterval = 0
        }
        defer {
            if debugger != nil {
                vm.lineHook = nil
                vm.hook = nil
                vm.hookInterval = 0
            }
            keyspace.nowMs = callerNowMs
            scripting.sharedRandom = vm.random
            scripting.running = nil
            if run.timedOut { scriptTimedOutEnded(run) }
            scripting.callsSinceGC += 1
            if scripting.callsSinceGC >= 50 {
                scripting.callsSinceGC = 0
                vm.collectGarbageIfGrown()
            }
        }
        do {
            // The first result only, and a non-escaping closure holding self
            // (no array of results, no unowned reference counted per run).
            let result = try vm.callFirst(function, args)
            LuaToReply.write(result, to: &c.out, scriptResp: run.resp) { code, counted in
                // ERR_REPLY_FLAG_NO_STATS_UPDATE: the call still counts as failed.
                if counted { self.failedCallUncounted = true } else { self.stats.noteError(code) }
            }
        } catch is LuaAbort {
            replyScriptError(c, run, message: Self.scriptKilledError)
        } catch let e as LuaError {
            var counted = false
            if case .table(let t) = e.value, t.get(ReplyToLua.ignoreStatsKey) == .bool(true) { counted = true }
            replyScriptError(c, run, message: errorMessage(e.value, run), counted: counted)
        } catch {
            replyScriptError(c, run, message: "ERR \(error)")
        }
    }

    /// The error text of a raised value: an error table's `err`, or
    /// "ERR " and the value as tostring gives it (what __redis__err__handler builds).
    private func errorMessage(_ v: LuaValue, _ run: RunningScript) -> String {
        if case .string(let s) = v, let line = Self.leadingLine(String(decoding: s.bytes, as: UTF8.self), chunk: run.chunk) {
            run.lastLine = line
        }
        return Self.raisedErrorText(v)
    }

    static func raisedErrorText(_ v: LuaValue) -> String {
        switch v {
        case .table(let t):
            if case .string(let e) = t.get(ReplyToLua.errKey) { return String(decoding: e.bytes, as: UTF8.self) }
            return "ERR unknown error"
        case .string(let s):
            return "ERR " + String(decoding: s.bytes, as: UTF8.self)
        default:
            return "ERR " + LuaVM.rawToString(v)
        }
    }

    /// N in "user_script:N: ..." (where a raised string says it came from).
    static func leadingLine(_ text: String, chunk: String) -> Int? {
        guard text.hasPrefix(chunk + ":") else { return nil }
        let rest = text.dropFirst(chunk.count + 1)
        return Int(rest.prefix { $0.isNumber })
    }

    /// `counted`: the error came from a command or a refused call, whose
    /// error stats were updated then (the call still counts as failed).
    private func replyScriptError(_ c: Client, _ run: RunningScript, message: String, counted: Bool = false) {
        let text = "\(message) script: \(run.name), on @\(run.chunk):\(run.lastLine)."
        if counted {
            c.out.error(text)
            failedCallUncounted = true
        } else {
            c.replyError(text)
        }
    }
}
