/// The timing parameters SENTINEL DEBUG shows and changes (milliseconds).
/// Kept in memory only: redis-sentinel never writes them to the config file.
public struct SentinelTimings: Sendable, Equatable {
    public var infoPeriod: Int64 = 10000
    public var pingPeriod: Int64 = 1000
    public var askPeriod: Int64 = 1000
    public var publishPeriod: Int64 = 2000
    public var defaultDownAfter: Int64 = 30000
    public var defaultFailoverTimeout: Int64 = 180000
    public var tiltTrigger: Int64 = 2000
    public var tiltPeriod: Int64 = 30000
    public var slaveReconfTimeout: Int64 = 10000
    public var minLinkReconnectPeriod: Int64 = 15000
    public var electionTimeout: Int64 = 10000
    public var scriptMaxRuntime: Int64 = 60000
    public var scriptRetryDelay: Int64 = 30000

    public init() {}

    /// DEBUG keys in the order of the SENTINEL DEBUG reply.
    static let keys = ["info-period", "ping-period", "ask-period", "publish-period", "default-down-after",
                       "default-failover-timeout", "tilt-trigger", "tilt-period", "slave-reconf-timeout",
                       "min-link-reconnect-period", "election-timeout", "script-max-runtime", "script-retry-delay"]

    /// The value of a DEBUG key (lower case), nil for an unknown key.
    subscript(key key: String) -> Int64? {
        get {
            switch key {
            case "info-period": return infoPeriod
            case "ping-period": return pingPeriod
            case "ask-period": return askPeriod
            case "publish-period": return publishPeriod
            case "default-down-after": return defaultDownAfter
            case "default-failover-timeout": return defaultFailoverTimeout
            case "tilt-trigger": return tiltTrigger
            case "tilt-period": return tiltPeriod
            case "slave-reconf-timeout": return slaveReconfTimeout
            case "min-link-reconnect-period": return minLinkReconnectPeriod
            case "election-timeout": return electionTimeout
            case "script-max-runtime": return scriptMaxRuntime
            case "script-retry-delay": return scriptRetryDelay
            default: return nil
            }
        }
        set {
            guard let v = newValue else { return }
            switch key {
            case "info-period": infoPeriod = v
            case "ping-period": pingPeriod = v
            case "ask-period": askPeriod = v
            case "publish-period": publishPeriod = v
            case "default-down-after": defaultDownAfter = v
            case "default-failover-timeout": defaultFailoverTimeout = v
            case "tilt-trigger": tiltTrigger = v
            case "tilt-period": tiltPeriod = v
            case "slave-reconf-timeout": slaveReconfTimeout = v
            case "min-link-reconnect-period": minLinkReconnectPeriod = v
            case "election-timeout": electionTimeout = v
            case "script-max-runtime": scriptMaxRuntime = v
            case "script-retry-delay": scriptRetryDelay = v
            default: break
            }
        }
    }
}

/// Fixed values of sentinel.c that are not DEBUG parameters.
enum SentinelConstants {
    static let maxPendingCommands = 100
    static let defaultSlavePriority = 100
    static let defaultParallelSyncs = 1
    static let maxDesync = 1000
    static let helloChannel = "__sentinel__:hello"
}
