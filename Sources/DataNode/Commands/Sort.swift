import Keyspace
import Protocol

/// SORT and SORT_RO (Redis's sortCommandGeneric): sorts a list, set or sorted
/// set numerically or lexicographically, by the elements or by external keys,
/// with LIMIT, GET projections and STORE into a list.
enum SortCommands {
    static let handlers: [String: CommandHandler] = ["sort": sort, "sort_ro": sortReadOnly]

    static func sort(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        sortGeneric(server, client, argv, readonly: false)
    }

    static func sortReadOnly(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        sortGeneric(server, client, argv, readonly: true)
    }

    struct Options {
        var desc = false
        var alpha = false
        var dontSort = false
        var limitStart = 0
        var limitCount = -1
        var by: [UInt8]? = nil
        var store: [UInt8]? = nil
        var gets: [[UInt8]] = []
    }

    /// Parses options left to right, replying the first error as Redis does.
    /// `fullKeyAccess`: whether the user may read every key, which BY with a
    /// pattern and GET need (they read keys no ACL key check has seen).
    static func parse(_ client: Client, _ argv: [[UInt8]], readonly: Bool, fullKeyAccess: Bool) -> Options? {
        var o = Options()
        var j = 2
        while j < argv.count {
            let left = argv.count - j - 1
            let a = argv[j]
            if argEquals(a, "asc") {
                o.desc = false
            } else if argEquals(a, "desc") {
                o.desc = true
            } else if argEquals(a, "alpha") {
                o.alpha = true
            } else if argEquals(a, "limit") && left >= 2 {
                guard let s = parseStrictInt64(argv[j + 1]), let c = parseStrictInt64(argv[j + 2]) else {
                    client.replyError(StringReplies.notInteger)
                    return nil
                }
                o.limitStart = Int(s)
                o.limitCount = Int(c)
                j += 2
            } else if !readonly && argEquals(a, "store") && left >= 1 {
                o.store = argv[j + 1]
                j += 1
            } else if argEquals(a, "by") && left >= 1 {
                o.by = argv[j + 1]
                // A pattern without '*' names one key for all: nothing to sort.
                if !SortPattern.hasStar(argv[j + 1]) {
                    o.dontSort = true
                } else if !fullKeyAccess {
                    client.replyError("ERR BY option of SORT denied due to insufficient ACL permissions.")
                    return nil
                }
                j += 1
            } else if argEquals(a, "get") && left >= 1 {
                guard fullKeyAccess else {
                    client.replyError("ERR GET option of SORT denied due to insufficient ACL permissions.")
                    return nil
                }
                o.gets.append(argv[j + 1])
                j += 1
            } else {
                client.replyError(StringReplies.syntax)
                return nil
            }
            j += 1
        }
        return o
    }

