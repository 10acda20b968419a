import Protocol
import Reactor
import ServerKit

/// CLIENT PAUSE / UNPAUSE as redis-sentinel 7.0 runs them: processCommand
/// postpones every client's next command while an ALL pause lasts. A WRITE
/// pause holds nothing here: no sentinel command is flagged write or
/// may-replicate.
extension SentinelServer {
    /// Whether `c`'s command must wait for the pause to end; if so it is held.
    func postponeIfPaused(_ c: ClientSession, _ argv: [[UInt8]]) -> Bool {
        guard pause.pausesAll, clockMs() < pause.endMs else { return false }
        c.postponed = argv
        postponedClients.append(c)
        return true
    }

    func clientPause(_ c: ClientSession, _ argv: [[UInt8]]) {
        let request: ClientPauseRequest
        switch ClientPauseRequest.parse(argv) {
        case .error(let text): return replyError(c, bytes: text)
        case .request(let r): request = r
        }
        if pause.apply(request, now: clockMs()) {
            if let t = pauseTimer { loop.cancelTimer(t) }
            pauseTimer = loop.addTimer(afterMs: request.timeoutMs) { [unowned self] in
                self.pauseTimer = nil
                self.unpauseClients()
                return nil
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
        pause.clear()
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
