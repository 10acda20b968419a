import Foundation
import Protocol
import RESPClient

/// The load a real sentinel-aware client puts on the deployment: it resolves
/// the master through the sentinels, writes sequence-numbered keys at a
/// steady rate, and re-resolves whenever the node it writes to fails it
/// (connection error, timeout, READONLY or any other error reply). Runs on
/// its own thread with its own connections.
final class DrillWriter: @unchecked Sendable {
    private let view: SentinelView
    private let keyPrefix: String
    private let rate: Int
    private let waitReplicas: Int
    private let log: DrillLog
    /// How long a write (and WAIT) may take before it counts as failed.
    private let ioTimeoutMs: Int
    private var thread: Thread?
    private let done = DispatchSemaphore(value: 0)

    init(view: SentinelView, keyPrefix: String, rate: Int, waitReplicas: Int, log: DrillLog) {
        self.view = view
        self.keyPrefix = keyPrefix
        self.rate = rate
        self.waitReplicas = waitReplicas
        self.log = log
        ioTimeoutMs = waitReplicas > 0 ? 1500 : 500
    }

    /// The WAIT timeout: long enough for a healthy replica, short enough to move on.
    static let waitTimeoutMs = 1000

    func start() {
        let t = Thread { [self] in
            loop()
            done.signal()
        }
        t.stackSize = 1 << 20
        thread = t
        t.start()
    }

    func join() { done.wait() }

    private func loop() {
        var conn: RedisConnection?
        var node: Address?
        var seq = 0
        let interval = 1.0 / Double(rate)
        var next = monotonicSeconds()
        while !log.isStopped {
            let now = monotonicSeconds()
            if now < next {
                usleep(UInt32(min(0.05, next - now) * 1_000_000))
                continue
            }
            // Behind schedule (a slow failover): no burst to catch up.
            next = max(next + interval, now)
            if conn == nil {
                guard let target = view.resolveMaster(),
                      let c = try? SentinelView.connect(target, timeoutMs: ioTimeoutMs) else {
                    log.fail()
                    next = monotonicSeconds() + 0.01
                    continue
                }
                conn = c
                node = target
            }
            seq += 1
            if write(seq, on: conn!) {
                log.ack(AckedWrite(seq: seq, at: monotonicSeconds(), node: node!))
            } else {
                log.fail()
                conn?.close()
                conn = nil
            }
        }
        conn?.close()
    }

    /// SET (then WAIT): true only when the deployment acknowledged it as asked.
    private func write(_ seq: Int, on c: RedisConnection) -> Bool {
        let value = String(seq)
        do {
            if waitReplicas == 0 {
                return try c.call("SET", keyPrefix + value, value) == .simple("OK")
            }
            let replies = try c.pipeline([["SET", keyPrefix + value, value],
                                          ["WAIT", String(waitReplicas), String(Self.waitTimeoutMs)]])
            guard replies[0] == .simple("OK"), let n = replies[1].int else { return false }
            return n >= waitReplicas
        } catch {
            return false
        }
    }
}
