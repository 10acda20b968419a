import CVigilShim
import Glibc
import Keyspace
import Protocol

/// DEBUG: the subset of Redis 7.0's debug.c that makes sense here (HELP lists
/// exactly these). Whether DEBUG may run at all (enable-debug-command) is
/// checked by dispatch, before authentication, as for every protected command.
enum DebugCommands {
    static let handlers: [String: CommandHandler] = ["debug": debugCommand]

    typealias Sub = (name: String, check: @Sendable (Int) -> Bool, run: CommandHandler)

    static let subcommands: [Sub] = [
        ("help", { $0 == 2 }, help),
        ("object", { $0 == 3 }, object),
        ("sleep", { $0 == 3 }, sleep),
        ("set-active-expire", { $0 == 3 }, setActiveExpire),
        ("protocol", { $0 == 3 }, protocolReply),
        ("change-repl-id", { $0 == 2 }, changeReplId),
        ("error", { $0 == 3 }, error),
        ("log", { $0 == 3 }, log),
        ("populate", { $0 >= 3 && $0 <= 5 }, populate),
        ("digest", { $0 == 2 }, digest),
        ("digest-value", { $0 >= 2 }, digestValue),
        ("reload", { $0 >= 2 }, DebugReload.run),
        ("loadaof", { $0 == 2 }, DebugLoadAOF.run),
        ("set-disable-deny-scripts", { $0 == 3 }, setDisableDenyScripts),
        ("pause-cron", { $0 == 3 }, DebugCron.pauseCron),
        ("replybuffer", { $0 == 4 }, DebugCron.replyBuffer),
        ("quicklist-packed-threshold", { $0 == 3 }, DebugQuicklist.packedThreshold),
        ("htstats", { $0 == 3 }, DebugHTStats.run),
        ("htstats-key", { $0 == 3 }, DebugHashTableStats.key),
        ("segfault", { $0 == 2 }, { _, _, _ in vigil_debug_segfault() }),
        ("set-skip-checksum-validation", { $0 == 3 }, { s, c, argv in
            s.skipChecksumValidation = KeyExtraction.atoi(argv[2]) != 0
            c.out.ok()
        }),
        ("aof-flush-sleep", { $0 == 3 }, { s, c, argv in
            s.aof.flushSleepUs = Int(KeyExtraction.atoi(argv[2]))
            c.out.ok()
        }),
        ("config-rewrite-force-all", { $0 == 2 }, ConfigCommands.rewriteForceAll),
    ]

    /// Named as Redis's: stack traces in the crash report and the watchdog's show it.
    static func debugCommand(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let name = asciiLowercased(argv[1])
        guard let sub = subcommands.first(where: { $0.name == name }), sub.check(argv.count) else {
            ServerCommands.replySubcommandSyntaxError(c, argv)
            return
        }
        sub.run(s, c, argv)
    }

