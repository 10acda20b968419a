import Glibc
import Simulation

// vigil-sim: runs many seeds of the data-aware simulation and prints the
// acknowledged writes lost per write configuration and fault kind.
//   vigil-sim [--seeds N] [--first S] [--fault KIND] [--config NAME] [--jobs J]
//   vigil-sim --seed S [--fault KIND] [--config NAME] --trace
// Configurations: default, wait1, min-replicas. Fault kinds: master-crash,
// master-partitioned, master-paused, one-way, mixed. --jobs runs the seeds in
// J child processes (`--shard i/J`: every J-th seed from the i-th, printed as
// ShardFormat lines) and merges their cells into the same table.

nonisolated(unsafe) var args = CommandLine.arguments.dropFirst()
let configNames: [String: SimulationFaultRun.WriteConfig] = ["default": .plain, "wait1": .wait1, "min-replicas": .minReplicas]
var seeds = 1000, first: UInt64 = 1, replay: UInt64?, trace = false, jobs = 1
var shard: (index: Int, count: Int)?
var faults: [SimulationFaultRun.FaultKind] = [.masterCrash, .masterPartitioned, .masterPaused, .oneWay]
var configs: [(String, SimulationFaultRun.WriteConfig)] = [("default", .plain), ("wait1", .wait1), ("min-replicas", .minReplicas)]
/// What the shards are given: the options that choose the runs.
var forwarded: [String] = []

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

while let a = args.popFirst() {
    switch a {
    case "--seeds": seeds = number(a)
    case "--first": first = number(a)
    case "--seed": replay = number(a) as UInt64
    case "--trace": trace = true
    case "--jobs":
        jobs = number(a)
        if jobs < 1 { fail("--jobs needs at least 1") }
    case "--shard":
        let parts = (args.popFirst() ?? "").split(separator: "/").compactMap { Int($0) }
        guard parts.count == 2, parts[1] > 0, parts[0] >= 0, parts[0] < parts[1] else { fail("--shard i/n with 0 <= i < n") }
        shard = (parts[0], parts[1])
    case "--fault":
        guard let k = args.popFirst().flatMap({ SimulationFaultRun.FaultKind(rawValue: $0) }) else {
            fail("--fault: one of \(SimulationFaultRun.FaultKind.allCases.map(\.rawValue))")
        }
        faults = [k]
        forwarded += [a, k.rawValue]
    case "--config":
        let n = args.popFirst() ?? ""
        guard let c = configNames[n] else { fail("--config: one of default, wait1, min-replicas") }
        configs = [(n, c)]
        forwarded += [a, n]
    default: fail("unknown option \(a)")
    }
}
if seeds < 1 { fail("--seeds needs at least 1") }

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

/// The cells of one shard (all the seeds when count is 1), in table order.
func runShard(_ index: Int, of count: Int, seeds: Int, first: UInt64, configs: [(String, SimulationFaultRun.WriteConfig)],
              faults: [SimulationFaultRun.FaultKind]) -> [CellSummary] {
    var cells: [CellSummary] = []
    for (name, c) in configs {
        for f in faults {
            var cell = CellSummary(config: name, fault: f.rawValue)
            for k in stride(from: index, to: seeds, by: count) { cell.add(run(first + UInt64(k), f, c, trace: false)) }
            cells.append(cell)
        }
    }
    return cells
}

if let s = shard {
    for c in runShard(s.index, of: s.count, seeds: seeds, first: first, configs: configs, faults: faults) { for l in ShardFormat.lines(c) { print(l) } }
    exit(0)
}

let clock = ContinuousClock()
let started = clock.now
var cells: [CellSummary]
if jobs == 1 {
    cells = runShard(0, of: 1, seeds: seeds, first: first, configs: configs, faults: faults)
} else {
    do {
        let outputs = try ShardProcesses.run(jobs: jobs, arguments: ["--seeds", String(seeds), "--first", String(first)] + forwarded)
        let parts = try outputs.map(ShardFormat.parse)
        cells = parts[0]
        for p in parts.dropFirst() {
            guard p.count == cells.count else { fail("a shard printed \(p.count) cells, another \(cells.count)") }
            for i in cells.indices { cells[i].merge(p[i]) }
        }
    } catch {
        fail("\(error)")
    }
}
print(CellSummary.header)
var violations = 0
for c in cells {
    violations += c.badRuns
    for v in c.violations { printError("violation: seed=\(v.seed) fault=\(c.fault) config=\(c.config): \(v.text)") }
    print(c.row)
}
let d = clock.now - started
let secs = Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
let total = seeds * configs.count * faults.count
print("\n\(total) runs in \(fixed2(secs)) s (\(Int(Double(total) / secs)) runs/s), \(violations) with invariant violations")
exit(violations == 0 ? 0 : 1)
