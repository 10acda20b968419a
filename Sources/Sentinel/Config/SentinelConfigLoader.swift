import Glibc
import Protocol
import SentinelCore

/// Reads a sentinel config the way redis-sentinel 7.0 does: the config file,
/// then `--name value ...` options appended as extra lines (so later lines
/// win), server directives applied at once and `sentinel` lines queued.
public enum SentinelConfigLoader {
    /// `arguments` is argv without the program name.
    public static func load(arguments: [String], cwd: String = currentDirectory()) throws -> LoadedSentinelConfig {
        var configFile: String?
        var j = 0
        if let first = arguments.first, !first.hasPrefix("-") {
            configFile = absolutePath(first, cwd: cwd)
            j = 1
        }
        var options: [UInt8] = []
        var handledLastArg = true
        while j < arguments.count {
            let a = Array(arguments[j].utf8)
            if handledLastArg && a.count >= 2 && a[0] == 45 && a[1] == 45 {
                if !options.isEmpty { options.append(10) }
                options += a[2...]
                options.append(32)
                if (splitArgs(a)?.count ?? 0) == 1 {
                    // "--port" alone: its value is the next argument.
                    handledLastArg = false
                    let nextIsOption = j + 1 < arguments.count && arguments[j + 1].hasPrefix("--")
                    if arguments[j].lowercased() == "--sentinel" && nextIsOption { handledLastArg = true }
                } else {
                    handledLastArg = true
                }
            } else {
                options += repr(a)
                options.append(32)
                handledLastArg = true
            }
            j += 1
        }
        var content: [UInt8] = []
        var segments: [(name: String, start: Int, commandLine: Bool)] = []
        if let f = configFile {
            segments.append((f, 0, false))
            guard let bytes = readFile(f) else {
                let why = String(cString: strerror(errno))
                throw SentinelConfigError(source: f, line: nil, directive: nil, reason: "can't open config file '\(f)': \(why)",
                                          redisText: "Fatal error, can't open config file '\(f)': \(why)")
            }
            content = bytes
        }
        content.append(10)
        segments.append(("(command line)", content.count, true))
        content += options
        var loaded = LoadedSentinelConfig()
        loaded.configFile = configFile
        try parse(content, segments: segments, cwd: cwd, into: &loaded)
        return loaded
    }

    /// Parses config text (a whole file's content, or a test's string).
    public static func load(text: String, file: String = "(text)", cwd: String = currentDirectory()) throws -> LoadedSentinelConfig {
        var loaded = LoadedSentinelConfig()
        try parse(Array(text.utf8), segments: [(file, 0, false)], cwd: cwd, into: &loaded)
        return loaded
    }

    static func parse(_ raw: [UInt8], segments: [(name: String, start: Int, commandLine: Bool)], cwd: String,
                      into loaded: inout LoadedSentinelConfig) throws {
        var dir = cwd
        let chain = segments.filter { !$0.commandLine }.prefix(1).map { canonicalPath($0.name) }
        try parseText(raw, segments: segments, dir: &dir, chain: chain, into: &loaded)
        if loaded.options.dir == nil { loaded.options.dir = cwd }
        // redis-sentinel applies `sentinel` lines after the whole file is read,
        // when it has already chdir'ed to the last `dir`: their relative paths
        // (scripts, our state file) mean that directory, wherever we started.
        if let state = loaded.options.stateConfigFile { loaded.options.stateConfigFile = absolutePath(state, cwd: dir) }
    }

