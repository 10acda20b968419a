import Keyspace
import Protocol

/// SSCAN key cursor [MATCH pattern] [COUNT count]. Compact sets (intsets, and
/// the packed small string sets) come back whole with cursor 0, as Redis's
/// intsets do; a hashtable walks DenseDict's cursor (see DenseDict.scan).
extension SetCommands {
    static func sscan(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard case let (cursor, set, options)? = CollectionScan.start(client, argv, { v -> SetValue? in
            if case .set(let s) = v { return s }
            return nil
        }) else { return }
        var items: [[UInt8]] = []
        var next = 0
        if case .table(let t) = set.kind {
            next = t.dict.scan(cursor: CollectionScan.startIndex(cursor), count: options.count) { k, _ in
                if options.matches(k.bytes) { items.append(k.bytes) }
            }
        } else {
            set.forEachBytes { b in
                let member = Array(b)
                if options.matches(member) { items.append(member) }
            }
        }
        CollectionScan.reply(client, cursor: next, items)
    }
}
