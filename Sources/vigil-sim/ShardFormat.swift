/// How a shard (`vigil-sim --shard i/n`) hands its cells to the process that
/// merges them: one line per cell, then one per kept violation. Tab-separated:
///   cell <config> <fault> <runs> <acknowledged> <worst lost> <worst seed> <bad runs> <lost>:<count>,...
///   violation <config> <fault> <seed> <text>
enum ShardFormat {
    static func lines(_ c: CellSummary) -> [String] {
        let hist = c.lost.keys.sorted().map { "\($0):\(c.lost[$0]!)" }.joined(separator: ",")
        var out = [["cell", c.config, c.fault, String(c.runs), String(c.acknowledged), String(c.worst?.lost ?? -1),
                    String(c.worst?.seed ?? 0), String(c.badRuns), hist].joined(separator: "\t")]
        for v in c.violations {
            let text = String(v.text.map { $0 == "\n" || $0 == "\t" ? " " : $0 })
            out.append(["violation", c.config, c.fault, String(v.seed), text].joined(separator: "\t"))
        }
        return out
    }

    struct BadLine: Error, CustomStringConvertible {
        let description: String
    }

    /// The cells in a shard's output, in the order they came.
    static func parse(_ text: String) throws -> [CellSummary] {
        var cells: [CellSummary] = []
        for line in text.split(separator: "\n") {
            let f = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            switch f.first {
            case "cell":
                guard f.count == 9, let runs = Int(f[3]), let acked = Int(f[4]), let wl = Int(f[5]), let ws = UInt64(f[6]),
                      let bad = Int(f[7]) else { throw BadLine(description: "bad cell line: \(line)") }
                var c = CellSummary(config: f[1], fault: f[2])
                c.runs = runs
                c.acknowledged = acked
                c.worst = wl < 0 ? nil : (wl, ws)
                c.badRuns = bad
                for pair in f[8].split(separator: ",") {
                    let kv = pair.split(separator: ":")
                    guard kv.count == 2, let k = Int(kv[0]), let n = Int(kv[1]) else { throw BadLine(description: "bad histogram: \(line)") }
                    c.lost[k] = n
                }
                cells.append(c)
            case "violation":
                guard f.count == 5, let seed = UInt64(f[3]), let i = cells.lastIndex(where: { $0.config == f[1] && $0.fault == f[2] }) else {
                    throw BadLine(description: "bad violation line: \(line)")
                }
                cells[i].violations.append((seed, f[4]))
            default:
                throw BadLine(description: "unexpected line: \(line)")
            }
        }
        return cells
    }
}
