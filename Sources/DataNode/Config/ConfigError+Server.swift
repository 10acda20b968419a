import ServerKit

/// vigil-server's config errors: ServerKit's ConfigError named for this
/// program, and the cases only the data node's loader has.
extension ConfigError {
    init(source: String?, line: Int?, directive: String?, reason: String, redisText: String) {
        self.init(program: "vigil-server", source: source, line: line, directive: directive, reason: reason,
                  redisText: redisText)
    }

    init(source: String?, line: Int?, redisLine: Int, text: String, directive: String?, reason: String) {
        self.init(program: "vigil-server", source: source, line: line, redisLine: redisLine, text: text,
                  directive: directive, reason: reason)
    }

    /// For the server to refuse a recorded directive (an unknown command in
    /// rename-command, a bad ACL rule in user...) in the same words.
    public init(directive d: ConfigDirective, reason: String) {
        self.init(source: d.source, line: d.line, redisLine: d.redisLine, text: d.text,
                  directive: d.args.first.map { String(decoding: $0, as: UTF8.self) }, reason: reason)
    }

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
