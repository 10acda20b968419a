import Glibc

/// `--watch`: the report again every interval, drawn over the previous one
/// (cursor home, clear screen) until Ctrl-C or `--count` refreshes. With
/// `--json` each refresh is one JSON document on one line instead, so the
/// stream can be piped. A refresh that fails shows why and the watch goes on:
/// a sentinel restarting or failing over comes back.
struct StatusWatch {
    var options: StatusOptions
    var fetch: () throws(StatusFailure) -> StatusReport
    var write: (String) -> Void
    var sleep: (Double) -> Void = { usleep(useconds_t(max(0, $0) * 1_000_000)) }
    var clock: () -> String = StatusWatch.wallClock

    static let clearScreen = "\u{1B}[H\u{1B}[2J"

    /// 0 when the last refresh succeeded, 1 when it failed.
    func run() -> Int32 {
        var done = 0
        while true {
            var status: Int32 = 0
            var frame: String
            do {
                let report = try fetch()
                frame = options.json ? StatusJSON.value(report).renderCompact() + "\n" : StatusTable.render(report)
            } catch {
                status = 1
                frame = options.json ? "" : "vigil status: \(error)\n"
                if options.json { printError("vigil status: \(error)") }
            }
            if !options.json {
                frame = Self.clearScreen + "\(clock())  every \(Self.seconds(options.interval))  (Ctrl-C to stop)\n\n" + frame
            }
            write(frame)
            done += 1
            if let count = options.count, done >= count { return status }
            sleep(options.interval)
        }
    }

    static func seconds(_ s: Double) -> String {
        s == s.rounded() ? "\(Int(s))s" : "\(s)s"
    }

    static func wallClock() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 32)
        let n = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
        return String(decoding: buffer.prefix(n).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
