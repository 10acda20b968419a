import ServerKit

/// vigil-server's config errors: ServerKit's ConfigError named for this
/// program.
extension ConfigError {
    static let programName = "vigil-server"

    init(source: String?, line: Int?, directive: String?, reason: String, redisText: String) {
        self.init(program: ConfigError.programName, source: source, line: line, directive: directive, reason: reason,
                  redisText: redisText)
    }

    /// For the server to refuse a recorded directive (an unknown command in
    /// rename-command, a bad ACL rule in user...) in the same words.
    public init(directive d: ConfigDirective, reason: String) {
        self = d.error(program: ConfigError.programName, directive: d.name, reason: reason)
    }
}
