import Keyspace
import Protocol

/// LMOVE, RPOPLPUSH and LMPOP, plus the pieces their blocking forms share.
extension ListCommands {
    static func lmove(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let fromHead = parseEnd(c, argv[3]), let toHead = parseEnd(c, argv[4]) else { return }
        move(server, c, argv, fromHead: fromHead, toHead: toHead)
    }

    static func rpoplpush(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        move(server, c, argv, fromHead: false, toHead: true)
    }

    /// lmoveGenericCommand: source missing answers null; a destination of
    /// another type fails before anything moves.
    static func move(_ server: Server, _ c: Client, _ argv: [[UInt8]], fromHead: Bool, toHead: Bool) {
        let src = Key(argv[1])
        guard let list = Found(c.db.lookupWrite(src)).list(orReply: c, missing: .nullBulk) else { return }
        moveOne(server, c, from: src, list, to: Key(argv[2]), fromHead: fromHead, toHead: toHead)
    }

    /// Pops from a non-empty `list` at `src` and pushes to `dst`, replying
    /// with the element; WRONGTYPE (nothing moved) when `dst` is no list.
    static func moveOne(_ server: Server, _ c: Client, from src: Key, _ list: ListValue, to dst: Key,
                        fromHead: Bool, toHead: Bool) {
        let db = c.db
        let target: ListValue?
        switch Found(db.lookupWrite(dst)) {
        case .wrongType:
            c.replyError(wrongType)
            return
        case .missing: target = nil
        case .list(let l): target = l
        }
        let v = fromHead ? list.popFront()! : list.popBack()!
        pushForMove(server, c, dst, target, v, head: toHead)
        server.notifyKeyspaceEvent(Notify.list, fromHead ? "lpop" : "rpop", src, db: db.id)
        // Same key with one element: the push above refilled it.
        if list.isEmpty {
            db.delete(src)
            server.notifyKeyspaceEvent(Notify.generic, "del", src, db: db.id)
        }
        db.context.onModified?(db, src)
        server.dirty += 1
    }

    static func lmpop(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let p = parseMpop(c, argv, numkeysIndex: 1) else { return }
        for k in p.keys {
            switch Found(c.db.lookupWrite(k)) {
            case .missing:
                continue
            case .wrongType:
                c.replyError(wrongType)
                return
            case .list(let l):
                popRangeWithKey(server, c, k, l, head: p.head, count: p.count)
                return
            }
        }
        c.out.nullArray()
    }

    struct MpopArgs {
        var keys: [Key]
        var head: Bool
        var count: Int
    }

    /// LMPOP's and BLMPOP's arguments (MpopArguments), the end being LEFT|RIGHT.
    static func parseMpop(_ c: Client, _ argv: [[UInt8]], numkeysIndex: Int) -> MpopArgs? {
        guard let a = MpopArguments.parse(c, argv, numkeysIndex: numkeysIndex, end: parseEnd) else { return nil }
        return MpopArgs(keys: argv[a.keyIndexes].map { Key($0) }, head: a.end, count: a.count)
    }

    /// listPopRangeAndReplyWithKey: [key, [elements...]], then the removal.
    static func popRangeWithKey(_ server: Server, _ c: Client, _ key: Key, _ list: ListValue, head: Bool, count: Int) {
        c.out.arrayHeader(2)
        c.out.bulk(key)
        let n = popRangeReply(c, list, head: head, count: count)
        elementsRemoved(server, c, key, list, n, head: head)
        // As many as were popped, not as many as were asked for.
        if server.feed.isActive {
            server.feed.replaceCommand(with: [head ? PropagatedForms.lpop : PropagatedForms.rpop, key.bytes, Array(String(n).utf8)])
        }
    }
}
