/// A master, replica or sentinel as the sentinel knows it (sentinelRedisInstance).
public final class Instance {
    /// Unique for the life of the core; replies to old requests carry it, so
    /// a reply for a removed instance is dropped rather than misapplied.
    public let uid: Int
    public internal(set) var flags: InstanceFlags
    /// Masters: their name; replicas: "ip:port"; sentinels: their run id.
    public internal(set) var name: String
    public internal(set) var addr: SentinelAddress
    public internal(set) var runid: String?
    public internal(set) var link: InstanceLink
    /// The master this replica or sentinel belongs to.
    public internal(set) weak var master: Instance?

    public internal(set) var configEpoch: UInt64 = 0
    var lastPubTime: Int64
    var lastHelloTime: Int64
    var lastMasterDownReplyTime: Int64
    var sDownSinceTime: Int64 = 0
    var oDownSinceTime: Int64 = 0
    var downAfterPeriod: Int64
    var masterRebootDownAfterPeriod: Int64 = 0
    var masterRebootSinceTime: Int64 = 0
    var infoRefresh: Int64 = 0
    /// Last extra INFO sent during a failover (see SentinelCore+Failover.swift).
    var fastInfoSentTime: Int64 = 0
    /// rename-command mappings: lower-cased original name → new name, in insertion order.
    var renamedCommands: [(String, String)] = []

    var roleReported: ReportedRole
    var roleReportedTime: Int64
    var slaveConfChangeTime: Int64

    // Masters
    public internal(set) var replicas = InstanceTable()
    public internal(set) var sentinels = InstanceTable()
    var quorum: Int
    var parallelSyncs = SentinelConstants.defaultParallelSyncs
    var authPass: String?
    var authUser: String?
    var notificationScript: String?
    var clientReconfigScript: String?
    var info: String?
    var infoTime: Int64 = 0

    // Failover (part 2 drives these; part 1 keeps them at rest and reports them)
    var leader: String?
    var leaderEpoch: UInt64 = 0
    public internal(set) var failoverEpoch: UInt64 = 0
    public internal(set) var failoverState: FailoverState = .none
    public internal(set) var failoverStateChangeTime: Int64 = 0
    var failoverStartTime: Int64 = 0
    var failoverTimeout: Int64
    var failoverDelayLogged: Int64 = 0
    weak var promotedReplica: Instance?

    // Replicas
    var masterLinkDownTime: Int64 = 0
    var slavePriority = SentinelConstants.defaultSlavePriority
    var replicaAnnounced = 1
    var slaveReconfSentTime: Int64 = 0
    var slaveMasterHost: String?
    var slaveMasterPort = 0
    var slaveMasterLinkUp = false
    var slaveReplOffset: UInt64 = 0

    init(uid: Int, flags: InstanceFlags, name: String, addr: SentinelAddress, quorum: Int,
         master: Instance?, timings: SentinelTimings, now: Int64) {
        self.uid = uid
        self.flags = flags
        self.name = name
        self.addr = addr
        self.quorum = quorum
        self.master = master
        link = InstanceLink(now: now)
        lastPubTime = now
        lastHelloTime = now
        lastMasterDownReplyTime = now
        downAfterPeriod = master?.downAfterPeriod ?? timings.defaultDownAfter
        failoverTimeout = timings.defaultFailoverTimeout
        roleReported = flags.contains(.master) ? .master : flags.contains(.replica) ? .replica : .unknown
        roleReportedTime = now
        slaveConfChangeTime = now
    }

    public var isMaster: Bool { flags.contains(.master) }
    public var isReplica: Bool { flags.contains(.replica) }
    public var isSentinel: Bool { flags.contains(.sentinel) }

    /// "master", "slave" or "sentinel", as events print it.
    var typeName: String {
        isMaster ? "master" : isReplica ? "slave" : "sentinel"
    }

    /// The command name to send, after this master's rename-command table.
    /// Replicas and sentinels use their master's table.
    func mapCommand(_ command: String) -> String {
        let table = isMaster ? renamedCommands : (master?.renamedCommands ?? [])
        let lower = command.lowercased()
        for (from, to) in table where from.lowercased() == lower { return to }
        return command
    }
}

/// Instances keyed by name, iterated in insertion order (dict order in
/// redis-sentinel is a hash order; ours is deterministic).
public struct InstanceTable: Sequence {
    private var order: [Instance] = []
    private var index: [String: Int] = [:]

    public var count: Int { order.count }
    public var isEmpty: Bool { order.isEmpty }

    public subscript(name: String) -> Instance? {
        index[name].map { order[$0] }
    }

    /// False if the name is taken.
    @discardableResult
    mutating func insert(_ instance: Instance) -> Bool {
        if index[instance.name] != nil { return false }
        index[instance.name] = order.count
        order.append(instance)
        return true
    }

    @discardableResult
    mutating func remove(name: String) -> Instance? {
        guard let i = index[name] else { return nil }
        let removed = order.remove(at: i)
        index = [:]
        for (j, inst) in order.enumerated() { index[inst.name] = j }
        return removed
    }

    mutating func removeAll() {
        order = []
        index = [:]
    }

    public func makeIterator() -> IndexingIterator<[Instance]> { order.makeIterator() }
    public var all: [Instance] { order }
}
