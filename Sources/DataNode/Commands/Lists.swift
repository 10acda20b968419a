import Glibc
import Keyspace
import Protocol

/// The list group: pushes, pops, indexes, ranges, LINSERT/LREM/LTRIM/LPOS
/// here; LMOVE/RPOPLPUSH/LMPOP in ListsMove.swift; the blocking variants in
/// ListsBlocking.swift. Argument checks follow t_list.c's order.
enum ListCommands {
    static let handlers: [String: CommandHandler] = [
        "lpush": lpush, "rpush": rpush, "lpushx": lpushx, "rpushx": rpushx,
        "lpop": lpop, "rpop": rpop, "llen": llen, "lrange": lrange, "lindex": lindex, "lset": lset,
        "linsert": linsert, "lrem": lrem, "ltrim": ltrim, "lpos": lpos,
        "lmove": lmove, "rpoplpush": rpoplpush, "lmpop": lmpop,
        "blpop": blpop, "brpop": brpop, "blmove": blmove, "brpoplpush": brpoplpush, "blmpop": blmpop,
    ]

    static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    static let syntaxError = "ERR syntax error"
    static let notInteger = "ERR value is not an integer or out of range"

    /// What a key holds, from a list command's point of view.
    enum Found {
        case missing, wrongType
        case list(ListValue)

        @inline(__always) init(_ v: Value?) {
            switch v {
            case nil: self = .missing
            case .list(let l)?: self = .list(l)
            default: self = .wrongType
            }
        }

        /// The list, or nil once `missing` (no key) or WRONGTYPE is replied.
        @inline(__always) func list(orReply c: Client, missing: MissingReply) -> ListValue? {
            switch self {
            case .list(let l): return l
            case .wrongType: c.replyError(ListCommands.wrongType)
            case .missing:
                switch missing {
                case .nullBulk: c.out.nullBulk()
                case .nullArray: c.out.nullArray()
                case .emptyArray: c.out.arrayHeader(0)
                case .ok: c.out.ok()
                case .noSuchKey: c.replyError("ERR no such key")
                }
            }
            return nil
        }
    }

    /// What a command that goes on with a list answers when the key is
    /// missing (no payload: a trivial value, nothing to retain or release).
    enum MissingReply {
        case nullBulk, nullArray, emptyArray, ok, noSuchKey
    }

    /// Node limits from list-max-listpack-size (cached with the hot config).
    @inline(__always)
    static func fill(_ server: Server) -> ListFill { server.hot.listFill }

    /// getLongFromObjectOrReply with the generic message.
    @inline(__always)
    static func parseLong(_ c: Client, _ arg: [UInt8]) -> Int? {
        guard let v = parseStrictInt64(arg) else {
            c.replyError(notInteger)
            return nil
        }
        return Int(v)
    }

    /// LEFT or RIGHT (getListPositionFromObjectOrReply): true for the head.
    static func parseEnd(_ c: Client, _ arg: [UInt8]) -> Bool? {
        if argEquals(arg, "left") { return true }
        if argEquals(arg, "right") { return false }
        c.replyError(syntaxError)
        return nil
    }

    /// After elements left `list` (listElementsRemoved): the pop event, the
    /// key goes when empty, watchers are told, dirty counts the elements.
    static func elementsRemoved(_ server: Server, _ c: Client, _ key: Key, _ list: ListValue, _ n: Int, head: Bool) {
        let db = c.db
        server.notifyKeyspaceEvent(Notify.list, head ? "lpop" : "rpop", key, db: db.id)
        if list.isEmpty {
            db.delete(key)
            server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
        } else {
            db.context.onModified?(db, key)
        }
        server.dirty += n
    }

    // MARK: pushes

