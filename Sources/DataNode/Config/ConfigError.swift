/// A configuration that cannot be used. `description` is what vigil-server
/// prints before exiting with status 1: a first line naming the file, line
/// and directive, then exactly what redis-server 7.0.15 prints to stderr.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
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
        var first = "vigil-server: "
        if let source {
            first += source
            if let line { first += ":\(line)" }
            first += ": "
        }
        if let directive { first += "directive '\(directive)': " }
        first += reason
        return first + "\n" + redisText
    }

    public init(source: String?, line: Int?, directive: String?, reason: String, redisText: String) {
        self.source = source
        self.line = line
        self.directive = directive
        self.reason = reason
        self.redisText = redisText
    }

    /// An error about one line, printed as loadServerConfigFromString does.
    init(source: String?, line: Int?, redisLine: Int, text: String, directive: String?, reason: String) {
        self.init(source: source, line: line, directive: directive, reason: reason,
                  redisText: ConfigError.banner + "Reading the configuration file, at line \(redisLine)\n>>> '\(text)'\n\(reason)")
    }

    /// For the server to refuse a recorded directive (an unknown command in
    /// rename-command, a bad ACL rule in user...) in the same words.
    public init(directive d: ConfigDirective, reason: String) {
        self.init(source: d.source, line: d.line, redisLine: d.redisLine, text: d.text,
                  directive: d.args.first.map { String(decoding: $0, as: UTF8.self) }, reason: reason)
    }

    /// The start of every fatal config error Redis prints (after a blank line).
    static let banner = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"

    /// A whole-configuration error (no line), e.g. the log file check.
    static func general(source: String?, reason: String) -> ConfigError {
        ConfigError(source: source, line: nil, directive: nil, reason: reason, redisText: banner + reason)
    }

    /// A config file that cannot be opened: Redis logs this and exits.
    static func cannotOpen(_ path: String, errno e: Int32, includedFrom: ConfigDirective?) -> ConfigError {
        let why = ConfigCParse.strerror(e)
        return ConfigError(source: includedFrom?.source, line: includedFrom?.line,
                           directive: includedFrom == nil ? nil : "include",
                           reason: "can't open config file '\(path)': \(why)",
                           redisText: "Fatal error, can't open config file '\(path)': \(why)")
    }
}
