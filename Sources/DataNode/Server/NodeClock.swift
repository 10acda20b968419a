import CVigilShim

/// Every time reading the data node makes (command time, durations, expiry,
/// timeouts, cron, INFO, latency, MONITOR, CLIENT LIST) goes through the one
/// clock its server owns, so that a test can run a node on a manual clock.
/// The event loop's own timer scheduling (Reactor) keeps the real monotonic clock.
public final class NodeClock {
    /// A manual clock returns these instead of reading the system's.
    private let manual: Bool
    private var manualWallUs: Int64
    private var manualMonotonicUs: Int64
    /// Added to the wall clock for key expiry and blocking deadlines only:
    /// lets tests move keys' time without sleeping (the rest keeps real time).
    public var keyspaceOffsetMs: Int64 = 0
    /// The last command's end reading and whether it is still "now": set by a
    /// command's end, dropped whenever other work may have run in between.
    private var lastCommandEndUs: Int64 = 0
    private var batchFresh = false

    /// The real clocks.
    public init() {
        manual = false
        manualWallUs = 0
        manualMonotonicUs = 0
    }

    /// A clock that stands still until `advance` moves it.
    public init(manualWallUs wall: Int64, monotonicUs mono: Int64 = 0) {
        manual = true
        manualWallUs = wall
        manualMonotonicUs = mono
    }

    /// Moves a manual clock (both readings) forward.
    public func advance(us: Int64) {
        precondition(manual, "only a manual clock can be moved")
        manualWallUs += us
        manualMonotonicUs += us
        batchFresh = false
    }

    /// Microseconds since the epoch (Redis's ustime()).
    @inline(__always) public func wallUs() -> Int64 {
        manual ? manualWallUs : vigil_realtime_us()
    }

    /// Milliseconds since the epoch (mstime()).
    @inline(__always) public func wallMs() -> Int64 { wallUs() / 1000 }

    /// Monotonic microseconds (getMonotonicUs()): durations, time limits.
    @inline(__always) public func monotonicUs() -> Int64 {
        manual ? manualMonotonicUs : vigil_monotonic_us()
    }

    @inline(__always) public func monotonicMs() -> Int64 { monotonicUs() / 1000 }

    /// A command's start: in a pipelined batch the previous command's end
    /// reading is this one's start (half the reads; they were ~10% of PING -P 16).
    @inline(__always) public func commandStartUs() -> Int64 {
        batchFresh ? lastCommandEndUs : wallUs()
    }

    /// A command's end: read, and kept for the next command of the batch.
    @inline(__always) public func commandEndUs() -> Int64 {
        let us = wallUs()
        lastCommandEndUs = us
        batchFresh = true
        return us
    }

    /// Time may pass before the next command (the loop waits, other work runs).
    @inline(__always) public func endBatch() { batchFresh = false }

    /// The keyspace's "now" for a wall reading.
    @inline(__always) public func keyspaceMs(wallUs us: Int64) -> Int64 { us / 1000 + keyspaceOffsetMs }

    /// The keyspace's "now", read afresh.
    @inline(__always) public func keyspaceMs() -> Int64 { keyspaceMs(wallUs: wallUs()) }
}
