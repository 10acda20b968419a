import Glibc
import Keyspace
import Lua
import Protocol

/// EVAL, EVALSHA, EVAL_RO, EVALSHA_RO and SCRIPT (eval.c): scripts cached
/// by the sha1 of their text, run in the shared EVAL VM.
enum EvalCommands {
    static let handlers: [String: CommandHandler] = [
        "eval": { s, c, argv in s.evalCommand(c, argv, bySha: false, readOnlyCommand: false) },
        "evalsha": { s, c, argv in s.evalCommand(c, argv, bySha: true, readOnlyCommand: false) },
        "eval_ro": { s, c, argv in s.evalCommand(c, argv, bySha: false, readOnlyCommand: true) },
        "evalsha_ro": { s, c, argv in s.evalCommand(c, argv, bySha: true, readOnlyCommand: true) },
        "script|load": scriptLoad, "script|exists": scriptExists, "script|flush": scriptFlush,
        "script|kill": { s, c, _ in s.killRunningScript(c, function: false) },
        "script|debug": Server.scriptDebug,
        "script|help": { _, c, argv in ServerCommands.replyHelp(c, argv, helpLines) },
    ]

    static let helpLines = [
        "DEBUG (YES|SYNC|NO)",
        "    Set the debug mode for subsequent scripts executed.",
        "EXISTS <sha1> [<sha1> ...]",
        "    Return information about the existence of the scripts in the script cache.",
        "FLUSH [ASYNC|SYNC]",
        "    Flush the Lua scripts cache. Very dangerous on replicas.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the scripts cache.",
        "    * SYNC: Synchronously flush the scripts cache.",
        "KILL",
        "    Kill the currently executing Lua script.",
        "LOAD <script>",
        "    Load a script into the scripts cache without executing it.",
    ]

    static let noScriptError = "NOSCRIPT No matching script. Please use EVAL."
    static let roWithWriteFlagError = "ERR Can not execute a script with write flag using *_ro command."

    static func scriptLoad(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        switch s.cacheScript(argv[2]) {
        case .success(let sha): c.out.bulk(Array(sha.utf8))
        case .failure(let e): c.replyError(e.message)
        }
    }

    static func scriptExists(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.arrayHeader(argv.count - 2)
        for a in argv.dropFirst(2) {
            let sha = String(decoding: a, as: UTF8.self).lowercased()
            c.out.integer(s.scripting.scripts.contains(Key(sha)) ? 1 : 0)
        }
    }

    static func scriptFlush(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv.count > 3 || (argv.count == 3 && !argEquals(argv[2], "sync") && !argEquals(argv[2], "async")) {
            c.replyError("ERR SCRIPT FLUSH only support SYNC|ASYNC option")
            return
        }
        s.flushScripts()
        c.out.ok()
    }
}

struct ScriptError: Error {
    let message: String
}

extension Server {
    /// The EVAL VM, created on first use and after SCRIPT FLUSH.
    var evalVM: LuaVM {
        if let vm = scripting.evalVM { return vm }
        let vm = ScriptSandbox.makeEvalVM(self)
        scripting.evalVM = vm
        return vm
    }

    /// Compiles `body` into the cache (if new) and returns its sha1.
    func cacheScript(_ body: [UInt8]) -> Result<String, ScriptError> {
        let sha = RedisLuaAPI.sha1Hex(body)
        if scripting.scripts.contains(Key(sha)) { return .success(sha) }
        let parsed: (flags: ScriptFlags, body: [UInt8])
        switch ScriptShebang.parse(body) {
        case .success(let p): parsed = p
        case .failure(let e): return .failure(ScriptError(message: "ERR " + e.message))
        }
        let vm = evalVM
        let fn: LuaValue
        do {
            fn = try vm.load(parsed.body, chunkName: "user_script")
        } catch {
            return .failure(ScriptError(message: "ERR Error compiling script (new function): \(error)"))
        }
        // Compiled functions are roots of the collector while cached.
        vm.registry.set("f_" + sha, fn)
        scripting.scripts.set(Key(sha), CachedScript(sha: sha, body: body, function: fn, flags: parsed.flags))
        scripting.scriptsMemory += Self.cachedScriptOverhead + body.count
        return .success(sha)
    }

