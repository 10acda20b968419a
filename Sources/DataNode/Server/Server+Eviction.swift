import CVigilShim
import Keyspace

/// maxmemory enforcement, as Redis's performEvictions: before a command (and
/// from a timer when the time budget ran out) keys are deleted by the policy
/// until used memory is back under the limit.
extension Server {
    /// used_memory: the allocator's live bytes less the unused capacity of
    /// the key tables' arrays (a deleted key's slot stays allocated until
    /// the array is reused, but it is free for the next key as a freed
    /// block would be). Without this an eviction of a small key would
    /// never show any memory freed.
    public func usedMemory() -> Int {
        if let model = eviction.usedMemoryModel { return model() }
        var slack = 0
        for db in databases { slack += db.slackBytes }
        return Int(vigil_used_memory()) - slack
    }

    /// Bytes over maxmemory (0 when under it or unlimited).
    var memoryOverLimit: Int {
        let limit = hot.maxmemory
        guard limit > 0 else { return 0 }
        // The slack can only lower the figure: under the limit without it, done.
        if eviction.usedMemoryModel == nil && Int(vigil_used_memory()) <= limit { return 0 }
        let used = max(usedMemory() - memoryNotCountedForEvict, 0)
        return used > limit ? used - limit : 0
    }

    /// freeMemoryGetNotCountedMemory: what replicas have still to receive and
    /// the AOF buffer. Evicting keys to make room for them would only add
    /// DELs to them: a feedback loop that could empty the dataset.
    var memoryNotCountedForEvict: Int {
        var n = replicaOutputMemory
        if aof.state != .off { n += aof.buffer.capacity }
        return n
    }

    /// The replicas' output queues as allocated (INFO's mem_clients_slaves).
    var replicaOutputMemory: Int {
        var n = 0
        for id in replication.replicaIds {
            guard let c = clients[id] else { continue }
            n += c.out.bytes.capacity + (c.connection?.outputCapacity ?? 0)
        }
        return n
    }

    /// isSafeToPerformEvictions: a replica ignoring maxmemory (the default)
    /// leaves eviction to its master, and paused clients freeze the dataset.
    var evictionAllowed: Bool {
        if !keyspace.isMaster && hot.replicaIgnoreMaxmemory { return false }
        if pause.isSet { return false }
        return true
    }

    @discardableResult
    public func performEvictions() -> EvictionState.Outcome {
        guard hot.maxmemory > 0, evictionAllowed else { return .ok }
        var toFree = memoryOverLimit
        if toFree == 0 {
            noteEvictionEpisodeEnd()
            return .ok
        }
        let policy = hot.evictionPolicy
        if policy == .noeviction { return noteEvictionEpisode(.fail) }
        // In a pipelined batch, the previous command's end reading: the
        // time the command about to run will be given (call()) anyway.
        keyspace.nowMs = clock.keyspaceMs(wallUs: clock.commandStartUs())
        let startUs = clock.monotonicUs()
        let limitUs = evictionTimeLimitUs(tenacity: hot.evictionTenacity)
        var freed = 0
        var evicted = 0
        while freed < toFree {
            guard let (db, key, position) = selectEvictionVictim(policy) else {
                // Nothing left that the policy may evict.
                return noteEvictionEpisode(.fail)
            }
            // Only the deletion counts as freed, as in Redis: the invalidation
            // messages and DELs it then sends grow client buffers, and counting
            // that growth would evict more keys to make room for their own
            // invalidations (a loop that can drain the dataset).
            let before = usedMemoryChangingWith(db)
            removeEvictedKey(db, key, at: position)
            freed += before - usedMemoryChangingWith(db)
            signalEvictedKey(db, key)
            evicted += 1
            if evicted % 16 == 0 {
                if let limitUs, clock.monotonicUs() - startUs > limitUs {
                    startEvictionTimer()
                    return noteEvictionEpisode(.running)
                }
                // Memory may also fall by other means (a lazy free, a client gone).
                toFree = min(toFree, memoryOverLimit)
            }
        }
        return noteEvictionEpisode(.ok)
    }

    /// used_memory as far as a deletion from `db` changes it: the other
    /// databases' slack is left out, as one deletion cannot change it, so
    /// the difference of two readings is the whole of what the deletion
    /// freed, without walking all the databases twice per evicted key.
    @inline(__always)
    func usedMemoryChangingWith(_ db: Database) -> Int {
        if let model = eviction.usedMemoryModel { return model() }
        return Int(vigil_used_memory()) - db.slackBytes
    }