    static func lpush(_ s: Server, _ c: Client, _ argv: [[UInt8]]) { push(s, c, argv, head: true, onlyExisting: false) }
    static func rpush(_ s: Server, _ c: Client, _ argv: [[UInt8]]) { push(s, c, argv, head: false, onlyExisting: false) }
    static func lpushx(_ s: Server, _ c: Client, _ argv: [[UInt8]]) { push(s, c, argv, head: true, onlyExisting: true) }
    static func rpushx(_ s: Server, _ c: Client, _ argv: [[UInt8]]) { push(s, c, argv, head: false, onlyExisting: true) }

    static func push(_ server: Server, _ c: Client, _ argv: [[UInt8]], head: Bool, onlyExisting: Bool) {
        let key = Key(argv[1])
        let db = c.db
        let list: ListValue
        switch Found(db.lookupWrite(key)) {
        case .wrongType:
            c.replyError(wrongType)
            return
        case .missing:
            if onlyExisting {
                c.out.integer(0)
                return
            }
            list = ListValue()
            db.add(key, .list(list))
        case .list(let l):
            list = l
        }
        let f = fill(server)
        for i in 2..<argv.count {
            if head { list.pushFront(argv[i], fill: f) } else { list.pushBack(argv[i], fill: f) }
        }
        server.dirty += argv.count - 2
        c.out.integer(list.count)
        db.context.onModified?(db, key)
        server.notifyKeyspaceEvent(Notify.list, head ? "lpush" : "rpush", key, db: db.id)
    }

    /// Pushes one element for LMOVE and its blocking forms (lmoveHandlePush):
    /// creates the destination if needed and replies with the element.
    static func pushForMove(_ server: Server, _ c: Client, _ key: Key, _ existing: ListValue?, _ value: [UInt8], head: Bool) {
        let db = c.db
        let list: ListValue
        if let existing {
            list = existing
        } else {
            list = ListValue()
            db.add(key, .list(list))
        }
        let f = fill(server)
        if head { list.pushFront(value, fill: f) } else { list.pushBack(value, fill: f) }
        db.context.onModified?(db, key)
        server.notifyKeyspaceEvent(Notify.list, head ? "lpush" : "rpush", key, db: db.id)
        c.out.bulk(value)
    }

    // MARK: pops

    static func lpop(_ s: Server, _ c: Client, _ argv: [[UInt8]]) { pop(s, c, argv, head: true) }
    static func rpop(_ s: Server, _ c: Client, _ argv: [[UInt8]]) { pop(s, c, argv, head: false) }

    static func pop(_ server: Server, _ c: Client, _ argv: [[UInt8]], head: Bool) {
        if argv.count > 3 {
            c.replyError("ERR wrong number of arguments for '\(head ? "lpop" : "rpop")' command")
            return
        }
        let hasCount = argv.count == 3
        var count = 0
        if hasCount {
            guard let n = parseStrictInt64(argv[2]), n >= 0 else {
                c.replyError("ERR value is out of range, must be positive")
                return
            }
            count = Int(n)
        }
        let key = Key(argv[1])
        guard let list = Found(c.db.lookupWrite(key)).list(orReply: c, missing: hasCount ? .nullArray : .nullBulk)
        else { return }
        if hasCount && count == 0 {
            c.out.arrayHeader(0)
            return
        }
        if !hasCount {
            popOneReply(c, list, head: head)
            elementsRemoved(server, c, key, list, 1, head: head)
            return
        }
        let n = popRangeReply(c, list, head: head, count: count)
        elementsRemoved(server, c, key, list, n, head: head)
    }

    /// Replies with the element at one end straight from its node, then drops it.
    @inline(__always)
    static func popOneReply(_ c: Client, _ list: ListValue, head: Bool) {
        if head {
            _ = list.withElement(at: 0) { c.out.bulk($0) }
            list.removeFirst(1)
        } else {
            _ = list.withElement(at: list.count - 1) { c.out.bulk($0) }
            list.removeLast(1)
        }
    }

