/// Per-command latency histogram with the layout of the HdrHistogram Redis 7.0
/// uses (1 ns .. 1 s, 2 significant figures), so that INFO latencystats
/// percentiles and LATENCY HISTOGRAM buckets come out with the same values.
/// Values are nanoseconds.
public final class LatencyHistogram {
    static let lowest: Int64 = 1
    static let highest: Int64 = 1_000_000_000
    // Derived from 2 significant figures: 2*10^2 = 200 values of unit resolution.
    static let subBucketCountMagnitude = 8
    static let subBucketHalfCountMagnitude = 7
    static let subBucketCount: Int64 = 256
    static let subBucketHalfCount: Int64 = 128
    static let subBucketMask: Int64 = 255
    static let bucketCount = 23
    static let countsLength = (bucketCount + 1) * Int(subBucketHalfCount)

    public private(set) var counts: [Int64]
    public private(set) var totalCount: Int64 = 0

    public init() {
        counts = [Int64](repeating: 0, count: Self.countsLength)
    }

    /// Records one duration, clamped into the trackable range as Redis does.
    @inline(__always)
    public func record(nanoseconds: Int64) {
        let v = min(max(nanoseconds, Self.lowest), Self.highest)
        let idx = Self.countsIndex(v)
        guard idx >= 0 && idx < counts.count else { return }
        counts[idx] += 1
        totalCount += 1
    }

    // MARK: index arithmetic (hdr_histogram.c)

    @inline(__always)
    static func bucketIndex(_ v: Int64) -> Int {
        let pow2ceiling = 64 - (v | subBucketMask).leadingZeroBitCount
        return pow2ceiling - (subBucketHalfCountMagnitude + 1)
    }

    @inline(__always)
    static func subBucketIndex(_ v: Int64, _ bucket: Int) -> Int64 { v >> Int64(bucket) }

    @inline(__always)
    static func countsIndex(_ v: Int64) -> Int {
        let b = bucketIndex(v)
        let sb = subBucketIndex(v, b)
        let base = (b + 1) << subBucketHalfCountMagnitude
        return base + Int(sb - subBucketHalfCount)
    }

    static func valueAtIndex(_ index: Int) -> Int64 {
        var b = (index >> subBucketHalfCountMagnitude) - 1
        var sb = Int64(index & Int(subBucketHalfCount - 1)) + subBucketHalfCount
        if b < 0 {
            sb -= subBucketHalfCount
            b = 0
        }
        return sb << Int64(b)
    }

    static func lowestEquivalent(_ v: Int64) -> Int64 {
        let b = bucketIndex(v)
        return subBucketIndex(v, b) << Int64(b)
    }

    static func equivalentRangeSize(_ v: Int64) -> Int64 {
        let b = bucketIndex(v)
        let sb = subBucketIndex(v, b)
        return Int64(1) << Int64(sb >= subBucketCount ? b + 1 : b)
    }

    static func highestEquivalent(_ v: Int64) -> Int64 { lowestEquivalent(v) + equivalentRangeSize(v) - 1 }

    // MARK: queries

    /// hdr_value_at_percentile: the highest value equivalent to the one at
    /// which the cumulative count reaches the percentile.
    public func valueAtPercentile(_ percentile: Double) -> Int64 {
        let p = min(percentile, 100.0)
        var target = Int64((p / 100.0) * Double(totalCount) + 0.5)
        if target < 1 { target = 1 }
        var cumulative: Int64 = 0
        var value: Int64 = 0
        for i in 0..<counts.count {
            cumulative += counts[i]
            if cumulative >= target {
                value = Self.valueAtIndex(i)
                break
            }
        }
        return percentile == 0 ? Self.lowestEquivalent(value) : Self.highestEquivalent(value)
    }

    /// LATENCY HISTOGRAM's buckets: a logarithmic walk (first bucket 1024 ns,
    /// base 2) reporting (upper bound in µs, cumulative count) wherever the
    /// cumulative count grew, as Redis's fillCommandCDF.
    public func cumulativeBuckets() -> [(usec: Int64, count: Int64)] {
        var out: [(Int64, Int64)] = []
        var index = -1
        var cumulative: Int64 = 0
        var value: Int64 = 0
        var level: Int64 = 1024
        var levelLowest = Self.lowestEquivalent(level)
        var previous: Int64 = 0
        outer: while cumulative < totalCount || Self.valueAtIndex(index + 1) > levelLowest {
            while true {
                if value >= levelLowest {
                    let micros = Self.highestEquivalent(value) / 1000
                    if cumulative > previous { out.append((micros, cumulative)) }
                    previous = cumulative
                    level *= 2
                    levelLowest = Self.lowestEquivalent(level)
                    break
                }
                index += 1
                if index >= counts.count { break outer }
                cumulative += counts[index]
                value = Self.valueAtIndex(index)
            }
        }
        return out
    }
}
