import CVigilShim
import Keyspace
import Protocol
import Reactor

// Clients blocked on keys (BLPOP, BLMOVE, BLMPOP, BZPOPMIN...), as Redis 7.0's
// blocked.c. The whole API a blocking command needs:
//
//   guard let deadline = server.parseBlockingTimeout(c, argv[i]) else { return }  // replied on error
//   ... try the non-blocking path first; if it served, return ...
//   if !server.clientMayBlock(c) { c.out.nullArray(); return }   // inside MULTI/EXEC
//   server.blockClient(c, argv, on: keys, kind: .zset, deadlineMs: deadline) { server, c, key in
//       // `key` holds a value of `kind` in c.db: reply exactly as the command
//       // would have, pop, delete the key if it became empty, bump dirty.
//   }
//
// Everything else is handled here: wake-up in first-come-first-served order
// per key once a command (or a whole EXEC) has finished, timeouts (the
// timeout reply is a null array, as 7.0 sends for lists, zsets and streams),
// CLIENT UNBLOCK, clients that disconnect while blocked, and processing the
// input a client sent while it was blocked.

/// The kind of value a blocked client waits for. A key that becomes ready
/// holding another type leaves the client blocked (7.0's behaviour).
public enum BlockKind: Sendable {
    case list, zset
    /// XREAD / XREADGROUP: the serve step decides whether the key has
    /// something for the client (new entries, a destroyed group, a deleted key).
    case stream

    @inline(__always)
    public func accepts(_ v: Value) -> Bool {
        switch (self, v) {
        case (.list, .list), (.zset, .zset), (.stream, .stream): return true
        default: return false
        }
    }
}

/// Serves a blocked client from `key`, which holds a value its kind accepts
/// in the client's database. Called at most once per block; the client is
/// unblocked right after it returns (whether it replied with data or an error).
public typealias BlockedServe = (_ server: Server, _ client: Client, _ key: Key) -> Void

/// A stream wait's serve step, run whenever its key is signalled (whatever
/// the key now holds, even nothing): true when it answered the client,
/// false to keep waiting (nothing new for it yet).
public typealias BlockedTryServe = (_ server: Server, _ client: Client, _ key: Key) -> Bool

extension ClientFlags {
    /// Waiting in a blocking command: input is kept but not processed.
    /// A high bit, clear of the flags Client.swift defines.
    public static let blocked = ClientFlags(rawValue: 1 << 24)
}

/// One blocked client's wait.
final class BlockedWait {
    let client: Client
    let db: Int
    let keys: [Key]
    let kind: BlockKind
    /// Unix ms (command clock), 0 for no timeout.
    let deadlineMs: Int64
    let serve: BlockedTryServe
    /// For the statistics Redis records when the command completes.
    let command: Command?
    let argv: [[UInt8]]
    var timer: EventLoop.TimerID?
    var done = false
    /// What a timeout answers when not a null array (WAIT: the ACK count then).
    var timeoutReply: ((Client) -> Void)?

    init(client: Client, db: Int, keys: [Key], kind: BlockKind, deadlineMs: Int64, serve: @escaping BlockedTryServe,
         command: Command?, argv: [[UInt8]]) {
        self.client = client
        self.db = db
        self.keys = keys
        self.kind = kind
        self.deadlineMs = deadlineMs
        self.serve = serve
        self.command = command
        self.argv = argv
    }
}

/// Clients waiting on one key, oldest first. Finished waits are dropped
/// lazily, so unblocking is O(1) per key even with many waiters.
final class WaitQueue {
    var waits: [BlockedWait] = []
    var live = 0

    func compact() {
        waits.removeAll { $0.done }
        live = waits.count
    }
}

struct ReadyKey: Hashable {
    let db: Int
    let key: Key
}

