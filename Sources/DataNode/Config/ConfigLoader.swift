import Glibc
import Protocol
import ServerKit

/// Reads the configuration the way redis-server 7.0 does: an optional config
/// file (or `-` for stdin), then `--name value ...` options appended to it as
/// extra lines, so that later lines override earlier ones.
public enum ConfigLoader {
    /// `arguments` is argv without the program name. Returns the config and
    /// the absolute path of the config file, if one was given (for CONFIG REWRITE).
    /// The caller handles --version/--help first, and after loading must
    /// chdir to `config.dir` (Redis changes directory while it reads `dir`).
    public static func load(arguments: [String]) throws -> (config: ServerConfig, configFile: String?) {
        try load(arguments: arguments, readStdin: { readAll(fd: 0) })
    }

    /// Parses `text` as the content of a config file named `file` (used in
    /// error messages; relative includes resolve against the current `dir`).
    public static func load(text: String, file: String? = nil) throws -> ServerConfig {
        var loader = ConfigTextLoader(config: ServerConfig())
        let name = file ?? "(text)"
        let depth = file.map { [ConfigTextLoader.canonicalPath($0)] } ?? []
        try loader.parse(Array(text.utf8), segments: [ConfigSegment(name: name, start: 0, commandLine: false)], depth: depth)
        return loader.config
    }

    static func load(arguments: [String], readStdin: () -> [UInt8]) throws -> (config: ServerConfig, configFile: String?) {
        var loader = ConfigTextLoader(config: ServerConfig())
        guard !arguments.isEmpty else { return (loader.config, nil) }
        let argv = arguments.map { Array($0.utf8) }
        var j = 0
        var configFile: String? = nil
        if argv[0].first != UInt8(ascii: "-") {
            configFile = absolutePath(arguments[0])
            j = 1
        }
        var fromStdin = false
        var options: [UInt8] = []
        var handledLastArg = true
        while j < argv.count {
            let a = argv[j]
            if a == [UInt8(ascii: "-")] && (j == 0 || j == argv.count - 1) {
                fromStdin = true
            } else if handledLastArg && a.count >= 2 && a[0] == UInt8(ascii: "-") && a[1] == UInt8(ascii: "-") {
                if !options.isEmpty { options.append(10) }
                options += a[2...]
                options.append(32)
                if (splitArgs(a)?.count ?? 0) == 1 {
                    // "--port" alone: its value is the next argument.
                    handledLastArg = false
                    let isLast = j == argv.count - 1
                    let nextIsOption = !isLast && argv[j + 1].starts(with: [45, 45])
                    let lower = arguments[j].lowercased()
                    // A valueless --save means `--save ""`, as before Redis 7.0.1.
                    if lower == "--save" && nextIsOption {
                        options += [34, 34]
                        handledLastArg = true
                    } else if lower == "--save" && isLast {
                        options += [34, 34]
                    } else if lower == "--sentinel" && nextIsOption {
                        handledLastArg = true
                    }
                } else {
                    handledLastArg = true
                }
            } else {
                options += ConfigCParse.repr(a)
                options.append(32)
                handledLastArg = true
            }
            j += 1
        }

        var content: [UInt8] = []
        var segments: [ConfigSegment] = []
        if let f = configFile {
            segments.append(ConfigSegment(name: f, start: 0, commandLine: false))
            content = try readConfigFile(f, shownAs: f, includedFrom: nil)
        }
        if fromStdin {
            segments.append(ConfigSegment(name: "<stdin>", start: content.count, commandLine: false))
            content += readStdin()
        }
        content.append(10)
        segments.append(ConfigSegment(name: "(command line)", start: content.count, commandLine: true))
        content += options
        try loader.parse(content, segments: segments, depth: configFile.map { [ConfigTextLoader.canonicalPath($0)] } ?? [])
        return (loader.config, configFile)
    }

