/// State shared by all databases of one server: the command clock, hit/miss
/// statistics, and what to do when a key expires.
public final class KeyspaceContext {
    /// Milliseconds since the epoch, frozen for the duration of one command,
    /// as Redis caches `mstime()` per call.
    public var nowMs: Int64 = 0
    public var keyspaceHits = 0
    public var keyspaceMisses = 0
    public var expiredKeys = 0
    public var expiredStalePercent = 0.0
    public var expiredTimeCapReachedCount = 0
    /// A replica never deletes expired keys itself: it waits for the master's DEL.
    public var isMaster = true
    /// A replica is running a command from its master's stream: keys the
    /// master has not deleted yet exist for it, whatever their TTL says.
    public var obeyingMaster = false
    /// replica-read-only: a read-only replica's write lookups never delete an
    /// expired key either (lookupKey's is_ro_replica), a writable one's do.
    public var replicaReadOnly = true
    /// Clients are paused (CLIENT PAUSE, a failover): the dataset stays as it
    /// is, so expired keys read as missing but stay until the pause ends
    /// (then the new master's DEL or our own expiry removes them).
    public var keepsExpiredKeys = false
    /// An AOF is being replayed: no key counts as expired (Redis's
    /// keyIsExpired while loading), so each command of the file applies to
    /// what it applied to when it was written; expired keys go after the load.
    public var loading = false
    /// checkAlreadyExpired's condition: a command giving a time already past
    /// deletes the key (not on a replica, not while an AOF replays).
    public var deletesPastExpiry: Bool { isMaster && !loading }
    /// Called after a key is deleted because it expired (propagation, notifications).
    public var onExpired: ((Database, Key) -> Void)?
    /// Called for every modified key (WATCH invalidation, client tracking).
    public var onModified: ((Database, Key) -> Void)?
    /// Called when a command adds a key that did not exist (the `new` keyspace
    /// event, fired before the command's own event as Redis's dbAdd does).
    public var onNew: ((Database, Key) -> Void)?
    /// Called when a read lookup finds nothing (the `keymiss` keyspace event).
    public var onKeyMiss: ((Database, Key) -> Void)?
    /// How access stamps are kept (AccessTracking.swift); mirrors maxmemory-policy.
    public var accessPolicy = AccessPolicy()
    /// State of the LFU counter's coin flips (xorshift; not security-relevant).
    public var randomState: UInt64 = 0x9E37_79B9_7F4A_7C15
    /// Access stamps of Redis's shared integer objects (SharedIntegers.swift).
    public var sharedIntegerStamps: [UInt32] = []

    public init() {}
}

/// One of the numbered databases: keys, their values, and their expire times.
public final class Database {
    public let id: Int
    public let context: KeyspaceContext
    /// Keeps an access stamp per key (OBJECT IDLETIME/FREQ, eviction).
    public var dict = DenseDict<Key, Value>(tracksAccess: true, guardsMemory: true)
    /// Absolute expire time in ms since the epoch.
    public var expires = DenseDict<Key, Int64>(guardsMemory: true)
    /// Running average TTL, as INFO keyspace's avg_ttl.
    public var avgTTL: Int64 = 0
    /// Where the active expire cycle resumes.
    public var expireCursor = 0

    public init(id: Int, context: KeyspaceContext) {
        self.id = id
        self.context = context
    }

    public var count: Int { dict.count }

    /// Array capacity of the key tables holding no entry (DenseDict.slackBytes),
    /// which used_memory leaves out.
    public var slackBytes: Int { dict.slackBytes + expires.slackBytes }

    // MARK: expiry

    public func expireTime(_ key: Key) -> Int64? { expires[key] }

    /// True when the key's expire time has passed (regardless of role). A key
    /// lives through the millisecond of its expire time: Redis's keyIsExpired
    /// is `now > when`, so SET PX 1 at ms t answers until t+1 and goes at t+2.
    public func isLogicallyExpired(_ key: Key) -> Bool {
        guard !context.loading, let when = expires[key] else { return false }
        return when < context.nowMs
    }

    /// Deletes the key if it is expired (on a master); returns true if it is
    /// logically expired, so callers treat it as missing.
    /// `forceDelete`: a write lookup (LOOKUP_WRITE), which on a writable
    /// replica deletes the expired key its own client is about to write, so
    /// the write starts from nothing, TTL included.
    @discardableResult
    public func expireIfNeeded(_ key: Key, forceDelete: Bool = false) -> Bool {
        // Most keys have no TTL: skip hashing the key a second time.
        if expires.isEmpty || context.loading { return false }
        guard let when = expires[key], when < context.nowMs else { return false }
        if !context.isMaster {
            if context.obeyingMaster { return false }
            if !forceDelete || context.replicaReadOnly { return true }
        }
        if context.keepsExpiredKeys { return true }
        deleteExpired(key)
        return true
    }

    public func deleteExpired(_ key: Key) {
        _ = dict.remove(key)
        _ = expires.remove(key)
        context.expiredKeys += 1
        context.onModified?(self, key)
        context.onExpired?(self, key)
    }

    public func setExpire(_ key: Key, at when: Int64) {
        expires.set(key, when)
    }

    @discardableResult
    public func removeExpire(_ key: Key) -> Bool { expires.remove(key) != nil }

