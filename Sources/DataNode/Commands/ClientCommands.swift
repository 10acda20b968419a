import Protocol
import Reactor
import ServerKit

/// CLIENT subcommands (TRACKING and friends: ClientTrackingCommands; UNBLOCK: ClientUnblock).
enum ClientCommands {
    static let handlers: [String: CommandHandler] = [
        "client|id": id, "client|setname": setname, "client|getname": getname,
        "client|list": list, "client|info": info, "client|kill": kill,
        "client|pause": pause, "client|unpause": unpause, "client|reply": reply,
        "client|no-evict": noEvict, "client|help": help,
    ]

    static func id(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.integer(c.id)
    }

    // MARK: names

    /// Sets (or with an empty name clears) the client name; replies the
    /// error and returns false for a name CLIENT LIST could not show.
    static func setName(_ c: Client, _ name: [UInt8]) -> Bool {
        if name.isEmpty {
            c.name = nil
            return true
        }
        // Printable ASCII without space, so CLIENT LIST lines split on spaces.
        for b in name where b < 0x21 || b > 0x7e {
            c.replyError("ERR Client names cannot contain spaces, newlines or special characters.")
            return false
        }
        c.name = name
        return true
    }

    static func setname(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if setName(c, argv[2]) { c.out.ok() }
    }

    static func getname(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if let n = c.name { c.out.bulk(n) } else { c.out.nullBulk() }
    }

    // MARK: LIST / INFO

    /// Redis's getClientType: MONITOR clients count as normal.
    static func type(of c: Client) -> ClientType {
        if c.flags.contains(.master) { return .master }
        if c.flags.contains(.replica) { return .replica }
        if c.flags.contains(.pubsub) { return .pubsub }
        return .normal
    }

    static func list(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        var selected: [Client]
        if argv.count == 4 && argEquals(argv[2], "type") {
            guard let t = ClientType(name: argv[3]) else {
                c.replyError(bytes: errorText("ERR Unknown client type '", cString(argv[3]), "'"))
                return
            }
            selected = server.clients.values.filter { type(of: $0) == t }.sorted { $0.id < $1.id }
        } else if argv.count > 3 && argEquals(argv[2], "id") {
            selected = []
            for a in argv[3...] {
                guard let cid = parseStrictInt64(a) else {
                    c.replyError("ERR Invalid client ID")
                    return
                }
                if let other = server.clients[Int(cid)] { selected.append(other) }
            }
        } else if argv.count != 2 {
            c.replyError("ERR syntax error")
            return
        } else {
            selected = server.clients.values.sorted { $0.id < $1.id }
        }
        var text = ""
        for other in selected {
            text += infoLine(server, other, current: c, argv: argv)
            text += "\n"
        }
        c.out.verbatim(text)
    }

    static func info(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.verbatim(infoLine(server, c, current: c, argv: argv) + "\n")
    }

    /// The address CLIENT LIST shows and CLIENT KILL ADDR matches.
    static func peerId(_ server: Server, _ c: Client) -> String {
        c.flags.contains(.unixSocket) ? server.config.unixSocket + ":0" : c.address
    }

    static func localId(_ server: Server, _ c: Client) -> String {
        c.flags.contains(.unixSocket) ? server.config.unixSocket + ":0" : c.localAddress
    }

