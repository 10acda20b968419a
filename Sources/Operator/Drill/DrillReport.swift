import Foundation

/// What one run of a drill found.
public struct RunResult: Codable, Equatable, Sendable {
    public var run: Int
    public var kind: String
    public var oldMaster: String
    public var newMaster: String?
    public var fault: String
    public var timeline: [TimelineEntry] = []
    /// Fault to the first write acknowledged by the new master; nil if never.
    public var timeToWritableMs: Int?
    public var acknowledged = 0
    public var failedAttempts = 0
    /// Acknowledged writes the new master does not hold (after the replicas synced); nil if not checked.
    public var lost: Int?
    /// The first few lost sequence numbers, for a look at the logs.
    public var lostSample: [Int] = []
    public var fullResyncs = 0
    public var partialResyncs = 0
    /// Why the run did not complete; nil when it did.
    public var problem: String?
    public var notes: [String] = []

    public init(run: Int, kind: String, oldMaster: String, fault: String) {
        self.run = run
        self.kind = kind
        self.oldMaster = oldMaster
        self.fault = fault
    }
}

/// The runs of one drill and their spread.
public struct DrillReport: Codable, Equatable, Sendable {
    public var kind: String
    public var masterName: String
    public var rate: Int
    public var wait: Int
    public var runs: [RunResult]
    public var timeToWritableMs: Spread?
    public var lost: Spread?

    public init(kind: String, masterName: String, rate: Int, wait: Int, runs: [RunResult]) {
        self.kind = kind
        self.masterName = masterName
        self.rate = rate
        self.wait = wait
        self.runs = runs
        timeToWritableMs = Spread(runs.compactMap { $0.timeToWritableMs.map(Double.init) })
        lost = Spread(runs.compactMap { $0.lost.map(Double.init) })
    }

    public func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: (try? e.encode(self)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The human report: each run's timeline and figures, then the spread table.
    public func text() -> String {
        var out: [String] = []
        for r in runs {
            out.append("run \(r.run)/\(runs.count): \(r.kind) of \(masterName) at \(r.oldMaster)"
                       + (r.newMaster.map { ", new master \($0)" } ?? ""))
            for e in r.timeline {
                out.append("  " + pad("+\(e.ms) ms", 10, right: true) + "  " + pad(e.what, 34) + e.detail)
            }
            let ttw = r.timeToWritableMs.map { "\($0) ms" } ?? "never"
            let lost = r.lost.map(String.init) ?? "not checked"
            out.append("  time-to-writable: \(ttw)   acknowledged: \(r.acknowledged)   lost: \(lost)"
                       + "   failed attempts: \(r.failedAttempts)   resyncs: \(r.fullResyncs) full, \(r.partialResyncs) partial")
            if !r.lostSample.isEmpty {
                out.append("  lost sequence numbers: " + r.lostSample.map(String.init).joined(separator: " ")
                           + (r.lost.map { $0 > r.lostSample.count ? " ..." : "" } ?? ""))
            }
            for n in r.notes { out.append("  note: \(n)") }
            if let p = r.problem { out.append("  PROBLEM: \(p)") }
            out.append("")
        }
        out.append(pad("over \(runs.count) run\(runs.count == 1 ? "" : "s")", 24) + pad("min", 10, right: true)
                   + pad("median", 10, right: true) + pad("max", 10, right: true))
        out.append(row("time-to-writable (ms)", timeToWritableMs))
        out.append(row("lost writes" + (wait > 0 ? " (WAIT \(wait))" : ""), lost))
        return out.joined(separator: "\n") + "\n"
    }

    private func row(_ label: String, _ s: Spread?) -> String {
        guard let s else { return pad(label, 24) + pad("-", 10, right: true) + pad("-", 10, right: true) + pad("-", 10, right: true) }
        return pad(label, 24) + pad(Self.number(s.min), 10, right: true) + pad(Self.number(s.median), 10, right: true)
            + pad(Self.number(s.max), 10, right: true)
    }

    static func number(_ d: Double) -> String {
        d == d.rounded() ? String(Int(d)) : String(format: "%.1f", d)
    }

    private func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - s.count))
        return right ? fill + s : s + fill
    }
}