    static func help(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        ServerCommands.replyHelp(c, argv, [
            "AOF-FLUSH-SLEEP <microsec>",
            "    Server will sleep before flushing the AOF, this is used for testing.",
            "CHANGE-REPL-ID",
            "    Change the replication IDs of the instance.",
            "    Dangerous: should be used only for testing the replication subsystem.",
            "CONFIG-REWRITE-FORCE-ALL",
            "    Like CONFIG REWRITE but writes all configuration options, including",
            "    keywords not listed in original configuration file or default values.",
            "DIGEST",
            "    Output a hex signature representing the current DB content.",
            "DIGEST-VALUE <key> [<key> ...]",
            "    Output a hex signature of the values of all the specified keys.",
            "ERROR <string>",
            "    Return a Redis protocol error with <string> as message. Useful for clients",
            "    unit tests to simulate Redis errors.",
            "LOG <message>",
            "    Write <message> to the server log.",
            "HTSTATS <dbid>",
            "    Return hash table statistics of the specified Redis database.",
            "HTSTATS-KEY <key>",
            "    Like HTSTATS but for the hash table stored at <key>'s value.",
            "LOADAOF",
            "    Flush the AOF buffers on disk and reload the AOF in memory.",
            "OBJECT <key>",
            "    Show low level info about `key` and associated value.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named key:<num>. If <prefix> is specified then",
            "    it is used instead of the 'key' prefix. These are not propagated to",
            "    replicas. Cluster slots are not respected so keys not belonging to the",
            "    current node can be created in cluster mode.",
            "PROTOCOL <type>",
            "    Reply with a test value of the specified type. <type> can be: string,",
            "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
            "    true, false.",
            "RELOAD [option ...]",
            "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
            "    * MERGE: conflicting keys will be loaded from RDB.",
            "    * NOFLUSH: the existing database will not be removed before load, but",
            "      conflicting keys will generate an exception and kill the server.",
            "    * NOSAVE: the database will be loaded from an existing RDB file.",
            "    Examples:",
            "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
            "      the database.",
            "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
            "      existing RDB file.",
            "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
            "      file to the database.",
            "SEGFAULT",
            "    Crash the server with sigsegv.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Setting it to 0 disables expiring keys in background when they are not",
            "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
            "    default.",
            "QUICKLIST-PACKED-THRESHOLD <size>",
            "    Sets the threshold for elements to be inserted as plain vs packed nodes",
            "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
            "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
            "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
            "SLEEP <seconds>",
            "    Stop the server for <seconds>. Decimals allowed.",
            "PAUSE-CRON <0|1>",
            "    Stop periodic cron job processing.",
            "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
            "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
            "    In case NEVER is provided the last observed peak will never be reset",
            "    In case RESET is provided the peak reset time will be restored to the default value",
            "REPLYBUFFER RESIZING <0|1>",
            "    Enable or disable the reply buffer resize cron job",
        ])
    }

    /// `Value at:<addr> refcount:<n> encoding:<enc> serializedlength:<n> lru:<clock> lru_seconds_idle:<s>`.
    /// Looks at the dict directly: no expiry, no statistics, no access update.
    static func object(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let key = Key(argv[2])
        let db = c.db
        guard let pos = db.dict.position(of: key) else {
            c.replyError("ERR no such key")
            return
        }
        let v = db.dict.value(at: pos)
        var refcount: Int64 = 1
        if case .string(let str) = v, str.encoding == .int, let n = parseStrictInt64(str.bytes),
           n >= 0 && n < KeyCommands.sharedIntegers, KeyCommands.sharesIntegers(s) {
            refcount = KeyCommands.sharedRefcount
        }
        let stamp = db.dict.stamp(of: key) ?? 0
        let lru = stamp & 0xFF_FFFF
        let idle = s.keyspace.accessPolicy.lfu ? 0 : s.keyspace.idleSeconds(stamp)
        // There is no stable object address: a per-key value in the usual heap range stands in.
        let address = "0x7f" + String(UInt64(UInt32(truncatingIfNeeded: key.hashValue)) << 4, radix: 16).leftPadded(10)
        c.out.simpleString("Value at:\(address) refcount:\(refcount) encoding:\(v.encodingName) serializedlength:\(serializedLength(v)) lru:\(lru) lru_seconds_idle:\(idle)")
    }

    /// rdbSavedObjectLen for the value without LZF compression (strings
    /// longer than 20 bytes would be compressed by Redis when
    /// rdbcompression is on, so Redis can report less for those).
    static func serializedLength(_ v: Value) -> Int {
        guard case .string(let s) = v else { return 0 }
        if s.count <= 11, let n = parseStrictInt64(s.bytes) {
            if n >= -(1 << 7) && n <= (1 << 7) - 1 { return 2 }
            if n >= -(1 << 15) && n <= (1 << 15) - 1 { return 3 }
            if n >= -(1 << 31) && n <= (1 << 31) - 1 { return 5 }
        }
        return rdbLengthSize(s.count) + s.count
    }

    /// Bytes of an RDB length prefix.
    static func rdbLengthSize(_ n: Int) -> Int {
        if n < 1 << 6 { return 1 }
        if n < 1 << 14 { return 2 }
        if UInt64(n) <= UInt64(UInt32.max) { return 5 }
        return 9
    }

    /// Blocks the whole server, as Redis does; the argument is parsed like
    /// strtod (garbage reads as 0).
    static func sleep(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let seconds = strtod(String(decoding: argv[2], as: UTF8.self), nil)
        let us = Int64(seconds * 1_000_000)
        if us > 0 {
            var ts = timespec(tv_sec: Int(us / 1_000_000), tv_nsec: Int((us % 1_000_000) * 1000))
            var rest = timespec()
            while nanosleep(&ts, &rest) != 0 && errno == EINTR { ts = rest }
        }
        c.out.ok()
    }

