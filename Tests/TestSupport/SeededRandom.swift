/// SplitMix64, the one seeded generator of the tests: tiny, fast, and a
/// failing run replays exactly from the seed it prints (Swift's system
/// generator cannot be seeded). Ranges are reduced modulo their size: the
/// bias is irrelevant for tests and the sequences stay stable across Swift
/// versions, which `Int.random(in:using:)` does not promise.
public struct SeededRandom: RandomNumberGenerator {
    public private(set) var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in 0..<n.
    public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    public mutating func int(_ range: Range<Int>) -> Int { range.lowerBound + below(range.count) }

    /// True with probability `p` (0...1).
    public mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
    /// True in `percent` cases out of 100.
    public mutating func chance(percent: Int) -> Bool { below(100) < percent }

    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An index chosen with the given relative weights.
    public mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        var r = below(max(total, 1))
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    public mutating func byte() -> UInt8 { UInt8(truncatingIfNeeded: next()) }

    public mutating func bytes(count: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        for i in 0..<count { out[i] = byte() }
        return out
    }

    /// A fresh seed from the system generator (48 bits: easy to type back).
    public static func randomSeed() -> UInt64 {
        var g = SystemRandomNumberGenerator()
        return g.next() & 0xFFFF_FFFF_FFFF
    }
}
