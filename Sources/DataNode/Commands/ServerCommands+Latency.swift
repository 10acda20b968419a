import Glibc

/// LATENCY LATEST | HISTORY | RESET | DOCTOR | GRAPH | HISTOGRAM | HELP, as latency.c.
extension ServerCommands {
    static func latencyLatest(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.arrayHeader(s.latency.names.count)
        for name in s.latency.names {
            let ts = s.latency.series[name]!
            c.out.arrayHeader(4)
            c.out.bulk(name)
            c.out.integer(ts.latest.time)
            c.out.integer(ts.latest.latencyMs)
            c.out.integer(ts.maxMs)
        }
    }

    static func latencyHistory(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        // Event names are matched exactly here (only RESET ignores case).
        guard let ts = s.latency.series[String(decoding: argv[2], as: UTF8.self)] else {
            c.out.arrayHeader(0)
            return
        }
        let samples = ts.chronological
        c.out.arrayHeader(samples.count)
        for smp in samples {
            c.out.arrayHeader(2)
            c.out.integer(smp.time)
            c.out.integer(smp.latencyMs)
        }
    }

    static func latencyReset(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv.count == 2 {
            c.out.integer(s.latency.reset(nil))
            return
        }
        var n = 0
        for a in argv[2...] { n += s.latency.reset(String(decoding: a, as: UTF8.self)) }
        c.out.integer(n)
    }

    static func latencyGraph(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        let name = String(decoding: argv[2], as: UTF8.self)
        guard let ts = s.latency.series[name] else {
            c.replyError("ERR No samples available for event '\(name)'")
            return
        }
        c.out.verbatim(latencyGraphText(name, ts, now: Int(s.clock.wallMs() / 1000)))
    }

    static func latencyDoctor(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        c.out.verbatim(latencyReport(s, now: Int(s.clock.wallMs() / 1000)))
    }

    /// Cumulative latency distribution per command: all commands with data,
    /// or the named ones (a container name also covers its subcommands).
    static func latencyHistogram(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        var picked: [Command] = []
        if argv.count == 2 {
            for cmd in commandsInReportOrder(s) where cmd.latencyHistogram != nil { picked.append(cmd) }
        } else {
            for a in argv[2...] {
                guard let cmd = lookupCommandByFullName(s, a) else { continue }
                if cmd.latencyHistogram != nil { picked.append(cmd) }
                for sub in cmd.subcommands.values.sorted(by: { $0.fullName < $1.fullName }) where sub.latencyHistogram != nil {
                    picked.append(sub)
                }
            }
        }
        c.out.mapHeader(picked.count)
        for cmd in picked {
            let h = cmd.latencyHistogram!
            c.out.bulk(cmd.fullName)
            c.out.mapHeader(2)
            c.out.bulk("calls")
            c.out.integer(h.totalCount)
            c.out.bulk("histogram_usec")
            let buckets = h.cumulativeBuckets()
            c.out.mapHeader(buckets.count)
            for b in buckets {
                c.out.integer(b.usec)
                c.out.integer(b.count)
            }
        }
    }

    static func latencyHelp(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        replyHelp(c, argv, [
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ])
    }

    // MARK: helpers

    /// Top-level commands sorted by name, each followed by its subcommands:
    /// the order INFO commandstats/latencystats and LATENCY HISTOGRAM use.
    static func commandsInReportOrder(_ s: Server) -> [Command] {
        var out: [Command] = []
        for name in s.commands.commands.keys.sorted() {
            let cmd = s.commands.commands[name]!
            out.append(cmd)
            for sub in cmd.subcommands.keys.sorted() { out.append(cmd.subcommands[sub]!) }
        }
        return out
    }

    /// "get" or "config|get", any case (lookupCommandBySds).
    static func lookupCommandByFullName(_ s: Server, _ name: [UInt8]) -> Command? {
        let parts = name.split(separator: UInt8(ascii: "|"), maxSplits: 1, omittingEmptySubsequences: false)
        guard let base = s.commands.lookup(Array(parts[0])) else { return nil }
        if parts.count == 1 { return base }
        return base.subcommands[asciiLowercased(Array(parts[1]))]
    }

    // MARK: LATENCY GRAPH

    static func latencyGraphText(_ event: String, _ ts: LatencyMonitor.Series, now: Int) -> String {
        var values: [Double] = []
        var labels: [String] = []
        var lo = 0, hi = 0
        for smp in ts.chronological {
            if values.isEmpty { lo = smp.latencyMs; hi = smp.latencyMs } else {
                hi = max(hi, smp.latencyMs)
                lo = min(lo, smp.latencyMs)
            }
            let elapsed = now - smp.time
            let label: String
            if elapsed < 60 { label = "\(elapsed)s" }
            else if elapsed < 3600 { label = "\(elapsed / 60)m" }
            else if elapsed < 3600 * 24 { label = "\(elapsed / 3600)h" }
            else { label = "\(elapsed / (3600 * 24))d" }
            values.append(Double(smp.latencyMs))
            labels.append(label)
        }
        var out = "\(event) - high \(hi) ms, low \(lo) ms (all time high \(ts.maxMs) ms)\n"
        out += String(repeating: "-", count: 80) + "\n"
        out += Sparkline.render(values: values, labels: labels, columns: 80, rows: 4)
        return out
    }