/// The server's blocked-client bookkeeping (one per Server).
public final class BlockingRegistry {
    var byClient: [Int: BlockedWait] = [:]
    /// Per database index: waiting clients by key.
    var queues: [[Key: WaitQueue]] = []
    /// Keys signalled since the last serve, in signal order (Redis's ready_keys).
    var ready: [ReadyKey] = []
    var readySet = Set<ReadyKey>()
    var deadlines = DeadlineHeap()
    /// Unblocked clients whose pending input runs before the loop sleeps.
    var unblocked: [Client] = []

    init() {}

    /// INFO's blocked_clients.
    public var blockedClients: Int { byClient.count }
    /// INFO's clients_in_timeout_table.
    public var clientsWithTimeout: Int { byClient.values.reduce(0) { $0 + ($1.deadlineMs != 0 ? 1 : 0) } }
    @inline(__always) public var hasWaiters: Bool { !byClient.isEmpty }
    @inline(__always) var hasReadyKeys: Bool { !ready.isEmpty }

    /// Queues `key` for serving if someone waits on it (signalKeyAsReady).
    /// Every modification signals: only keys someone waits on are queued.
    @inline(__always)
    func signal(db: Int, key: Key) {
        guard db < queues.count, queues[db][key] != nil else { return }
        let r = ReadyKey(db: db, key: key)
        if readySet.insert(r).inserted { ready.append(r) }
    }

    /// Keys with waiters in `db` (SWAPDB re-checks them all).
    func waitedKeys(db: Int) -> [Key] {
        db < queues.count ? Array(queues[db].keys) : []
    }

    func enqueue(_ w: BlockedWait) {
        while queues.count <= w.db { queues.append([:]) }
        for k in w.keys {
            let q: WaitQueue
            if let existing = queues[w.db][k] { q = existing } else {
                q = WaitQueue()
                queues[w.db][k] = q
            }
            q.waits.append(w)
            q.live += 1
        }
        byClient[w.client.id] = w
        if w.deadlineMs != 0 { deadlines.push(w) }
    }

    /// Marks the wait finished and drops it from its keys' queues.
    func dequeue(_ w: BlockedWait) {
        guard !w.done else { return }
        w.done = true
        byClient[w.client.id] = nil
        for k in w.keys {
            guard let q = queues[w.db][k] else { continue }
            q.live -= 1
            if q.live <= 0 {
                queues[w.db][k] = nil
            } else if q.waits.count > 2 * q.live + 8 {
                q.compact()
            }
        }
    }
}

/// Min-heap of waits by deadline; finished waits are skipped when they surface.
typealias DeadlineHeap = MinHeap<BlockedWait>

extension BlockedWait: HeapOrdered {
    var heapKey: Int64 { deadlineMs }
}

extension MinHeap where Element == BlockedWait {
    /// Drops finished waits sitting at the top.
    mutating func trimDone() {
        while let t = peek, t.done { pop() }
    }
}

extension Server {
    // MARK: the API for blocking commands

    /// False inside MULTI/EXEC and for our master's link: the command must
    /// then answer as if it had timed out (Redis's CLIENT_DENY_BLOCKING).
    public func clientMayBlock(_ c: Client) -> Bool {
        !c.flags.contains(.multi) && !c.flags.contains(.master) && !c.flags.contains(.denyBlocking)
    }

    /// Blocks `c` on `keys` of its current database until `serve` has run
    /// for one of them, the deadline passes (null-array reply), CLIENT
    /// UNBLOCK, or the client disconnects. The client processes no input
    /// meanwhile. Duplicate keys count once. `argv` is the command's, for
    /// the statistics recorded when it completes.
    public func blockClient(_ c: Client, _ argv: [[UInt8]], on keys: [Key], kind: BlockKind, deadlineMs: Int64,
                            timeoutReply: ((Client) -> Void)? = nil, serve: @escaping BlockedServe) {
        blockClient(c, argv, on: keys, kind: kind, deadlineMs: deadlineMs, timeoutReply: timeoutReply, tryServe: { s, c, k in
            serve(s, c, k)
            return true
        })
    }

