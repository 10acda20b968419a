import ACL
/// One row of Redis 7.0's command table (arity, flags, key positions...).
public struct CommandSpec: Sendable {
    public let name: String          // "get", or "kill" for "client|kill"
    public let container: String     // "" or the parent command
    public let arity: Int
    public let flags: [String]
    public let aclCategories: [String]
    public let keySpecs: String
    public let firstKey: Int
    public let lastKey: Int
    public let keyStep: Int
    public let group: String
    public let since: String
    public let docFlags: [String]
    public let tips: [String]
    public let deprecatedSince: String
    public let replacedBy: String

    /// "get" or "client|kill": the name used in error texts and COMMAND.
    /// (The generated table already spells subcommands "client|kill".)
    public var fullName: String { container.isEmpty || name.hasPrefix(container + "|") ? name : "\(container)|\(name)" }

    /// "kill" for "client|kill": what a client types after the container.
    public var subcommandName: String { container.isEmpty ? name : String(fullName.dropFirst(container.count + 1)) }
}

/// The flags dispatch checks, as a bit set.
public struct CommandFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }

    public static let write = CommandFlags(rawValue: 1 << 0)
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    public static let denyoom = CommandFlags(rawValue: 1 << 2)
    public static let admin = CommandFlags(rawValue: 1 << 3)
    public static let pubsub = CommandFlags(rawValue: 1 << 4)
    public static let noscript = CommandFlags(rawValue: 1 << 5)
    public static let blocking = CommandFlags(rawValue: 1 << 6)
    public static let loading = CommandFlags(rawValue: 1 << 7)
    public static let stale = CommandFlags(rawValue: 1 << 8)
    public static let skipMonitor = CommandFlags(rawValue: 1 << 9)
    public static let skipSlowlog = CommandFlags(rawValue: 1 << 10)
    public static let fast = CommandFlags(rawValue: 1 << 11)
    public static let noAuth = CommandFlags(rawValue: 1 << 12)
    public static let mayReplicate = CommandFlags(rawValue: 1 << 13)
    public static let noMulti = CommandFlags(rawValue: 1 << 14)
    public static let allowBusy = CommandFlags(rawValue: 1 << 15)
    public static let sentinel = CommandFlags(rawValue: 1 << 16)
    public static let onlySentinel = CommandFlags(rawValue: 1 << 17)
    public static let movableKeys = CommandFlags(rawValue: 1 << 18)
    public static let noMandatoryKeys = CommandFlags(rawValue: 1 << 19)
    public static let protected = CommandFlags(rawValue: 1 << 20)

    static let byName: [String: CommandFlags] = [
        "write": .write, "readonly": .readonly, "denyoom": .denyoom, "admin": .admin, "pubsub": .pubsub,
        "noscript": .noscript, "blocking": .blocking, "loading": .loading, "stale": .stale,
        "skip_monitor": .skipMonitor, "skip_slowlog": .skipSlowlog, "fast": .fast, "no_auth": .noAuth,
        "may_replicate": .mayReplicate, "no_multi": .noMulti, "allow_busy": .allowBusy, "sentinel": .sentinel,
        "only_sentinel": .onlySentinel, "movablekeys": .movableKeys, "no_mandatory_keys": .noMandatoryKeys,
        "protected": .protected,
    ]

    init(names: [String]) {
        var f: CommandFlags = []
        for n in names { if let b = Self.byName[n] { f.insert(b) } }
        self = f
    }
}

/// Executes one command. `argv[0]` is the command name as the client sent it.
/// Replies go to `client.out`.
///
/// The dependency between the server and the commands runs one way: command
/// handlers (Commands/) receive the Server as their context and use it; the
/// server (Server/, Dispatch/) knows only this contract: a Command with its
/// flags, its handler and the dispatch properties below, looked up in a
/// CommandTable it is given. Which commands exist, and anything particular to
/// one of them, is decided in Commands/ (CommandTable+Redis70.swift).
public typealias CommandHandler = @Sendable (_ server: Server, _ client: Client, _ argv: [[UInt8]]) -> Void

