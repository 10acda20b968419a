/// CLIENT PAUSE's state as Redis 7.0's pauseClients keeps it: a pause only
/// widens. ALL beats WRITE whatever the new timeout (even 0, or one whose end
/// time wraps), and the later end wins; a pause whose end has passed counts
/// as none. Both servers hold one and decide with it.
public struct ClientPauseState: Sendable, Equatable {
    /// Monotonic ms at which the pause ends; 0 when there is none.
    public private(set) var endMs: Int64 = 0
    /// ALL (every command held) rather than WRITE (only writes and EXEC).
    public private(set) var pausesAll = false

    public init() {}

    /// Whether a pause was set and not cleared yet (it may have ended: callers
    /// unpause when `now >= endMs`).
    public var isSet: Bool { endMs > 0 }

    /// pauseClients for one CLIENT PAUSE. Returns true when the end moved later
    /// (a caller that keeps a timer re-arms it).
    @discardableResult
    public mutating func apply(_ request: ClientPauseRequest, now: Int64) -> Bool {
        if now >= endMs { clear() }
        // Redis adds without an overflow check: a wrapped end extends nothing.
        let (end, overflow) = now.addingReportingOverflow(request.timeoutMs)
        let extends = !overflow && request.timeoutMs > 0 && end > endMs
        // The kind widens for a pause that is on or starting, never for none.
        if !request.writesOnly && (extends || isSet) { pausesAll = true }
        if extends { endMs = end }
        return extends
    }

    /// unpauseClients.
    public mutating func clear() {
        endMs = 0
        pausesAll = false
    }
}
