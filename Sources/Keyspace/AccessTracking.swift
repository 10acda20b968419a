/// Per-key access stamps, as the 24-bit `lru` field of a Redis object: under
/// an LRU (or non-LFU) maxmemory policy the stamp is the last access time in
/// seconds; under an LFU policy it is `minutes << 8 | counter`, a logarithmic
/// access counter that decays with idle time. Like Redis, switching policy
/// reinterprets the old stamps, which then take some time to adjust.
public struct AccessPolicy: Sendable, Equatable {
    public var lfu = false
    /// lfu-log-factor: higher makes the counter grow more slowly.
    public var lfuLogFactor = 10
    /// lfu-decay-time: minutes of idleness per counter decrement (0: never decays).
    public var lfuDecayTime = 1
    /// Values 0..<10000 are Redis's shared objects (not with maxmemory under
    /// an LRU or LFU policy): their access stamp is shared (SharedIntegers.swift).
    public var sharesIntegers = true

    public init(lfu: Bool = false, lfuLogFactor: Int = 10, lfuDecayTime: Int = 1, sharesIntegers: Bool = true) {
        self.lfu = lfu
        self.lfuLogFactor = lfuLogFactor
        self.lfuDecayTime = lfuDecayTime
        self.sharesIntegers = sharesIntegers
    }

    /// LFU_INIT_VAL: new keys start here so they are not evicted at once.
    public static let lfuInitial: UInt32 = 5
}

extension KeyspaceContext {
    /// LRU_CLOCK_MAX: the clock is 24 bits of seconds (wraps every 194 days).
    public static let lruClockMax: UInt32 = (1 << 24) - 1

    /// Seconds on the command clock, the LRU stamp (LRU_CLOCK_RESOLUTION 1000 ms).
    @inline(__always) public var lruClock: UInt32 { UInt32(truncatingIfNeeded: nowMs / 1000) & Self.lruClockMax }

    /// LFUGetTimeInMinutes: 16 bits of minutes.
    @inline(__always) public var lfuMinutes: UInt32 { UInt32(truncatingIfNeeded: nowMs / 60_000) & 0xFFFF }

    /// The stamp of a value being stored: a fresh clock under LRU; under LFU a
    /// replaced value keeps its counter (Redis's dbOverwrite) and a new one starts at 5.
    @inline(__always) public func storeStamp(_ old: UInt32?) -> UInt32 {
        if !accessPolicy.lfu { return lruClock }
        return old ?? (lfuMinutes << 8 | AccessPolicy.lfuInitial)
    }

    /// The stamp after an access (lookupKey's LRU/LFU update).
    @inline(__always) public func accessStamp(_ old: UInt32) -> UInt32 {
        if !accessPolicy.lfu { return lruClock }
        return lfuMinutes << 8 | lfuLogIncrement(lfuDecayed(old))
    }

    /// OBJECT IDLETIME: seconds since the last access.
    public func idleSeconds(_ stamp: UInt32) -> Int64 {
        let clock = lruClock
        let s = stamp & Self.lruClockMax
        return clock >= s ? Int64(clock - s) : Int64(Self.lruClockMax - s + clock)
    }

    /// LFUDecrAndReturn: the counter after decaying one step per lfu-decay-time
    /// minutes since the stamp's time (OBJECT FREQ reports this).
    public func lfuDecayed(_ stamp: UInt32) -> UInt32 {
        let ldt = stamp >> 8
        let counter = stamp & 0xFF
        guard accessPolicy.lfuDecayTime > 0 else { return counter }
        let now = lfuMinutes
        let elapsed = now >= ldt ? now - ldt : 65535 - ldt + now
        let periods = elapsed / UInt32(accessPolicy.lfuDecayTime)
        return periods > counter ? 0 : counter - periods
    }

    /// LFULogIncr: increments with probability 1 / ((counter - 5) * factor + 1).
    public func lfuLogIncrement(_ counter: UInt32) -> UInt32 {
        if counter >= 255 { return 255 }
        let base = counter > AccessPolicy.lfuInitial ? Double(counter - AccessPolicy.lfuInitial) : 0
        let p = 1.0 / (base * Double(accessPolicy.lfuLogFactor) + 1)
        return nextUnitRandom() < p ? counter + 1 : counter
    }
}

extension KeyspaceContext {
    /// A uniform double in [0, 1) from a xorshift64* state.
    public func nextUnitRandom() -> Double {
        randomState ^= randomState >> 12
        randomState ^= randomState << 25
        randomState ^= randomState >> 27
        let r = randomState &* 0x2545_F491_4F6C_DD1D
        return Double(r >> 11) / Double(1 << 53)
    }
}
