import CoreKit
import SentinelCore
import ServerKit

/// The server directives vigil-sentinel acts on, with redis-sentinel's
/// defaults (protected-mode is off and the port is 26379 in sentinel mode).
public struct SentinelServerOptions: Sendable {
    public var port = 26379
    public var bind: [String] = ["*", "-::*"]
    public var bindSourceAddr: String?
    public var dir: String?
    public var daemonize = false
    public var pidfile = ""
    public var logfile = ""
    public var loglevel: LogLevel = .notice
    public var protectedMode = false
    public var requirepass: String?
    /// `user` lines, arguments after "user".
    public var users: [[String]] = []
    public var aclfile = ""
    /// acllog-max-len: how many ACL LOG entries are kept.
    public var acllogMaxLen = 128
    /// `unixsocket` (relative to `dir`, where the sentinel runs) and its mode.
    public var unixsocket = ""
    public var unixsocketperm = 0
    public var maxclients = 10000
    public var hz = 10
    /// `sentinel state-config-file <path>` (absolute): learned state goes
    /// there and the main config file is never rewritten.
    public var stateConfigFile: String?

    public init() {}

    static let defaultBind = ["*", "-::*"]
}

/// One `sentinel ...` line, queued until the whole file is read.
public struct SentinelDirective: Sendable, Equatable {
    /// The arguments after "sentinel".
    public var args: [String]
    /// The line it was read from, to report it in Redis's words.
    public var origin: ConfigLine

    /// The file (or "(command line)") it came from and its line there.
    public var source: String { origin.source }
    public var line: Int? { origin.line }
}

/// What the loader returns.
public struct LoadedSentinelConfig: Sendable {
    public var options = SentinelServerOptions()
    public var directives: [SentinelDirective] = []
    /// Absolute path of the config file, if one was given.
    public var configFile: String?
}
