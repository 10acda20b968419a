import CVigilShim
import Foundation

/// Seconds on the monotonic clock: every time in a drill is measured on it.
func monotonicSeconds() -> Double { Double(vigil_monotonic_us()) / 1_000_000 }

/// One write the deployment acknowledged: when, which node, which sequence number.
struct AckedWrite: Equatable, Sendable {
    let seq: Int
    let at: Double
    let node: Address
}

/// One sentinel event as a subscriber received it.
struct SentinelEvent: Equatable, Sendable {
    let at: Double
    let sentinel: Address
    let type: String
    let message: String
}

/// What the writer and the event threads hand to the main one. They share
/// nothing else: the modules under the client are built with non-atomic
/// reference counting (-assume-single-threaded), so each thread owns its own
/// connections and only plain values cross this lock.
final class DrillLog: @unchecked Sendable {
    private let lock = NSLock()
    private var acked: [AckedWrite] = []
    private var events: [SentinelEvent] = []
    private var attempts = 0
    private var failures = 0
    private var stopped = false
    private var notes: [String] = []

    func ack(_ w: AckedWrite) { lock.withLock { acked.append(w); attempts += 1 } }
    func fail() { lock.withLock { attempts += 1; failures += 1 } }
    func event(_ e: SentinelEvent) { lock.withLock { events.append(e) } }
    func note(_ text: String) { lock.withLock { notes.append(text) } }
    func stop() { lock.withLock { stopped = true } }
    var isStopped: Bool { lock.withLock { stopped } }

    struct Snapshot {
        var acked: [AckedWrite]
        var events: [SentinelEvent]
        var attempts: Int
        var failures: Int
        var notes: [String]
    }

    func snapshot() -> Snapshot {
        lock.withLock { Snapshot(acked: acked, events: events, attempts: attempts, failures: failures, notes: notes) }
    }

    var ackedCount: Int { lock.withLock { acked.count } }

    /// The first write acknowledged by `node` at or after `since`.
    func firstAck(on node: Address, since: Double) -> AckedWrite? {
        lock.withLock { acked.first { $0.node == node && $0.at >= since } }
    }

    func firstEvent(_ type: String, since: Double) -> SentinelEvent? {
        lock.withLock { events.first { $0.type == type && $0.at >= since } }
    }
}
