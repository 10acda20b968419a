import Lua
import Protocol

/// The commands a stopped script takes from its debugging client (eval.c ldbRepl).
extension LuaDebugger {
    static let helpLines = [
        "Redis Lua debugger help:",
        "[h]elp               Show this help.",
        "[s]tep               Run current line and stop again.",
        "[n]ext               Alias for step.",
        "[c]ontinue           Run till next breakpoint.",
        "[l]ist               List source code around current line.",
        "[l]ist [line]        List source code around [line].",
        "                     line = 0 means: current position.",
        "[l]ist [line] [ctx]  In this form [ctx] specifies how many lines",
        "                     to show before/after [line].",
        "[w]hole              List all source code. Alias for 'list 1 1000000'.",
        "[p]rint              Show all the local variables.",
        "[p]rint <var>        Show the value of the specified variable.",
        "                     Can also show global vars KEYS and ARGV.",
        "[b]reak              Show all breakpoints.",
        "[b]reak <line>       Add a breakpoint to the specified line.",
        "[b]reak -<line>      Remove breakpoint from the specified line.",
        "[b]reak 0            Remove all breakpoints.",
        "[t]race              Show a backtrace.",
        "[e]val <code>        Execute some Lua code (in a different callframe).",
        "[r]edis <cmd>        Execute a Redis command.",
        "[m]axlen [len]       Trim logged Redis replies and Lua var dumps to len.",
        "                     Specifying zero as <len> means unlimited.",
        "[a]bort              Stop the execution of the script. In sync",
        "                     mode dataset changes will be retained.",
        "",
        "Debugger functions you can call from Lua scripts:",
        "redis.debug()        Produce logs in the debugger console.",
        "redis.breakpoint()   Stop execution like if there was a breakpoint in the",
        "                     next line of code.",
    ]

    /// Serves commands until one resumes the script (true), or the client is
    /// gone (false: the script then runs to its end without stopping).
    func repl(_ vm: LuaVM) throws -> Bool {
        while true {
            guard let argv = try nextCommand() else {
                step = false
                breakpoints.removeAll()
                return false
            }
            let name = argv[0]
            func named(_ names: String...) -> Bool { names.contains { DebuggerRequest.named(name, $0) } }
            if named("h", "help") {
                for l in Self.helpLines { log(l) }
            } else if named("s", "step", "n", "next") {
                step = true
                return true
            } else if named("c", "continue") {
                return true
            } else if named("t", "trace") {
                trace(vm)
            } else if named("m", "maxlen") {
                maxlenCommand(argv)
            } else if named("b", "break") {
                breakCommand(argv)
            } else if named("e", "eval") {
                eval(vm, argv)
            } else if named("a", "abort") {
                throw RedisLuaAPI.raised("script aborted for user request")
            } else if argv.count > 1 && named("r", "redis") {
                redis(vm, argv)
            } else if named("p", "print") {
                if argv.count == 2 { print(vm, argv[1]) } else { printAll(vm) }
            } else if named("l", "list") {
                var around = currentLine, context = 5
                if argv.count > 1 {
                    let n = DebuggerRequest.atoi(argv[1])
                    if n > 0 { around = n }
                }
                if argv.count > 2 { context = DebuggerRequest.atoi(argv[2]) }
                list(around: around, context: context)
            } else if named("w", "whole") {
                list(around: 1, context: 1_000_000)
            } else {
                log("<error> Unknown Redis Lua debugger command or wrong number of arguments.")
            }
            sendLogs()
        }
    }

    /// The next complete request, reading the socket as needed; nil when the client is gone.
    private func nextCommand() throws -> [[UInt8]]? {
        while true {
            switch DebuggerRequest.parse(buffer) {
            case .command(let argv):
                buffer.removeAll()
                return argv
            case .protocolError:
                throw RedisLuaAPI.raised("protocol error")
            case .incomplete:
                guard let bytes = link.read(max: 1024) else { return nil }
                buffer += bytes
                if buffer.count > Self.maxBufferedBytes {
                    buffer.removeAll()
                    throw RedisLuaAPI.raised("max client buffer reached")
                }
            }
        }
    }

    private func maxlenCommand(_ argv: [[UInt8]]) {
        if argv.count == 2 {
            var n = DebuggerRequest.atoi(argv[1])
            maxLenHintSent = true
            if n != 0 && n <= 60 { n = 60 }
            maxLen = n
        }
        log(maxLen != 0 ? "<value> replies are truncated at \(maxLen) bytes." : "<value> replies are unlimited.")
    }

