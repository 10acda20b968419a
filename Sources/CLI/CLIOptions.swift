/// vigil-cli's command line, with redis-cli 7.0's option semantics: options
/// come first, the first non-option word starts the command, numbers are
/// read like atoi/strtod (garbage reads as 0).
public struct CLIOptions: Equatable, Sendable {
    public var host = "127.0.0.1"
    public var port = 6379
    public var user: String?
    public var password: String?
    public var db = 0
    /// Times to run the command; negative runs it forever (`-r -1`).
    public var repeatCount = 1
    /// Seconds to sleep after each run (`-i`, fractions allowed).
    public var interval: Double = 0
    /// nil: standard when stdout is a terminal, raw otherwise.
    public var output: ReplyFormatter.Mode?
    public var resp3 = false
    public var noAuthWarning = false
    /// `-x`: the last argument is read from stdin.
    public var lastArgFromStdin = false
    /// `--eval FILE`: the words after the options are keys, `,`, then arguments.
    public var evalFile: String?
    /// `--ldb` / `--ldb-sync-mode`: run the --eval script under the Lua debugger.
    public var ldb = false
    public var ldbSync = false
    public var showHelp = false
    public var showVersion = false
    /// The `-a`/`--pass` option was used (redis-cli then warns).
    public var passwordOnCommandLine = false
    public var command: [String] = []

    public init() {}

    public enum ParseError: Error, Equatable, CustomStringConvertible {
        case unrecognized(String)
        public var description: String {
            switch self {
            case .unrecognized(let o): return "Unrecognized option or bad number of args for: '\(o)'"
            }
        }
    }

    public static func parse(_ args: [String], environment: [String: String] = [:]) throws -> CLIOptions {
        var o = CLIOptions()
        var i = 0
        func value() throws -> String {
            guard i + 1 < args.count else { throw ParseError.unrecognized(args[i]) }
            i += 1
            return args[i]
        }
        while i < args.count {
            let a = args[i]
            let last = i == args.count - 1
            switch a {
            case "-h" where last, "--help": o.showHelp = true
            case "-h": o.host = try value()
            case "-p": o.port = Int(atoiPrefix(try value()))
            case "-a", "--pass":
                o.password = try value()
                o.passwordOnCommandLine = true
            case "--user": o.user = try value()
            case "-n": o.db = Int(atoiPrefix(try value()))
            case "-r": o.repeatCount = Int(atoiPrefix(try value()))
            case "-i": o.interval = strtodPrefix(try value())
            case "--raw": o.output = .raw
            case "--no-raw": o.output = .standard
            case "-3": o.resp3 = true
            case "-2": o.resp3 = false
            case "-x": o.lastArgFromStdin = true
            case "--no-auth-warning": o.noAuthWarning = true
            case "-v", "--version": o.showVersion = true
            case "--eval" where !last: o.evalFile = try value()
            case "--ldb", "--ldb-sync-mode":
                o.ldb = true
                o.ldbSync = o.ldbSync || a == "--ldb-sync-mode"
                o.output = .raw
            default:
                if a.hasPrefix("-") { throw ParseError.unrecognized(a) }
                o.command = Array(args[i...])
                i = args.count
                continue
            }
            i += 1
        }
        if o.password == nil, let env = environment["REDISCLI_AUTH"] { o.password = env }
        return o
    }

    public static let usage = """
        Usage: vigil-cli [OPTIONS] [cmd [arg [arg ...]]]
          -h <hostname>      Server hostname (default: 127.0.0.1).
          -p <port>          Server port (default: 6379).
          -a <password>      Password to use when connecting to the server.
                             You can also use the REDISCLI_AUTH environment
                             variable to pass this password more safely.
          --user <username>  Used to send ACL style 'AUTH username pass'. Needs -a.
          --pass <password>  Alias of -a for consistency with the new --user option.
          --no-auth-warning  Don't show warning message when using password on command
                             line interface.
          -r <repeat>        Execute specified command N times (-1: forever).
          -i <interval>      When -r is used, waits <interval> seconds per command.
                             It is possible to specify sub-second times like -i 0.1.
          -n <db>            Database number.
          -2                 Start session in RESP2 protocol mode.
          -3                 Start session in RESP3 protocol mode.
          -x                 Read last argument from STDIN.
          --raw              Use raw formatting for replies (default when STDOUT is
                             not a tty).
          --no-raw           Force formatted output even when STDOUT is not a tty.
          --eval <file>      Send an EVAL command using the Lua script at <file>.
          --ldb              Used with --eval enable the Redis Lua debugger.
          --ldb-sync-mode    Like --ldb but uses the synchronous Lua debugger, in
                             this mode the server is blocked and script changes are
                             not rolled back from the server memory.
          --help             Output this help and exit.
          -v, --version      Output version and exit.

        Examples:
          vigil-cli -r 100 lpush mylist x
          vigil-cli -r 100 -i 1 info | grep used_memory_human:
          cat /etc/passwd | vigil-cli -x set mypasswd
          vigil-cli -3 hgetall myhash
          vigil-cli --eval /tmp/script.lua key1 key2 , arg1 arg2 arg3

        When no command is given, vigil-cli starts in interactive mode.
        Type "quit" or "exit" to leave it.

        """
}

/// atoi: optional spaces and sign, then digits up to the first non-digit.
public func atoiPrefix(_ s: String) -> Int64 {
    var it = s.utf8.drop(while: { $0 == 32 || ($0 >= 9 && $0 <= 13) })[...]
    var negative = false
    if let f = it.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
        negative = f == UInt8(ascii: "-")
        it = it.dropFirst()
    }
    var v: Int64 = 0
    for c in it {
        guard c >= 48 && c <= 57 else { break }
        let (m, o1) = v.multipliedReportingOverflow(by: 10)
        let (a, o2) = m.addingReportingOverflow(Int64(c - 48))
        if o1 || o2 { return negative ? Int64.min : Int64.max }
        v = a
    }
    return negative ? -v : v
}

/// strtod on the longest leading prefix that parses, 0 when none does.
func strtodPrefix(_ s: String) -> Double {
    let t = s.drop(while: { $0 == " " || $0 == "\t" })
    var end = t.endIndex
    while end > t.startIndex {
        if let d = Double(t[t.startIndex..<end]) { return d }
        end = t.index(before: end)
    }
    return 0
}
