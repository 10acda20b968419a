import Keyspace

/// DEBUG HTSTATS-KEY <key>: the chain statistics of the hash table holding a
/// value's members, in dict.c's dictGetStats text (HashTableStatsText).
enum DebugHashTableStats {
    static func key(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let db = c.db
        guard let pos = db.dict.position(of: Key(argv[2])) else {
            c.replyError("ERR no such key")
            return
        }
        switch db.dict.value(at: pos) {
        case .set(let set):
            if let dict = set.tableDict {
                c.out.verbatim(HashTableStatsText.render(dict.stats))
            } else if set.isIntset {
                c.replyError("ERR The value stored at the specified key is not represented using an hash table")
            } else {
                // OBJECT ENCODING says hashtable, but the members are still
                // packed (SetValue): there is no table whose stats could be told.
                c.replyError("ERR The set stored at the specified key is small and kept packed, without a hash table")
            }
        case .hash(let h) where h.encodingName == "hashtable":
            replyNoChains(c)
        case .zset(let z) where z.encodingName == "skiplist":
            replyNoChains(c)
        default:
            c.replyError("ERR The value stored at the specified key is not represented using an hash table")
        }
    }

    /// Hashes and sorted sets keep their members in a DenseDict (open
    /// addressing): it has no chains to report.
    static func replyNoChains(_ c: Client) {
        c.replyError("ERR HTSTATS-KEY is only available for sets on this server")
    }
}
