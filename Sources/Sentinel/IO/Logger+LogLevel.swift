import SentinelCore
import ServerKit

extension Logger.Level {
    /// The core names the four levels itself so that it needs no logger.
    init(_ level: LogLevel) {
        switch level {
        case .debug: self = .debug
        case .verbose: self = .verbose
        case .notice: self = .notice
        case .warning: self = .warning
        }
    }
}