    /// atoi semantics: any non-zero number enables.
    static func setActiveExpire(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        s.activeExpireEnabled = KeyExtraction.atoi(argv[2]) != 0
        c.out.ok()
    }

    static func setDisableDenyScripts(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        s.scripting.disableDenyScripts = KeyExtraction.atoi(argv[2]) != 0
        c.out.ok()
    }

    static func protocolReply(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let name = asciiLowercased(argv[2])
        switch name {
        case "string": c.out.bulk("Hello World")
        case "integer": c.out.integer(12345)
        case "double": c.out.double(3.141)
        case "bignum": c.out.bigNumber("1234567999999999999999999999999999999")
        case "null": c.out.nullBulk()
        case "array":
            c.out.arrayHeader(3)
            for j in 0..<3 { c.out.integer(j) }
        case "set":
            c.out.setHeader(3)
            for j in 0..<3 { c.out.integer(j) }
        case "map":
            c.out.mapHeader(3)
            for j in 0..<3 {
                c.out.integer(j)
                c.out.boolean(j == 1)
            }
        case "attrib":
            if c.proto >= 3 {
                c.out.raw(Array("|1\r\n".utf8))
                c.out.bulk("key-popularity")
                c.out.arrayHeader(2)
                c.out.bulk("key:123")
                c.out.integer(90)
            }
            c.out.bulk("Some real reply following the attribute")
        case "push":
            guard c.proto >= 3 else {
                c.replyError("ERR RESP2 is not supported by this command")
                return
            }
            c.out.pushHeader(2)
            c.out.bulk("server-cpu-usage")
            c.out.integer(42)
            c.out.bulk("Some real reply following the push reply")
        case "true": c.out.boolean(true)
        case "false": c.out.boolean(false)
        case "verbatim": c.out.verbatim("This is a verbatim\nstring")
        default:
            c.replyError("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
        }
    }

    static func changeReplId(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        s.log.warning("Changing replication IDs after receiving DEBUG change-repl-id")
        s.replication.changeReplicationId(using: &s.rng)
        s.replication.clearReplicationId2()
        c.out.ok()
    }

    /// The argument becomes the error line as is (newlines turned into
    /// spaces); like Redis it is written raw, outside the error statistics.
    static func error(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var line: [UInt8] = [UInt8(ascii: "-")]
        for b in argv[2] { line.append(b == 10 || b == 13 ? 32 : b) }
        line.append(13)
        line.append(10)
        c.out.raw(line)
    }

    static func log(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        s.log.warning("DEBUG LOG: \(String(decoding: argv[2], as: UTF8.self))")
        c.out.ok()
    }

    /// POPULATE <count> [prefix] [size]: `prefix:<n>` = `value:<n>` (cut or
    /// zero-padded to size); existing keys are left alone. Not a change for
    /// persistence purposes (no dirty), as in Redis.
    static func populate(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard let count = positiveLong(c, argv[2]) else { return }
        var size = 0
        if argv.count == 5 {
            guard let n = positiveLong(c, argv[4]) else { return }
            size = n
        }
        let prefix = argv.count >= 4 ? argv[3] : Array("key".utf8)
        let db = c.db
        for j in 0..<count {
            var name = prefix
            name.append(UInt8(ascii: ":"))
            name.append(contentsOf: String(j).utf8)
            let key = Key(name)
            if db.lookupWrite(key) != nil { continue }
            var value = Array("value:\(j)".utf8)
            if size > 0 {
                if value.count > size { value.removeLast(value.count - size) }
                else { value.append(contentsOf: [UInt8](repeating: 0, count: size - value.count)) }
            }
            // createStringObject: never integer-encoded.
            db.add(key, .string(StringValue(bytes: value, encoding: value.count <= 44 ? .embstr : .raw)))
        }
        c.out.ok()
    }

    /// getPositiveLongFromObjectOrReply: one message for garbage and negatives.
    static func positiveLong(_ c: Client, _ arg: [UInt8]) -> Int? {
        guard let n = parseStrictInt64(arg), n >= 0 else {
            c.replyError("ERR value is out of range, must be positive")
            return nil
        }
        return Int(n)
    }
}