    /// Replies with up to `count` elements from one end (the tail's in tail
    /// order) and removes them; returns how many.
    static func popRangeReply(_ c: Client, _ list: ListValue, head: Bool, count: Int) -> Int {
        let n = min(count, list.count)
        c.out.arrayHeader(n)
        if head {
            list.forEach(from: 0, count: n) { c.out.bulk($0) }
            list.removeFirst(n)
        } else {
            list.forEach(from: list.count - 1, count: n, reverse: true) { c.out.bulk($0) }
            list.removeLast(n)
        }
        return n
    }

    // MARK: reads

    static func llen(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        switch Found(c.db.lookupRead(Key(argv[1]))) {
        case .missing: c.out.integer(0)
        case .wrongType: c.replyError(wrongType)
        case .list(let l): c.out.integer(l.count)
        }
    }

    static func lrange(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let start = parseLong(c, argv[2]), let end = parseLong(c, argv[3]) else { return }
        switch Found(c.db.lookupRead(Key(argv[1]))) {
        case .missing: c.out.arrayHeader(0)
        case .wrongType: c.replyError(wrongType)
        case .list(let l): rangeReply(c, l, start, end)
        }
    }

    /// addListRangeReply: negative indexes count from the end; out-of-range
    /// ends are clamped; an empty range is an empty array.
    static func rangeReply(_ c: Client, _ list: ListValue, _ startArg: Int, _ endArg: Int) {
        let llen = list.count
        var start = startArg, end = endArg
        if start < 0 { start = llen + start }
        if end < 0 { end = llen + end }
        if start < 0 { start = 0 }
        if start > end || start >= llen {
            c.out.arrayHeader(0)
            return
        }
        if end >= llen { end = llen - 1 }
        let n = end - start + 1
        c.out.arrayHeader(n)
        list.forEach(from: start, count: n) { c.out.bulk($0) }
    }

    static func lindex(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let list = Found(c.db.lookupRead(Key(argv[1]))).list(orReply: c, missing: .nullBulk) else { return }
        guard var index = parseLong(c, argv[2]) else { return }
        if index < 0 { index += list.count }
        let found: Void? = list.withElement(at: index) { c.out.bulk($0) }
        if found == nil { c.out.nullBulk() }
    }

    // MARK: in-place edits

