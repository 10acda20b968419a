/// A configuration that stops start-up. `description` is what the process
/// prints: a first line naming the file, line and directive, then exactly
/// what redis-sentinel 7.0.15 prints.
public struct SentinelConfigError: Error, CustomStringConvertible, Sendable {
    public var source: String?
    public var line: Int?
    public var directive: String?
    public var reason: String
    public var redisText: String

    public var description: String {
        var first = "vigil-sentinel: "
        if let source {
            first += source
            if let line { first += ":\(line)" }
            first += ": "
        }
        if let directive { first += "directive '\(directive)': " }
        return first + reason + "\n" + redisText
    }

    public init(source: String?, line: Int?, directive: String?, reason: String, redisText: String) {
        self.source = source
        self.line = line
        self.directive = directive
        self.reason = reason
        self.redisText = redisText
    }

    static let banner = "\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\n"

    /// loadServerConfigFromString / loadSentinelConfigFromQueue's report.
    static func atLine(source: String?, line: Int?, redisLine: Int, text: String, directive: String?,
                       reason: String) -> SentinelConfigError {
        SentinelConfigError(source: source, line: line, directive: directive, reason: reason,
                            redisText: banner + "Reading the configuration file, at line \(redisLine)\n>>> '\(text)'\n\(reason)")
    }
}
