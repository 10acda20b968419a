/// clientsCron: each call visits a slice of the clients, so that all are
/// visited about once a second whatever their number (at least 5 per call,
/// so a few clients are visited on every call), as Redis's rotation of its
/// client list does.
extension Server {
    static let clientsCronMinIterations = 5

    func clientsCron() {
        let hz = max(hot.hz, 1)
        let n = clients.count
        var iterations = max(n / hz, Self.clientsCronMinIterations)
        if iterations > n { iterations = n }
        let now = clock.monotonicMs()
        let idleTimeout = hot.timeout
        while iterations > 0 {
            if clientsCronQueue.isEmpty {
                clientsCronQueue = Array(clients.keys)
                if clientsCronQueue.isEmpty { return }
            }
            let id = clientsCronQueue.removeLast()
            guard let c = clients[id] else { continue }
            iterations -= 1
            if idleTimeout > 0 && !c.flags.contains(.master) && !c.flags.contains(.replica)
                && !c.flags.contains(.pubsub) && !c.flags.contains(.blocked) && now - c.lastInteractionMs > Int64(idleTimeout) * 1000 {
                log.verbose("Closing idle client")
                freeClient(c, reason: "idle timeout")
                continue
            }
            c.resizeQueryBuffer(nowMs: now)
            switch c.resizeReplyBuffer(nowMs: now, enabled: replyBufferResizing, peakResetMs: replyBufferPeakResetMs) {
            case -1: stats.replyBufferShrinks += 1
            case 1: stats.replyBufferExpands += 1
            default: break
            }
            if c.softLimitReachedMs != 0 { checkOutputBufferLimits(c) }
            if c.isFreed { continue }
            // Output drained by the socket since it was last counted.
            updateClientMemory(c)
        }
    }
}
