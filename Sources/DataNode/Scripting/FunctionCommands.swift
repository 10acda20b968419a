import CoreKit
import Lua
import Persistence
import Protocol

/// FUNCTION and FCALL (functions.c): libraries of named Lua functions, run
/// in the function VM.
enum FunctionCommands {
    static let handlers: [String: CommandHandler] = [
        "fcall": { s, c, argv in s.fcallCommand(c, argv, readOnlyCommand: false) },
        "fcall_ro": { s, c, argv in s.fcallCommand(c, argv, readOnlyCommand: true) },
        "function|load": load, "function|delete": delete, "function|flush": flush,
        "function|list": list, "function|dump": dump, "function|restore": restore,
        "function|stats": stats,
        "function|kill": { s, c, _ in s.killRunningScript(c, function: true) },
        "function|help": { _, c, argv in ServerCommands.replyHelp(c, argv, helpLines) },
    ]

    static let helpLines = [
        "LOAD [REPLACE] <FUNCTION CODE>",
        "    Create a new library with the given library name and code.",
        "DELETE <LIBRARY NAME>",
        "    Delete the given library.",
        "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
        "    Return general information on all the libraries:",
        "    * Library name",
        "    * The engine used to run the Library",
        "    * Library description",
        "    * Functions list",
        "    * Library code (if WITHCODE is given)",
        "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
        "STATS",
        "    Return information about the current function running:",
        "    * Function name",
        "    * Command used to run the function",
        "    * Duration in MS that the function is running",
        "    If no function is running, return nil",
        "    In addition, returns a list of available engines.",
        "KILL",
        "    Kill the current running function.",
        "FLUSH [ASYNC|SYNC]",
        "    Delete all the libraries.",
        "    When called without the optional mode argument, the behavior is determined by the",
        "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
        "    * ASYNC: Asynchronously flush the libraries.",
        "    * SYNC: Synchronously flush the libraries.",
        "DUMP",
        "    Return a serialized payload representing the current libraries, can be restored using FUNCTION RESTORE command",
        "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
        "    Restore the libraries represented by the given payload, it is possible to give a restore policy to",
        "    control how to handle existing libraries (default APPEND):",
        "    * FLUSH: delete all existing libraries.",
        "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
        "    * REPLACE: appends the restored libraries to the existing libraries, On collision, replace the old",
        "      libraries with the new libraries (notice that even on this option there is a chance of failure",
        "      in case of functions name collision with another library).",
    ]

    static func load(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var replace = false
        for a in argv[2..<(argv.count - 1)] {
            guard argEquals(a, "replace") else {
                c.replyError("ERR Unknown option given: \(String(decoding: a, as: UTF8.self))")
                return
            }
            replace = true
        }
        let mustObey = c.mustObey
        switch s.loadLibrary(argv[argv.count - 1], replace: replace, timeout: !mustObey) {
        case .success(let name):
            s.dirty += 1
            c.out.bulk(Array(name.utf8))
        case .failure(let e):
            c.replyError(e.message)
        }
    }

    static func delete(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let name = String(decoding: argv[2], as: UTF8.self)
        guard s.scripting.libraries.library(name) != nil else {
            c.replyError("ERR Library not found")
            return
        }
        s.deleteLibrary(name)
        s.dirty += 1
        c.out.ok()
    }

    static func flush(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv.count > 3 {
            ServerCommands.replySubcommandSyntaxError(c, argv)
            return
        }
        if argv.count == 3 && !argEquals(argv[2], "sync") && !argEquals(argv[2], "async") {
            c.replyError("ERR FUNCTION FLUSH only supports SYNC|ASYNC option")
            return
        }
        s.flushFunctions()
        s.dirty += 1
        c.out.ok()
    }

    static func list(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var withCode = false
        var pattern: [UInt8]?
        var i = 2
        while i < argv.count {
            if argEquals(argv[i], "withcode") && !withCode {
                withCode = true
            } else if argEquals(argv[i], "libraryname") && pattern == nil {
                guard i + 1 < argv.count else {
                    c.replyError("ERR library name argument was not given")
                    return
                }
                pattern = argv[i + 1]
                i += 1
            } else {
                c.replyError("ERR Unknown argument \(String(decoding: argv[i], as: UTF8.self))")
                return
            }
            i += 1
        }
        let libs = s.scripting.libraries.all.filter { lib in
            pattern.map { stringMatch(pattern: $0, string: Array(lib.name.utf8), nocase: false) } ?? true
        }
        c.out.arrayHeader(libs.count)
        for lib in libs {
            c.out.mapHeader(withCode ? 4 : 3)
            c.out.bulk("library_name"); c.out.bulk(lib.name)
            c.out.bulk("engine"); c.out.bulk("LUA")
            c.out.bulk("functions")
            c.out.arrayHeader(lib.functions.count)
            for f in lib.functions {
                c.out.mapHeader(3)
                c.out.bulk("name"); c.out.bulk(f.name)
                c.out.bulk("description")
                if let d = f.description { c.out.bulk(d) } else { c.out.nullBulk() }
                c.out.bulk("flags")
                let names = f.flags.setNames
                c.out.setHeader(names.count)
                for n in names { c.out.simpleString(n) }
            }
            if withCode {
                c.out.bulk("library_code"); c.out.bulk(lib.code)
            }
        }
    }

