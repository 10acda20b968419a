import ServerKit

/// vigil-server's config errors: ServerKit's ConfigError named for this
/// program, and the cases only the data node's loader has.
extension ConfigError {
    static let programName = "vigil-server"

    init(source: String?, line: Int?, directive: String?, reason: String, redisText: String) {
        self.init(program: ConfigError.programName, source: source, line: line, directive: directive, reason: reason,
                  redisText: redisText)
    }

    init(source: String?, line: Int?, redisLine: Int, text: String, directive: String?, reason: String) {
        self.init(program: ConfigError.programName, source: source, line: line, redisLine: redisLine, text: text,
                  directive: directive, reason: reason)
    }

    /// For the server to refuse a recorded directive (an unknown command in
    /// rename-command, a bad ACL rule in user...) in the same words.
    public init(directive d: ConfigDirective, reason: String) {
        self.init(source: d.source, line: d.line, redisLine: d.redisLine, text: d.text,
                  directive: d.args.first.map { String(decoding: $0, as: UTF8.self) }, reason: reason)
    }
}