/// A command the server can run: its spec, handler and statistics.
public final class Command {
    public let spec: CommandSpec
    public let fullName: String
    public let flags: CommandFlags
    public let handler: CommandHandler?
    /// Subcommands by lowercase name, for containers (CLIENT, CONFIG, ...).
    public internal(set) var subcommands: [String: Command] = [:] {
        didSet { isContainer = !subcommands.isEmpty }
    }
    /// Has subcommands: read on every dispatch, so kept as a flag.
    public private(set) var isContainer = false
    public unowned(unsafe) var parent: Command?
    /// The propagated form read back from the dataset (PropagationRewrites), if any.
    var propagationRewrite: PropagationRewrites.Rewrite?
    /// The bit of this command in ACL selectors (-1 until first looked up).
    var aclID = -1
    /// Its key specs, parsed once: a restricted user's permission check and
    /// client tracking find the keys of every command they see (parsing the
    /// spec text each time made a restricted user's SET 6× slower than the default user's).
    lazy var parsedKeySpecs: [KeySpec] = KeySpec.parseAll(spec.keySpecs)
    lazy var keySpecsSuffice: Bool = KeyExtraction.specsSuffice(parsedKeySpecs)
    lazy var nativeKeyFinder: KeyExtraction.Finder? = KeyExtraction.nativeFinders[fullName]
    /// Where a restricted user's permission check finds the keys without walking the specs.
    lazy var aclKeyShape: KeyExtraction.ACLKeyShape = KeyExtraction.aclKeyShape(parsedKeySpecs, suffice: keySpecsSuffice,
                                                                                  native: nativeKeyFinder)
    /// Which of its arguments name channels, for the same check.
    lazy var aclChannelArgs: ACLChannelArgs = Server.channelArgs(fullName)
    /// EXEC: its queued commands propagate, never EXEC itself.
    var isExec = false
    /// EVAL, EVALSHA, FCALL and their _RO forms: a script's declared flags
    /// replace the command's write/denyoom/stale (Server.effectiveFlags).
    var isScriptCall = false
    /// Runs while a RESP2 client is in subscribed mode.
    var allowedWhileSubscribed = false
    /// Runs at once inside MULTI instead of being queued.
    var bypassesMultiQueue = false
    /// Replaces the plain error when dispatch rejects the command (EXEC aborts its transaction).
    var onRejected: ((Server, Client, String) -> Void)?
    /// For a protected command (DEBUG, MODULE): the setting that must allow it.
    var protection: Protection?

    struct Protection {
        let name: String
        let option: String
        let setting: KeyPath<ServerConfig, String>
    }

    // commandstats
    public var calls = 0
    public var microseconds: Int64 = 0
    public var rejectedCalls = 0
    public var failedCalls = 0
    /// Latency distribution (INFO latencystats, LATENCY HISTOGRAM), created on first call.
    public var latencyHistogram: LatencyHistogram?

    init(spec: CommandSpec, handler: CommandHandler?) {
        self.spec = spec
        self.fullName = spec.fullName
        self.flags = CommandFlags(names: spec.flags)
        self.handler = handler
    }

    public var arity: Int { spec.arity }

    /// Redis's arity rule: exact when positive, minimum when negative.
    @inline(__always) public func arityAccepts(_ argc: Int) -> Bool {
        let a = spec.arity
        return a > 0 ? argc == a : argc >= -a
    }

    /// Key positions for a concrete argv, from first/last/step (negative last counts from the end).
    public func keyPositions(argc: Int) -> [Int] {
        let first = spec.firstKey, step = spec.keyStep
        guard first > 0, step > 0 else { return [] }
        var last = spec.lastKey
        if last < 0 { last = argc + last }
        var out: [Int] = []
        var i = first
        while i <= last && i < argc {
            out.append(i)
            i += step
        }
        return out
    }
}