    static func dump(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.bulk(FunctionPayload.encode(libraryCodes: s.scripting.libraries.all.map(\.code), options: s.dumpPayloadOptions))
    }

    enum RestorePolicy { case flush, append, replace }

    static func restore(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var policy = RestorePolicy.append
        if argv.count > 4 {
            ServerCommands.replySubcommandSyntaxError(c, argv)
            return
        }
        if argv.count == 4 {
            if argEquals(argv[3], "flush") { policy = .flush }
            else if argEquals(argv[3], "append") { policy = .append }
            else if argEquals(argv[3], "replace") { policy = .replace }
            else {
                c.replyError("ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.")
                return
            }
        }
        let codes: [[UInt8]]
        do {
            codes = try FunctionPayload.decode(argv[2])
        } catch let e as RDBError {
            c.replyError("ERR " + e.message)
            return
        } catch {
            c.replyError("ERR " + DumpPayload.badFormatError)
            return
        }
        switch s.restoreLibraries(codes, policy: policy) {
        case .success:
            s.dirty += 1
            c.out.ok()
        case .failure(let e):
            c.replyError(e.message)
        }
    }

    static func stats(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if let run = s.scripting.running, !run.isFunction {
            c.replyError(Server.busyEvalError)
            return
        }
        c.out.mapHeader(2)
        c.out.bulk("running_script")
        if let run = s.scripting.running {
            c.out.mapHeader(3)
            c.out.bulk("name"); c.out.bulk(run.name)
            c.out.bulk("command")
            c.out.arrayHeader(run.callerArgv.count)
            for a in run.callerArgv { c.out.bulk(a) }
            c.out.bulk("duration_ms"); c.out.integer(s.clock.monotonicMs() - run.startMs)
        } else {
            c.out.nullBulk()
        }
        c.out.bulk("engines")
        c.out.mapHeader(1)
        c.out.bulk("LUA")
        c.out.mapHeader(2)
        c.out.bulk("libraries_count"); c.out.integer(s.scripting.libraries.libraryCount)
        c.out.bulk("functions_count"); c.out.integer(s.scripting.libraries.functionCount)
    }
}

extension Server {
    func fcallCommand(_ c: Client, _ argv: [[UInt8]], readOnlyCommand: Bool) {
        // Fed to MONITOR before the commands the function runs (fcallCommandGeneric).
        if !monitors.isEmpty { feedMonitors(c, argv) }
        guard let f = scripting.libraries.function(String(decoding: argv[1], as: UTF8.self)) else {
            c.replyError("ERR Function not found")
            return
        }
        guard let keyCount = numKeys(c, argv, fcall: true) else { return }
        if readOnlyCommand && !f.flags.noWrites {
            c.replyError(EvalCommands.roWithWriteFlagError)
            return
        }
        if let refusal = scriptPreRunRefusal(f.flags, caller: c) {
            c.replyError(refusal)
            return
        }
        let keys = LuaTable()
        for i in 0..<keyCount { try? keys.set(int: i + 1, .str(argv[3 + i])) }
        let args = LuaTable()
        for (i, a) in argv.dropFirst(3 + keyCount).enumerated() { try? args.set(int: i + 1, .str(a)) }
        runScript(c, vm: functionEnv.vm, function: f.callback, args: [.table(keys), .table(args)], name: f.name,
                  isFunction: true, flags: f.flags, readOnly: readOnlyCommand || f.flags.noWrites, argv: argv)
        feed.preventCommandPropagation()
    }

    /// FUNCTION RESTORE: every library compiled first, then the policy applied
    /// all at once (nothing changes when one of them fails).
    func restoreLibraries(_ codes: [[UInt8]], policy: FunctionCommands.RestorePolicy) -> Result<Void, ScriptError> {
        var libs: [FunctionLibrary] = []
        for code in codes {
            switch compileLibrary(code, timeout: false) {
            case .success(let lib): libs.append(lib)
            case .failure(let e): return .failure(e)
            }
        }
        var next = policy == .flush ? FunctionLibraries() : scripting.libraries
        for lib in libs {
            if next.library(lib.name) != nil {
                if policy == .append { return .failure(ScriptError(message: "ERR Library \(lib.name) already exists")) }
                next.remove(lib.name)
            }
            if let f = next.clash(lib, replacing: []) { return .failure(ScriptError(message: "ERR Function \(f) already exists")) }
            next.add(lib)
        }
        let kept = next.all
        if policy == .flush { scripting.libraries = FunctionLibraries() }
        for lib in scripting.libraries.all where next.library(lib.name) == nil { deleteLibrary(lib.name) }
        for lib in kept { installLibrary(lib) }
        return .success(())
    }
}