    static func sortGeneric(_ server: Server, _ client: Client, _ argv: [[UInt8]], readonly: Bool) {
        let fullKeyAccess = server.lookupCommand(argv[0]).map {
            server.aclHasUnrestrictedKeyAccess(client, $0, argv, read: true, write: false)
        } ?? false
        guard var o = parse(client, argv, readonly: readonly, fullKeyAccess: fullKeyAccess) else { return }
        let db = client.db
        let value = db.lookupRead(Key(argv[1]))
        var length = 0
        switch value {
        case nil: break
        case .list(let l)?: length = l.count
        case .set(let s)?: length = s.count
        case .zset(let z)?:
            // Redis converts a listpack zset for good before sorting it.
            if z.isListpack { z.convertToSkipList() }
            length = z.count
        default:
            client.replyError(StringReplies.wrongType)
            return
        }
        if o.dontSort, case .set? = value, o.store != nil || client === server.scripting.scriptClient {
            // A set's own order is not reproducible: a stored result, or one
            // a script reads (it must replicate the same), is sorted instead.
            o.dontSort = false
            o.alpha = true
            o.by = nil
        }

        var start = min(max(o.limitStart, 0), length)
        let count = min(max(o.limitCount, -1), length)
        var end = count < 0 ? length - 1 : start + count - 1
        if start >= length {
            start = length - 1
            end = length - 2
        }
        if end >= length { end = length - 1 }

        var vector: [SortItem] = []
        switch value {
        case .list(let l)? where o.dontSort:
            // Walk only the LIMIT range, in list order or reversed for DESC.
            if end >= start {
                let n = end - start + 1
                vector.reserveCapacity(n)
                l.forEach(from: o.desc ? l.count - start - 1 : start, count: n, reverse: o.desc) {
                    vector.append(SortItem(element: Array($0)))
                }
                end -= start
                start = 0
            }
        case .list(let l)?:
            vector.reserveCapacity(l.count)
            l.forEach(from: 0, count: l.count) { vector.append(SortItem(element: Array($0))) }
        case .set(let s)?:
            vector.reserveCapacity(s.count)
            s.forEachBytes { vector.append(SortItem(element: Array($0))) }
        case .zset(let z)? where o.dontSort:
            if end >= start {
                z.forEach(ranks: start, end, reverse: o.desc) { m, _ in vector.append(SortItem(element: Array(m))) }
            }
            end -= start
            start = 0
        case .zset(let z)?:
            vector.reserveCapacity(z.count)
            z.forEach { m, _ in vector.append(SortItem(element: Array(m))) }
        default:
            break
        }

        var conversionError = false
        if !o.dontSort {
            for i in vector.indices {
                let byValue: [UInt8]
                if let by = o.by {
                    guard let v = SortPattern.lookup(db, by, vector[i].element) else { continue }
                    byValue = v
                } else {
                    byValue = vector[i].element
                }
                if o.alpha {
                    if o.by != nil { vector[i].byValue = byValue }
                } else if let score = SortComparator.score(byValue) {
                    vector[i].score = score
                } else {
                    conversionError = true
                }
            }
            let cmp = SortComparator(desc: o.desc, alpha: o.alpha, byPattern: o.by != nil, binary: o.store != nil)
            if o.by != nil && (start != 0 || end != vector.count - 1) {
                // Redis sorts only the partitions under LIMIT (pqsort); ties come out in its order.
                GeoPartialSort.sort(&vector, lrange: start, rrange: end) { cmp.compare($0, $1) }
            } else {
                // glibc's qsort is a merge sort: stable, like Swift's sort.
                vector.sort { cmp.compare($0, $1) < 0 }
            }
        }

        let rows = max(end - start + 1, 0)
        let outputLength = o.gets.isEmpty ? rows : o.gets.count * rows
        if conversionError {
            client.replyError("ERR One or more scores can't be converted into double")
            return
        }
        guard let storeKey = o.store else {
            client.out.arrayHeader(outputLength)
            if rows == 0 { return }
            for j in start...end {
                if o.gets.isEmpty { client.out.bulk(vector[j].element) }
                for pattern in o.gets {
                    if let v = SortPattern.lookup(db, pattern, vector[j].element) {
                        client.out.bulk(v)
                    } else {
                        client.out.nullBulk()
                    }
                }
            }
            return
        }
        store(server, client, Key(storeKey), vector, start, end, o.gets, outputLength)
    }

    /// STORE: the result becomes a list (missing GET values as empty strings);
    /// an empty result deletes the destination.
    static func store(_ server: Server, _ client: Client, _ key: Key, _ vector: [SortItem],
                      _ start: Int, _ end: Int, _ gets: [[UInt8]], _ outputLength: Int) {
        let db = client.db
        if outputLength > 0 {
            let list = ListValue()
            let fill = ListFill(server.config.listMaxListpackSize)
            for j in start...end {
                if gets.isEmpty { list.pushBack(vector[j].element, fill: fill) }
                for pattern in gets {
                    list.pushBack(SortPattern.lookup(db, pattern, vector[j].element) ?? [], fill: fill)
                }
            }
            StringCommands.expireBeforeOverwrite(db, key)
            db.setKey(key, .list(list))
            server.notifyKeyspaceEvent(Notify.list, "sortstore", key, db: db.id)
            server.dirty += outputLength
        } else if db.delete(key) {
            server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
            server.dirty += 1
        }
        client.out.integer(outputLength)
    }
}
