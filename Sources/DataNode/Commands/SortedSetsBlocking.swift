import Keyspace
import Protocol

/// BZPOPMIN, BZPOPMAX and BZMPOP: Redis 7.0's blockingGenericZpopCommand on
/// the shared blocking machinery (Server/Blocking.swift). When served later
/// the reply is the one genericZpopCommand gives with the key.
extension SortedSetCommands {
    static func bzpopmin(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        blockingPop(server, client, argv, keys: Array(argv[1..<(argv.count - 1)]), highest: false,
                    timeoutArg: argv[argv.count - 1], count: -1, nested: false)
    }

    static func bzpopmax(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        blockingPop(server, client, argv, keys: Array(argv[1..<(argv.count - 1)]), highest: true,
                    timeoutArg: argv[argv.count - 1], count: -1, nested: false)
    }

    /// BZMPOP timeout numkeys key... MIN|MAX [COUNT count]: the other
    /// arguments are checked before the timeout, as in Redis.
    static func bzmpop(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let p = parseMpop(client, argv, numkeysIndex: 2) else { return }
        blockingPop(server, client, argv, keys: p.keys, highest: p.highest, timeoutArg: argv[1], count: p.count, nested: true)
    }

    /// The first non-empty sorted set serves now; otherwise a null array in
    /// MULTI, else the client waits. `nested` is BZMPOP's reply shape (which
    /// also answers a null array when nothing is there).
    static func blockingPop(_ server: Server, _ client: Client, _ argv: [[UInt8]], keys: [[UInt8]], highest: Bool,
                            timeoutArg: [UInt8], count: Int, nested: Bool) {
        guard let deadline = server.parseBlockingTimeout(client, timeoutArg) else { return }
        for k in keys {
            switch lookupWrite(client.db, Key(k)) {
            case .missing:
                continue
            case .wrongType:
                client.replyError(ZsetReplies.wrongType)
                return
            case .found(let z):
                if z.isEmpty { continue }
                genericPop(server, client, keys: [k], highest: highest, emitKey: true, count: count,
                           nested: nested, nilWhenEmpty: nested)
                return
            }
        }
        guard server.clientMayBlock(client) else {
            client.out.nullArray()
            return
        }
        server.blockClient(client, argv, on: keys.map { Key($0) }, kind: .zset, deadlineMs: deadline) { server, c, key in
            genericPop(server, c, keys: [key.bytes], highest: highest, emitKey: true, count: count,
                       nested: nested, nilWhenEmpty: nested)
        }
    }
}
