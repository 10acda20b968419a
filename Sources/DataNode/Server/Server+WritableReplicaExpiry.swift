import Keyspace

/// Keys a writable replica's own clients gave a TTL (Redis's
/// slaveKeysWithExpire): its master never sends their deletion, so the
/// replica expires them itself, from the cron (expireSlaveKeys).
extension Server {
    /// After a write by a client other than the master on a replica: its keys
    /// that now carry a TTL are remembered with their database.
    func rememberWritableReplicaExpires(_ c: Client, _ cmd: Command, _ argv: [[UInt8]]) {
        let db = c.db
        guard db.expires.count > 0 else { return }
        KeyExtraction.forEachKey(cmd, argv) { position, _ in
            guard position < argv.count else { return true }
            let key = Key(argv[position])
            if db.expires[key] != nil { writableReplicaExpires[key, default: []].insert(db.id) }
            return true
        }
    }

    /// Deletes the remembered keys whose time has come (counted in
    /// expired_keys, notified and propagated as any expiry); a key that no
    /// longer has a TTL in a database is forgotten there.
    func expireWritableReplicaKeys() {
        let now = keyspace.nowMs
        for (key, ids) in writableReplicaExpires {
            var keep: Set<Int> = []
            for id in ids where id < databases.count {
                let db = databases[id]
                guard let when = db.expires[key] else { continue }
                // activeExpireCycleTryExpire: gone once now > t; kept until then.
                if when < now { db.deleteExpired(key) } else { keep.insert(id) }
            }
            writableReplicaExpires[key] = keep.isEmpty ? nil : keep
        }
    }
}
