import Keyspace
import Protocol

/// BLPOP, BRPOP, BLMPOP, BLMOVE and BRPOPLPUSH: the non-blocking path when a
/// list has data, a null reply inside MULTI, otherwise a wait (Blocking.swift)
/// whose serve step does what the command would have done.
extension ListCommands {
    static func blpop(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        blockingPop(server, c, argv, keys: argv[1..<(argv.count - 1)].map { Key($0) }, head: true,
                    timeoutArg: argv[argv.count - 1], count: nil)
    }

    static func brpop(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        blockingPop(server, c, argv, keys: argv[1..<(argv.count - 1)].map { Key($0) }, head: false,
                    timeoutArg: argv[argv.count - 1], count: nil)
    }

    static func blmpop(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let p = parseMpop(c, argv, numkeysIndex: 2) else { return }
        blockingPop(server, c, argv, keys: p.keys, head: p.head, timeoutArg: argv[1], count: p.count)
    }

    /// blockingPopGenericCommand: the first non-empty list serves (a key of
    /// another type before it is WRONGTYPE); `count` nil means B[LR]POP's
    /// [key, element] reply, else BLMPOP's [key, [elements]].
    static func blockingPop(_ server: Server, _ c: Client, _ argv: [[UInt8]], keys: [Key], head: Bool,
                            timeoutArg: [UInt8], count: Int?) {
        guard let deadline = server.parseBlockingTimeout(c, timeoutArg) else { return }
        for k in keys {
            switch Found(c.db.lookupWrite(k)) {
            case .missing:
                continue
            case .wrongType:
                c.replyError(wrongType)
                return
            case .list(let l):
                if l.isEmpty { continue }
                servePop(server, c, k, l, head: head, count: count)
                return
            }
        }
        guard server.clientMayBlock(c) else {
            c.out.nullArray()
            return
        }
        server.blockClient(c, argv, on: keys, kind: .list, deadlineMs: deadline) { server, c, key in
            guard case .list(let l)? = c.db.dict[key] else { return }
            servePop(server, c, key, l, head: head, count: count)
        }
    }

    static func servePop(_ server: Server, _ c: Client, _ key: Key, _ list: ListValue, head: Bool, count: Int?) {
        if let count {
            popRangeWithKey(server, c, key, list, head: head, count: count)
            return
        }
        c.out.arrayHeader(2)
        c.out.bulk(key)
        popOneReply(c, list, head: head)
        elementsRemoved(server, c, key, list, 1, head: head)
        if server.feed.isActive { server.feed.replaceCommand(with: [head ? PropagatedForms.lpop : PropagatedForms.rpop, key.bytes]) }
    }

    static func blmove(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let fromHead = parseEnd(c, argv[3]), let toHead = parseEnd(c, argv[4]),
              let deadline = server.parseBlockingTimeout(c, argv[5]) else { return }
        blockingMove(server, c, argv, fromHead: fromHead, toHead: toHead, deadline: deadline)
    }

    static func brpoplpush(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let deadline = server.parseBlockingTimeout(c, argv[3]) else { return }
        blockingMove(server, c, argv, fromHead: false, toHead: true, deadline: deadline)
    }

    /// blmoveGenericCommand: inside MULTI an empty source answers a null bulk
    /// (not the null array a timeout gives).
    static func blockingMove(_ server: Server, _ c: Client, _ argv: [[UInt8]], fromHead: Bool, toHead: Bool, deadline: Int64) {
        let src = Key(argv[1]), dst = Key(argv[2])
        switch Found(c.db.lookupWrite(src)) {
        case .wrongType:
            c.replyError(wrongType)
        case .list(let l) where !l.isEmpty:
            moveOne(server, c, from: src, l, to: dst, fromHead: fromHead, toHead: toHead)
            // The non-blocking twin, with the client's spelling of the ends (served later too).
            if server.feed.isActive {
                server.feed.replaceCommand(with: argv.count == 4 ? [PropagatedForms.rpoplpush, argv[1], argv[2]]
                                                                 : [PropagatedForms.lmove, argv[1], argv[2], argv[3], argv[4]])
            }
        default:
            guard server.clientMayBlock(c) else {
                c.out.nullBulk()
                return
            }
            server.blockClient(c, argv, on: [src], kind: .list, deadlineMs: deadline) { server, c, key in
                guard case .list(let l)? = c.db.dict[key] else { return }
                moveOne(server, c, from: key, l, to: dst, fromHead: fromHead, toHead: toHead)
                if server.feed.isActive {
                    server.feed.replaceCommand(with: argv.count == 4 ? [PropagatedForms.rpoplpush, argv[1], argv[2]]
                                                                     : [PropagatedForms.lmove, argv[1], argv[2], argv[3], argv[4]])
                }
            }
        }
    }
}
