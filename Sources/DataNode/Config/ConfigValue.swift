import ServerKit

/// One client class's output buffer limits (client-output-buffer-limit).
/// `className` is "normal", "replica" or "pubsub"; limits are in bytes, 0 = none.
public struct OutputBufferLimit: Sendable, Equatable {
    public var className: String
    public var hard: Int
    public var soft: Int
    public var softSeconds: Int

    public init(className: String, hard: Int, soft: Int, softSeconds: Int) {
        self.className = className
        self.hard = hard
        self.soft = soft
        self.softSeconds = softSeconds
    }
}

/// The stored form of `client-output-buffer-limit`, one per class, in Redis's
/// own widths (unsigned byte counts, a C `int` of seconds).
struct ConfigBufferLimit: Sendable, Equatable {
    var hard: UInt64
    var soft: UInt64
    var softSeconds: Int64
}

struct ConfigReplicaOf: Sendable, Equatable {
    var host: [UInt8]
    var port: Int
}

struct ConfigSaveParam: Sendable, Equatable {
    var seconds: Int64
    var changes: Int64
}

/// The current value of one config parameter. Numbers keep Redis's bit
/// patterns in an Int64 (an unsigned long long maxmemory is stored as its
/// bits), so GET and REWRITE can render them the way config.c does.
enum ConfigValue: Sendable, Equatable {
    case bool(Bool)
    case number(Int64)
    case enumeration(Int)
    /// nil is C's NULL (a string config "not set"), shown as "" by GET but
    /// omitted by REWRITE.
    case string([UInt8]?)
    case dir(String)
    case save([ConfigSaveParam])
    case bufferLimits([ConfigBufferLimit])
    case oomScoreAdjValues([Int64])
    case notify(Int)
    case bind([[UInt8]])
    case replicaof(ConfigReplicaOf?)
    case percentiles([Double])
}

/// What a parameter is, as config.c's standardConfig table describes it.
struct ConfigFlags: OptionSet, Sendable {
    let rawValue: UInt8
    static let immutable = ConfigFlags(rawValue: 1)
    static let protected = ConfigFlags(rawValue: 2)
    static let sensitive = ConfigFlags(rawValue: 4)
    static let denyLoading = ConfigFlags(rawValue: 8)
    static let hidden = ConfigFlags(rawValue: 16)
    static let multiArg = ConfigFlags(rawValue: 32)
}

struct ConfigEnumSpec: Sendable {
    var items: [(name: String, value: Int)]
    var defaultValue: Int
    /// Several names may be given and are OR-ed (shutdown-on-sig*).
    var bitflags: Bool
}

enum ConfigStringCheck: Sendable {
    case none, dbfilename, aofFilename, aofDirname, hostname, procTitle
}

enum ConfigSpecialKind: Sendable {
    case dir, save, clientOutputBufferLimit, oomScoreAdjValues, notifyKeyspaceEvents, bind, replicaof, latencyPercentiles
}

/// Where an accepted value needs more than storing, as config.c's apply
/// functions do (the ones that touch no socket or file; the server applies the rest).
enum ConfigApply: Sendable {
    case none, clampHz, replBacklogMinimum, tlsPort, tlsConfig
}

enum ConfigKind: Sendable {
    case bool(defaultValue: Bool, rejectYes: String?)
    case numeric(ConfigNumericSpec)
    case enumeration(ConfigEnumSpec)
    case string(defaultValue: [UInt8]?, emptyIsNull: Bool, keepNul: Bool, check: ConfigStringCheck)
    case special(ConfigSpecialKind)
}

struct ConfigEntry: Sendable {
    var name: String
    var alias: String?
    var flags: ConfigFlags
    var kind: ConfigKind
    var apply: ConfigApply = .none
}