    /// One loadServerConfigFromString: the main text, or an included file's
    /// (read in the directory the last `dir` so far chose, as Redis does).
    /// `chain` holds the files being read, to refuse an include loop.
    static func parseText(_ raw: [UInt8], segments: [(name: String, start: Int, commandLine: Bool)], dir: inout String,
                          chain: [String], included: Bool = false, into loaded: inout LoadedSentinelConfig) throws {
        let text = raw.firstIndex(of: 0).map { Array(raw[..<$0]) } ?? raw
        let lines = text.isEmpty ? [] : text.split(separator: 10, omittingEmptySubsequences: false)
        let firstLines = segments.map { seg in text[..<min(seg.start, text.count)].reduce(1) { $1 == 10 ? $0 + 1 : $0 } }
        for (k, rawLine) in lines.enumerated() {
            let lineNumber = k + 1
            let line = trim(rawLine)
            if line.isEmpty || line[0] == UInt8(ascii: "#") { continue }
            let seg = segments.lastIndex(where: { $0.start <= rawLine.startIndex }) ?? 0
            let source = segments[seg].name
            let fileLine: Int? = segments[seg].commandLine ? nil : lineNumber - firstLines[seg] + 1
            let lineText = String(decoding: line, as: UTF8.self)
            func fail(_ reason: String, _ directive: String?) -> SentinelConfigError {
                .atLine(source: source, line: fileLine, redisLine: lineNumber, text: lineText, directive: directive, reason: reason)
            }
            guard let argvBytes = splitArgs(line) else { throw fail("Unbalanced quotes in configuration line", nil) }
            if argvBytes.isEmpty { continue }
            let argv = argvBytes.map { String(decoding: $0, as: UTF8.self) }
            let name = argv[0].lowercased()
            let args = Array(argv.dropFirst())

            if name == "sentinel" {
                // A bare "sentinel" only selects sentinel mode.
                if args.isEmpty { continue }
                if args[0].lowercased() == "state-config-file" {
                    guard args.count == 2, !args[1].isEmpty else {
                        throw fail("Unrecognized sentinel configuration statement.", "sentinel")
                    }
                    // Queued like every `sentinel` line: resolved against the final `dir` below.
                    loaded.options.stateConfigFile = args[1]
                    continue
                }
                if included && rewrittenIntoMainFile.contains(args[0].lowercased()) {
                    // redis-sentinel accepts these, writes them again into the
                    // main file at its first rewrite, then refuses to restart
                    // ("Duplicate master name."): refuse them up front instead.
                    throw fail("this line can't come from an included file: the sentinel's rewrites copy it into "
                               + "the main config file, which would then define it twice", "sentinel")
                }
                loaded.directives.append(SentinelDirective(args: args, source: source, line: fileLine,
                                                           redisLine: lineNumber, text: lineText))
                continue
            }
            if name == "user" && !args.isEmpty {
                loaded.options.users.append(args)
                continue
            }
            if (name == "rename-command" && args.count == 2) || (name == "loadmodule" && !args.isEmpty) {
                continue
            }
            if name == "include" && args.count == 1 {
                try include(args[0], source: source, line: fileLine, dir: &dir, chain: chain, into: &loaded)
                continue
            }
            if ServerDirectives.ignored.contains(name) { continue }
            guard ServerDirectives.names.contains(name) else {
                throw fail("Bad directive or wrong number of arguments", name)
            }
            if ServerDirectives.multiArg.contains(name) ? args.isEmpty : args.count != 1 {
                throw fail("wrong number of arguments", name)
            }
            if let reason = apply(name, args, to: &loaded.options, dir: &dir) {
                throw fail(reason, name)
            }
        }
        try checkLogfile(loaded.options.logfile, dir: dir, source: segments.first?.name)
    }

    /// `sentinel` lines that define something (a master, a replica, a peer,
    /// a renaming) once only: a second copy is a fatal config error.
    static let rewrittenIntoMainFile: Set<String> = ["monitor", "known-replica", "known-slave", "known-sentinel", "rename-command"]

    /// Redis's check at the end of every text it reads: the log file must
    /// open (for appending) from the directory it is in by then.
    static func checkLogfile(_ logfile: String, dir: String, source: String?) throws {
        guard !logfile.isEmpty else { return }
        let fd = open(absolutePath(logfile, cwd: dir), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            let why = "Can't open the log file: \(String(cString: strerror(errno)))"
            throw SentinelConfigError(source: source, line: nil, directive: nil, reason: why,
                                      redisText: SentinelConfigError.banner + why)
        }
        close(fd)
    }

    /// `include <path or glob>`: relative to the current `dir`; a glob that
    /// matches nothing includes nothing (Redis 7.0), the matches in order.
    static func include(_ path: String, source: String, line: Int?, dir: inout String, chain: [String],
                        into loaded: inout LoadedSentinelConfig) throws {
        var files: [String] = []
        if path.contains("*") || path.contains("?") || path.contains("[") {
            var g = glob_t()
            if glob(absolutePath(path, cwd: dir), 0, nil, &g) == 0 {
                for k in 0..<Int(g.gl_pathc) {
                    if let p = g.gl_pathv[k] { files.append(String(cString: p)) }
                }
            }
            globfree(&g)
        } else {
            files = [path]
        }
        for f in files {
            let full = absolutePath(f, cwd: dir)
            let canonical = canonicalPath(full)
            if chain.contains(canonical) {
                throw SentinelConfigError(source: source, line: line, directive: "include",
                                          reason: "include loop: '\(f)' is already being read",
                                          redisText: "Fatal error, include loop: '\(f)' is already being read")
            }
            guard let bytes = readFile(full) else {
                let why = String(cString: strerror(errno))
                throw SentinelConfigError(source: source, line: line, directive: "include",
                                          reason: "can't open config file '\(f)': \(why)",
                                          redisText: "Fatal error, can't open config file '\(f)': \(why)")
            }
            try parseText(bytes, segments: [(f, 0, false)], dir: &dir, chain: chain + [canonical], included: true, into: &loaded)
        }
    }

