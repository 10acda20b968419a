import Keyspace
import Protocol
import ServerKit

/// The stream group: XADD, XLEN, XRANGE/XREVRANGE, XDEL, XTRIM, XSETID here;
/// XINFO (StreamsInfo.swift), consumer groups (StreamsGroups.swift,
/// StreamsClaim.swift) and XREAD/XREADGROUP (StreamsRead.swift).
enum StreamCommands {
    static let handlers: [String: CommandHandler] = [
        "xadd": xadd, "xlen": xlen, "xrange": xrange, "xrevrange": xrevrange, "xdel": xdel, "xtrim": xtrim,
        "xsetid": xsetid,
        "xinfo|stream": xinfoStream, "xinfo|groups": xinfoGroups, "xinfo|consumers": xinfoConsumers,
        "xinfo|help": xinfoHelp,
        "xgroup|create": xgroupCreate, "xgroup|setid": xgroupSetid, "xgroup|destroy": xgroupDestroy,
        "xgroup|createconsumer": xgroupCreateConsumer, "xgroup|delconsumer": xgroupDelConsumer,
        "xgroup|help": xgroupHelp,
        "xack": xack, "xpending": xpending, "xclaim": xclaim, "xautoclaim": xautoclaim,
        "xread": xread, "xreadgroup": xreadgroup,
    ]

    // MARK: XADD / XTRIM arguments

    /// streamAddTrimArgs.
    struct TrimArgs {
        var strategy: StreamValue.TrimStrategy?
        var approx = false
        var limit = 0
        /// Index of the threshold argument (the one before is `~` when approx).
        var thresholdIndex = 0
        var id: StreamID? = nil
        var seqGiven = true
        var noMkStream = false
    }

    /// streamParseAddOrTrimArgsOrReply: options left to right; for XADD up to
    /// the ID, whose index is returned. Nil after replying an error.
    static func parseTrimArgs(_ server: Server, _ c: Client, _ argv: [[UInt8]], xadd: Bool) -> (TrimArgs, Int)? {
        var a = TrimArgs()
        var limitGiven = false
        var limitValue: Int64 = 0
        var i = 2
        while i < argv.count {
            let more = argv.count - 1 - i
            let opt = argv[i]
            if xadd && opt.count >= 1 && cStringEquals(opt, "*") {
                break
            } else if (argEquals(opt, "maxlen") || argEquals(opt, "minid")) && more > 0 {
                if a.strategy != nil {
                    c.replyError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
                    return nil
                }
                a.approx = false
                let next = argv[i + 1]
                if more >= 2 && cStringEquals(next, "~") {
                    a.approx = true
                    i += 1
                } else if more >= 2 && cStringEquals(next, "=") {
                    i += 1
                }
                if argEquals(opt, "maxlen") {
                    guard let n = longLongOrReply(c, argv[i + 1]) else { return nil }
                    if n < 0 {
                        c.replyError("ERR The MAXLEN argument must be >= 0.")
                        return nil
                    }
                    a.strategy = .maxLen(Int(n))
                } else {
                    guard let id = idOrReply(c, argv[i + 1]) else { return nil }
                    a.strategy = .minID(id)
                }
                i += 1
                a.thresholdIndex = i
            } else if argEquals(opt, "limit") && more > 0 {
                guard let n = longLongOrReply(c, argv[i + 1]) else { return nil }
                if n < 0 {
                    c.replyError("ERR The LIMIT argument must be >= 0.")
                    return nil
                }
                limitValue = n
                limitGiven = true
                i += 1
            } else if xadd && argEquals(opt, "nomkstream") {
                a.noMkStream = true
            } else if xadd {
                guard let r = parseID(opt, missingSeq: 0, strict: true, allowStarSeq: true) else {
                    c.replyError(StreamReplies.invalidID)
                    return nil
                }
                a.id = r.id
                a.seqGiven = r.seqGiven
                break
            } else {
                c.replyError(StreamReplies.syntax)
                return nil
            }
            i += 1
        }
        if limitValue != 0 && a.strategy == nil {
            c.replyError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
            return nil
        }
        if !xadd && a.strategy == nil {
            c.replyError("ERR syntax error, XTRIM must be called with a trimming strategy")
            return nil
        }
        if c.mustObey {
            // From our master or the AOF the threshold was already rewritten
            // (LIMIT kept beside `=`): never limited.
            a.limit = 0
        } else if limitGiven {
            if !a.approx {
                c.replyError("ERR syntax error, LIMIT cannot be used without the special ~ option")
                return nil
            }
            a.limit = Int(limitValue)
        } else if a.approx {
            let perNode = server.config.streamNodeMaxEntries
            a.limit = perNode <= 0 ? 10_000 : min(100 * perNode, 1_000_000)
        }
        return (a, i)
    }