    /// server.c getAbsolutePath: cwd joined with the trimmed path, leading
    /// "../" folded into the cwd; nothing else is normalised.
    static func absolutePath(_ path: String, cwd: String = ServerConfig.currentDirectory()) -> String {
        var bytes = Array(path.utf8)
        let blank: Set<UInt8> = [32, 13, 10, 9]
        while let c = bytes.first, blank.contains(c) { bytes.removeFirst() }
        while let c = bytes.last, blank.contains(c) { bytes.removeLast() }
        var rel = Substring(String(decoding: bytes, as: UTF8.self))
        if rel.hasPrefix("/") { return String(rel) }
        var abs = cwd
        if !abs.isEmpty && !abs.hasSuffix("/") { abs += "/" }
        while rel.hasPrefix("../") {
            rel = rel.dropFirst(3)
            if abs.count > 1 {
                abs.removeLast()
                while let c = abs.last, c != "/" { abs.removeLast() }
            }
        }
        return abs + rel
    }

    static func readAll(fd: Int32) -> [UInt8] {
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

    /// Errors name the file as the directive wrote it (`shownAs`), as Redis does.
    static func readConfigFile(_ path: String, shownAs: String, includedFrom: ConfigDirective?) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw ConfigError.cannotOpen(shownAs, errno: errno, includedFrom: includedFrom) }
        defer { close(fd) }
        return readAll(fd: fd)
    }
}

/// Where a stretch of the text being parsed came from, for error messages.
struct ConfigSegment {
    var name: String
    var start: Int
    var commandLine: Bool
}

/// One pass of loadServerConfigFromString over a text, recursing for includes.
struct ConfigTextLoader {
    var config: ServerConfig
    var fileState: ConfigFileReadState? = ConfigFileReadState()

    mutating func parse(_ raw: [UInt8], segments: [ConfigSegment], depth: [String]) throws {
        // A C string ends at its first NUL.
        let text = raw.firstIndex(of: 0).map { Array(raw[..<$0]) } ?? raw
        // sdssplitlen on "\n": an empty text has no lines, a final "\n" ends with an empty one.
        let lines = text.isEmpty ? [] : text.split(separator: 10, omittingEmptySubsequences: false)
        // The joined line number at which each source starts.
        let firstLines = segments.map { seg in text[..<min(seg.start, text.count)].reduce(1) { $1 == 10 ? $0 + 1 : $0 } }
        for (k, rawLine) in lines.enumerated() {
            let lineNumber = k + 1
            let line = trim(rawLine)
            if line.isEmpty || line[0] == UInt8(ascii: "#") { continue }
            let where_ = locate(rawLine.startIndex, lineNumber: lineNumber, segments: segments, firstLines: firstLines)
            let lineText = String(decoding: line, as: UTF8.self)
            func fail(_ reason: String, _ directive: String?) -> ConfigError {
                ConfigError(source: where_.source, line: where_.line, redisLine: lineNumber, text: lineText,
                            directive: directive, reason: reason)
            }
            guard var argv = splitArgs(line) else {
                throw fail("Unbalanced quotes in configuration line", nil)
            }
            if argv.isEmpty { continue }
            argv[0] = argv[0].map { ($0 >= 65 && $0 <= 90) ? $0 + 32 : $0 }
            let name = String(decoding: argv[0], as: UTF8.self)
            let argc = argv.count
            let record = ConfigDirective(args: argv, source: where_.source, line: where_.line ?? lineNumber,
                                         redisLine: lineNumber, text: lineText)

            if let i = ConfigTable.lookup(argv[0]) {
                if !ConfigTable.entries[i].flags.contains(.multiArg) && argc != 2 {
                    throw fail("wrong number of arguments", name)
                }
                var args = Array(argv[1...])
                // One non-empty argument to a multi-value parameter is split
                // again, so that `--save "60 1 10 5"` works (Redis 7.0.1+).
                if ConfigTable.entries[i].flags.contains(.multiArg) && argc == 2 && !argv[1].isEmpty {
                    args = splitArgs(argv[1]) ?? []
                }
                if case .failed(let reason) = config.setEntry(i, args: args, file: &fileState) {
                    throw fail(reason, name)
                }
            } else if ["list-max-ziplist-entries", "list-max-ziplist-value", "lua-replicate-commands"].contains(name) && argc == 2 {
                // Deprecated: accepted and ignored.
            } else if name == "include" && argc == 2 {
                try include(argv[1], from: record, depth: depth)
            } else if name == "rename-command" && argc == 3 {
                config.renamedCommands.append(record)
            } else if name == "user" && argc >= 2 {
                config.users.append(record)
            } else if name == "loadmodule" && argc >= 2 {
                config.loadModules.append(record)
            } else if argv[0].contains(UInt8(ascii: ".")) {
                if argc != 2 { throw fail("Module config specified without value", name) }
                config.moduleConfigs.append(record)
            } else if name == "sentinel" {
                // A bare "sentinel" selects sentinel mode, which is vigil-sentinel's business.
                if argc != 1 { throw fail("sentinel directive while not in sentinel mode", name) }
            } else {
                throw fail("Bad directive or wrong number of arguments", name)
            }
        }
        try finish(segments.first?.name)
    }

