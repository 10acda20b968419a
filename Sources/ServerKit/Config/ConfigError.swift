/// A configuration that stops start-up (or a CONFIG REWRITE that fails).
/// `description` is what the process prints before exiting with status 1: a
/// first line naming the program, file, line and directive, then exactly what
/// redis-server or redis-sentinel 7.0.15 prints to stderr.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    /// "vigil-server" or "vigil-sentinel": the first word of `description`.
    public var program: String
    /// "<path>", "<stdin>", "(command line)", or nil when no source applies.
    public var source: String?
    /// The line within `source`, when the error is about one line.
    public var line: Int?
    /// The directive's (lower-cased) name, when the error is about one line.
    public var directive: String?
    /// Redis's reason text, e.g. "argument must be between 0 and 65535 inclusive".
    public var reason: String
    /// Redis's own message, byte for byte (without the final newline).
    public var redisText: String

    public var description: String {
        var first = program + ": "
        if let source {
            first += source
            if let line { first += ":\(line)" }
            first += ": "
        }
        if let directive { first += "directive '\(directive)': " }
        first += reason
        return first + "\n" + redisText
    }

    public init(program: String, source: String?, line: Int?, directive: String?, reason: String, redisText: String) {
        self.program = program
        self.source = source
        self.line = line
        self.directive = directive
        self.reason = reason
        self.redisText = redisText
    }

    /// An error about one line, printed as loadServerConfigFromString (and
    /// the sentinel's loadSentinelConfigFromQueue) does.
    public init(program: String, source: String?, line: Int?, redisLine: Int, text: String, directive: String?,
                reason: String) {
        self.init(program: program, source: source, line: line, directive: directive, reason: reason,
                  redisText: ConfigError.banner + "Reading the configuration file, at line \(redisLine)\n>>> '\(text)'\n\(reason)")
    }

    /// The start of every fatal config error Redis prints (after a blank line).
    public static let banner = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"
}

extension ConfigError {
    /// A config file that cannot be opened: Redis logs this and exits.
    /// Errors name the file as the directive wrote it, as Redis does.
    public static func cannotOpen(program: String, path: String, _ e: ConfigPathError, includedFrom: ConfigLine?) -> ConfigError {
        ConfigError(program: program, source: includedFrom?.source, line: includedFrom?.line,
                    directive: includedFrom == nil ? nil : "include",
                    reason: "can't open config file '\(path)': \(e)",
                    redisText: "Fatal error, can't open config file '\(path)': \(e)")
    }

    /// A whole-configuration error (no line), e.g. the log file check.
    public static func general(program: String, source: String?, reason: String) -> ConfigError {
        ConfigError(program: program, source: source, line: nil, directive: nil, reason: reason, redisText: banner + reason)
    }
}
