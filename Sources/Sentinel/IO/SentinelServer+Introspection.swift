import CoreKit
import Protocol
import SentinelCore
import ServerKit

/// COMMAND and CLIENT.
extension SentinelServer {
    func commandCommand(_ c: ClientSession, _ args: [String]) {
        if args.count == 1 {
            return c.reply(.array(commands.order.compactMap { commands.lookup($0)?.info }))
        }
        switch args[1].lowercased() {
        case "count":
            c.reply(.integer(Int64(commands.order.count)))
        case "list":
            if args.count > 2 {
                guard args.count == 5, args[2].lowercased() == "filterby" else { return replyError(c, "ERR syntax error") }
                let how = args[3].lowercased(), what = args[4]
                var names: [String] = []
                for n in commands.allNames {
                    guard let spec = spec(named: n) else { continue }
                    switch how {
                    case "pattern": if stringMatch(pattern: Array(what.utf8), string: Array(n.utf8), nocase: true) { names.append(n) }
                    case "aclcat": if spec.categories.contains(what.lowercased()) { names.append(n) }
                    case "module": break
                    default: return replyError(c, "ERR syntax error")
                    }
                }
                return c.reply(.array(names.map { .bulk($0) }))
            }
            c.reply(.array(commands.allNames.map { .bulk($0) }))
        case "info":
            let names = args.count > 2 ? Array(args[2...]) : commands.order
            c.reply(.array(names.map { spec(named: $0)?.info ?? .bulkString(nil) }))
        case "docs":
            var kv: [RESPValue] = []
            let names = args.count > 2 ? Array(args[2...]).map { $0.lowercased() } : commands.docsOrder
            for n in names {
                if let d = commands.docs[n] {
                    kv.append(.bulk(n))
                    kv.append(d)
                }
            }
            c.reply(.map(kv))
        case "getkeys", "getkeysandflags":
            replyError(c, "ERR The command has no key arguments")
        default:
            c.reply(.array(HelpTexts.command.map { .simple($0) }))
        }
    }

    private func spec(named n: String) -> CommandSpec? {
        let parts = n.lowercased().split(separator: "|")
        guard let top = commands.lookup(String(parts[0])) else { return nil }
        if parts.count == 2 { return top.subcommands[String(parts[1])] }
        return top
    }

    func clientCommand(_ c: ClientSession, _ args: [String], _ argv: [[UInt8]]) {
        let now = clockMs()
        switch args[1].lowercased() {
        case "id":
            c.reply(.integer(Int64(c.id)))
        case "getname":
            c.reply(c.name.isEmpty ? .bulkString(nil) : .bulk(c.name))
        case "setname":
            if let err = Self.checkClientName(args[2]) { return replyError(c, err) }
            c.name = args[2]
            c.reply(.simple("OK"))
        case "info":
            c.reply(.verbatim(format: Array("txt".utf8), text: Array((clientLine(c, now: now) + "\n").utf8)))
        case "list":
            var picked = clients.values.sorted { $0.id < $1.id }
            if args.count >= 4 && args[2].lowercased() == "id" {
                let ids = Set(args[3...].compactMap { Int($0) })
                picked = picked.filter { ids.contains($0.id) }
            } else if args.count >= 4 && args[2].lowercased() == "type" {
                let t = args[3].lowercased()
                picked = picked.filter { (t == "pubsub") == $0.inPubSub && ["normal", "pubsub"].contains(t) }
            } else if args.count > 2 {
                return replyError(c, "ERR syntax error")
            }
            c.reply(.verbatim(format: Array("txt".utf8), text: Array(picked.map { clientLine($0, now: now) + "\n" }.joined().utf8)))
        case "kill":
            clientKill(c, argv)
        case "reply":
            switch args[2].lowercased() {
            case "on": c.replyOff = false; c.replySkipNext = false; c.reply(.simple("OK"))
            case "off": c.replyOff = true
            case "skip": c.replySkipNext = true
            default: replyError(c, "ERR syntax error")
            }
        case "pause":
            clientPause(c, argv)
        case "unpause":
            clientUnpause(c)
        case "no-evict", "tracking", "caching":
            c.reply(.simple("OK"))
        case "getredir":
            c.reply(.integer(-1))
        case "unblock":
            c.reply(.integer(0))
        case "trackinginfo":
            c.reply(.map([.bulk("flags"), .array([.bulk("off")]), .bulk("redirect"), .integer(-1), .bulk("prefixes"), .array([])]))
        default:
            c.reply(.array(HelpTexts.client.map { .simple($0) }))
        }
    }

    /// Buffers and memory are not tracked here: their fields stay 0.
    func clientLine(_ c: ClientSession, now: Int64) -> String {
        var line = ClientInfoLine()
        line.id = c.id
        line.addr = c.addr
        line.laddr = c.laddr
        line.fd = c.connection.fd
        line.name = c.name
        line.ageSeconds = (now - c.createdAt) / 1000
        line.idleSeconds = (now - c.lastInteraction) / 1000
        line.flags = c.inPubSub ? "P" : "N"
        line.sub = c.channels.count
        line.psub = c.patterns.count
        line.cmd = c.lastCommand
        line.user = c.user?.name ?? "default"
        line.resp = c.proto
        return line.text
    }
}
