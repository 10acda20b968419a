import Keyspace

/// Lazy freeing. Redis hands values whose free effort exceeds 64 to a
/// background thread; this server's modules use non-atomic reference counts
/// (-assume-single-threaded), so a value may not be released on another
/// thread. Instead the release is deferred to the end of beforeSleep, after
/// the replies of the current batch went out, so the client that caused a
/// large free does not wait for it.
public final class LazyFreeQueue {
    /// LAZYFREE_THRESHOLD.
    static let threshold = 64
    var pending: [Value] = []
    /// INFO lazyfreed_objects.
    public private(set) var freedObjects = 0

    public var pendingObjects: Int { pending.count }

    /// lazyfreeGetFreeEffort: elements of a collection in its large encoding
    /// (list: nodes), 1 for everything else.
    static func freeEffort(_ v: Value) -> Int {
        switch v {
        case .string: return 1
        case .list(let l): return l.nodeCount
        case .hash(let h): return h.encodingName == "hashtable" ? h.count : 1
        case .set(let s): return s.encodingName == "hashtable" ? s.count : 1
        case .zset(let z): return z.encodingName == "skiplist" ? z.count : 1
        // Nodes, plus each group and its pending entries (lazyfreeGetFreeEffort).
        case .stream(let st): return st.nodes.count + st.groups.values.reduce(0) { $0 + 1 + $1.pel.count }
        }
    }

    /// Takes the value if it is worth deferring; a small one is freed by the caller at once.
    func take(_ v: Value) {
        if Self.freeEffort(v) > Self.threshold { pending.append(v) }
    }

    /// lazyfreeResetStats (CONFIG RESETSTAT).
    func resetStats() { freedObjects = 0 }

    /// Releases what was deferred.
    func drain() {
        guard !pending.isEmpty else { return }
        freedObjects += pending.count
        pending.removeAll()
    }
}

extension Server {
    func lazyFree(_ value: Value) { lazyfree.take(value) }
}
