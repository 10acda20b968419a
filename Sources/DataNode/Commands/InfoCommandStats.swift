/// INFO commandstats, errorstats and latencystats.
extension Server {
    /// Top-level commands by name, each followed by its subcommands (Redis
    /// walks its command hash table; a fixed order is easier to compare).
    var commandsForStats: [Command] { ServerCommands.commandsInReportOrder(self) }

    func infoCommandStats() -> [(String, String)] {
        var out: [(String, String)] = []
        for cmd in commandsForStats where cmd.calls > 0 || cmd.failedCalls > 0 || cmd.rejectedCalls > 0 {
            // Redis divides in single precision.
            let perCall = cmd.calls == 0 ? 0 : Double(Float(cmd.microseconds) / Float(cmd.calls))
            out.append(("cmdstat_" + Self.safeInfoString(cmd.fullName),
                        "calls=\(cmd.calls),usec=\(cmd.microseconds),usec_per_call=\(ServerCommands.format2(perCall)),rejected_calls=\(cmd.rejectedCalls),failed_calls=\(cmd.failedCalls)"))
        }
        return out
    }

    func infoErrorStats() -> [(String, String)] {
        stats.errorCodesInOrder.map {
            ("errorstat_" + Self.safeInfoString($0), "count=\(stats.errorCounts[$0]!)")
        }
    }

    /// `latency_percentiles_usec_<cmd>:p50=1.003,p99=...` for every command
    /// with a histogram, at latency-tracking-info-percentiles.
    func infoLatencyStats() -> [(String, String)] {
        let percentiles = config.latencyTrackingInfoPercentiles
        var out: [(String, String)] = []
        for cmd in commandsForStats {
            guard let h = cmd.latencyHistogram else { continue }
            let parts = percentiles.map { p in
                "p\(Self.trimmedDouble(p))=\(ServerCommands.cFormat("%.3f", Double(h.valueAtPercentile(p)) / 1000.0))"
            }
            out.append(("latency_percentiles_usec_" + Self.safeInfoString(cmd.fullName), parts.joined(separator: ",")))
        }
        return out
    }

    /// `%f` without trailing zeros (or a trailing dot), as Redis's trimDoubleString.
    static func trimmedDouble(_ d: Double) -> String {
        var s = ServerCommands.cFormat("%f", d)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    /// getSafeInfoString: characters that would break the INFO format become '_'.
    static func safeInfoString(_ s: String) -> String {
        guard s.contains(where: { $0 == ":" || $0 == "#" || $0 == "\r" || $0 == "\n" }) else { return s }
        return String(s.map { $0 == ":" || $0 == "#" || $0 == "\r" || $0 == "\n" ? "_" : $0 })
    }
}