    /// Blocks `c` with a serve step that may decline (streams): see BlockedTryServe.
    /// `timeoutReply` answers a timeout instead of the null array (WAIT: its ACK count).
    public func blockClient(_ c: Client, _ argv: [[UInt8]], on keys: [Key], kind: BlockKind, deadlineMs: Int64,
                            timeoutReply: ((Client) -> Void)? = nil, tryServe serve: @escaping BlockedTryServe) {
        var unique: [Key] = []
        unique.reserveCapacity(keys.count)
        var seen = Set<Key>()
        for k in keys where seen.insert(k).inserted { unique.append(k) }
        let cmd = argv.first.flatMap { commands.lookup($0) }
        let w = BlockedWait(client: c, db: c.dbIndex, keys: unique, kind: kind, deadlineMs: deadlineMs,
                            serve: serve, command: cmd, argv: argv)
        w.timeoutReply = timeoutReply
        c.flags.insert(.blocked)
        blocking.enqueue(w)
        if deadlineMs != 0 {
            // Wake the loop just after the deadline (the check is strict, as Redis's).
            let wait = max(0, deadlineMs - clock.keyspaceMs()) + 1
            w.timer = loop.addTimer(afterMs: wait) { [unowned self] in
                self.handleBlockedClientsTimeout()
                return nil
            }
        }
    }

    // MARK: hooks called from Server.swift

    /// Serves the clients waiting on keys signalled since the last call, in
    /// signal order and, per key, in blocking order (handleClientsBlockedOnKeys).
    func handleClientsBlockedOnKeys() {
        while !blocking.ready.isEmpty {
            let batch = blocking.ready
            blocking.ready.removeAll()
            for r in batch {
                // Out of the set first: serving may signal this key again (BLMOVE).
                blocking.readySet.remove(r)
                serveWaiters(db: r.db, key: r.key)
            }
        }
    }

    private func serveWaiters(db dbIndex: Int, key: Key) {
        guard dbIndex < blocking.queues.count, let q = blocking.queues[dbIndex][key] else { return }
        keyspace.nowMs = clock.keyspaceMs()
        let db = databases[dbIndex]
        let kind: BlockKind?
        switch db.lookupNoStats(key) {
        case .list?: kind = .list
        case .zset?: kind = .zset
        case .stream?: kind = .stream
        default: kind = nil
        }
        for w in q.waits {
            // Stream waits are offered every signal: a deleted key or another
            // type ends XREADGROUP waits with an error (7.0.15).
            guard !w.done, w.kind == kind || w.kind == .stream, !w.client.isFreed else { continue }
            let c = w.client
            let replyStart = c.out.bytes.count
            let errorsBefore = stats.totalErrorReplies
            let startUs = clock.wallUs()
            let dirtyBefore = dirty
            let previousClient = currentClientId
            currentClientId = c.id
            servingBlockedClient = true
            let served = w.serve(self, c, key)
            servingBlockedClient = false
            guard served else {
                currentClientId = previousClient
                continue
            }
            if feed.isActive { propagateServed(c, db: dbIndex, argv: w.argv, wrote: dirty != dirtyBefore) }
            finishBlockedCommand(w, durationUs: clock.wallUs() - startUs,
                                 failed: stats.totalErrorReplies != errorsBefore, replyStart: replyStart)
            unblock(w)
            // afterCommand(receiver): its own invalidations, after its reply.
            if !tracking.pending.isEmpty { trackingHandlePendingKeyInvalidations() }
            currentClientId = previousClient
            // Stop once the value is gone (served empty, deleted); streams are never consumed.
            if w.kind == .stream { continue }
            guard let k = kind, let v = db.dict[key], k.accepts(v) else { break }
        }
        if let q2 = blocking.queues[dbIndex][key], q2.waits.count > q2.live { q2.compact() }
    }

