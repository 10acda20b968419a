/// Minimum, median and maximum of one measure over the runs.
public struct Spread: Codable, Equatable, Sendable {
    public var min: Double
    public var median: Double
    public var max: Double
    public var count: Int

    public init(min: Double, median: Double, max: Double, count: Int) {
        self.min = min
        self.median = median
        self.max = max
        self.count = count
    }

    /// nil for no values; the median of an even count is the mean of the middle two.
    public init?(_ values: [Double]) {
        guard !values.isEmpty else { return nil }
        let s = values.sorted()
        min = s[0]
        max = s[s.count - 1]
        median = s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
        count = s.count
    }
}
