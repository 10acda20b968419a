
/// Redis's latency monitor (latency.c): per event class, the worst latency
/// seen in each second, the last 160 seconds that had one, plus the all-time
/// maximum. Events are only recorded above latency-monitor-threshold.
public struct LatencyMonitor {
    /// Samples kept per event, as LATENCY_TS_LEN.
    public static let seriesLength = 160

    public struct Sample: Equatable, Sendable {
        /// Unix seconds; 0 marks an unused slot.
        public var time: Int
        public var latencyMs: Int
    }

    public struct Series: Sendable {
        public var samples = [Sample](repeating: Sample(time: 0, latencyMs: 0), count: LatencyMonitor.seriesLength)
        /// Next slot to write.
        public var index = 0
        public var maxMs = 0

        /// Used slots, oldest first.
        public var chronological: [Sample] {
            (0..<LatencyMonitor.seriesLength).map { samples[(index + $0) % LatencyMonitor.seriesLength] }.filter { $0.time != 0 }
        }

        public var latest: Sample { samples[(index + LatencyMonitor.seriesLength - 1) % LatencyMonitor.seriesLength] }
    }

    /// Event names in creation order: replies list them deterministically.
    public private(set) var names: [String] = []
    public private(set) var series: [String: Series] = [:]

    public init() {}

    public var isEmpty: Bool { names.isEmpty }

    /// latencyAddSampleIfNeeded: records only when monitoring is on and the
    /// latency reaches the threshold.
    @inline(__always)
    public mutating func addSampleIfNeeded(_ event: String, latencyMs: Int, thresholdMs: Int, unixTime: Int) {
        if thresholdMs > 0 && latencyMs >= thresholdMs { addSample(event, latencyMs: latencyMs, unixTime: unixTime) }
    }

    /// One sample per second per event: a second sample within the same
    /// second only raises that second's value.
    public mutating func addSample(_ event: String, latencyMs: Int, unixTime: Int) {
        if series[event] == nil {
            series[event] = Series()
            names.append(event)
        }
        series[event]!.record(latencyMs: latencyMs, unixTime: unixTime)
    }

    /// Resets one event (case-insensitive name) or all when nil; returns how many were dropped.
    @discardableResult
    public mutating func reset(_ event: String?) -> Int {
        var dropped = 0
        for name in names where event == nil || name.lowercased() == event!.lowercased() {
            series[name] = nil
            dropped += 1
        }
        names.removeAll { series[$0] == nil }
        return dropped
    }

    /// latency-monitor-threshold (ms, 0 = off) and latency-tracking, cached
    /// here because the command path reads them on every call.
    public private(set) var thresholdMs = 0
    public private(set) var trackingEnabled = true

    public mutating func configure(thresholdMs: Int, tracking: Bool) {
        self.thresholdMs = thresholdMs
        trackingEnabled = tracking
    }

    /// After each command: its latency histogram, and a "fast-command"
    /// (commands flagged fast) or "command" event when over the threshold.
    @inline(__always)
    public mutating func commandFinished(_ cmd: Command, durationUs: Int64, clock: NodeClock) {
        if trackingEnabled {
            if let h = cmd.latencyHistogram {
                h.record(nanoseconds: durationUs &* 1000)
            } else {
                let h = LatencyHistogram()
                h.record(nanoseconds: durationUs &* 1000)
                cmd.latencyHistogram = h
            }
        }
        if thresholdMs > 0 && durationUs / 1000 >= Int64(thresholdMs) {
            addSample(cmd.flags.contains(.fast) ? "fast-command" : "command", latencyMs: Int(durationUs / 1000),
                      unixTime: Int(clock.wallMs() / 1000))
        }
    }

    // MARK: analysis (LATENCY DOCTOR)

    public struct Stats {
        public var samples = 0
        public var avg = 0
        public var min = 0
        public var max = 0
        /// Mean absolute deviation from the average.
        public var mad = 0
        /// Seconds from the oldest sample to now (at least 1).
        public var period = 0
    }

    public func analyze(_ event: String, now: Int) -> Stats {
        var st = Stats()
        guard let s = series[event] else { return st }
        var sum = 0
        var oldest = 0
        for smp in s.samples where smp.time != 0 {
            st.samples += 1
            if st.samples == 1 {
                st.min = smp.latencyMs
                st.max = smp.latencyMs
            } else {
                st.min = Swift.min(st.min, smp.latencyMs)
                st.max = Swift.max(st.max, smp.latencyMs)
            }
            sum += smp.latencyMs
            if oldest == 0 || smp.time < oldest { oldest = smp.time }
        }
        guard st.samples > 0 else { return st }
        st.avg = sum / st.samples
        st.period = now - oldest
        if st.period == 0 { st.period = 1 }
        var dev = 0
        for smp in s.samples where smp.time != 0 { dev += abs(st.avg - smp.latencyMs) }
        st.mad = dev / st.samples
        return st
    }
}

extension LatencyMonitor.Series {
    mutating func record(latencyMs: Int, unixTime: Int) {
        if latencyMs > maxMs { maxMs = latencyMs }
        let prev = (index + LatencyMonitor.seriesLength - 1) % LatencyMonitor.seriesLength
        if samples[prev].time == unixTime {
            if latencyMs > samples[prev].latencyMs { samples[prev].latencyMs = latencyMs }
            return
        }
        samples[index] = LatencyMonitor.Sample(time: unixTime, latencyMs: latencyMs)
        index = (index + 1) % LatencyMonitor.seriesLength
    }
}
