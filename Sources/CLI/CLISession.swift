import RESPClient
import CVigilShim
import Glibc
import Protocol

/// What redis-cli does between reading a command and printing its reply:
/// connecting (AUTH, SELECT, HELLO 3), running a command N times, streaming
/// pub/sub and MONITOR output, and the prompt state (db, MULTI).
public final class CLISession {
    public enum Outcome: Equatable {
        case ok
        /// Could not connect, or the connection failed mid-command (already reported).
        case failed
        /// SIGINT while waiting for an ordinary reply (redis-cli exits 1).
        case interrupted
    }

    public private(set) var host: String
    public private(set) var port: Int
    public let options: CLIOptions
    /// Raw while a Lua debugging session runs, standard again after it (as redis-cli switches).
    public private(set) var mode: ReplyFormatter.Mode
    public let io: CLIOutput
    public private(set) var connection: RedisConnection?
    /// The database the connection is in (shown in the prompt).
    public private(set) var db = 0
    /// The database to select on every (re)connect.
    private var wantedDb: Int
    private var dbBeforeMulti = 0
    public private(set) var inTransaction = false
    private var user: String?
    private var password: String?

    /// Interactive sessions survive connection errors and let SIGINT end a
    /// SUBSCRIBE/MONITOR stream instead of the process.
    public var interactive = false
    /// Returns (and clears) a signal caught since the last call, 0 if none.
    /// Polled while waiting on the server in interactive mode.
    public var pendingSignal: () -> Int32 = { 0 }
    public var connectTimeoutMs = 30_000
    /// How often a wait on the server checks `pendingSignal` (a signal
    /// usually cuts the wait short anyway, by interrupting poll).
    public var signalPollMs = 1000

    /// Lua debugger state (redis-cli's eval_ldb*): a `SCRIPT DEBUG YES|SYNC`
    /// arms it for the next EVAL, whose replies are then debugger output.
    public private(set) var debugging = false
    private var debugOnNextEval = false
    /// Set when the debugger's `<endsession>` arrived: the EVAL's reply is
    /// still to be read (`finishDebugSession`).
    public private(set) var debugSessionEnded = false
    /// Shown instead of the address while `--ldb` debugs (redis-cli leaves
    /// its prompt alone for the rest of a session).
    public var promptOverride: String?
    public var debuggerOutput = LuaDebuggerOutput(term: nil)
    /// The server closes the connection after a debugging session's reply;
    /// the next command connects afresh without an error (redis-cli finds
    /// the closed connection while reloading its help, before that command).
    private var reconnectBeforeNextCommand = false

    public init(options: CLIOptions, mode: ReplyFormatter.Mode, io: CLIOutput) {
        self.options = options
        self.mode = mode
        self.io = io
        host = options.host
        port = options.port
        wantedDb = options.db
        user = options.user
        password = options.password
    }

    // MARK: Connection

    /// Connects (dropping any current connection), then AUTH, SELECT and
    /// HELLO 3 as asked. False only when there is no connection at all;
    /// a failed AUTH is reported and the session goes on, as redis-cli does.
    @discardableResult
    public func connect() -> Bool {
        connection?.close()
        connection = nil
        db = 0
        inTransaction = false
        reconnectBeforeNextCommand = false
        let conn: RedisConnection
        do {
            conn = try RedisConnection(host: host, port: port, connectTimeoutMs: connectTimeoutMs, ioTimeoutMs: nil)
        } catch {
            io.printError("Could not connect to Redis at \(host):\(port): \(error)\n")
            return false
        }
        connection = conn
        do {
            if let password {
                let reply = try conn.auth(user: user, password: password)
                if case .error(let e) = reply {
                    io.printError("AUTH failed: \(String(decoding: e, as: UTF8.self))\n")
                    return true
                }
            }
            if wantedDb != 0 {
                let reply = try conn.select(wantedDb)
                if case .error(let e) = reply {
                    io.printError("SELECT \(wantedDb) failed: \(String(decoding: e, as: UTF8.self))\n")
                    return true
                }
                db = wantedDb
            }
            if options.resp3 {
                let reply = try conn.hello(3)
                if case .error(let e) = reply {
                    io.printError("HELLO 3 failed: \(String(decoding: e, as: UTF8.self))\n")
                }
            }
        } catch {
            io.printError("\nI/O error\n")
            conn.close()
            connection = nil
            return false
        }
        return true
    }

    public func disconnect() {
        connection?.close()
        connection = nil
    }

    /// `connect host port` in the prompt.
    public func switchServer(host: String, port: Int) {
        self.host = host
        self.port = port
        connect()
    }

    public var prompt: String {
        guard connection != nil else { return "not connected> " }
        if let promptOverride { return promptOverride }
        var p = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
        if db != 0 { p += "[\(db)]" }
        if inTransaction { p += "(TX)" }
        return p + "> "
    }

    // MARK: Commands

    /// Runs one command `repeatCount` times (forever if negative), printing
    /// each reply; reconnects first if the connection is gone.
    public func issue(_ args: [[UInt8]], repeatCount: Int) -> Outcome {
        guard !args.isEmpty else { return .ok }
        if connection?.isOpen != true || reconnectBeforeNextCommand {
            if !connect() { return .failed }
        }
        do {
            return try run(args, repeatCount: repeatCount)
        } catch {
            io.printError("Error: \(error)\n")
            disconnect()
            return .failed
        }
    }

    /// Sends one command and reads its reply without printing it; nil when
    /// the connection failed.
    func issueSilently(_ args: [String]) -> RESPValue? {
        if connection?.isOpen != true, !connect() { return nil }
        guard let conn = connection else { return nil }
        return try? conn.call(args)
    }

