import Keyspace
import Protocol

/// HSCAN; what it shares with SSCAN and ZSCAN is in CollectionScan.swift.
extension HashCommands {
    /// HSCAN key cursor [MATCH pattern] [COUNT count]. A listpack hash is
    /// returned whole with cursor 0, as Redis does; a hashtable walks
    /// DenseDict's cursor (see DenseDict.scan for the guarantee).
    static func hscan(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard case let (cursor, h, options)? = CollectionScan.start(client, argv, { v -> HashValue? in
            if case .hash(let h) = v { return h }
            return nil
        }) else { return }
        var items: [[UInt8]] = []
        var next = 0
        if let t = h.table {
            next = t.dict.scan(cursor: CollectionScan.startIndex(cursor), count: options.count) { k, v in
                if options.matches(k.bytes) {
                    items.append(k.bytes)
                    items.append(v)
                }
            }
        } else {
            h.forEach { f, v in
                let field = Array(f)
                if options.matches(field) {
                    items.append(field)
                    items.append(Array(v))
                }
            }
        }
        CollectionScan.reply(client, cursor: next, items)
    }
}
