import Keyspace
import Protocol

/// SSCAN key cursor [MATCH pattern] [COUNT count]. Compact sets (intsets, and
/// the packed small string sets) come back whole with cursor 0, as Redis's
/// intsets do; a hashtable walks dict.c's reverse-binary cursor (ChainedDict.scan).
extension SetCommands {
    static func sscan(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard case let (cursor, set, options)? = CollectionScan.start(client, argv, { v -> SetValue? in
            if case .set(let s) = v { return s }
            return nil
        }) else { return }
        var items: [[UInt8]] = []
        var next = 0
        if case .table(let t) = set.kind {
            // scanGenericCommand: whole buckets until COUNT members are
            // gathered or COUNT*10 buckets were visited; MATCH filters after.
            let dict = t.dict
            var keys: [Key] = []
            var c = cursor
            var maxIterations = options.count * 10
            repeat {
                c = dict.scan(cursor: c) { keys.append(dict.key(at: $0)) }
                maxIterations -= 1
            } while c != 0 && maxIterations >= 0 && keys.count < options.count
            for k in keys {
                let member = k.bytes
                if options.matches(member) { items.append(member) }
            }
            next = Int(truncatingIfNeeded: c)
        } else {
            set.forEachBytes { b in
                let member = Array(b)
                if options.matches(member) { items.append(member) }
            }
        }
        CollectionScan.reply(client, cursor: next, items)
    }
}