    /// The C string of `arg` is exactly `s` ("*\0x" reads as "*").
    static func cStringEquals(_ arg: [UInt8], _ s: StaticString) -> Bool {
        let c = cString(arg)
        return c.count == s.utf8CodeUnitCount && c.elementsEqual(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// The propagated form of an approximated trim: `=` and the threshold reached
    /// (streamRewriteApproxSpecifier + streamRewriteTrimArgument).
    static func rewriteApproxTrim(_ argv: inout [[UInt8]], _ a: TrimArgs, _ s: StreamValue) {
        argv[a.thresholdIndex - 1] = [UInt8(ascii: "=")]
        switch a.strategy {
        case .maxLen?: argv[a.thresholdIndex] = Array(String(s.length).utf8)
        case .minID?: argv[a.thresholdIndex] = (s.firstStoredID ?? .max).bytes
        case nil: break
        }
    }

    // MARK: XADD

    static func xadd(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let (a, idPos) = parseTrimArgs(server, c, argv, xadd: true) else { return }
        let fieldPos = idPos + 1
        let nargs = argv.count - fieldPos
        if nargs < 2 || nargs % 2 == 1 {
            c.replyError("ERR wrong number of arguments for 'xadd' command")
            return
        }
        if let id = a.id, a.seqGiven, id == .zero {
            c.replyError("ERR The ID specified in XADD must be greater than 0-0")
            return
        }
        let key = argv[1]
        let s: StreamValue
        switch lookupWrite(c, key) {
        case .wrongType:
            c.replyError(StreamReplies.wrongType)
            return
        case .found(let found): s = found
        case .missing:
            if a.noMkStream {
                c.out.nullBulk()
                return
            }
            s = StreamValue()
            c.db.add(Key(key), .stream(s))
        }
        if s.lastID == .max {
            c.replyError("ERR The stream has exhausted the last possible ID, unable to add more items")
            return
        }
        // streamAppendItem's ID choice and checks.
        let id: StreamID
        if let given = a.id {
            if a.seqGiven {
                id = given
            } else if s.lastID.ms == given.ms {
                if s.lastID.seq == .max {
                    c.replyError("ERR Elements are too large to be stored")
                    return
                }
                id = StreamID(ms: given.ms, seq: s.lastID.seq + 1)
            } else {
                id = given
            }
        } else {
            let now = UInt64(max(0, nowMs(server)))
            id = now > s.lastID.ms ? StreamID(ms: now, seq: 0) : (s.lastID.incremented() ?? s.lastID)
        }
        if id <= s.lastID {
            c.replyError("ERR The ID specified in XADD is equal or smaller than the target stream top item")
            return
        }
        let pairs = Array(argv[fieldPos...])
        var total = 0
        for p in pairs { total += p.count }
        if total > StreamValue.listpackMaxSize {
            c.replyError("ERR Elements are too large to be stored")
            return
        }
        s.append(id, pairs, maxBytes: server.config.streamNodeMaxBytes, maxEntries: server.config.streamNodeMaxEntries)
        bulkID(c, id)
        touched(c, key)
        server.notifyKeyspaceEvent(Notify.stream, "xadd", key, db: c.db.id)
        server.dirty += 1
        var form: [[UInt8]]? = nil
        if let strategy = a.strategy {
            if s.trim(strategy, approx: a.approx, limit: a.limit) > 0 {
                server.notifyKeyspaceEvent(Notify.stream, "xtrim", key, db: c.db.id)
            }
            if a.approx && server.feed.isActive {
                form = argv
                rewriteApproxTrim(&form!, a, s)
            }
        }
        if server.feed.isActive && (a.id == nil || !a.seqGiven) {
            if form == nil { form = argv }
            form![idPos] = id.bytes
        }
        if let f = form { server.feed.replaceCommand(with: f) }
    }

    // MARK: XLEN / XRANGE / XREVRANGE

    static func xlen(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let s = readOrReply(c, argv[1], missing: { $0.out.integer(0) }) else { return }
        c.out.integer(s.length)
    }

    static func xrange(_ server: Server, _ c: Client, _ argv: [[UInt8]]) { range(server, c, argv, reverse: false) }
    static func xrevrange(_ server: Server, _ c: Client, _ argv: [[UInt8]]) { range(server, c, argv, reverse: true) }

    static func range(_ server: Server, _ c: Client, _ argv: [[UInt8]], reverse: Bool) {
        let startArg = reverse ? argv[3] : argv[2]
        let endArg = reverse ? argv[2] : argv[3]
        guard let start = rangeStartOrReply(c, startArg), let end = rangeEndOrReply(c, endArg) else { return }
        var count: Int64 = -1
        var j = 4
        while j < argv.count {
            if argEquals(argv[j], "count") && j + 1 < argv.count {
                guard let n = longLongOrReply(c, argv[j + 1]) else { return }
                count = max(0, n)
                j += 2
            } else {
                c.replyError(StreamReplies.syntax)
                return
            }
        }
        guard let s = readOrReply(c, argv[1], missing: { $0.out.arrayHeader(0) }) else { return }
        if count == 0 {
            c.out.nullArray()
            return
        }
        replyRange(c, s, start, end, count: count == -1 ? 0 : Int(clamping: count), reverse: reverse)
    }

    // MARK: XDEL / XTRIM / XSETID

    static func xdel(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let s = readOrReply(c, argv[1], write: true, missing: { $0.out.integer(0) }) else { return }
        var ids: [StreamID] = []
        ids.reserveCapacity(argv.count - 2)
        for a in argv[2...] {
            guard let id = idOrReply(c, a) else { return }
            ids.append(id)
        }
        var deleted = 0
        var firstDeleted = false
        for id in ids where s.delete(id) {
            if id == s.firstID { firstDeleted = true }
            if id > s.maxDeletedID { s.maxDeletedID = id }
            deleted += 1
        }
        if deleted > 0 {
            if s.length == 0 || firstDeleted { s.refreshFirstID() }
            touched(c, argv[1])
            server.notifyKeyspaceEvent(Notify.stream, "xdel", argv[1], db: c.db.id)
            server.dirty += deleted
        }
        c.out.integer(deleted)
    }

    static func xtrim(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let (a, _) = parseTrimArgs(server, c, argv, xadd: false) else { return }
        guard let s = readOrReply(c, argv[1], write: true, missing: { $0.out.integer(0) }) else { return }
        let deleted = s.trim(a.strategy!, approx: a.approx, limit: a.limit)
        if deleted > 0 {
            if a.approx && server.feed.isActive {
                var form = argv
                rewriteApproxTrim(&form, a, s)
                server.feed.replaceCommand(with: form)
            }
            server.notifyKeyspaceEvent(Notify.stream, "xtrim", argv[1], db: c.db.id)
            touched(c, argv[1])
            server.dirty += deleted
        }
        c.out.integer(deleted)
    }

    static func xsetid(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let id = idOrReply(c, argv[2]) else { return }
        var entriesAdded: Int64 = -1
        var maxDeleted = StreamID.zero
        var i = 3
        while i < argv.count {
            let more = argv.count - 1 - i
            if argEquals(argv[i], "entriesadded") && more > 0 {
                guard let n = longLongOrReply(c, argv[i + 1]) else { return }
                if n < 0 {
                    c.replyError("ERR entries_added must be positive")
                    return
                }
                entriesAdded = n
            } else if argEquals(argv[i], "maxdeletedid") && more > 0 {
                guard let m = idOrReply(c, argv[i + 1]) else { return }
                if id < m {
                    c.replyError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
                    return
                }
                maxDeleted = m
            } else {
                c.replyError(StreamReplies.syntax)
                return
            }
            i += 2
        }
        guard let s = readOrReply(c, argv[1], write: true, missing: { $0.replyError(StreamReplies.noSuchKey) }) else { return }
        if s.length > 0 {
            if let top = s.edgeID(first: false), id < top {
                c.replyError("ERR The ID specified in XSETID is smaller than the target stream top item")
                return
            }
            if entriesAdded != -1 && Int64(s.length) > entriesAdded {
                c.replyError("ERR The entries_added specified in XSETID is smaller than the target stream length")
                return
            }
        }
        s.lastID = id
        if entriesAdded != -1 { s.entriesAdded = UInt64(entriesAdded) }
        if maxDeleted != .zero { s.maxDeletedID = maxDeleted }
        touched(c, argv[1])
        server.notifyKeyspaceEvent(Notify.stream, "xsetid", argv[1], db: c.db.id)
        server.dirty += 1
        c.out.ok()
    }
}
