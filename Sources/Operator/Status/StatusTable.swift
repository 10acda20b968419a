/// The report as text: a heading for the sentinel, then per master a summary
/// and two tables (its replicas, its sentinels).
enum StatusTable {
    static func render(_ report: StatusReport) -> String {
        var lines = ["sentinel \(report.sentinel)  id \(short(report.sentinelID))  masters \(report.masters.count)"]
        if report.tilt { lines.append("TILT: this sentinel acts on nothing until its clock settles") }
        if report.masters.isEmpty { lines.append("(it monitors no master)") }
        for master in report.masters {
            lines.append("")
            lines += render(master)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func render(_ m: MasterStatus) -> [String] {
        var lines = ["master \(m.name)  \(m.address)  \(m.state)"]
        var summary = "  flags \(m.flags.joined(separator: ","))  quorum \(m.quorum)  config-epoch \(m.configEpoch)"
        summary += "  sentinels \(m.otherSentinels + 1)  replicas \(m.replicaCount)"
        summary += "  repl-offset \(m.replicationOffset.map(String.init) ?? "-")"
        lines.append(summary)
        if let client = m.clientAddress, client != m.address {
            lines.append("  clients are sent to \(client)")
        }
        if let why = m.replicationError {
            lines.append("  no lag figures: the master's INFO replication \(why)")
        }
        lines.append("")
        if m.replicas.isEmpty {
            lines.append("  (no replicas)")
        } else {
            lines += TextTable.render(
                header: ["REPLICA", "FLAGS", "LINK", "PRIORITY", "OFFSET", "ACKED", "LAG-BYTES", "LAG-S"],
                rows: m.replicas.map { r in
                    [r.address, r.flags.joined(separator: ","), r.linkStatus, String(r.priority), String(r.offset),
                     dash(r.ackedOffset), dash(r.lagBytes), dash(r.lagSeconds)]
                }, indent: "  ")
        }
        lines.append("")
        lines += TextTable.render(
            header: ["SENTINEL", "ID", "FLAGS", "LAST-HELLO", "VOTED-LEADER", "LEADER-EPOCH", "EPOCH"],
            rows: m.sentinels.map { s in
                [s.address, short(s.runID), s.isSelf ? "(answering)" : s.flags.joined(separator: ","),
                 s.lastHelloMs.map { "\($0)ms" } ?? "-", s.votedLeader.map(short) ?? "-", dash(s.votedLeaderEpoch), dash(s.currentEpoch)]
            }, indent: "  ")
        return lines
    }

    /// Run ids are 40 hex digits; 8 tell them apart on screen.
    static func short(_ id: String) -> String { String(id.prefix(8)) }

    private static func dash(_ n: Int?) -> String { n.map(String.init) ?? "-" }
}