    /// The checks Redis makes once a whole text is read.
    private mutating func finish(_ source: String?) throws {
        let logfile = config.bytes("logfile")
        if !logfile.isEmpty {
            let path = resolve(String(decoding: logfile, as: UTF8.self))
            let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o666)
            if fd < 0 {
                throw ConfigError.general(source: source, reason: "Can't open the log file: \(ConfigCParse.strerror(errno))")
            }
            close(fd)
        }
        if config.bool("cluster-enabled"), config.replicaof != nil {
            throw ConfigError.general(source: source, reason: "replicaof directive not allowed in cluster mode")
        }
        config.setNumber("hz", min(max(config.int("hz"), 1), 500))
    }

    /// A path as the process would open it, having chdir'ed to `dir`.
    private func resolve(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let d = config.dir
        return (d.hasSuffix("/") ? d : d + "/") + path
    }

    private mutating func include(_ arg: [UInt8], from record: ConfigDirective, depth: [String]) throws {
        let path = String(decoding: ConfigCParse.cString(arg), as: UTF8.self)
        var files: [String] = []
        if path.contains("*") || path.contains("?") || path.contains("[") {
            // A pattern matching nothing is fine (an empty conf.d directory).
            var g = glob_t()
            if glob(resolve(path), 0, nil, &g) == 0 {
                for k in 0..<Int(g.gl_pathc) {
                    if let p = g.gl_pathv[k] { files.append(String(cString: p)) }
                }
            }
            globfree(&g)
            if files.isEmpty { return }
        } else {
            files = [path]
        }
        var content: [UInt8] = []
        var segments: [ConfigSegment] = []
        var chain = depth
        for f in files {
            let full = resolve(f)
            let canonical = ConfigTextLoader.canonicalPath(full)
            if depth.contains(canonical) {
                throw ConfigError(source: record.source, line: record.line, redisLine: record.redisLine, text: record.text,
                                  directive: "include", reason: "include loop: '\(f)' is already being read")
            }
            segments.append(ConfigSegment(name: f, start: content.count, commandLine: false))
            content += try ConfigLoader.readConfigFile(full, shownAs: f, includedFrom: record)
            chain.append(canonical)
        }
        try parse(content, segments: segments, depth: chain)
    }

    static func canonicalPath(_ p: String) -> String {
        guard let rp = realpath(p, nil) else { return p }
        defer { free(rp) }
        return String(cString: rp)
    }

    /// Which source a line of the joined text came from, and its line there
    /// (options on the command line have no line of their own).
    private func locate(_ offset: Int, lineNumber: Int, segments: [ConfigSegment], firstLines: [Int]) -> (source: String, line: Int?) {
        guard let k = segments.lastIndex(where: { $0.start <= offset }) else { return ("(text)", lineNumber) }
        if segments[k].commandLine { return (segments[k].name, nil) }
        return (segments[k].name, lineNumber - firstLines[k] + 1)
    }

    private func trim(_ s: ArraySlice<UInt8>) -> [UInt8] {
        var a = s.startIndex, b = s.endIndex
        func strip(_ c: UInt8) -> Bool { c == 32 || c == 9 || c == 13 || c == 10 }
        while a < b && strip(s[a]) { a += 1 }
        while b > a && strip(s[b - 1]) { b -= 1 }
        return Array(s[a..<b])
    }
}
