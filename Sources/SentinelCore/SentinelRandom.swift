/// SplitMix64: the core's only source of randomness, seeded by the caller so
/// a run can be replayed.
public struct SentinelRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<bound (bound > 0).
    public mutating func below(_ bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }

    /// 40 lowercase hex characters, as a sentinel/run id.
    public mutating func runID() -> String {
        let hex = Array("0123456789abcdef")
        var s = ""
        s.reserveCapacity(40)
        for _ in 0..<40 { s.append(hex[below(16)]) }
        return s
    }
}