    public func issue(_ args: [String], repeatCount: Int = 1) -> Outcome {
        issue(args.map { Array($0.utf8) }, repeatCount: repeatCount)
    }

    private func run(_ args: [[UInt8]], repeatCount: Int) throws -> Outcome {
        let name = lowercased(args[0])
        let verbatim = Self.printsVerbatim(args)
        let streams = name == "subscribe" || name == "psubscribe" || name == "ssubscribe" || name == "monitor"
        if args.count == 3 && name == "script" && lowercased(args[1]) == "debug" {
            let how = lowercased(args[2])
            debugOnNextEval = how == "yes" || how == "sync"
        }
        if name == "eval" && debugOnNextEval { startDebugging() }
        var left = repeatCount
        while left != 0 {
            if left > 0 { left -= 1 }
            guard let conn = connection else { return .failed }
            try conn.send(args)
            if streams {
                if name != "monitor" && mode != .raw {
                    io.print("Reading messages... (press Ctrl-C to quit)\n")
                }
                try stream(verbatim: verbatim)
                return .ok
            }
            guard let reply = try readReply() else { return .interrupted }
            if debugging && (mode == .raw || verbatim) {
                var (text, ended) = debuggerOutput.format(reply)
                if verbatim { text.removeLast() }
                io.out(text)
                if ended { endDebugging() }
            } else {
                io.out(ReplyFormatter.format(reply, mode: mode, verbatim: verbatim))
            }
            try track(name, args, reply)
            if options.interval > 0 { usleep(UInt32(clamping: Int(options.interval * 1_000_000))) }
        }
        return .ok
    }

    // MARK: Lua debugger

    /// The next EVAL's replies are the debugger's (`--ldb`, `restart`).
    public func startDebugging() {
        debugging = true
        mode = .raw
    }

    private func endDebugging() {
        debugOnNextEval = false
        debugging = false
        debugSessionEnded = true
        mode = .standard
        promptOverride = nil
    }

    /// After `<endsession>`: reads and prints the EVAL's own reply (in the
    /// standard form, as redis-cli switched to it), then says the session ended.
    public func finishDebugSession(syncMode: Bool, announce: Bool = true) {
        debugSessionEnded = false
        if let reply = try? readReply() {
            io.out(ReplyFormatter.format(reply, mode: mode))
        }
        reconnectBeforeNextCommand = true
        if announce {
            io.print("\n(Lua debugging session ended\(syncMode ? "" : " -- dataset changes rolled back"))\n\n")
        }
    }

    /// Prints replies until SIGINT (interactive) or the connection fails.
    private func stream(verbatim: Bool) throws {
        while true {
            guard let reply = try readReply() else {
                // Leaving a subscribed connection means opening a fresh one.
                connect()
                return
            }
            io.out(ReplyFormatter.format(reply, mode: mode, verbatim: verbatim))
        }
    }

    /// The next reply, or nil when SIGINT arrives first (interactive only).
    private func readReply() throws -> RESPValue? {
        guard let conn = connection else { throw RedisClientError.connectionClosed }
        guard interactive else { return try conn.readReply() }
        while true {
            if let v = try conn.readReply(timeoutMs: signalPollMs) { return v }
            let sig = pendingSignal()
            if sig == SIGINT { return nil }
            if sig != 0 {
                signal(sig, SIG_DFL)
                raise(sig)
            }
        }
    }

    /// Session state redis-cli follows from replies: db, MULTI, credentials.
    private func track(_ name: String, _ args: [[UInt8]], _ reply: RESPValue) throws {
        let ok = !reply.isError
        switch name {
        case "select" where args.count == 2 && ok:
            db = Int(atoiPrefix(String(decoding: args[1], as: UTF8.self)))
            wantedDb = db
        case "auth" where (args.count == 2 || args.count == 3) && ok:
            password = String(decoding: args[args.count - 1], as: UTF8.self)
            user = args.count == 3 ? String(decoding: args[1], as: UTF8.self) : nil
            // The SELECT done at connect time failed before AUTH.
            if wantedDb != 0 && db != wantedDb, let conn = connection {
                if case .error = try conn.select(wantedDb) {} else { db = wantedDb }
            }
        case "multi" where args.count == 1 && ok:
            inTransaction = true
            dbBeforeMulti = db
        case "exec" where args.count == 1 && inTransaction:
            inTransaction = false
            if !ok { db = dbBeforeMulti; wantedDb = db }
        case "discard" where args.count == 1 && ok:
            inTransaction = false
            db = dbBeforeMulti
            wantedDb = db
        case "reset" where args.count == 1 && ok:
            inTransaction = false
            db = 0
            wantedDb = 0
        default:
            break
        }
    }

    /// Commands whose reply text redis-cli prints as is, even on a terminal.
    public static func printsVerbatim(_ args: [[UInt8]]) -> Bool {
        guard let first = args.first else { return false }
        let c = lowercased(first)
        let s1 = args.count >= 2 ? lowercased(args[1]) : ""
        switch c {
        case "info", "lolwut": return true
        case "debug": return args.count >= 2 && (s1 == "htstats" || s1 == "htstats-key" || s1 == "client-eviction")
        case "memory": return args.count >= 2 && (s1 == "malloc-stats" || s1 == "doctor")
        case "cluster": return args.count == 2 && (s1 == "nodes" || s1 == "info")
        case "client": return args.count >= 2 && (s1 == "list" || s1 == "info")
        case "latency": return (args.count == 3 && s1 == "graph") || (args.count == 2 && s1 == "doctor")
        case "proxy": return args.count >= 2 && s1 == "info"
        default: return false
        }
    }
}

func lowercased(_ b: [UInt8]) -> String {
    String(decoding: b.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }, as: UTF8.self)
}
