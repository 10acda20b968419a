import Protocol

/// The options of SET and GETEX, parsed as Redis's
/// parseExtendedStringArgumentsOrReply: each option is accepted only when it
/// does not conflict with one already seen, so repeats of the same option
/// pass and the last expire value wins.
struct StringSetOptions {
    struct Flags: OptionSet {
        let rawValue: UInt16
        static let nx = Flags(rawValue: 1 << 0)
        static let xx = Flags(rawValue: 1 << 1)
        static let get = Flags(rawValue: 1 << 2)
        static let keepTTL = Flags(rawValue: 1 << 3)
        static let persist = Flags(rawValue: 1 << 4)
        static let ex = Flags(rawValue: 1 << 5)
        static let px = Flags(rawValue: 1 << 6)
        static let exat = Flags(rawValue: 1 << 7)
        static let pxat = Flags(rawValue: 1 << 8)

        static let anyExpire: Flags = [.ex, .px, .exat, .pxat]
    }

    var flags: Flags = []
    /// The argument after EX/PX/EXAT/PXAT.
    var expire: [UInt8]? = nil

    /// True for EX/EXAT (seconds), false for PX/PXAT.
    var unitSeconds: Bool { !flags.intersection([.ex, .exat]).isEmpty }

    /// Parses `argv[from...]`; `forSet` selects SET's options, otherwise
    /// GETEX's. Replies the syntax error and returns nil when invalid.
    static func parse(_ argv: [[UInt8]], from start: Int, forSet: Bool, client: Client) -> StringSetOptions? {
        var o = StringSetOptions()
        var j = start
        while j < argv.count {
            let opt = argv[j]
            let hasNext = j + 1 < argv.count
            let f = o.flags
            if forSet && argEquals(opt, "nx") && !f.contains(.xx) {
                o.flags.insert(.nx)
            } else if forSet && argEquals(opt, "xx") && !f.contains(.nx) {
                o.flags.insert(.xx)
            } else if forSet && argEquals(opt, "get") {
                o.flags.insert(.get)
            } else if forSet && argEquals(opt, "keepttl") && f.isDisjoint(with: [.persist, .ex, .px, .exat, .pxat]) {
                o.flags.insert(.keepTTL)
            } else if !forSet && argEquals(opt, "persist") && f.isDisjoint(with: [.keepTTL, .ex, .px, .exat, .pxat]) {
                o.flags.insert(.persist)
            } else if hasNext, let unit = expireOption(opt, allowed: f) {
                o.flags.insert(unit)
                o.expire = argv[j + 1]
                j += 1
            } else {
                client.replyError(StringReplies.syntax)
                return nil
            }
            j += 1
        }
        return o
    }

    /// EX/PX/EXAT/PXAT when no other TTL option (nor KEEPTTL/PERSIST) was given.
    private static func expireOption(_ opt: [UInt8], allowed f: Flags) -> Flags? {
        let unit: Flags
        if argEquals(opt, "ex") { unit = .ex }
        else if argEquals(opt, "px") { unit = .px }
        else if argEquals(opt, "exat") { unit = .exat }
        else if argEquals(opt, "pxat") { unit = .pxat }
        else { return nil }
        let conflicts = Flags.anyExpire.subtracting(unit).union([.keepTTL, .persist])
        return f.isDisjoint(with: conflicts) ? unit : nil
    }

    /// Redis's getExpireMillisecondsOrReply: the absolute expire time in ms,
    /// or nil after replying. Relative times are added to the command clock;
    /// a sum that wraps is reported as an invalid expire time, as Redis does.
    static func absoluteExpire(_ arg: [UInt8], flags: Flags, now: Int64, command: String, client: Client) -> Int64? {
        guard let v = parseStrictInt64(arg) else {
            client.replyError(StringReplies.notInteger)
            return nil
        }
        let seconds = !flags.isDisjoint(with: [.ex, .exat])
        if v <= 0 || (seconds && v > Int64.max / 1000) {
            client.replyError("ERR invalid expire time in '\(command)' command")
            return nil
        }
        var ms = seconds ? v * 1000 : v
        if !flags.isDisjoint(with: [.ex, .px]) { ms = ms &+ now }
        if ms <= 0 {
            client.replyError("ERR invalid expire time in '\(command)' command")
            return nil
        }
        return ms
    }
}
