/// SLOWLOG GET [count] | LEN | RESET | HELP, as slowlog.c.
extension ServerCommands {
    static func slowlogGet(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard argv.count <= 3 else { return replySubcommandSyntaxError(c, argv) }
        var count = 10
        if argv.count == 3 {
            guard let n = rangeInt(c, argv[2], min: -1, max: Int64.max, message: "count should be greater than or equal to -1") else { return }
            count = n == -1 ? s.slowlog.entries.count : Int(clamping: n)
        }
        let entries = s.slowlog.entries.prefix(count)
        c.out.arrayHeader(entries.count)
        for e in entries {
            c.out.arrayHeader(6)
            c.out.integer(e.id)
            c.out.integer(e.unixTime)
            c.out.integer(e.durationUs)
            c.out.arrayHeader(e.args.count)
            for a in e.args { c.out.bulk(a) }
            c.out.bulk(e.clientAddress)
            c.out.bulk(e.clientName)
        }
    }

    static func slowlogLen(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.integer(s.slowlog.entries.count)
    }

    static func slowlogReset(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        s.slowlog.reset()
        c.out.ok()
    }

    static func slowlogHelp(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        replyHelp(c, argv, [
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ])
    }
}
