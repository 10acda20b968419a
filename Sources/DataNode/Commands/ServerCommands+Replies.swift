import Glibc
import Protocol

/// Reply shapes shared by the server-group commands (addReplyHelp,
/// addReplySubcommandSyntaxError, getRangeLongFromObjectOrReply).
extension ServerCommands {
    /// `<CMD> <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`, the
    /// lines, then HELP, each as a status reply.
    static func replyHelp(_ c: Client, _ argv: [[UInt8]], _ lines: [String]) {
        let name = String(decoding: argv[0], as: UTF8.self).uppercased()
        c.out.arrayHeader(lines.count + 3)
        c.out.simpleString("\(name) <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
        for l in lines { c.out.simpleString(l) }
        c.out.simpleString("HELP")
        c.out.simpleString("    Prints this help.")
    }

    /// The error for a known subcommand with the wrong arguments.
    static func replySubcommandSyntaxError(_ c: Client, _ argv: [[UInt8]]) {
        let sub = String(decoding: argv[1].prefix(128), as: UTF8.self)
        let name = String(decoding: argv[0], as: UTF8.self).uppercased()
        c.replyError("ERR unknown subcommand or wrong number of arguments for '\(sub)'. Try \(name) HELP.")
    }

    /// An integer argument within [min, max], else `message` (Redis's
    /// getRangeLongFromObjectOrReply with a custom message).
    static func rangeInt(_ c: Client, _ arg: [UInt8], min: Int64, max: Int64, message: String) -> Int64? {
        guard let v = parseStrictInt64(arg), v >= min, v <= max else {
            c.replyError("ERR \(message)")
            return nil
        }
        return v
    }

    /// Redis's bytesToHuman: B, K, M, G, T, P with two decimals.
    static func bytesToHuman(_ n: Int) -> String {
        let d = Double(n)
        if n < 1024 { return "\(n)B" }
        if d < 1024.0 * 1024 { return format2(d / 1024) + "K" }
        if d < 1024.0 * 1024 * 1024 { return format2(d / (1024 * 1024)) + "M" }
        if d < 1024.0 * 1024 * 1024 * 1024 { return format2(d / (1024 * 1024 * 1024)) + "G" }
        if d < 1024.0 * 1024 * 1024 * 1024 * 1024 { return format2(d / (1024.0 * 1024 * 1024 * 1024)) + "T" }
        if d < 1024.0 * 1024 * 1024 * 1024 * 1024 * 1024 { return format2(d / (1024.0 * 1024 * 1024 * 1024 * 1024)) + "P" }
        return "\(n)B"
    }

    /// printf's `%.2f`.
    static func format2(_ d: Double) -> String { cFormat("%.2f", d) }

    static func cFormat(_ fmt: String, _ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([d]) { vsnprintf(&buf, 64, fmt, $0) }
        return String(decoding: buf[0..<Int(max(0, min(n, 63)))].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
