import ServerKit

/// vigil-sentinel's config errors: ServerKit's ConfigError named for this
/// program (the same text as the data node's but for that first word).
typealias SentinelConfigError = ConfigError

extension ConfigError {
    static let programName = "vigil-sentinel"

    init(source: String?, line: Int?, directive: String?, reason: String, redisText: String) {
        self.init(program: ConfigError.programName, source: source, line: line, directive: directive, reason: reason,
                  redisText: redisText)
    }
}
