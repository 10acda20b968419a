import Dispatch
import Glibc
import Simulation

// vigil-sim: runs many seeds of the data-aware simulation and prints the
// acknowledged writes lost per write configuration and fault kind.
//   vigil-sim [--seeds N] [--first S] [--fault KIND] [--config NAME]
//   vigil-sim --seed S [--fault KIND] [--config NAME] --trace
// Configurations: default, wait1, min-replicas. Fault kinds: master-crash,
// master-partitioned, master-paused, one-way, mixed.

nonisolated(unsafe) var args = CommandLine.arguments.dropFirst()
let configNames: [String: SimulationFaultRun.WriteConfig] = ["default": .plain, "wait1": .wait1, "min-replicas": .minReplicas]
var seeds = 1000, first: UInt64 = 1, replay: UInt64?, trace = false
var faults: [SimulationFaultRun.FaultKind] = [.masterCrash, .masterPartitioned, .masterPaused, .oneWay]
var configs: [(String, SimulationFaultRun.WriteConfig)] = [("default", .plain), ("wait1", .wait1), ("min-replicas", .minReplicas)]

func printError(_ text: String) {
    let bytes = Array((text + "\n").utf8)
    _ = bytes.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
}

func fail(_ text: String) -> Never {
    printError("vigil-sim: \(text)")
    exit(2)
}

func number<T: FixedWidthInteger>(_ option: String) -> T {
    guard let v = args.popFirst().flatMap({ T($0) }) else { fail("\(option) needs a number") }
    return v
}

/// Two decimals, without Foundation.
func fixed2(_ x: Double) -> String {
    let cents = Int((x * 100).rounded())
    let frac = cents % 100
    return "\(cents / 100).\(frac < 10 ? "0" : "")\(frac)"
}

while let a = args.popFirst() {
    switch a {
    case "--seeds": seeds = number(a)
    case "--first": first = number(a)
    case "--seed": replay = number(a) as UInt64
    case "--trace": trace = true
    case "--fault":
        guard let k = args.popFirst().flatMap({ SimulationFaultRun.FaultKind(rawValue: $0) }) else {
            fail("--fault: one of \(SimulationFaultRun.FaultKind.allCases.map(\.rawValue))")
        }
        faults = [k]
    case "--config":
        let n = args.popFirst() ?? ""
        guard let c = configNames[n] else { fail("--config: one of default, wait1, min-replicas") }
        configs = [(n, c)]
    default: fail("unknown option \(a)")
    }
}

func run(_ seed: UInt64, _ fault: SimulationFaultRun.FaultKind, _ config: SimulationFaultRun.WriteConfig, trace: Bool) -> SimulationFaultRun.Result {
    var r = SimulationFaultRun(seed: seed)
    r.faultKind = fault
    r.writes = config
    return trace ? r.traceOnly() : r.run()
}

if let seed = replay {
    for f in faults {
        for (name, c) in configs {
            let r = run(seed, f, c, trace: trace)
            print("seed=\(seed) fault=\(f.rawValue) config=\(name): \(r.acknowledged) acknowledged, \(r.lost) lost, \(r.violations.count) violations")
            if trace || !r.ok { print(r.report) }
        }
    }
    exit(0)
}

let clock = ContinuousClock()
let started = clock.now
print("| configuration | fault | runs | mean lost | p50 | p99 | max | runs with loss | acknowledged (mean) | worst seed |")
print("|---|---|---|---|---|---|---|---|---|---|")
var violations = 0
for (name, c) in configs {
    for f in faults {
        nonisolated(unsafe) let results = UnsafeMutableBufferPointer<SimulationFaultRun.Result?>.allocate(capacity: seeds)
        results.initialize(repeating: nil)
        let n = seeds, from = first
        DispatchQueue.concurrentPerform(iterations: 2) { w in
            for k in stride(from: w, to: n, by: 2) { results[k] = run(from + UInt64(k), f, c, trace: false) }
        }
        let all = results.compactMap { $0 }
        results.deallocate()
        let lost = all.map(\.lost).sorted()
        let worst = all.max { ($0.lost, $1.seed) < ($1.lost, $0.seed) }!
        let mean = Double(lost.reduce(0, +)) / Double(lost.count)
        let acked = Double(all.map(\.acknowledged).reduce(0, +)) / Double(all.count)
        let bad = all.filter { !$0.ok }
        violations += bad.count
        for b in bad.prefix(3) { printError("violation: seed=\(b.seed) fault=\(f.rawValue) config=\(name): \(b.violations.prefix(2).joined(separator: "; "))") }
        print("| \(name) | \(f.rawValue) | \(all.count) | \(fixed2(mean)) | \(lost[lost.count / 2]) | \(lost[min(lost.count - 1, lost.count * 99 / 100)]) | \(lost.last!) | \(lost.filter { $0 > 0 }.count) | \(String(Int(acked.rounded()))) | \(worst.lost > 0 ? "--seed \(worst.seed) --fault \(f.rawValue) --config \(name)" : "-") |")
    }
}
let d = clock.now - started
let secs = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
let total = seeds * configs.count * faults.count
print("\n\(total) runs in \(fixed2(secs)) s (\(Int(Double(total) / secs)) runs/s), \(violations) with invariant violations")
exit(violations == 0 ? 0 : 1)