    // MARK: lookups

    /// Read lookup: expires lazily, counts a hit or a miss, and records the
    /// access unless `touch` is false (Redis's LOOKUP_NOTOUCH: TYPE, TTL, OBJECT...);
    /// a miss is reported (keymiss) unless `notify` is false (LOOKUP_NONOTIFY).
    public func lookupRead(_ key: Key, touch: Bool = true, notify: Bool = true) -> Value? {
        if expireIfNeeded(key) {
            context.keyspaceMisses += 1
            if notify { context.onKeyMiss?(self, key) }
            return nil
        }
        let ctx = context
        if let v = touch ? dict.valueRecordingAccess(key, { ctx.accessStamp($0) }) : dict[key] {
            context.keyspaceHits += 1
            if touch, let n = ctx.sharedInteger(v) { ctx.touchSharedInteger(n) }
            return v
        }
        context.keyspaceMisses += 1
        if notify { context.onKeyMiss?(self, key) }
        return nil
    }

    /// Write lookup: expires lazily, records the access, counts nothing.
    public func lookupWrite(_ key: Key) -> Value? {
        if expireIfNeeded(key, forceDelete: true) { return nil }
        let ctx = context
        let v = dict.valueRecordingAccess(key) { ctx.accessStamp($0) }
        if let v, let n = ctx.sharedInteger(v) { ctx.touchSharedInteger(n) }
        return v
    }

    /// Lookup without side effects on stats (TYPE, EXISTS use their own rules).
    public func lookupNoStats(_ key: Key) -> Value? {
        if expireIfNeeded(key) { return nil }
        return dict[key]
    }

    public func exists(_ key: Key) -> Bool { lookupNoStats(key) != nil }

    // MARK: writes

    /// SET semantics: store, drop the TTL unless `keepTTL`, signal the change.
    public func setKey(_ key: Key, _ value: Value, keepTTL: Bool = false) {
        let ctx = context
        if dict.set(key, value, stamp: { ctx.storeStamp($0) }) { context.onNew?(self, key) }
        if !keepTTL && !expires.isEmpty { _ = expires.remove(key) }
        context.onModified?(self, key)
    }

    /// Adds a key known to be missing; `stamp` carries the access stamp of a
    /// moved value (RENAME, MOVE), otherwise the key counts as just accessed.
    public func add(_ key: Key, _ value: Value, stamp: UInt32? = nil) {
        let ctx = context
        dict.set(key, value) { _ in stamp ?? ctx.storeStamp(nil) }
        context.onNew?(self, key)
        context.onModified?(self, key)
    }

    /// Adds a key read from an RDB/AOF payload: no `new` event, as Redis's
    /// dbAddRDBLoad.
    public func addLoaded(_ key: Key, _ value: Value) {
        let ctx = context
        dict.set(key, value) { _ in ctx.storeStamp(nil) }
        context.onModified?(self, key)
    }

    /// Starts loading the index slot an insert of `key` will probe (a loader
    /// prefetches a few keys ahead of its inserts).
    @inline(__always)
    public func prefetchSlot(for key: Key) { dict.prefetch(key) }

    /// Adds a key that must be new (loading): false, and nothing changed, when it exists.
    public func addIfAbsent(_ key: Key, _ value: Value) -> Bool {
        guard dict.insertIfAbsent(key, value, stamp: context.storeStamp(nil)) else { return false }
        context.onModified?(self, key)
        return true
    }

    /// Replaces the value of an existing key, keeping its TTL.
    public func overwrite(_ key: Key, _ value: Value) {
        let ctx = context
        dict.set(key, value) { ctx.storeStamp($0) }
        context.onModified?(self, key)
    }

    /// Mutates a live value in place; signals the change. Returns nil if missing.
    @discardableResult
    public func modify<R>(_ key: Key, _ body: (inout Value) -> R) -> R? {
        guard let r = dict.modify(key, body) else { return nil }
        context.onModified?(self, key)
        return r
    }

    @discardableResult
    public func delete(_ key: Key) -> Bool { remove(key) != nil }

    /// DEL that hands the value back (UNLINK frees it later); nil when the
    /// key was missing or had expired.
    public func remove(_ key: Key) -> Value? {
        if expireIfNeeded(key) { return nil }
        guard let value = dict.remove(key) else { return nil }
        _ = expires.remove(key)
        context.onModified?(self, key)
        return value
    }

    /// Empties the database; returns how many keys it held.
    @discardableResult
    public func removeAll() -> Int {
        let n = dict.count
        dict.removeAll()
        expires.removeAll()
        avgTTL = 0
        expireCursor = 0
        return n
    }

    /// A random live key (expired ones found on the way are reaped), as RANDOMKEY.
    public func randomKey<G: RandomNumberGenerator>(using g: inout G) -> Key? {
        var tries = 0
        while let i = dict.randomPosition(using: &g) {
            let k = dict.key(at: i)
            if let when = expires[k], when < context.nowMs {
                if context.isMaster {
                    deleteExpired(k)
                    continue
                }
                // A replica cannot delete; give up after many expired picks, as Redis does.
                tries += 1
                if tries > 100 { return k }
                continue
            }
            return k
        }
        return nil
    }
}