    /// The key to evict next, as a copy of its own (Redis's keyobj): the
    /// dict's key is then released by the deletion and counted as freed.
    /// Sharing the dict's storage, a long key name would free nothing until
    /// after the measurement, and eviction would go on far past the limit.
    /// With it, the key's position in the main dict when selection saw it there.
    func selectEvictionVictim(_ policy: EvictionPolicy) -> (Database, Key, Int?)? {
        guard let victim = eviction.selector.select(databases, policy: policy, samples: hot.maxmemorySamples) else {
            return nil
        }
        // Copied from its bytes, not through `bytes` (an array made and freed
        // per eviction, for an inline key that has no storage to release).
        return (victim.db, victim.key.withUnsafeBytes { Key($0) }, victim.position)
    }

    /// Deletes one key for eviction, a lazy free included (as dbAsyncDelete
    /// is); `position`, when known, spares the main dict's hash lookup.
    func removeEvictedKey(_ db: Database, _ key: Key, at position: Int?) {
        let value = position.map { db.dict.remove(at: $0) } ?? db.dict.remove(key)
        if !db.expires.isEmpty { _ = db.expires.remove(key) }
        if hot.lazyfreeLazyEviction, let value { lazyFree(value) }
    }

    /// What follows an eviction: statistics, WATCH/tracking invalidation, and
    /// a DEL (UNLINK under lazyfree-lazy-eviction) to replicas and the AOF,
    /// outside any transaction.
    func signalEvictedKey(_ db: Database, _ key: Key) {
        stats.evictedKeys += 1
        keyspace.onModified?(db, key)
        // Redis signals an eviction with no client: NOLOOP does not hide it.
        if tracking.created { tracking.clearModifier(of: key) }
        notifyKeyspaceEvent(ConfigNotifyFlags.evicted, "evicted", key, db: db.id)
        if feed.isActive {
            feed.propagateNow(db: db.id, [Array(evictKeyCommandName.utf8), key.bytes])
        }
    }

    func startEvictionTimer() {
        guard !eviction.timerRunning else { return }
        eviction.timerRunning = true
        loop.addTimer(afterMs: 0) { [unowned self] in
            if self.performEvictions() == .running { return 0 }
            self.eviction.timerRunning = false
            return nil
        }
    }

    func noteEvictionEpisodeEnd() {
        guard eviction.overLimitSinceUs != 0 else { return }
        eviction.exceededTotalMs += (clock.monotonicUs() - eviction.overLimitSinceUs) / 1000
        eviction.overLimitSinceUs = 0
    }

    /// performEvictions's update_metrics: an episode over the limit starts
    /// when eviction could not finish (running on in the timer, or failed)
    /// and ends when it brought memory back under the limit. Evictions that
    /// finish at once, every write at the limit, take no time readings.
    func noteEvictionEpisode(_ outcome: EvictionState.Outcome) -> EvictionState.Outcome {
        if outcome == .ok {
            noteEvictionEpisodeEnd()
        } else if eviction.overLimitSinceUs == 0 {
            eviction.overLimitSinceUs = clock.monotonicUs()
        }
        return outcome
    }

    /// INFO's current_eviction_exceeded_time / total_eviction_exceeded_time (ms).
    var evictionExceededTimes: (current: Int64, total: Int64) {
        let current = eviction.overLimitSinceUs == 0 ? 0 : (clock.monotonicUs() - eviction.overLimitSinceUs) / 1000
        return (current, eviction.exceededTotalMs + current)
    }
}

extension Server {
    /// shared.oomerr.
    static let oomError = "OOM command not allowed when used memory > 'maxmemory'."
    static let oomExempt: Set<String> = ["exec", "discard", "quit", "reset"]

    /// processCommand's memory step: evict, and if that cannot bring memory
    /// under the limit, refuse commands that may grow it (denyoom, or an EXEC
    /// whose queue holds one) and, inside MULTI, everything but EXEC,
    /// DISCARD, QUIT and RESET.
    func oomRefusal(_ c: Client, _ cmd: Command) -> String? {
        guard performEvictions() == .fail else { return nil }
        var reject = cmd.flags.contains(.denyoom)
            || (cmd.isExec && c.multiQueue.contains { effectiveFlags($0.command, $0.argv).contains(.denyoom) })
        if c.flags.contains(.multi) && !Self.oomExempt.contains(cmd.fullName) { reject = true }
        return reject ? Self.oomError : nil
    }
}

extension Server {
    /// The command an eviction propagates as (lazyfree-lazy-eviction decides).
    var evictKeyCommandName: String { hot.lazyfreeLazyEviction ? "UNLINK" : "DEL" }
}
