import CVigilShim
import Keyspace

/// What eviction keeps between calls: the sampled pool, the continuation
/// timer when the time budget ran out, and the INFO figures about it.
public final class EvictionState {
    public var selector = EvictionSelector()
    /// Tests substitute an exact model of their data for used_memory.
    public var usedMemoryModel: (() -> Int)?
    /// The 0 ms timer that goes on evicting between loop turns (startEvictionTimeProc).
    var timerRunning = false
    /// When memory first went over the limit and eviction started (monotonic µs, 0 = not over).
    var overLimitSinceUs: Int64 = 0
    /// total_eviction_exceeded_time, in ms, of finished episodes.
    var exceededTotalMs: Int64 = 0

    public init() {}

    /// The three outcomes of performEvictions.
    public enum Outcome { case ok, running, fail }
}
