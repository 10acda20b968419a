import CoreKit
/// Redis's log levels. The cores name the level of what they log; the shells'
/// Logger (ServerKit) writes it with its mark.
public enum LogLevel: Int, Sendable, Comparable {
    case debug = 0, verbose, notice, warning

    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }

    public init?(name: String) {
        switch name.lowercased() {
        case "debug": self = .debug
        case "verbose": self = .verbose
        case "notice": self = .notice
        case "warning": self = .warning
        default: return nil
        }
    }

    public var name: String {
        switch self {
        case .debug: return "debug"
        case .verbose: return "verbose"
        case .notice: return "notice"
        case .warning: return "warning"
        }
    }

    /// The character a log line carries for its level.
    public var mark: Character {
        switch self {
        case .debug: return "."
        case .verbose: return "-"
        case .notice: return "*"
        case .warning: return "#"
        }
    }
}
