/// The SRI_* flags of a monitored instance. The order of `displayOrder` is the
/// order redis-sentinel prints them in the `flags` field.
public struct InstanceFlags: OptionSet, Sendable, Hashable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let master = InstanceFlags(rawValue: 1 << 0)
    public static let replica = InstanceFlags(rawValue: 1 << 1)
    public static let sentinel = InstanceFlags(rawValue: 1 << 2)
    public static let sDown = InstanceFlags(rawValue: 1 << 3)
    public static let oDown = InstanceFlags(rawValue: 1 << 4)
    /// A sentinel that told us the master is down.
    public static let masterDown = InstanceFlags(rawValue: 1 << 5)
    public static let failoverInProgress = InstanceFlags(rawValue: 1 << 6)
    public static let promoted = InstanceFlags(rawValue: 1 << 7)
    public static let reconfSent = InstanceFlags(rawValue: 1 << 8)
    public static let reconfInProgress = InstanceFlags(rawValue: 1 << 9)
    public static let reconfDone = InstanceFlags(rawValue: 1 << 10)
    public static let forceFailover = InstanceFlags(rawValue: 1 << 11)
    public static let scriptKillSent = InstanceFlags(rawValue: 1 << 12)
    public static let masterReboot = InstanceFlags(rawValue: 1 << 13)
    /// Vigil: SENTINEL FAILOVER <name> COORDINATED (the master is asked to
    /// hand over with FAILOVER TO). Not shown in `flags`; cleared with the rest.
    public static let coordinatedFailover = InstanceFlags(rawValue: 1 << 14)
}

/// What a replica (or a master) says it is in INFO. `unknown` is the 0 of
/// redis-sentinel: INFO without a role line.
public enum ReportedRole: Sendable, Equatable {
    case unknown, master, replica
}

/// Failover progress of a master. Part 1 only ever uses `none`; the cases are
/// here so the names shown in `failover-state` are fixed in one place.
public enum FailoverState: Int, Sendable, Comparable {
    case none = 0, waitStart, selectSlave, sendSlaveofNoone, waitPromotion, reconfSlaves, updateConfig

    public static func < (a: FailoverState, b: FailoverState) -> Bool { a.rawValue < b.rawValue }

    public var name: String {
        switch self {
        case .none: return "none"
        case .waitStart: return "wait_start"
        case .selectSlave: return "select_slave"
        case .sendSlaveofNoone: return "send_slaveof_noone"
        case .waitPromotion: return "wait_promotion"
        case .reconfSlaves: return "reconf_slaves"
        case .updateConfig: return "update_config"
        }
    }
}
