import Keyspace

/// The server's side of client-side caching, as Redis's tracking.c keeps it:
/// key name → ids of the clients that read it (default mode), and per BCAST
/// prefix its clients and the keys modified since the last broadcast. No IO
/// here: callers get the ids to notify and do the sending.
public final class TrackingTable {
    /// Some client enabled tracking once (Redis creates its tables then and
    /// keeps them): until then writes skip every lookup.
    public private(set) var created = false
    /// Key → ids, each id once. Dense so a random key is O(1) for the size limit.
    var keys = DenseDict<Key, [Int]>()
    /// Sum of the id lists, stale ids of clients gone or switched off included.
    public private(set) var totalItems = 0
    var prefixes: [Key: BroadcastPrefix] = [:]
    /// Clients with tracking on (INFO tracking_clients).
    public internal(set) var clientCount = 0
    /// Some prefix collected a key since the last broadcast.
    private(set) var broadcastPending = false
    /// Rounds in a row that ended still over tracking-table-max-keys.
    var limitRounds = 0
    /// Invalidations for the client whose command is running, sent after
    /// its reply (nil: a flush).
    var pending: [Key?] = []

    struct BroadcastPrefix {
        /// Ids in subscription order (messages per client are independent).
        var clients: [Int] = []
        /// Modified key → the id of the client that modified it (0: none, as
        /// for expiry and eviction), the last one winning as in Redis's rax.
        var keys: [Key: Int] = [:]
    }

    public var keyCount: Int { keys.count }
    public var prefixCount: Int { prefixes.count }

    func noteCreated() { created = true }

    // MARK: default mode

    /// trackingRememberKeys: the client may cache these keys until told otherwise.
    func remember(_ key: Key, id: Int) {
        if let i = keys.position(of: key) {
            let added = keys.modify(at: i) { ids -> Bool in
                if ids.contains(id) { return false }
                ids.append(id)
                return true
            }
            if added { totalItems += 1 }
        } else {
            keys.set(key, [id])
            totalItems += 1
        }
    }

    /// Drops the key's entry and returns who had read it.
    func take(_ key: Key) -> [Int]? {
        guard let ids = keys.remove(key) else { return nil }
        totalItems -= ids.count
        return ids
    }

    /// A key to invalidate when over the size limit (Redis walks its rax at random).
    func randomKey<G: RandomNumberGenerator>(using g: inout G) -> Key? {
        keys.randomPosition(using: &g).map { keys.key(at: $0) }
    }

    /// FLUSHALL/FLUSHDB: every client is told to drop everything, so the table restarts empty.
    func removeAllKeys() {
        keys.removeAll()
        totalItems = 0
    }

    // MARK: BCAST

    /// enableBcastTrackingForPrefix; false when the client already had it.
    @discardableResult
    func subscribe(id: Int, prefix: Key) -> Bool {
        if prefixes[prefix]?.clients.contains(id) == true { return false }
        prefixes[prefix, default: BroadcastPrefix()].clients.append(id)
        return true
    }

    func unsubscribe(id: Int, prefix: Key) {
        guard var state = prefixes[prefix] else { return }
        state.clients.removeAll { $0 == id }
        prefixes[prefix] = state.clients.isEmpty ? nil : state
    }

    /// trackingRememberKeyToBroadcast: the key joins every prefix it starts with.
    func collectForBroadcast(_ key: Key, modifiedBy id: Int) {
        if prefixes.isEmpty { return }
        let bytes = key.bytes
        for (prefix, _) in prefixes where bytes.starts(with: prefix.bytes) {
            prefixes[prefix]!.keys[key] = id
            broadcastPending = true
        }
    }

    /// An expired key was collected with the client whose command found it:
    /// Redis signals expiry with no client, so NOLOOP does not hide it.
    func clearModifier(of key: Key) {
        guard broadcastPending else { return }
        let bytes = key.bytes
        for (prefix, _) in prefixes where bytes.starts(with: prefix.bytes) {
            if prefixes[prefix]!.keys[key] != nil { prefixes[prefix]!.keys[key] = 0 }
        }
    }

    /// One message per prefix (in prefix order) with its keys in byte order,
    /// for every subscriber; collected keys are cleared.
    struct Broadcast {
        var clients: [Int]
        var keys: [(key: Key, modifiedBy: Int)]
    }

    func drainBroadcasts() -> [Broadcast] {
        broadcastPending = false
        var out: [Broadcast] = []
        for prefix in prefixes.keys.sorted(by: Self.radixOrder) {
            guard !prefixes[prefix]!.keys.isEmpty else { continue }
            let state = prefixes[prefix]!
            prefixes[prefix]!.keys = [:]
            let keys = state.keys.map { (key: $0.key, modifiedBy: $0.value) }.sorted { Self.radixOrder($0.key, $1.key) }
            out.append(Broadcast(clients: state.clients, keys: keys))
        }
        return out
    }

    /// Byte-wise order, a prefix before its extensions: how a rax iterates.
    static func radixOrder(_ a: Key, _ b: Key) -> Bool {
        a.bytes.lexicographicallyPrecedes(b.bytes)
    }

    /// Where `p` goes in keys sorted by radixOrder: after those before it.
    static func insertionIndex(of p: [UInt8], in sorted: [Key]) -> Int {
        var lo = 0, hi = sorted.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if sorted[mid].bytes.lexicographicallyPrecedes(p) { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// stringCheckPrefix: one is a prefix of the other (equal ones included).
    static func overlaps(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        let n = min(a.count, b.count)
        return a.prefix(n).elementsEqual(b.prefix(n))
    }
}
