/// xoshiro256** seeded once from the system: SystemRandomNumberGenerator makes
/// a getrandom(2) call per draw, which made SPOP/SRANDMEMBER syscall-bound.
/// Not for secrets; for picking elements, as Redis's own random() is.
public struct FastRandom: RandomNumberGenerator, Sendable {
    private var s: (UInt64, UInt64, UInt64, UInt64)

    public init() {
        var g = SystemRandomNumberGenerator()
        self.init(seed: g.next())
    }

    /// Deterministic sequence for a seed (tests, simulations).
    public init(seed: UInt64) {
        // splitmix64 spreads a small seed over the whole state.
        var x = seed
        func split() -> UInt64 {
            x &+= 0x9E37_79B9_7F4A_7C15
            var z = x
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s = (split(), split(), split(), split())
    }

    @inline(__always)
    public mutating func next() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0
        s.3 ^= s.1
        s.1 ^= s.2
        s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }
}
