import Lua

/// One SCRIPT DEBUG session (eval.c's ldb state): where the script stands,
/// the breakpoints, the log lines owed to the client, and the stops the
/// line hook makes. The commands read at a stop are in LuaDebugger+Commands.
final class LuaDebugger {
    static let chunk = "user_script"
    static let maxBreakpoints = 64
    static let defaultMaxLen = 256
    /// The command buffer is dropped and the script fails beyond this.
    static let maxBufferedBytes = 1 << 20

    let link: DebuggerLink
    /// A fork()ed session: its changes die with the child.
    let forked: Bool
    /// The script's text split into lines (trailing newlines dropped).
    let source: [[UInt8]]
    var logs: [[UInt8]] = []
    var breakpoints: [Int] = []
    /// Stop at the next line whatever the breakpoints.
    var step = true
    /// redis.breakpoint() was called: stop at the next line.
    var luaBreakpoint = false
    var currentLine = 0
    var buffer: [UInt8] = []
    var maxLen = LuaDebugger.defaultMaxLen
    var maxLenHintSent = false
    /// An unstopped run this long (ms) is taken for an endless loop.
    let timeoutMs: Int64
    var runStartMs: Int64
    let now: () -> Int64

    init(link: DebuggerLink, forked: Bool, script: [UInt8], timeoutMs: Int64, now: @escaping () -> Int64) {
        self.link = link
        self.forked = forked
        self.source = Self.lines(of: script)
        self.timeoutMs = timeoutMs
        self.now = now
        runStartMs = now()
    }

    static func lines(of script: [UInt8]) -> [[UInt8]] {
        var body = script[...]
        while let last = body.last, last == 10 || last == 13 { body = body.dropLast() }
        if body.isEmpty { return [] }
        return body.split(separator: 10, omittingEmptySubsequences: false).map { Array($0) }
    }

    /// Redis commands, their replies and errors are logged only while stepping (ldbIsEnabled).
    var isLogging: Bool { step }

    // MARK: log

    func log(_ line: String) { logs.append(Array(line.utf8)) }
    func log(_ line: [UInt8]) { logs.append(line) }

    /// A value or reply log, cut at maxlen with a one-time hint.
    func logTrimmed(_ line: [UInt8]) {
        var entry = line
        var trimmed = false
        if maxLen > 0 && entry.count > maxLen {
            entry = Array(entry.prefix(maxLen)) + Array(" ...".utf8)
            trimmed = true
        }
        log(entry)
        if trimmed && !maxLenHintSent {
            maxLenHintSent = true
            log("<hint> The above reply was trimmed. Use 'maxlen 0' to disable trimming.")
        }
    }

    /// The logs as one multi-bulk of status lines (newlines become spaces).
    static func encode(_ logs: [[UInt8]]) -> [UInt8] {
        var out = Array("*\(logs.count)\r\n".utf8)
        for l in logs {
            out.append(UInt8(ascii: "+"))
            out += l.map { $0 == 13 || $0 == 10 ? 32 : $0 }
            out += [13, 10]
        }
        return out
    }

    func sendLogs() {
        link.write(Self.encode(logs))
        logs.removeAll()
    }

    // MARK: source and breakpoints

    func sourceLine(_ n: Int) -> [UInt8] {
        n >= 1 && n <= source.count ? source[n - 1] : Array("<out of range source code line>".utf8)
    }

    func logSourceLine(_ n: Int) {
        let bp = breakpoints.contains(n), current = currentLine == n
        let prefix = current && bp ? "->#" : current ? "-> " : bp ? "  #" : "   "
        var number = String(n)
        while number.count < 3 { number += " " }
        log(Array("\(prefix)\(number) ".utf8) + sourceLine(n))
    }

    func list(around: Int, context: Int) {
        guard !source.isEmpty else { return }
        for j in 1...source.count where around == 0 || abs(around - j) <= context { logSourceLine(j) }
    }

    func addBreakpoint(_ line: Int) -> Bool {
        guard line > 0 && line <= source.count else { return false }
        if !breakpoints.contains(line) && breakpoints.count != Self.maxBreakpoints {
            breakpoints.append(line)
            return true
        }
        return false
    }

    // MARK: stops

    /// The line hook (`count` false) and the instruction-count hook: stops
    /// when stepping, at a breakpoint, after redis.breakpoint(), or when the
    /// script ran unstopped past the timeout.
    func hookEvent(_ vm: LuaVM, line: Int, count: Bool) throws {
        currentLine = line
        let bp = breakpoints.contains(line) || luaBreakpoint
        guard vm.frameInfo(level: 0)?.chunk == Self.chunk else { return }
        var timeout = false
        if count && !step && !bp {
            guard now() - runStartMs >= timeoutMs else { return }
            timeout = true
            step = true
        }
        guard step || bp else { return }
        let reason = bp ? (luaBreakpoint ? "redis.breakpoint() called" : "break point")
            : timeout ? "timeout reached, infinite loop?" : "step over"
        step = false
        luaBreakpoint = false
        log("* Stopped at \(currentLine), stop reason = \(reason)")
        logSourceLine(currentLine)
        sendLogs()
        if try !repl(vm) && timeout {
            // Nobody will ever say continue: end the endless script.
            throw RedisLuaAPI.raised("timeout during Lua debugging with client closing connection")
        }
        runStartMs = now()
    }

    /// redis.debug(...): "<debug> line N: " and the values.
    func debugCall(_ values: [LuaValue]) {
        var entry = Array("<debug> line \(currentLine): ".utf8)
        for (i, v) in values.enumerated() {
            if i > 0 { entry += Array(", ".utf8) }
            DebuggerFormat.append(v, to: &entry, level: 0)
        }
        log(entry)
    }

    /// The end of the session: what is left of the logs, then `<endsession>`.
    func end() {
        log("<endsession>")
        sendLogs()
    }
}

extension LuaDebugger {
    /// "<redis> cmd args": ten arguments at most, then how many more.
    func logCommand(_ argv: [[UInt8]]) {
        var entry = Array("<redis>".utf8)
        for (j, a) in argv.enumerated() {
            if j == 10 {
                // Redis's count leaves out one of the remaining arguments.
                entry += Array(" ... (\(argv.count - j - 1) more)".utf8)
                break
            }
            entry.append(32)
            entry += a
        }
        log(entry)
    }
}