    static func lset(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[1])
        let db = c.db
        guard let list = Found(db.lookupWrite(key)).list(orReply: c, missing: .noSuchKey) else { return }
        guard var index = parseLong(c, argv[2]) else { return }
        if index < 0 { index += list.count }
        guard list.replace(at: index, with: argv[3], fill: fill(server)) else {
            c.replyError("ERR index out of range")
            return
        }
        c.out.ok()
        db.context.onModified?(db, key)
        server.notifyKeyspaceEvent(Notify.list, "lset", key, db: db.id)
        server.dirty += 1
    }

    static func linsert(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let after: Bool
        if argEquals(argv[2], "after") {
            after = true
        } else if argEquals(argv[2], "before") {
            after = false
        } else {
            c.replyError(syntaxError)
            return
        }
        let key = Key(argv[1])
        let db = c.db
        switch Found(db.lookupWrite(key)) {
        case .missing:
            c.out.integer(0)
        case .wrongType:
            c.replyError(wrongType)
        case .list(let l):
            guard l.insert(argv[4], pivot: argv[3], after: after, fill: fill(server)) else {
                c.out.integer(-1)
                return
            }
            db.context.onModified?(db, key)
            server.notifyKeyspaceEvent(Notify.list, "linsert", key, db: db.id)
            server.dirty += 1
            c.out.integer(l.count)
        }
    }

    static func lrem(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let toRemove = parseLong(c, argv[2]) else { return }
        let key = Key(argv[1])
        let db = c.db
        switch Found(db.lookupWrite(key)) {
        case .missing:
            c.out.integer(0)
        case .wrongType:
            c.replyError(wrongType)
        case .list(let l):
            // -LONG_MIN stays negative in C: no limit, as there.
            let limit = toRemove == Int.min ? 0 : abs(toRemove)
            let removed = l.remove(argv[3], limit: limit, fromTail: toRemove < 0)
            server.dirty += removed
            if removed > 0 {
                db.context.onModified?(db, key)
                server.notifyKeyspaceEvent(Notify.list, "lrem", key, db: db.id)
            }
            if l.isEmpty {
                db.delete(key)
                server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
            }
            c.out.integer(removed)
        }
    }

    static func ltrim(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard var start = parseLong(c, argv[2]), var end = parseLong(c, argv[3]) else { return }
        let key = Key(argv[1])
        let db = c.db
        guard let list = Found(db.lookupWrite(key)).list(orReply: c, missing: .ok) else { return }
        let llen = list.count
        if start < 0 { start = llen + start }
        if end < 0 { end = llen + end }
        if start < 0 { start = 0 }
        let ltrim: Int, rtrim: Int
        if start > end || start >= llen {
            ltrim = llen
            rtrim = 0
        } else {
            if end >= llen { end = llen - 1 }
            ltrim = start
            rtrim = llen - end - 1
        }
        list.removeFirst(ltrim)
        list.removeLast(rtrim)
        server.notifyKeyspaceEvent(Notify.list, "ltrim", key, db: db.id)
        if list.isEmpty {
            db.delete(key)
            server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
        }
        db.context.onModified?(db, key)
        server.dirty += ltrim + rtrim
        c.out.ok()
    }

    // MARK: LPOS

    static func lpos(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        var rank = 1, count = -1, maxlen = 0
        var j = 3
        while j < argv.count {
            let more = argv.count - 1 - j
            if argEquals(argv[j], "rank") && more > 0 {
                j += 1
                guard let r = parseLong(c, argv[j]) else { return }
                if r == 0 {
                    c.replyError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                    return
                }
                rank = r
            } else if argEquals(argv[j], "count") && more > 0 {
                j += 1
                guard let n = parseStrictInt64(argv[j]), n >= 0 else {
                    c.replyError("ERR COUNT can't be negative")
                    return
                }
                count = Int(n)
            } else if argEquals(argv[j], "maxlen") && more > 0 {
                j += 1
                guard let n = parseStrictInt64(argv[j]), n >= 0 else {
                    c.replyError("ERR MAXLEN can't be negative")
                    return
                }
                maxlen = Int(n)
            } else {
                c.replyError(syntaxError)
                return
            }
            j += 1
        }
        var fromTail = false
        if rank < 0 {
            // Wrapping as in C: RANK LONG_MIN stays negative and matches the first hit.
            rank = 0 &- rank
            fromTail = true
        }
        let missing: MissingReply = count != -1 ? .emptyArray : .nullBulk
        guard let list = Found(c.db.lookupRead(Key(argv[1]))).list(orReply: c, missing: missing) else { return }
        let llen = list.count
        var index = 0, matches = 0, matchIndex = -1
        var found: [Int] = []
        argv[2].withUnsafeBytes { ele in
            list.scan(fromTail: fromTail) { e in
                if maxlen != 0 && index >= maxlen { return false }
                if e.count == ele.count && (e.isEmpty || memcmp(e.baseAddress!, ele.baseAddress!, e.count) == 0) {
                    matches += 1
                    matchIndex = fromTail ? llen - index - 1 : index
                    if matches >= rank {
                        if count != -1 {
                            found.append(matchIndex)
                            if count != 0 && (matches &- rank &+ 1) >= count { return false }
                        } else {
                            return false
                        }
                    }
                }
                index += 1
                matchIndex = -1
                return true
            }
        }
        if count != -1 {
            c.out.arrayHeader(found.count)
            for i in found { c.out.integer(i) }
        } else if matchIndex != -1 {
            c.out.integer(matchIndex)
        } else {
            c.out.nullBulk()
        }
    }
}
