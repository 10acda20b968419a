import Foundation
import Protocol
import RESPClient

/// PSUBSCRIBE * on every sentinel, on a thread of its own, stamping each
/// event with the time it arrived. A sentinel that drops the connection is
/// subscribed to again (once a second) so that a restart does not blind the drill.
final class EventListener: @unchecked Sendable {
    private let sentinels: [Address]
    private let log: DrillLog
    private let done = DispatchSemaphore(value: 0)
    private let ready = DispatchSemaphore(value: 0)

    init(sentinels: [Address], log: DrillLog) {
        self.sentinels = sentinels
        self.log = log
    }

    /// Returns once every sentinel that answers is subscribed.
    func start() {
        let t = Thread { [self] in
            loop()
            done.signal()
        }
        t.start()
        ready.wait()
    }

    func join() { done.wait() }

    private func subscribe(_ a: Address) -> RedisConnection? {
        guard let c = try? SentinelView.connect(a, timeoutMs: 1000) else { return nil }
        guard (try? c.call("PSUBSCRIBE", "*")) != nil else {
            c.close()
            return nil
        }
        return c
    }

    private func loop() {
        var conns: [RedisConnection?] = sentinels.map { subscribe($0) }
        var lastRetry = monotonicSeconds()
        ready.signal()
        while !log.isStopped {
            for (i, c) in conns.enumerated() {
                guard let c else { continue }
                do {
                    while let v = try c.readReply(timeoutMs: 1) {
                        // pmessage, pattern, channel, payload
                        guard let items = v.elements, items.count == 4, items[0].string == "pmessage" else { continue }
                        log.event(SentinelEvent(at: monotonicSeconds(), sentinel: sentinels[i],
                                                type: items[2].string ?? "", message: items[3].string ?? ""))
                    }
                } catch {
                    c.close()
                    conns[i] = nil
                }
            }
            if conns.contains(where: { $0 == nil }) && monotonicSeconds() - lastRetry > 1 {
                lastRetry = monotonicSeconds()
                for i in conns.indices where conns[i] == nil { conns[i] = subscribe(sentinels[i]) }
            }
            if conns.allSatisfy({ $0 == nil }) { usleep(10_000) }
        }
        for c in conns { c?.close() }
    }
}