    // MARK: LATENCY DOCTOR

    static func latencyReport(_ s: Server, now: Int) -> String {
        let threshold = s.config.latencyMonitorThreshold
        if s.latency.isEmpty && threshold == 0 {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
        }
        var report = ""
        var advices = 0
        var slowlogEnabled = false, slowlogTuning = false, slowlogInspect = false
        var scheduler = false, hz = false, largeObjects = false, massEviction = false
        var eventnum = 0
        for name in s.latency.names {
            guard let ts = s.latency.series[name] else { continue }
            eventnum += 1
            if eventnum == 1 {
                report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"
            }
            let st = s.latency.analyze(name, now: now)
            report += "\(eventnum). \(name): \(st.samples) latency spikes (average \(st.avg)ms, mean deviation \(st.mad)ms, period \(format2(Double(st.period) / Double(st.samples))) sec). Worst all time event \(ts.maxMs)ms."
            switch name.lowercased() {
            case "command":
                if s.config.slowlogLogSlowerThan < 0 {
                    slowlogEnabled = true
                    advices += 1
                } else if s.config.slowlogLogSlowerThan / 1000 > threshold {
                    slowlogTuning = true
                    advices += 1
                }
                slowlogInspect = true
                largeObjects = true
                advices += 2
            case "fast-command":
                scheduler = true
                advices += 1
            case "expire-cycle":
                hz = true
                largeObjects = true
                advices += 2
            case "eviction-del":
                largeObjects = true
                advices += 1
            case "eviction-cycle":
                massEviction = true
                advices += 1
            default:
                break
            }
            report += "\n"
        }
        let thp = anonHugePagesBytes() > 0
        if thp { advices += 1 }
        if eventnum == 0 && advices == 0 {
            report += "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
        } else if eventnum > 0 && advices == 0 {
            report += "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n"
        } else {
            report += "\nI have a few advices for you:\n\n"
            if slowlogEnabled {
                report += "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than \(threshold * 1000)'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n"
            }
            if slowlogTuning {
                report += "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than \(threshold * 1000)'.\n"
            }
            if slowlogInspect {
                report += "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n"
            }
            if scheduler {
                report += "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n"
                    + "  1) Lower the system load.\n"
                    + "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
                    + "  3) Check if you have a \"noisy neighbour\" problem.\n"
                    + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
                    + "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n"
            }
            if hz && s.config.hz < 100 {
                report += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n"
            }
            if largeObjects {
                report += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n"
            }
            if massEviction {
                report += "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n"
            }
            if thp {
                report += "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n"
            }
        }
        return report
    }

    /// Sum of AnonHugePages over the process's mappings (smaps_rollup).
    static func anonHugePagesBytes() -> Int {
        guard let f = fopen("/proc/self/smaps_rollup", "r") else { return 0 }
        defer { fclose(f) }
        var line = [CChar](repeating: 0, count: 256)
        var total = 0
        while fgets(&line, 256, f) != nil {
            let s = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if s.hasPrefix("AnonHugePages:") {
                let digits = s.dropFirst("AnonHugePages:".count).filter { $0.isNumber }
                total += (Int(digits) ?? 0) * 1024
            }
        }
        return total
    }
}

/// ASCII sparklines as Redis's sparkline.c draws LATENCY GRAPH (filled mode):
/// `rows` text rows of `_o#` steps, then one label character per row below.
enum Sparkline {
    static let fill: [Character] = ["_", "o", "#"]

    static func render(values: [Double], labels: [String], columns: Int, rows: Int) -> String {
        var out = ""
        var start = 0
        while start < values.count {
            let len = min(values.count - start, columns)
            if start != 0 { out += "\n" }
            out += renderRange(values: values, labels: labels, rows: rows, offset: start, len: len)
            start += columns
        }
        return out
    }

    private static func renderRange(values: [Double], labels: [String], rows: Int, offset: Int, len: Int) -> String {
        let minV = values.min() ?? 0, maxV = values.max() ?? 0
        var relmax = maxV - minV
        if relmax == 0 { relmax = 1 }
        let steps = fill.count * rows
        let haveLabels = labels.contains { !$0.isEmpty }
        let labelMarginTop = 1
        var out = ""
        var row = 0
        var again = true
        while again {
            again = false
            var chars = [Character](repeating: " ", count: len)
            for j in 0..<len {
                let v = values[j + offset]
                // C truncates the product to int before dividing.
                var step = Int(Double(Int((v - minV) * Double(steps))) / relmax)
                if step < 0 { step = 0 }
                if step >= steps { step = steps - 1 }
                if row < rows {
                    let idx = step - (rows - row - 1) * fill.count
                    again = true
                    if idx >= 0 && idx < fill.count { chars[j] = fill[idx] }
                    else if idx >= fill.count { chars[j] = "|" }
                } else {
                    if haveLabels && row - rows < labelMarginTop {
                        again = true
                        break
                    }
                    let label = Array(labels[j + offset])
                    let at = row - rows - labelMarginTop
                    if label.count > at {
                        again = true
                        chars[j] = label[at]
                    }
                }
            }
            if again {
                row += 1
                out += String(chars) + "\n"
            }
        }
        return out
    }
}
