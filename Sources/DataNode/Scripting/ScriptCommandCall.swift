import ACL
import Lua
import Protocol

/// redis.call / redis.pcall: a command run from a script through the script
/// client, after script.c scriptCall's checks, its reply converted back to Lua.
extension Server {
    static let scriptErrors = (
        noArgs: "Please specify at least one argument for this redis lib call",
        badArg: "Lua redis lib command arguments must be strings or integers",
        unknown: "Unknown Redis command called from script",
        arity: "Wrong number of args calling Redis command from script",
        noscript: "This Redis command is not allowed from script",
        readOnly: "Write commands are not allowed from read-only scripts.",
        stale: "Can not execute the command on a stale replica"
    )

    func scriptRedisCall(_ vm: LuaVM, _ base: Int, _ nargs: Int, raise: Bool) throws -> Int {
        guard let run = scripting.running else { throw RedisLuaAPI.raised("redis.call is only available while a script runs") }
        if let l = vm.callerLine { run.lastLine = l }
        let session = scripting.debugger
        func fail(_ msg: String) throws -> Int {
            if let d = session, d.isLogging { d.log("<error> " + msg) }
            let e = RedisLuaAPI.errorTable(msg.hasPrefix("-") ? String(msg.dropFirst()) : "ERR " + msg)
            if raise { throw LuaError.value(e) }
            return vm.result(base, e)
        }
        // scriptCall's own refusals: counted in the error stats and as a
        // rejected call of the command now, so the script's reply is not.
        func reject(_ msg: String, _ cmd: Command?) throws -> Int {
            let text = msg.hasPrefix("-") ? String(msg.dropFirst()) : "ERR " + msg
            if let d = session, d.isLogging { d.log("<error> " + msg) }
            stats.noteError(text)
            cmd?.rejectedCalls += 1
            commandStatsErrorMark = stats.totalErrorReplies
            guard case .table(let t) = RedisLuaAPI.errorTable(text) else { return 0 }
            try? t.set(ReplyToLua.ignoreStatsKey, .bool(true))
            if raise { throw LuaError.value(.table(t)) }
            return vm.result(base, .table(t))
        }
        if nargs == 0 { return try fail(Self.scriptErrors.noArgs) }
        // The array of the last call, emptied with its room kept (taken out
        // of the state so that it is the only reference and no copy is made).
        var argv = scripting.callArgv
        scripting.callArgv = []
        argv.reserveCapacity(nargs)
        for i in 0..<nargs {
            switch vm.arg(base, nargs, i) {
            case .string(let s): argv.append(s.bytes)
            case .number(let d): argv.append(formatDouble(d))
            default: return try fail(Self.scriptErrors.badArg)
            }
        }
        if let d = session, d.isLogging { d.logCommand(argv) }
        guard var cmd = lookupCommand(argv[0]) else { return try reject(Self.scriptErrors.unknown, nil) }
        if cmd.isContainer && argv.count >= 2 {
            guard let sub = cmd.subcommands[asciiLowercased(argv[1])] else { return try reject(Self.scriptErrors.unknown, nil) }
            cmd = sub
        }
        if !cmd.arityAccepts(argv.count) || (cmd.handler == nil && cmd.isContainer) { return try reject(Self.scriptErrors.arity, cmd) }
        if cmd.flags.contains(.noscript) && !scripting.disableDenyScripts { return try reject(Self.scriptErrors.noscript, cmd) }
        // scriptVerifyAllowStale: a script allowed to run on a stale replica may still only call stale commands.
        if !cmd.flags.contains(.stale) && replication.link.masterHost != nil && replication.link.state != .connected
            && !config.bool("replica-serve-stale-data") {
            return try reject(Self.scriptErrors.stale, cmd)
        }
        if let denied = scriptACLRefusal(run.caller, cmd, argv) { return try reject(denied, cmd) }
        let writes = !cmd.flags.isDisjoint(with: [.write, .mayReplicate])
        if writes && run.readOnly { return try reject(Self.scriptErrors.readOnly, cmd) }
        if writes && !run.wrote, let refusal = scriptWriteRefusal(isWrite: cmd.flags.contains(.write)) { return try reject("-" + refusal, cmd) }
        if !run.wrote && cmd.flags.contains(.denyoom) && !run.flags.allowOOM && hot.maxmemory > 0,
           run.oomAtStart {
            return try reject("-" + Self.oomError, cmd)
        }
        let fake = scriptClient(for: run)
        let replyStart = fake.out.bytes.count
        let dirtyBefore = dirty
        call(fake, cmd, argv, propagateTo: PropagationFeed.Targets(rawValue: run.replFlags))
        if dirty != dirtyBefore { run.wrote = true }
        if cmd.flags.contains(.readonly) { rememberScriptCallerKeys(run) }
        // The reply is read where it was written (the script client's buffer
        // is empty before each call), then the buffer emptied for the next.
        let (value, isError) = Self.replyToLua(fake.out.bytes, from: replyStart)
        if let d = session, d.isLogging {
            d.logTrimmed(Array("<reply> ".utf8) + DebuggerFormat.reply(Array(fake.out.bytes[replyStart...])))
        }
        fake.out.bytes.removeAll(keepingCapacity: true)
        // Emptied now, not at the next call: the arguments are not held after the script.
        argv.removeAll(keepingCapacity: true)
        scripting.callArgv = argv
        if isError && raise { throw LuaError.value(value) }
        return vm.result(base, value)
    }

