import CoreKit
import SentinelCore
import ServerKit

/// Reads a sentinel config the way redis-sentinel 7.0 does: the config file,
/// then `--name value ...` options appended as extra lines (so later lines
/// win), server directives applied at once and `sentinel` lines queued.
public enum SentinelConfigLoader {
    /// `arguments` is argv without the program name.
    public static func load(arguments: [String], cwd: String = ConfigPaths.currentDirectory()) throws -> LoadedSentinelConfig {
        try load(arguments: arguments, cwd: cwd, readStdin: { ConfigPaths.readAll(fd: 0) })
    }

    static func load(arguments: [String], cwd: String, readStdin: () -> [UInt8]) throws -> LoadedSentinelConfig {
        let argv = ConfigArguments(arguments, cwd: cwd)
        var loaded = LoadedSentinelConfig()
        loaded.configFile = argv.configFile
        try parse(argv.text(program: ConfigError.programName, readStdin: readStdin), cwd: cwd, into: &loaded)
        return loaded
    }

    /// Parses config text (a whole file's content, or a test's string).
    public static func load(text: String, file: String = "(text)", cwd: String = ConfigPaths.currentDirectory()) throws -> LoadedSentinelConfig {
        var loaded = LoadedSentinelConfig()
        try parse(ConfigText(text, name: file), cwd: cwd, into: &loaded)
        return loaded
    }

    static func parse(_ text: ConfigText, cwd: String, into loaded: inout LoadedSentinelConfig) throws {
        var dir = cwd
        let chain = text.segments.filter { !$0.commandLine }.prefix(1).map { ConfigPaths.canonicalPath($0.name) }
        try parsePass(text, dir: &dir, chain: chain, into: &loaded)
        if loaded.options.dir == nil { loaded.options.dir = cwd }
        // redis-sentinel applies `sentinel` lines after the whole file is read,
        // when it has already chdir'ed to the last `dir`: their relative paths
        // (scripts, our state file) mean that directory, wherever we started.
        if let state = loaded.options.stateConfigFile {
            loaded.options.stateConfigFile = ConfigPaths.absolutePath(state, cwd: dir)
        }
    }

    /// One loadServerConfigFromString: the main text, or an include's (read
    /// in the directory the last `dir` so far chose, as Redis does).
    /// `chain` holds the files being read, to refuse an include loop.
    static func parsePass(_ text: ConfigText, dir: inout String, chain: [String], included: Bool = false,
                          into loaded: inout LoadedSentinelConfig) throws {
        try text.forEachDirective(program: ConfigError.programName) { line in
            let argv = line.strings
            let name = argv[0]
            let args = Array(argv.dropFirst())
            func fail(_ reason: String, _ directive: String?) -> ConfigError {
                line.error(program: ConfigError.programName, directive: directive, reason: reason)
            }

            if name == "sentinel" {
                // A bare "sentinel" only selects sentinel mode.
                if args.isEmpty { return }
                if args[0].lowercased() == "state-config-file" {
                    guard args.count == 2, !args[1].isEmpty else {
                        throw fail("Unrecognized sentinel configuration statement.", "sentinel")
                    }
                    // Queued like every `sentinel` line: resolved against the final `dir` below.
                    loaded.options.stateConfigFile = args[1]
                    return
                }
                if included && rewrittenIntoMainFile.contains(args[0].lowercased()) {
                    // redis-sentinel accepts these, writes them again into the
                    // main file at its first rewrite, then refuses to restart
                    // ("Duplicate master name."): refuse them up front instead.
                    throw fail("this line can't come from an included file: the sentinel's rewrites copy it into "
                               + "the main config file, which would then define it twice", "sentinel")
                }
                loaded.directives.append(SentinelDirective(args: args, origin: line))
                return
            }
            if name == "user" && !args.isEmpty {
                loaded.options.users.append(args)
                return
            }
            if (name == "rename-command" && args.count == 2) || (name == "loadmodule" && !args.isEmpty) {
                return
            }
            if name == "include" && args.count == 1 {
                let inc = try ConfigInclude.read(line.args[1], dir: dir, from: line, chain: chain, program: ConfigError.programName)
                try parsePass(inc.text, dir: &dir, chain: inc.chain, included: true, into: &loaded)
                return
            }
            if ServerDirectives.ignored.contains(name) { return }
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
        try ConfigPaths.checkLogfile(loaded.options.logfile, dir: dir, source: text.segments.first?.name,
                                     program: ConfigError.programName)
    }

    /// `sentinel` lines that define something (a master, a replica, a peer,
    /// a renaming) once only: a second copy is a fatal config error.
    static let rewrittenIntoMainFile: Set<String> = ["monitor", "known-replica", "known-slave", "known-sentinel", "rename-command"]

    /// The server directives we act on; nil when fine, else Redis's reason.
    static func apply(_ name: String, _ args: [String], to o: inout SentinelServerOptions, dir: inout String) -> String? {
        // Bounds and formats as redis-server's config table has them.
        func int(_ s: String, _ spec: ConfigNumericSpec) -> (Int?, String?) {
            switch spec.parse(Array(s.utf8)) {
            case .success(let v): return (Int(v), nil)
            case .failure(let e): return (nil, e.message)
            }
        }
        func bool(_ s: String) -> Bool? { ConfigCParse.yesno(Array(s.utf8)) }
        switch name {
        case "port":
            let (v, e) = int(args[0], ConfigNumericSpec(lower: 0, upper: 65535))
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
            switch ConfigPaths.resolveDirectory(ConfigCParse.cString(Array(args[0].utf8)), from: dir) {
            case .success(let resolved):
                dir = resolved
                o.dir = resolved
            case .failure(let e):
                return "\(e)"
            }
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
        case "acllog-max-len":
            let (v, e) = int(args[0], ConfigNumericSpec(lower: 0, upper: Int64.max))
            if let e { return e }
            o.acllogMaxLen = v!
        case "unixsocket":
            o.unixsocket = args[0]
        case "unixsocketperm":
            // An octal mode, as redis.conf writes it (700).
            let (v, e) = int(args[0], ConfigNumericSpec(lower: 0, upper: 0o777, unsignedCheck: true, format: .octal))
            if let e { return e }
            o.unixsocketperm = v!
        case "maxclients":
            let (v, e) = int(args[0], ConfigNumericSpec(lower: 1, upper: Int64(UInt32.max), unsignedCheck: true))
            if let e { return e }
            o.maxclients = v!
        case "hz":
            let (v, e) = int(args[0], ConfigNumericSpec(lower: 0, upper: Int64(Int32.max)))
            if let e { return e }
            o.hz = min(max(v!, 1), 500)
        default:
            break
        }
        return nil
    }
}
