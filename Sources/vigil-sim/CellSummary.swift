import Simulation

/// What the table says about one configuration under one fault kind, kept in a
/// form that shards can send and merge exactly: the distribution of lost writes
/// as a histogram (percentiles come out as from the sorted list), sums, the
/// worst run, and the first runs that broke an invariant.
struct CellSummary {
    let config: String
    let fault: String
    var runs = 0
    var acknowledged = 0
    /// Lost writes → how many runs lost that many.
    var lost: [Int: Int] = [:]
    /// The most writes lost, the smallest seed among the runs that lost that many.
    var worst: (lost: Int, seed: UInt64)?
    var badRuns = 0
    /// The first runs with violations, by seed (a table shows three).
    var violations: [(seed: UInt64, text: String)] = []
    static let violationsKept = 3

    init(config: String, fault: String) {
        self.config = config
        self.fault = fault
    }

    mutating func add(_ r: SimulationFaultRun.Result) {
        runs += 1
        acknowledged += r.acknowledged
        lost[r.lost, default: 0] += 1
        if worst.map({ r.lost > $0.lost || (r.lost == $0.lost && r.seed < $0.seed) }) ?? true { worst = (r.lost, r.seed) }
        if !r.ok {
            badRuns += 1
            keep(r.seed, r.violations.prefix(2).joined(separator: "; "))
        }
    }

    mutating func merge(_ o: CellSummary) {
        runs += o.runs
        acknowledged += o.acknowledged
        for (k, n) in o.lost { lost[k, default: 0] += n }
        if let w = o.worst, worst.map({ w.lost > $0.lost || (w.lost == $0.lost && w.seed < $0.seed) }) ?? true { worst = w }
        badRuns += o.badRuns
        for v in o.violations { keep(v.seed, v.text) }
    }

    private mutating func keep(_ seed: UInt64, _ text: String) {
        violations.append((seed, text))
        violations.sort { $0.seed < $1.seed }
        if violations.count > Self.violationsKept { violations.removeLast() }
    }

    /// The k-th smallest lost count (0-based), as `sorted()[k]`.
    private func lostAt(_ k: Int) -> Int {
        var seen = 0
        for v in lost.keys.sorted() {
            seen += lost[v]!
            if k < seen { return v }
        }
        return 0
    }

    static let header = "| configuration | fault | runs | mean lost | p50 | p99 | max | runs with loss | acknowledged (mean) | worst seed |\n"
        + "|---|---|---|---|---|---|---|---|---|---|"

    var row: String {
        guard runs > 0, let w = worst else { return "| \(config) | \(fault) | 0 | - | - | - | - | - | - | - |" }
        let sum = lost.reduce(0) { $0 + $1.key * $1.value }
        let mean = Double(sum) / Double(runs)
        let acked = Double(acknowledged) / Double(runs)
        let withLoss = runs - (lost[0] ?? 0)
        let replay = w.lost > 0 ? "--seed \(w.seed) --fault \(fault) --config \(config)" : "-"
        return "| \(config) | \(fault) | \(runs) | \(fixed2(mean)) | \(lostAt(runs / 2)) | \(lostAt(min(runs - 1, runs * 99 / 100))) | \(w.lost) | \(withLoss) | \(Int(acked.rounded())) | \(replay) |"
    }
}

/// Two decimals, without Foundation.
func fixed2(_ x: Double) -> String {
    let cents = Int((x * 100).rounded())
    let frac = cents % 100
    return "\(cents / 100).\(frac < 10 ? "0" : "")\(frac)"
}
