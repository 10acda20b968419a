import Keyspace
import Protocol

/// DEBUG HTSTATS <dbid>: the chain statistics of a database's keys table and
/// expires table, as debug.c writes them (one verbatim text reply).
enum DebugHTStats {
    static func run(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let id = parseStrictInt64(argv[2]) else {
            c.replyError("ERR value is not an integer or out of range")
            return
        }
        guard id >= 0 && id < Int64(s.databases.count) else {
            c.replyError("ERR Out of range database")
            return
        }
        let db = s.databases[Int(id)]
        c.out.verbatim("[Dictionary HT]\n" + HashTableStatsText.render([db.dict.indexStats])
                       + "[Expires HT]\n" + HashTableStatsText.render([db.expires.indexStats]))
    }
}
