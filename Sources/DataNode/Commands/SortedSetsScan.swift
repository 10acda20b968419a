import Keyspace
import Protocol

/// ZSCAN key cursor [MATCH pattern] [COUNT count]: checks, options and reply
/// as HSCAN's and SSCAN's (CollectionScan). A listpack comes back whole with
/// cursor 0.
extension SortedSetCommands {
    static func zscan(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard case let (cursor, z, options)? = CollectionScan.start(client, argv, { v -> SortedSetValue? in
            if case .zset(let z) = v { return z }
            return nil
        }) else { return }
        var items: [[UInt8]] = []
        let next = z.scan(cursor: CollectionScan.startIndex(cursor), count: options.count) { m, s in
            if options.matches(m) {
                items.append(m)
                items.append(s)
            }
        }
        CollectionScan.reply(client, cursor: next, items)
    }
}