    static func canonicalPath(_ p: String) -> String {
        guard let rp = realpath(p, nil) else { return p }
        defer { free(rp) }
        return String(cString: rp)
    }

    /// The server directives we act on; nil when fine, else Redis's reason.
    static func apply(_ name: String, _ args: [String], to o: inout SentinelServerOptions, dir: inout String) -> String? {
        func int(_ s: String, _ lo: Int64, _ hi: Int64) -> (Int?, String?) {
            guard let v = parseStrictInt64(Array(s.utf8)) else { return (nil, "argument couldn't be parsed into an integer") }
            if v < lo || v > hi { return (nil, "argument must be between \(lo) and \(hi) inclusive") }
            return (Int(v), nil)
        }
        func bool(_ s: String) -> Bool? { yesNo(s) }
        switch name {
        case "port":
            let (v, e) = int(args[0], 0, 65535)
            if let e { return e }
            o.port = v!
        case "bind":
            o.bind = args
        case "bind-source-addr":
            o.bindSourceAddr = args[0].isEmpty ? nil : args[0]
        case "dir":
            // Redis chdirs while reading `dir`: we check it and track it as the
            // directory later relative paths mean; SentinelMain chdirs to the
            // last one before it applies the `sentinel` lines.
            // What chdir then getcwd gives: symlinks resolved, so a later
            // `dir ..` means the parent of the link's target, as for Redis.
            if args[0].isEmpty { return String(cString: strerror(ENOENT)) }
            let path = absolutePath(args[0], cwd: dir)
            var st = stat()
            if stat(path, &st) != 0 { return String(cString: strerror(errno)) }
            if (st.st_mode & S_IFMT) != S_IFDIR { return String(cString: strerror(ENOTDIR)) }
            if access(path, X_OK) != 0 { return String(cString: strerror(errno)) }
            let resolved = canonicalPath(path)
            dir = resolved
            o.dir = resolved
        case "daemonize":
            guard let b = bool(args[0]) else { return "argument must be 'yes' or 'no'" }
            o.daemonize = b
        case "protected-mode":
            guard let b = bool(args[0]) else { return "argument must be 'yes' or 'no'" }
            o.protectedMode = b
        case "pidfile":
            o.pidfile = args[0]
        case "logfile":
            o.logfile = args[0]
        case "loglevel":
            guard let l = LogLevel(name: args[0]) else {
                return "argument(s) must be one of the following: debug, verbose, notice, warning"
            }
            o.loglevel = l
        case "requirepass":
            o.requirepass = args[0].isEmpty ? nil : args[0]
        case "aclfile":
            o.aclfile = args[0]
        case "unixsocket":
            o.unixsocket = args[0]
        case "unixsocketperm":
            // An octal mode, as redis.conf writes it (700).
            guard let v = Int(args[0], radix: 8) else { return "argument couldn't be parsed into an integer" }
            if v < 0 || v > 0o777 { return "argument must be between 0 and 511 inclusive" }
            o.unixsocketperm = v
        case "maxclients":
            let (v, e) = int(args[0], 1, Int64(Int32.max))
            if let e { return e }
            o.maxclients = v!
        case "hz":
            let (v, e) = int(args[0], 0, Int64(Int32.max))
            if let e { return e }
            o.hz = min(max(v!, 1), 500)
        default:
            break
        }
        return nil
    }

    public static func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return "/" }
        return String(decoding: buf.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    static func absolutePath(_ path: String, cwd: String) -> String {
        if path.hasPrefix("/") { return path }
        var base = cwd
        var rel = Substring(path)
        if !base.hasSuffix("/") { base += "/" }
        while rel.hasPrefix("../") {
            rel = rel.dropFirst(3)
            if base.count > 1 {
                base.removeLast()
                while let c = base.last, c != "/" { base.removeLast() }
            }
        }
        if rel.hasPrefix("./") { rel = rel.dropFirst(2) }
        return base + rel
    }

    static func readFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n > 0 { out += buf[0..<n]; continue }
            if n < 0 && errno == EINTR { continue }
            break
        }
        return out
    }

    static func trim(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var a = s.startIndex, b = s.endIndex
        func strip(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }
        while a < b && strip(s[a]) { a += 1 }
        while b > a && strip(s[b - 1]) { b -= 1 }
        return Array(s[a..<b])
    }

    static func repr(_ b: [UInt8]) -> [UInt8] { sdsRepr(b) }

    static func repr(_ s: String) -> String { String(decoding: repr(Array(s.utf8)), as: UTF8.self) }
}
