import Keyspace

/// The config values the command path reads, copied out of the config table.
struct HotConfig {
    var slowlogLogSlowerThan: Int
    var slowlogMaxLen: Int
    var hz: Int
    var timeout: Int
    var clientQueryBufferLimit: Int
    /// normal, replica, pubsub: numbers only, so reading one per command copies no String.
    var outputLimits: [ClassLimit]

    struct ClassLimit {
        var hard = 0
        var soft = 0
        var softSeconds = 0
    }
    /// list-max-listpack-size as node limits (every push reads it).
    var listFill: ListFill
    /// maxmemory and how it is enforced (checked before every command).
    var maxmemory: Int
    var evictionPolicy: EvictionPolicy
    var maxmemorySamples: Int
    var evictionTenacity: Int
    var lazyfreeLazyEviction: Bool
    var replicaIgnoreMaxmemory: Bool
    /// maxmemory-clients as stored: bytes, or minus a percentage of maxmemory.
    var maxmemoryClients: Int
    /// min-replicas-to-write: every command checks it.
    var minReplicasToWrite: Int
    /// notify-keyspace-events as NOTIFY_* bits: every write tests it.
    var notifyKeyspaceEvents: Int

    init(_ c: ServerConfig) {
        slowlogLogSlowerThan = c.slowlogLogSlowerThan
        slowlogMaxLen = c.slowlogMaxLen
        hz = c.hz
        timeout = c.timeout
        clientQueryBufferLimit = c.clientQueryBufferLimit
        listFill = ListFill(c.listMaxListpackSize)
        maxmemory = c.maxmemory
        evictionPolicy = EvictionPolicy(rawValue: c.maxmemoryPolicy) ?? .noeviction
        maxmemorySamples = c.maxmemorySamples
        evictionTenacity = c.int("maxmemory-eviction-tenacity")
        lazyfreeLazyEviction = c.lazyfreeLazyEviction
        replicaIgnoreMaxmemory = c.replicaIgnoreMaxmemory
        maxmemoryClients = c.int("maxmemory-clients")
        minReplicasToWrite = c.int("min-replicas-to-write")
        notifyKeyspaceEvents = c.notifyKeyspaceEvents
        var limits = [ClassLimit](repeating: ClassLimit(), count: 3)
        for l in c.clientOutputBufferLimits {
            let limit = ClassLimit(hard: l.hard, soft: l.soft, softSeconds: l.softSeconds)
            switch l.className {
            case "normal": limits[0] = limit
            case "replica", "slave": limits[1] = limit
            case "pubsub": limits[2] = limit
            default: break
            }
        }
        outputLimits = limits
    }
}