    /// Times out clients whose deadline has passed (strictly, as Redis).
    func handleBlockedClientsTimeout() {
        blocking.deadlines.trimDone()
        guard !blocking.deadlines.isEmpty else { return }
        let now = clock.keyspaceMs()
        while let w = blocking.deadlines.peek, w.done || w.deadlineMs < now {
            blocking.deadlines.pop()
            if w.done { continue }
            let replyStart = w.client.out.bytes.count
            if let reply = w.timeoutReply { reply(w.client) } else { w.client.out.nullArray() }
            finishBlockedCommand(w, durationUs: 0, failed: false, replyStart: replyStart)
            unblock(w)
        }
    }

    /// CLIENT UNBLOCK: answers the blocked client with the timeout reply or
    /// the UNBLOCKED error. False when the client is not blocked.
    public func unblockClientByRequest(_ c: Client, error: Bool) -> Bool {
        guard let w = blocking.byClient[c.id] else { return false }
        let replyStart = c.out.bytes.count
        if error {
            c.replyError("UNBLOCKED client unblocked via CLIENT UNBLOCK")
        } else {
            c.out.nullArray()
        }
        // 7.0 counts the command as failed either way.
        finishBlockedCommand(w, durationUs: 0, failed: true, replyStart: replyStart)
        unblock(w)
        return true
    }

    /// Ends a wait on something other than keys (WAIT's ACKs) with `reply`.
    func unblockClient(_ c: Client, reply: (Client) -> Void) {
        guard let w = blocking.byClient[c.id] else { return }
        let replyStart = c.out.bytes.count
        reply(c)
        finishBlockedCommand(w, durationUs: 0, failed: false, replyStart: replyStart)
        unblock(w)
    }

    /// A blocked client is going away: forget its wait without replying.
    func blockedClientFreed(_ c: Client) {
        guard let w = blocking.byClient[c.id] else { return }
        blocking.dequeue(w)
        if let t = w.timer { loop.cancelTimer(t) }
        c.flags.remove(.blocked)
    }

    /// Before the loop sleeps: timeouts, keys signalled outside a command,
    /// then the input unblocked clients sent while they waited.
    func handleBlockedClientsBeforeSleep() {
        handleBlockedClientsTimeout()
        if blocking.hasReadyKeys { handleClientsBlockedOnKeys() }
        while !blocking.unblocked.isEmpty {
            let list = blocking.unblocked
            blocking.unblocked.removeAll()
            for c in list where !c.isFreed && !c.flags.contains(.blocked) {
                if let conn = c.connection, conn.input.readableBytes > 0 { processInput(c) }
            }
        }
    }

    /// SWAPDB: keys waited on in either database may now hold data.
    func signalWaitedKeys(db: Int) {
        for k in blocking.waitedKeys(db: db) { blocking.signal(db: db, key: k) }
    }

    // MARK: internals

    private func unblock(_ w: BlockedWait) {
        blocking.dequeue(w)
        if let t = w.timer { loop.cancelTimer(t) }
        let c = w.client
        c.flags.remove(.blocked)
        c.markPendingWrite()
        checkOutputBufferLimits(c)
        blocking.unblocked.append(c)
    }

    /// The statistics call() skipped when the command blocked (updateStatsOnUnblock),
    /// and CLIENT REPLY OFF applied to the late reply.
    private func finishBlockedCommand(_ w: BlockedWait, durationUs: Int64, failed: Bool, replyStart: Int) {
        let c = w.client
        if c.replyMode == .off && replyStart <= c.out.bytes.count { c.dropReply(from: replyStart) }
        guard let cmd = w.command else { return }
        let real = cmd
        real.calls += 1
        real.microseconds += durationUs
        if failed { real.failedCalls += 1 }
        latency.commandFinished(real, durationUs: durationUs, clock: clock)
        if hot.slowlogLogSlowerThan >= 0 && durationUs >= Int64(hot.slowlogLogSlowerThan) && !real.flags.contains(.skipSlowlog) {
            slowlog.push(args: w.argv, durationUs: durationUs, unixTime: Int(keyspace.nowMs / 1000), client: c, maxLen: hot.slowlogMaxLen)
        }
    }
}
