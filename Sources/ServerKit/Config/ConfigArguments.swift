import Protocol

/// What redis-server's main() makes of argv (redis-sentinel's is the same
/// code): an optional config file first, `-` for stdin as the first or last
/// argument, and `--name value ...` options turned into config lines that are
/// appended to the file's text, so later lines override earlier ones.
public struct ConfigArguments: Sendable {
    /// The config file as getAbsolutePath makes it, when argv names one.
    public var configFile: String?
    public var fromStdin = false
    /// The options as config lines ("port 7000\nsave \"\"").
    public var options: [UInt8] = []

    /// `arguments` is argv without the program name, --version/--help
    /// already handled.
    public init(_ arguments: [String], cwd: String) {
        guard !arguments.isEmpty else { return }
        let argv = arguments.map { Array($0.utf8) }
        var j = 0
        if argv[0].first != UInt8(ascii: "-") {
            configFile = ConfigPaths.absolutePath(arguments[0], cwd: cwd)
            j = 1
        }
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
    }

    /// loadServerConfig's text: the file's content, then stdin's, then a
    /// "\n" and the options. A file that cannot be opened is fatal.
    public func text(program: String, readStdin: () -> [UInt8]) throws -> ConfigText {
        var content: [UInt8] = []
        var segments: [ConfigSegment] = []
        if let f = configFile {
            segments.append(ConfigSegment(name: f, start: 0, commandLine: false))
            switch ConfigPaths.readFile(f) {
            case .success(let bytes): content = bytes
            case .failure(let e): throw ConfigError.cannotOpen(program: program, path: f, e, includedFrom: nil)
            }
        }
        if fromStdin {
            segments.append(ConfigSegment(name: "<stdin>", start: content.count, commandLine: false))
            content += readStdin()
        }
        content.append(10)
        segments.append(ConfigSegment(name: "(command line)", start: content.count, commandLine: true))
        content += options
        return ConfigText(bytes: content, segments: segments)
    }
}
