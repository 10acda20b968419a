import Protocol
import Reactor

/// CLIENT PAUSE / UNPAUSE as redis-sentinel 7.0 runs them: processCommand
/// postpones every client's next command while an ALL pause lasts. A WRITE
/// pause holds nothing here: no sentinel command is flagged write or
/// may-replicate.
extension SentinelServer {
    /// Whether `c`'s command must wait for the pause to end; if so it is held.
    func postponeIfPaused(_ c: ClientSession, _ argv: [[UInt8]]) -> Bool {
        guard pauseAll, clockMs() < pauseEndMs else { return false }
        c.postponed = argv
        postponedClients.append(c)
        return true
    }

    func clientPause(_ c: ClientSession, _ args: [String]) {
        guard args.count == 3 || args.count == 4 else {
            return replyError(c, "ERR unknown subcommand or wrong number of arguments for '\(args[1].prefix(128))'. Try CLIENT HELP.")
        }
        var all = true
        if args.count == 4 {
            switch args[3].lowercased() {
            case "write": all = false
            case "all": all = true
            default: return replyError(c, "ERR CLIENT PAUSE mode must be WRITE or ALL")
            }
        }
        guard let ms = parseStrictInt64(Array(args[2].utf8)) else {
            return replyError(c, "ERR timeout is not an integer or out of range")
        }
        if ms < 0 { return replyError(c, "ERR timeout is negative") }
        let now = clockMs()
        // pauseClients: a pause only widens (ALL beats WRITE, the later end wins).
        let (end, overflow) = now.addingReportingOverflow(ms)
        if !overflow {
            if clockMs() >= pauseEndMs { pauseAll = false }
            if all { pauseAll = true }
            if end > pauseEndMs {
                pauseEndMs = end
                if pauseTimer != nil { loop.cancelTimer(pauseTimer!) }
                pauseTimer = loop.addTimer(afterMs: ms) { [unowned self] in
                    self.pauseTimer = nil
                    self.unpauseClients()
                    return nil
                }
            }
        }
        c.reply(.simple("OK"))
    }

    func clientUnpause(_ c: ClientSession) {
        unpauseClients()
        c.reply(.simple("OK"))
    }

    /// unpauseClients: the held commands run in the order they were held,
    /// then each client goes on with what it sent meanwhile.
    func unpauseClients() {
        if let t = pauseTimer { loop.cancelTimer(t); pauseTimer = nil }
        pauseEndMs = 0
        pauseAll = false
        let held = postponedClients
        postponedClients = []
        for c in held where !c.connection.isClosed {
            guard let argv = c.postponed else { continue }
            c.postponed = nil
            process(c, argv)
            c.closeIfAsked()
            if !c.connection.isClosed { c.connectionDidRead(c.connection) }
        }
    }
}