    private static func replyToLua(_ bytes: [UInt8], from start: Int) -> (value: LuaValue, isError: Bool) {
        var conv = ReplyToLua(start == 0 ? bytes : Array(bytes[start...]))
        return conv.convert()
    }

    /// redis.acl_check_cmd: may the calling user run this command line?
    func scriptACLCheck(_ vm: LuaVM, _ base: Int, _ nargs: Int) throws -> Int {
        guard let run = scripting.running else { return 0 }
        if nargs == 0 { throw RedisLuaAPI.raised(Self.scriptErrors.noArgs) }
        var argv: [[UInt8]] = []
        for i in 0..<nargs {
            guard let b = vm.arg(base, nargs, i).stringBytes else { throw RedisLuaAPI.raised(Self.scriptErrors.badArg) }
            argv.append(b)
        }
        guard let name = argv.first, var cmd = lookupCommand(name) else {
            throw RedisLuaAPI.raised("Invalid command passed to redis.acl_check_cmd()")
        }
        if cmd.isContainer && argv.count >= 2, let sub = cmd.subcommands[asciiLowercased(argv[1])] { cmd = sub }
        let u = aclUser(of: run.caller)
        return vm.result(base, .bool(aclVerdict(u, cmd, argv) == .ok))
    }

    /// The caller's ACL rules apply to what its script runs (ACL LOG context `lua`).
    func scriptACLRefusal(_ caller: Client, _ cmd: Command, _ argv: [[UInt8]]) -> String? {
        let u = aclUser(of: caller)
        if u.unrestricted { return nil }
        switch aclVerdict(u, cmd, argv) {
        case .ok:
            return nil
        case .deniedCommand:
            addACLLog(caller, reason: .command, context: .lua, object: Array(cmd.fullName.utf8), running: cmd.fullName)
            return "The user executing the script can't run this command or subcommand"
        case .deniedKey(let i):
            addACLLog(caller, reason: .key, context: .lua, object: argv[i], running: cmd.fullName)
            return "The user executing the script can't access at least one of the keys mentioned in the command arguments"
        case .deniedChannel(let i):
            addACLLog(caller, reason: .channel, context: .lua, object: argv[i], running: cmd.fullName)
            return "The user executing the script can't publish to the channel mentioned in the command"
        }
    }

    /// READONLY / MISCONF / NOREPLICAS refusals for a script's first write
    /// (scriptVerifyWriteCommandAllow): only a command flagged write is
    /// stopped by them (a may-replicate one, PUBLISH, is not).
    func scriptWriteRefusal(isWrite: Bool) -> String? {
        guard isWrite else { return nil }
        if !keyspace.isMaster && config.replicaReadOnly { return "READONLY You can't write against a read only replica." }
        if let disk = diskErrorRefusal { return disk }
        if hot.minReplicasToWrite > 0 && keyspace.isMaster
            && replication.replicas.refusesWrites(minReplicas: hot.minReplicasToWrite, maxLagSeconds: config.int("min-replicas-max-lag"),
                                                  nowMs: clock.monotonicMs()) {
            return "NOREPLICAS Not enough good replicas to write."
        }
        return nil
    }

    /// The one client scripts run commands through; it starts each run in
    /// the caller's database and protocol 2 (redis.setresp changes it).
    func scriptClient(for run: RunningScript) -> Client {
        let c: Client
        if let existing = scripting.scriptClient {
            c = existing
        } else {
            // "lua" is what MONITOR shows for it, as Redis does.
            c = Client(id: Int.max, connection: nil, server: self, address: "lua", localAddress: "")
            c.flags.insert(.denyBlocking)
            c.authenticated = true
            scripting.scriptClient = c
        }
        if c.proto != run.resp { c.proto = run.resp }
        return c
    }
}
