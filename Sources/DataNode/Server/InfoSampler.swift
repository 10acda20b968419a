import CVigilShim

/// What INFO needs sampled over time rather than read on demand: the
/// instantaneous_* rates (Redis's trackInstantaneousMetric, 16 samples taken
/// every 100 ms from cron), the memory peak and the memory used at start-up.
public struct InfoSampler {
    static let sampleCount = 16
    static let periodMs: Int64 = 100

    public struct Metric: Sendable {
        var lastSampleMs: Int64
        var lastReading: Int64 = 0
        var samples = [Int64](repeating: 0, count: InfoSampler.sampleCount)
        var index = 0

        init(nowMs: Int64) { lastSampleMs = nowMs }

        mutating func track(_ reading: Int64, nowMs: Int64) {
            let t = nowMs - lastSampleMs
            let delta = reading - lastReading
            samples[index] = t > 0 ? delta * 1000 / t : 0
            index = (index + 1) % InfoSampler.sampleCount
            lastSampleMs = nowMs
            lastReading = reading
        }

        /// Per-second average over the sample window.
        public var value: Int64 { samples.reduce(0, +) / Int64(InfoSampler.sampleCount) }
    }

    public private(set) var ops: Metric
    public private(set) var netInput: Metric
    public private(set) var netOutput: Metric
    public private(set) var netReplInput: Metric
    public private(set) var netReplOutput: Metric
    private var lastRunMs: Int64
    private var lastPeakSampleMs: Int64 = 0
    /// Largest used_memory seen.
    public private(set) var peakMemory: Int
    /// used_memory right after the server was created.
    public let startupMemory: Int

    public init(nowMs now: Int64) {
        ops = Metric(nowMs: now)
        netInput = Metric(nowMs: now)
        netOutput = Metric(nowMs: now)
        netReplInput = Metric(nowMs: now)
        netReplOutput = Metric(nowMs: now)
        lastRunMs = now
        startupMemory = Int(vigil_used_memory())
        peakMemory = startupMemory
    }

    /// Called from cron at every tick; samples at most every 100 ms. The
    /// memory peak is sampled once a second: mallinfo2 walks malloc's free
    /// lists, which is not free on a fragmented heap (INFO samples it too).
    public mutating func cron(stats: ServerStats, nowMs now: Int64) {
        if now - lastPeakSampleMs >= 1000 {
            lastPeakSampleMs = now
            notePeak(Int(vigil_used_memory()))
        }
        guard now - lastRunMs >= Self.periodMs else { return }
        lastRunMs = now
        ops.track(Int64(stats.totalCommandsProcessed), nowMs: now)
        netInput.track(Int64(stats.netInputBytes), nowMs: now)
        netOutput.track(Int64(stats.netOutputBytes), nowMs: now)
        netReplInput.track(0, nowMs: now)
        netReplOutput.track(0, nowMs: now)
    }

    public mutating func notePeak(_ used: Int) {
        if used > peakMemory { peakMemory = used }
    }

    /// CONFIG RESETSTAT: the rates restart from zero (the peak stays).
    public mutating func resetRates(nowMs now: Int64) {
        ops = Metric(nowMs: now)
        netInput = Metric(nowMs: now)
        netOutput = Metric(nowMs: now)
        netReplInput = Metric(nowMs: now)
        netReplOutput = Metric(nowMs: now)
    }
}