    private func breakCommand(_ argv: [[UInt8]]) {
        if argv.count == 1 {
            if breakpoints.isEmpty {
                log("No breakpoints set. Use 'b <line>' to add one.")
            } else {
                log("\(breakpoints.count) breakpoints set:")
                for b in breakpoints { logSourceLine(b) }
            }
            return
        }
        for arg in argv.dropFirst() {
            guard let line = parseStrictInt64(arg) else {
                log(Array("Invalid argument:'".utf8) + arg + [UInt8(ascii: "'")])
                continue
            }
            if line == 0 {
                breakpoints.removeAll()
                log("All breakpoints removed.")
            } else if line > 0 {
                if breakpoints.count == Self.maxBreakpoints {
                    log("Too many breakpoints set.")
                } else if line <= Int64(source.count), addBreakpoint(Int(line)) {
                    list(around: Int(line), context: 1)
                } else {
                    log("Wrong line number.")
                }
            } else if let i = breakpoints.firstIndex(where: { -Int64($0) == line }) {
                breakpoints.remove(at: i)
                log("Breakpoint removed.")
            } else {
                log("No breakpoint in the specified line.")
            }
        }
    }

    private func trace(_ vm: LuaVM) {
        if vm.levelCount == 0 {
            log("<error> Can't retrieve Lua stack.")
            return
        }
        for level in 0..<vm.levelCount {
            guard let f = vm.frameInfo(level: level), f.chunk == Self.chunk else { continue }
            log("\(level == 0 ? "In" : "From") \(f.name ?? "top level"):")
            logSourceLine(f.currentLine)
        }
    }

    /// The first local of that name from the innermost function out; then KEYS and ARGV.
    private func print(_ vm: LuaVM, _ name: [UInt8]) {
        let wanted = String(decoding: name.prefix { $0 != 0 }, as: UTF8.self)
        for level in 0..<vm.levelCount {
            if let v = vm.locals(level: level).first(where: { $0.name == wanted }) {
                logTrimmed(Array("<value> ".utf8) + DebuggerFormat.value(v.value))
                return
            }
        }
        if wanted == "ARGV" || wanted == "KEYS" {
            logTrimmed(Array("<value> ".utf8) + DebuggerFormat.value(vm.globals.get(wanted)))
        } else {
            log("No such variable.")
        }
    }

    private func printAll(_ vm: LuaVM) {
        let locals = vm.locals(level: 0)
        for l in locals { logTrimmed(Array("<value> \(l.name) = ".utf8) + DebuggerFormat.value(l.value)) }
        if locals.isEmpty { log("No local variables in the current context.") }
    }

    /// The code as an expression ("return " prepended), else as statements,
    /// run in a call of its own; its first result is shown.
    private func eval(_ vm: LuaVM, _ argv: [[UInt8]]) {
        var code: [UInt8] = []
        for (i, a) in argv.dropFirst().enumerated() {
            if i > 0 { code.append(32) }
            code += a
        }
        let f: LuaValue
        if let asExpression = try? vm.load(Array("return ".utf8) + code, chunkName: "ldb_eval") {
            f = asExpression
        } else {
            do {
                f = try vm.load(code, chunkName: "ldb_eval")
            } catch {
                log("<error> " + Self.errorText(error))
                return
            }
        }
        do {
            let results = try vm.call(f, [])
            logTrimmed(Array("<retval> ".utf8) + DebuggerFormat.value(results.first ?? .nil_))
        } catch {
            log("<error> " + Self.errorText(error))
        }
    }

    /// lua_tostring of what was raised (an error table has no string form).
    static func errorText(_ error: Error) -> String {
        guard let e = error as? LuaError else { return "\(error)" }
        switch e.value {
        case .string(let s): return String(decoding: s.bytes, as: UTF8.self)
        case .number(let d): return LuaNumber.format(d)
        case .table(let t):
            if case .string(let s) = t.get(ReplyToLua.errKey) { return String(decoding: s.bytes, as: UTF8.self) }
            return "(error object is a table value)"
        default: return "(error object is a \(e.value.typeName) value)"
        }
    }

    /// redis.call with the arguments, stepping on so the call and its reply are logged.
    private func redis(_ vm: LuaVM, _ argv: [[UInt8]]) {
        guard case .table(let api) = vm.globals.get("redis") else { return }
        let call = api.get("call")
        step = true
        _ = try? vm.call(call, argv.dropFirst().map { .str($0) })
        step = false
    }
}