    /// One CLIENT LIST line in 7.0's field order. `current` is the client
    /// running the command: its argv is still live, and its cmd is the one
    /// running (EXEC when inside a transaction).
    /// `running` names the caller's command when it is not CLIENT (ACL LOG entries).
    static func infoLine(_ server: Server, _ c: Client, current: Client, argv: [[UInt8]], running: String? = nil) -> String {
        let now = server.clock.monotonicMs()
        let isSelf = c === current
        var flags = ""
        if c.flags.contains(.monitor) { flags += "O" } else if c.flags.contains(.replica) { flags += "S" }
        if c.flags.contains(.master) { flags += "M" }
        if c.flags.contains(.pubsub) { flags += "P" }
        if c.flags.contains(.multi) { flags += "x" }
        if c.flags.contains(.blocked) { flags += "b" }
        if c.tracking.isOn { flags += "t" }
        if c.tracking.flags.contains(.brokenRedirect) { flags += "R" }
        if c.tracking.flags.contains(.bcast) { flags += "B" }
        if c.flags.contains(.dirtyCAS) { flags += "d" }
        if c.flags.contains(.closeAfterReply) { flags += "c" }
        if c.flags.contains(.closeASAP) { flags += "A" }
        if c.flags.contains(.unixSocket) { flags += "U" }
        if c.flags.contains(.readonly) { flags += "r" }
        if c.flags.contains(.noEvict) { flags += "e" }
        if flags.isEmpty { flags = "N" }

        var events = ""
        var fd: Int32 = -1
        var qbuf = 0, qbufFree = 0, omem = 0
        if let conn = c.connection {
            fd = conn.fd
            if !conn.isClosed && !conn.readPaused && !conn.closing { events += "r" }
            if conn.pendingOutputBytes > 0 { events += "w" }
            qbuf = max(conn.input.readableBytes, c.inputBatchBytes)
            qbufFree = max(0, conn.input.capacity - qbuf)
            omem = conn.pendingOutputBytes
        }
        let inMulti = c.flags.contains(.multi)
        // Redis's argv_len_sum: of the running top-level command (inside EXEC
        // that is EXEC's one 4-byte word), else of what the parser holds.
        let argvMem = isSelf ? (inMulti ? 4 : argv.reduce(0) { $0 + $1.count }) : c.parser.partialArgumentBytes
        let multiMem = c.multiMemory
        let totMem = c.memoryUsage(argvBytes: argvMem)
        let cmd = isSelf ? (running ?? (inMulti ? "exec" : (argv.count >= 2 ? "client|" + asciiLowercased(argv[1]) : "client")) ) : c.lastCommandName

        var line = ClientInfoLine()
        line.id = c.id
        line.addr = peerId(server, c)
        line.laddr = localId(server, c)
        line.fd = fd
        line.name = String(decoding: c.name ?? [], as: UTF8.self)
        line.ageSeconds = max(0, now - c.createdMs) / 1000
        line.idleSeconds = max(0, now - c.lastInteractionMs) / 1000
        line.flags = flags
        line.db = c.dbIndex
        line.sub = c.channels.count
        line.psub = c.patterns.count
        line.ssub = c.shardChannels.count
        line.multi = inMulti ? c.multiQueue.count : -1
        line.qbuf = qbuf
        line.qbufFree = qbufFree
        line.argvMem = argvMem
        line.multiMem = multiMem
        line.rbs = c.out.bytes.capacity
        line.rbp = c.out.bytes.count
        line.obl = c.out.bytes.count
        line.oll = omem > 0 ? 1 : 0
        line.omem = omem
        line.totMem = totMem
        line.events = events
        line.cmd = cmd
        line.user = c.user
        line.redir = c.tracking.isOn ? c.tracking.redirect : -1
        line.resp = c.proto
        return line.text
    }

    // MARK: KILL

    static func kill(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let filter: ClientKillFilter
        switch ClientKillFilter.parse(argv, userExists: { server.acl.user(String(decoding: $0, as: UTF8.self)) != nil }) {
        case .error(let text): return c.replyError(bytes: text)
        case .request(let f): filter = f
        }
        var killed = 0
        var closeSelf = false
        for other in server.clients.values.sorted(by: { $0.id < $1.id }) {
            guard filter.matches(id: other.id, addr: peerId(server, other), laddr: localId(server, other), type: type(of: other),
                                 userMatches: other.user == "default") else { continue }
            if other === c && filter.skipMe { continue }
            if other === c {
                closeSelf = true
            } else {
                server.freeClient(other, reason: "killed by CLIENT KILL")
            }
            killed += 1
        }
        if filter.oldForm {
            if killed == 0 { c.replyError("ERR No such client") } else { c.out.ok() }
        } else {
            c.out.integer(killed)
        }
        // Only after the reply is queued: the caller still gets it.
        if closeSelf { c.flags.insert(.closeAfterReply) }
    }

    // MARK: PAUSE / UNPAUSE

    static func pause(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        let request: ClientPauseRequest
        switch ClientPauseRequest.parse(argv) {
        case .error(let text): return c.replyError(bytes: text)
        case .request(let r): request = r
        }
        server.pause.apply(request, now: server.clock.monotonicMs())
        c.out.ok()
    }

    static func unpause(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        server.unpauseClients()
        c.out.ok()
    }

    // MARK: REPLY / NO-EVICT

    /// The suppression itself happens in Server.call from `replyMode`.
    static func reply(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argEquals(argv[2], "on") {
            c.replyMode = .on
            c.out.ok()
        } else if argEquals(argv[2], "off") {
            c.replyMode = .off
        } else if argEquals(argv[2], "skip") {
            if c.replyMode != .off { c.replyMode = .skipNext }
        } else {
            c.replyError("ERR syntax error")
        }
    }

    static func noEvict(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argEquals(argv[2], "on") {
            c.flags.insert(.noEvict)
        } else if argEquals(argv[2], "off") {
            c.flags.remove(.noEvict)
        } else {
            c.replyError("ERR syntax error")
            return
        }
        c.out.ok()
    }

    // MARK: HELP

    static func help(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        replyHelp(c, helpLines)
    }

    /// Redis's addReplyHelp: one status line each.
    static func replyHelp(_ c: Client, _ lines: [String]) {
        c.out.arrayHeader(lines.count)
        for l in lines { c.out.simpleString(l) }
    }

    static let helpLines = HelpTexts.client
}
