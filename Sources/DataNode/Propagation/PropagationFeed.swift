/// The command stream a replica or an AOF must replay to reach this node's
/// dataset, as Redis 7.0's propagation (server.c call()/alsoPropagate/
/// propagatePendingCommands, replication.c replicationFeedSlaves).
///
/// call() decides whether a command wrote (server.dirty moved) and hands the
/// command's propagated form here; everything an execution unit (a command,
/// an EXEC with its queue, a served blocked client) propagates is collected
/// and, when the unit ends, sent as one piece: wrapped in MULTI/EXEC when
/// there is more than one command, with a SELECT first whenever the stream's
/// database changes. Deletions of expired keys go out at once, outside any
/// unit, as 7.0's propagateDeletion does.
///
/// With no consumer the feed is inactive and costs call() one branch:
/// handlers only build rewritten argument vectors while `isActive`.
public final class PropagationFeed {
    public typealias Consumer = (_ bytes: [UInt8]) -> Void

    private var consumers: [(id: Int, deliver: Consumer)] = []
    /// The AOF: it takes every op but the replication-only ones and keeps its
    /// own selected db (7.0's feedAppendOnlyFile and aof_selected_db).
    public var aofSink: ((_ db: Int, _ argv: [[UInt8]]) -> Void)? {
        didSet { active = !consumers.isEmpty || aofSink != nil }
    }
    @inline(__always) public var isActive: Bool { active }
    private var active = false
    /// The database the stream has selected; -1 (a fresh consumer) forces a SELECT.
    public private(set) var streamDb = -1
    /// Where a propagated command goes (7.0's PROPAGATE_AOF / PROPAGATE_REPL).
    public struct Targets: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let aof = Targets(rawValue: 1)
        public static let replicas = Targets(rawValue: 2)
        public static let all: Targets = [.aof, .replicas]
    }

    /// Commands of the running execution unit, in order (7.0's also_propagate).
    private(set) var pending: [(db: Int, argv: [[UInt8]], targets: Targets)] = []
    /// Set by the running command: what it propagates instead of its own argv.
    private var replacement: [[UInt8]]?
    /// Set by the running command: its own argv is not propagated (it used alsoPropagate).
    private var suppressed = false
    /// Set by the running command: propagated even if the dataset did not change (PUBLISH).
    private var forced = false
    /// The forced propagation goes to replicas only (PUBLISH: PROPAGATE_REPL).
    private var forcedReplOnly = false
    /// Where the running command's own argv may go (a script's redis.set_repl).
    private var commandTargets = Targets.all
    /// Told how many bytes went out (the replication offset counts them).
    public var onFed: ((Int) -> Void)?

    public init() {}

    // MARK: consumers

    /// A new consumer starts from a full snapshot: the next command selects
    /// its db. One that continues the stream (a partial resync, the backlog
    /// of a replica) keeps the selection the stream already has.
    public func attach(id: Int, continuing: Bool = false, _ deliver: @escaping Consumer) {
        consumers.append((id, deliver))
        active = true
        if !continuing { streamDb = -1 }
    }

    public func detach(id: Int) {
        consumers.removeAll { $0.id == id }
        if consumers.isEmpty && aofSink == nil {
            active = false
            pending.removeAll()
            clearCommandState()
        }
    }

    // MARK: what a command says about its own propagation

    /// Propagate `argv` in place of the command (rewriteClientCommandVector).
    public func replaceCommand(with argv: [[UInt8]]) {
        replacement = argv
    }

    /// Propagate `argv` as part of the running unit (alsoPropagate).
    public func alsoPropagate(db: Int, _ argv: [[UInt8]]) {
        pending.append((db, argv, .all))
    }

    /// The command's own argv is not propagated (preventCommandPropagation).
    public func preventCommandPropagation() {
        suppressed = true
    }

    /// The command's own argv goes only to `targets` (call() without
    /// CMD_CALL_PROPAGATE_AOF or _REPL: a script's redis.set_repl).
    public func restrictCommandPropagation(to targets: Targets) {
        commandTargets = targets
        if targets.isEmpty { suppressed = true }
    }

    /// Propagated even without a change to the dataset (forceCommandPropagation).
    public func forceCommandPropagation(replicationOnly: Bool = false) {
        forced = true
        forcedReplOnly = replicationOnly
    }

    // MARK: called by the dispatch

    /// The end of one command run by call(): collects its propagated form
    /// when it wrote (or was forced), and ends the unit when it is the outermost.
    /// `rewrite` derives the form from the dataset when the command set none.
    func commandFinished(db: Int, argv: [[UInt8]], wrote: Bool, propagatesItself: Bool, outermost: Bool,
                         rewrite: (() -> [[UInt8]]?)?) {
        if (wrote || forced) && !suppressed && !propagatesItself {
            let targets = commandTargets.intersection(!wrote && forcedReplOnly ? .replicas : .all)
            if !targets.isEmpty { pending.append((db, replacement ?? rewrite?() ?? argv, targets)) }
        }
        clearCommandState()
        if outermost { endUnit() }
    }

    /// The end of a command this node does not propagate (it is a replica, or
    /// nothing consumes the feed): what the command said about its propagation
    /// is dropped. Left set, a PUBLISH applied from the master's stream (a
    /// sentinel's hello) would force the next command this node runs once
    /// promoted (the sentinel's SLAVEOF NO ONE) into its own new stream.
    func commandNotPropagated(outermost: Bool) {
        if replacement != nil || suppressed || forced || commandTargets != .all { clearCommandState() }
        if outermost && !pending.isEmpty { pending.removeAll(keepingCapacity: true) }
    }

    /// Sends the running unit's commands: one alone, more wrapped in MULTI/EXEC.
    func endUnit() {
        guard !pending.isEmpty else { return }
        let ops = pending
        pending.removeAll(keepingCapacity: true)
        let wrap = ops.count > 1
        // MULTI takes the first command's db, so its SELECT comes first; EXEC
        // takes the last one's, so it never needs a SELECT of its own.
        if wrap { emit(db: ops[0].db, Self.multi) }
        for op in ops { emit(db: op.db, op.argv, targets: op.targets) }
        if wrap { emit(db: ops[ops.count - 1].db, Self.exec) }
    }

    /// Bytes that go into the stream as they are: what a replica applied
    /// from its master (chained replication; its link counts them, so
    /// `counted` is false) or a master's periodic PING (counted).
    public func forwardRaw(_ bytes: [UInt8], counted: Bool = false) {
        guard active else { return }
        for c in consumers { c.deliver(bytes) }
        if counted { onFed?(bytes.count) }
    }

    /// Sends `argv` now, outside any unit (propagateNow: expired keys).
    public func propagateNow(db: Int, _ argv: [[UInt8]]) {
        guard active else { return }
        emit(db: db, argv)
    }

    private func clearCommandState() {
        replacement = nil
        suppressed = false
        forced = false
        forcedReplOnly = false
        commandTargets = .all
    }

    private func emit(db: Int, _ argv: [[UInt8]], targets: Targets = .all) {
        if targets.contains(.aof), let aof = aofSink { aof(db, argv) }
        guard targets.contains(.replicas) && !consumers.isEmpty else { return }
        var bytes: [UInt8] = []
        if db != streamDb {
            Self.encode([Self.select, Array(String(db).utf8)], into: &bytes)
            streamDb = db
        }
        Self.encode(argv, into: &bytes)
        for c in consumers { c.deliver(bytes) }
        onFed?(bytes.count)
    }

    static let select = Array("SELECT".utf8)
    static let multi: [[UInt8]] = [Array("MULTI".utf8)]
    static let exec: [[UInt8]] = [Array("EXEC".utf8)]

    /// A RESP array of bulk strings, as a client sends a command.
    static func encode(_ argv: [[UInt8]], into out: inout [UInt8]) {
        out.append(UInt8(ascii: "*"))
        out.append(contentsOf: String(argv.count).utf8)
        out.append(contentsOf: [13, 10])
        for a in argv {
            out.append(UInt8(ascii: "$"))
            out.append(contentsOf: String(a.count).utf8)
            out.append(contentsOf: [13, 10])
            out.append(contentsOf: a)
            out.append(contentsOf: [13, 10])
        }
    }
}
