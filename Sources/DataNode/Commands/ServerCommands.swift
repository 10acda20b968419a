import CVigilShim
import Glibc
import Protocol

/// Server-group commands: DBSIZE, FLUSHDB, FLUSHALL, SWAPDB, TIME, LASTSAVE,
/// ROLE, SHUTDOWN, SLOWLOG (+Slowlog), LATENCY (+Latency).
enum ServerCommands {
    static let handlers: [String: CommandHandler] = [
        "dbsize": dbsize,
        "flushdb": flushdb,
        "flushall": flushall,
        "swapdb": swapdb,
        "time": time,
        "lastsave": lastsave,
        "role": role,
        "shutdown": shutdown,
        "slowlog|get": slowlogGet,
        "slowlog|len": slowlogLen,
        "slowlog|reset": slowlogReset,
        "slowlog|help": slowlogHelp,
        "latency|latest": latencyLatest,
        "latency|history": latencyHistory,
        "latency|reset": latencyReset,
        "latency|doctor": latencyDoctor,
        "latency|graph": latencyGraph,
        "latency|histogram": latencyHistogram,
        "latency|help": latencyHelp,
    ]

    // MARK: keyspace-wide

    static func dbsize(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.integer(c.db.count)
    }

    /// FLUSHDB/FLUSHALL take one optional SYNC or ASYNC; anything else is a
    /// syntax error. Freeing is always synchronous here, so both mean the same.
    private static func flushArgumentsValid(_ c: Client, _ argv: [[UInt8]]) -> Bool {
        if argv.count == 1 { return true }
        if argv.count == 2 && (argEquals(argv[1], "sync") || argEquals(argv[1], "async")) { return true }
        c.replyError("ERR syntax error")
        return false
    }

    static func flushdb(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard flushArgumentsValid(c, argv) else { return }
        s.touchWatchedKeysBeforeFlush(db: c.dbIndex)
        s.trackingInvalidateKeysOnFlush()
        // Waits on keys about to vanish are re-checked: a blocked XREADGROUP
        // is answered UNBLOCKED (signalFlushedDb's scan for deleted streams).
        s.signalWaitedKeys(db: c.dbIndex)
        s.dirty += c.db.removeAll()
        // Replayed even when the db was already empty (the replica's may not be).
        if s.feed.isActive { s.feed.forceCommandPropagation() }
        c.out.ok()
    }

    static func flushall(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard flushArgumentsValid(c, argv) else { return }
        var removed = 0
        s.trackingInvalidateKeysOnFlush()
        for db in s.databases {
            s.touchWatchedKeysBeforeFlush(db: db.id)
            s.signalWaitedKeys(db: db.id)
            removed += db.removeAll()
        }
        s.dirty += removed
        // flushAllDataAndResetRDB: a snapshot being written is stale now, and
        // with save points the empty dataset is saved at once (which zeroes
        // the dirty counter).
        if let child = s.backgroundChild, child.kind == .rdb { kill(child.pid, SIGUSR1) }
        if !s.config.saveParams.isEmpty { _ = s.saveInForeground() }
        // Replayed even when nothing was removed (the replica's may not be empty).
        if s.feed.isActive { s.feed.forceCommandPropagation() }
        c.out.ok()
    }

    static func swapdb(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let a = parseStrictInt64(argv[1]), a >= Int64(Int32.min), a <= Int64(Int32.max) else {
            c.replyError("ERR invalid first DB index")
            return
        }
        guard let b = parseStrictInt64(argv[2]), b >= Int64(Int32.min), b <= Int64(Int32.max) else {
            c.replyError("ERR invalid second DB index")
            return
        }
        let n = Int64(s.databases.count)
        guard a >= 0, a < n, b >= 0, b < n else {
            c.replyError("ERR DB index is out of range")
            return
        }
        if a != b { s.swapDatabases(Int(a), Int(b)) }
        s.dirty += 1
        c.out.ok()
    }

    // MARK: clocks

    static func time(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let us = s.clock.wallUs()
        c.out.arrayHeader(2)
        c.out.bulkInteger(us / 1_000_000)
        c.out.bulkInteger(us % 1_000_000)
    }

    static func lastsave(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.integer(s.lastSaveUnix)
    }

    // MARK: ROLE

    /// Master form: `master`, the replication offset, and one
    /// [ip, port, offset] triple per attached replica.
    static func role(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if s.replication.role == .replica {
            // slave, host, port, link state, applied offset (-1 without a live link).
            let link = s.replication.link
            c.out.arrayHeader(5)
            c.out.bulk("slave")
            c.out.bulk(link.masterHost ?? "")
            c.out.integer(link.masterPort)
            c.out.bulk(link.state.roleName)
            c.out.integer(link.roleOffset)
            return
        }
        // Online replicas only, port and offset as bulk strings.
        let replicas = s.replication.replicas.replicas.filter { $0.state == .online }
        c.out.arrayHeader(3)
        c.out.bulk("master")
        c.out.integer(s.replication.masterReplOffset)
        c.out.arrayHeader(replicas.count)
        for r in replicas {
            c.out.arrayHeader(3)
            c.out.bulk(r.ip)
            c.out.bulk(String(r.port))
            c.out.bulk(String(r.ackOffset))
        }
    }

    // MARK: SHUTDOWN

    /// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT], parsed as Redis's
    /// shutdownCommand: unknown words and illegal combinations are syntax errors.
    static func shutdown(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var save = false, nosave = false, now = false, force = false, abort = false
        for a in argv.dropFirst() {
            if argEquals(a, "nosave") { nosave = true }
            else if argEquals(a, "save") { save = true }
            else if argEquals(a, "now") { now = true }
            else if argEquals(a, "force") { force = true }
            else if argEquals(a, "abort") { abort = true }
            else {
                c.replyError("ERR syntax error")
                return
            }
        }
        if (abort && (save || nosave || now || force)) || (save && nosave) {
            c.replyError("ERR syntax error")
            return
        }
        if abort {
            // Only a signal's shutdown waits to be carried out (by the cron);
            // vigil does not wait for lagging replicas (shutdown-timeout).
            if s.abortSignalledShutdown() { c.out.ok() } else { c.replyError("ERR No shutdown in progress.") }
            return
        }
        // Past its time limit a script holds the dataset: only NOSAVE may end the process.
        if !nosave && s.scriptIsBusy {
            c.replyError(s.busyError)
            return
        }
        let saveChoice: Bool? = save ? true : (nosave ? false : nil)
        if let err = s.prepareForShutdown(save: saveChoice, now: now, force: force) {
            c.replyError(err)
        }
        // On success the process exits without replying, as Redis does.
    }
}
