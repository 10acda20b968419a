import Keyspace
import Persistence
import Protocol

/// DUMP and RESTORE (cluster.c's dumpCommand/restoreCommand): values cross
/// between servers in the RDB payload format with its version and CRC footer
/// (MIGRATE sends its keys as RESTOREs of these payloads: MigrateCommand.swift).
enum DumpRestoreCommands {
    static let handlers: [String: CommandHandler] = [
        "dump": dump, "restore": restore, "restore-asking": restore,
    ]

    static let busyKeyError = "BUSYKEY Target key name already exists."
    static let ttlError = "ERR Invalid TTL value, must be >= 0"
    static let idleTimeError = "ERR Invalid IDLETIME value, must be >= 0"
    static let freqError = "ERR Invalid FREQ value, must be >= 0 and <= 255"
    static let integerError = "ERR value is not an integer or out of range"
    static let absttl = Array("ABSTTL".utf8)
    static let del = Array("DEL".utf8)

    static func dump(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let value = client.db.lookupRead(Key(argv[1])) else {
            client.out.nullBulk()
            return
        }
        client.out.bulk(DumpPayload.encode(value, options: server.dumpPayloadOptions))
    }

    static func restore(_ server: Server, _ client: Client, _ argv: [[UInt8]]) {
        guard let options = RestoreOptions.parse(argv, client) else { return }
        let db = client.db
        let key = Key(argv[1])
        if !options.replace && db.lookupWrite(key) != nil {
            client.replyError(busyKeyError)
            return
        }
        guard var ttl = parseStrictInt64(argv[2]) else {
            client.replyError(integerError)
            return
        }
        guard ttl >= 0 else {
            client.replyError(ttlError)
            return
        }
        let value: Value
        // Checked deeply whatever sanitize-dump-payload says (as its `yes`):
        // the payload becomes Vigil's own structures, which can't hold what
        // only a shallow check lets through (a duplicate hash field, an
        // unsorted intset) and Redis with `no` would store and trip on later.
        do {
            value = try DumpPayload.decode(argv[3], limits: server.rdbLoadLimits)
        } catch let e as RDBError {
            // As rdbReportError in a RESTORE: the reason at verbose level, the client gets Bad data format.
            if let why = e.warning { server.log.verbose(RDBCheck.internalErrorText(why)) }
            client.replyError("ERR " + e.message)
            return
        } catch {
            client.replyError("ERR " + DumpPayload.badFormatError)
            return
        }
        KeyCommands.dropStaleEntry(db, key)
        let deleted = options.replace && db.delete(key)
        let now = server.clock.keyspaceMs()   // mstime(), as restoreCommand
        if ttl != 0 && !options.absttl { ttl = ttl &+ now }
        // checkAlreadyExpired: a replica keeps what its master sends.
        if ttl != 0 && ttl <= now && server.keyspace.deletesPastExpiry {
            if deleted {
                if server.feed.isActive { server.feed.replaceCommand(with: [del, argv[1]]) }
                server.notifyKeyspaceEvent(Notify.generic, "del", key, db: db.id)
                server.dirty += 1
            }
            client.out.ok()
            return
        }
        db.add(key, value, stamp: accessStamp(server, options))
        if ttl != 0 {
            db.setExpire(key, at: ttl)
            // Replicas and the AOF get the absolute time (the relative one would restart there).
            if !options.absttl && server.feed.isActive {
                var propagated = argv
                propagated[2] = Array(String(ttl).utf8)
                propagated.append(absttl)
                server.feed.replaceCommand(with: propagated)
            }
        }
        server.notifyKeyspaceEvent(Notify.generic, "restore", key, db: db.id)
        server.dirty += 1
        client.out.ok()
    }

    /// objectSetLRUOrLFU: FREQ sets the LFU counter under an LFU policy,
    /// IDLETIME backdates the access time otherwise; the other one is ignored.
    static func accessStamp(_ server: Server, _ options: RestoreOptions) -> UInt32? {
        server.syncAccessPolicy()
        let ks = server.keyspace
        if ks.accessPolicy.lfu {
            guard let freq = options.freq else { return nil }
            return ks.lfuMinutes << 8 | UInt32(freq)
        }
        guard let idle = options.idleSeconds else { return nil }
        return ks.lruClock &- UInt32(truncatingIfNeeded: redisIdle(idle, clock: Int64(ks.lruClock)))
    }

    /// The idle time Redis 7.0 ends up reporting for IDLETIME `idle`: its
    /// clock is 24 bits of seconds, an access time before its zero gets
    /// LRU_CLOCK_MAX added once and is then cut to 24 bits, and the idle
    /// time is read back across one wrap (estimateObjectIdleTime).
    static func redisIdle(_ idle: Int64, clock: Int64) -> Int64 {
        let max: Int64 = 0xFF_FFFF
        let now = clock & max
        var access = now &- (idle &* 1000) / 1000
        if access < 0 { access &+= max }
        access &= max
        return now >= access ? now - access : now + max - access
    }
}

/// RESTORE's options after the payload, parsed left to right as Redis does:
/// the first bad one decides the error.
struct RestoreOptions {
    var replace = false
    var absttl = false
    var idleSeconds: Int64?
    var freq: Int64?

    static func parse(_ argv: [[UInt8]], _ client: Client) -> RestoreOptions? {
        var o = RestoreOptions()
        var j = 4
        while j < argv.count {
            let hasValue = j + 1 < argv.count
            let a = argv[j]
            if argEquals(a, "replace") {
                o.replace = true
            } else if argEquals(a, "absttl") {
                o.absttl = true
            } else if argEquals(a, "idletime") && hasValue && o.freq == nil {
                guard let v = parseStrictInt64(argv[j + 1]) else {
                    client.replyError(DumpRestoreCommands.integerError)
                    return nil
                }
                guard v >= 0 else {
                    client.replyError(DumpRestoreCommands.idleTimeError)
                    return nil
                }
                o.idleSeconds = v
                j += 1
            } else if argEquals(a, "freq") && hasValue && o.idleSeconds == nil {
                guard let v = parseStrictInt64(argv[j + 1]) else {
                    client.replyError(DumpRestoreCommands.integerError)
                    return nil
                }
                guard v >= 0 && v <= 255 else {
                    client.replyError(DumpRestoreCommands.freqError)
                    return nil
                }
                o.freq = v
                j += 1
            } else {
                client.replyError("ERR syntax error")
                return nil
            }
            j += 1
        }
        return o
    }
}

extension Server {
    /// What DUMP writes with: the same settings a save would use.
    var dumpPayloadOptions: RDBOptions {
        var o = RDBOptions()
        o.compression = config.rdbcompression
        o.listMaxListpackSize = config.listMaxListpackSize
        return o
    }

    /// The thresholds a loaded or restored value is encoded by (start-up,
    /// DEBUG RELOAD, an AOF preamble, a full sync, RESTORE alike).
    var rdbLoadLimits: RDBLimits {
        var l = RDBLimits()
        l.databases = databases.count
        l.hashMaxListpackEntries = config.hashMaxListpackEntries
        l.hashMaxListpackValue = config.hashMaxListpackValue
        l.zsetMaxListpackEntries = config.zsetMaxListpackEntries
        l.zsetMaxListpackValue = config.zsetMaxListpackValue
        l.setMaxIntsetEntries = config.setMaxIntsetEntries
        l.listMaxListpackSize = config.listMaxListpackSize
        l.verifiesChecksum = !skipChecksumValidation
        return l
    }
}
