import Protocol

/// MIGRATE host port key|"" destination-db timeout [COPY] [REPLACE]
/// [AUTH password] [AUTH2 username password] [KEYS key...], read as
/// migrateCommand does: options left to right (the first bad one decides
/// the error, KEYS takes the rest), then timeout, then the database.
struct MigrateArguments: Equatable {
    var copy = false
    var replace = false
    var username: [UInt8]?
    var password: [UInt8]?
    /// Argument positions of the keys to move.
    var keyPositions: Range<Int> = 3..<4
    var timeoutMs = 1000
    var dbid: Int64 = 0

    static let keysNeedEmptyKeyError = "ERR When using MIGRATE KEYS option, the key argument must be set to the empty string"

    struct Parsed {
        var arguments: MigrateArguments?
        var error: String?
        /// AUTH and AUTH2 secrets read before any error: kept out of SLOWLOG
        /// and MONITOR even when the command fails (redactClientCommandArgument).
        var redacted: [Int] = []
    }

    static func parse(_ argv: [[UInt8]]) -> Parsed {
        var a = MigrateArguments()
        var out = Parsed()
        func fail(_ e: String) -> Parsed {
            out.error = e
            return out
        }
        var j = 6
        while j < argv.count {
            let more = argv.count - 1 - j
            let opt = argv[j]
            if argEquals(opt, "copy") {
                a.copy = true
            } else if argEquals(opt, "replace") {
                a.replace = true
            } else if argEquals(opt, "auth") {
                guard more >= 1 else { return fail("ERR syntax error") }
                j += 1
                a.password = argv[j]
                out.redacted.append(j)
            } else if argEquals(opt, "auth2") {
                guard more >= 2 else { return fail("ERR syntax error") }
                a.username = argv[j + 1]
                a.password = argv[j + 2]
                out.redacted += [j + 1, j + 2]
                j += 2
            } else if argEquals(opt, "keys") {
                guard argv[3].isEmpty else { return fail(keysNeedEmptyKeyError) }
                a.keyPositions = (j + 1)..<argv.count
                break
            } else {
                return fail("ERR syntax error")
            }
            j += 1
        }
        guard let timeout = parseStrictInt64(argv[5]), let db = parseStrictInt64(argv[4]) else {
            return fail("ERR value is not an integer or out of range")
        }
        a.timeoutMs = timeout <= 0 ? 1000 : Int(timeout)
        a.dbid = db
        out.arguments = a
        return out
    }
}