    /// Bytes one cache entry costs beyond its body: the sha key and the
    /// dictionary entry, as Redis counts them in used_memory_scripts_eval.
    static let cachedScriptOverhead = 40 + 64

    func flushScripts() {
        scripting.scripts.removeAll()
        scripting.scriptsMemory = 0
        scripting.evalVM = nil
        scripting.keysTable = nil
        scripting.argvTable = nil
        scripting.lastShaScript = nil
        scripting.lastShaArgument = []
    }

    static let keysGlobal = LuaString("KEYS")
    static let argvGlobal = LuaString("ARGV")

    /// The cache key of an EVALSHA's sha: its lowercase bytes (lowercasing
    /// only when it has capitals, as clients send it lowercase).
    static func shaKey(_ bytes: [UInt8]) -> Key {
        var hasCapitals = false
        for b in bytes where b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") {
            hasCapitals = true
            break
        }
        guard hasCapitals else { return Key(bytes) }
        return Key(bytes.map { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") ? $0 | 0x20 : $0 })
    }

    /// memcmp, not Array's element-by-element ==.
    private static func sameBytes(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.count == b.count && (a.isEmpty || a.withUnsafeBytes { x in b.withUnsafeBytes { y in memcmp(x.baseAddress!, y.baseAddress!, x.count) == 0 } })
    }

    /// The cached script an EVALSHA argument names (any case), if any.
    func cachedScript(sha argument: [UInt8]) -> CachedScript? {
        if let last = scripting.lastShaScript, Self.sameBytes(argument, scripting.lastShaArgument) { return last }
        guard argument.count == 40, let found = scripting.scripts[Self.shaKey(argument)] else { return nil }
        // A copy: keeping the client's argument would stop the parser reusing its buffer.
        scripting.lastShaArgument.removeAll(keepingCapacity: true)
        scripting.lastShaArgument.append(contentsOf: argument)
        scripting.lastShaScript = found
        return found
    }

    func evalCommand(_ c: Client, _ argv: [[UInt8]], bySha: Bool, readOnlyCommand: Bool) {
        // EVAL is skip_monitor: it feeds MONITOR itself, first, so that the
        // commands the script runs show after it (eval.c evalCommand).
        if !monitors.isEmpty { feedMonitors(c, argv) }
        if c.flags.contains(.luaDebug) {
            if !bySha {
                evalWithDebugging(c, argv, readOnlyCommand: readOnlyCommand)
            } else if argv[1].count != 40 {
                c.replyError(EvalCommands.noScriptError)
            } else {
                c.replyError("ERR Please use EVAL instead of EVALSHA for debugging")
            }
            return
        }
        runEval(c, argv, bySha: bySha, readOnlyCommand: readOnlyCommand)
    }

    func runEval(_ c: Client, _ argv: [[UInt8]], bySha: Bool, readOnlyCommand: Bool) {
        guard let keyCount = numKeys(c, argv, fcall: false) else { return }
        let script: CachedScript
        let sha: String
        if bySha {
            guard let found = cachedScript(sha: argv[1]) else {
                c.replyError(EvalCommands.noScriptError)
                return
            }
            script = found
            sha = found.sha
        } else {
            switch cacheScript(argv[1]) {
            case .success(let h): sha = h
            case .failure(let e):
                c.replyError(e.message)
                return
            }
            script = scripting.scripts[Key(sha)]!
        }
        if readOnlyCommand && script.flags.declared && !script.flags.noWrites {
            c.replyError(EvalCommands.roWithWriteFlagError)
            return
        }
        if let refusal = scriptPreRunRefusal(script.flags, caller: c) {
            c.replyError(refusal)
            return
        }
        let vm = evalVM
        let keys = recycledArgumentTable(&scripting.keysTable, global: Self.keysGlobal, vm)
        for i in 0..<keyCount { try? keys.set(int: i + 1, .str(argv[3 + i])) }
        let args = recycledArgumentTable(&scripting.argvTable, global: Self.argvGlobal, vm)
        for (i, a) in argv.dropFirst(3 + keyCount).enumerated() { try? args.set(int: i + 1, .str(a)) }
        vm.globals.set(Self.keysGlobal, .table(keys))
        vm.globals.set(Self.argvGlobal, .table(args))
        scripting.keysTable = keys
        scripting.argvTable = args
        runScript(c, vm: vm, function: script.function, args: [], name: sha, isFunction: false,
                  flags: script.flags, readOnly: readOnlyCommand || script.flags.noWrites, argv: argv)
        // The script's commands were propagated; EVAL itself never is.
        feed.preventCommandPropagation()
    }

    /// The KEYS or ARGV table of the last run, emptied, when nothing else
    /// holds it any more (the script kept no reference to it and made it no
    /// more than an array): a table nobody can tell from a new one, without
    /// the allocations of one. Otherwise a new table, as lua_newtable makes.
    private func recycledArgumentTable(_ slot: inout LuaTable?, global: LuaString, _ vm: LuaVM) -> LuaTable {
        guard var t = slot else { return LuaTable() }
        slot = nil
        // The globals' reference goes (the node stays: the table is set again below).
        vm.globals.set(global, .nil_)
        if isKnownUniquelyReferenced(&t) && t.clearPlainArray() { return t }
        return LuaTable()
    }

    /// numkeys with EVAL's or FCALL's errors; nil after replying.
    func numKeys(_ c: Client, _ argv: [[UInt8]], fcall: Bool) -> Int? {
        guard let n = parseStrictInt64(argv[2]) else {
            c.replyError(fcall ? "ERR Bad number of keys provided" : "ERR value is not an integer or out of range")
            return nil
        }
        if n > Int64(argv.count - 3) {
            c.replyError("ERR Number of keys can't be greater than number of args")
            return nil
        }
        if n < 0 {
            c.replyError("ERR Number of keys can't be negative")
            return nil
        }
        return Int(n)
    }

    /// A script that declares flags makes its command `write` (unless
    /// no-writes), `denyoom` (unless no-writes or allow-oom) and not `stale`
    /// (unless allow-stale), so 7.0's
    /// processCommand refuses it with the texts any write command gets;
    /// compat-mode EVAL scripts are checked per call instead.
    static let masterDownError = "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."

    func scriptPreRunRefusal(_ flags: ScriptFlags, caller c: Client) -> String? {
        let runningStale = replication.link.masterHost != nil && replication.link.state != .connected
            && !config.bool("replica-serve-stale-data")
        // A script without a shebang never runs on a stale replica (scriptPrepareForRun's compat branch).
        guard flags.declared else { return runningStale ? Self.masterDownError : nil }
        // processCommand's order: OOM, NOREPLICAS, READONLY, MASTERDOWN.
        if !flags.noWrites && !flags.allowOOM && hot.maxmemory > 0 && performEvictions() == .fail {
            return Self.oomError
        }
        if !flags.noWrites && hot.minReplicasToWrite > 0 && keyspace.isMaster && !c.flags.contains(.master)
            && replication.replicas.refusesWrites(minReplicas: hot.minReplicasToWrite, maxLagSeconds: config.int("min-replicas-max-lag"),
                                                  nowMs: clock.monotonicMs()) {
            return "NOREPLICAS Not enough good replicas to write."
        }
        if !flags.noWrites && !keyspace.isMaster && config.replicaReadOnly {
            return "READONLY You can't write against a read only replica."
        }
        // Declared flags drop the command's `stale` unless allow-stale (scriptFlagsToCmdFlags).
        if !flags.allowStale && runningStale { return Self.masterDownError }
        return nil
    }
}
