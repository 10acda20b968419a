import Glibc
import SentinelCore

/// Log lines as redis-sentinel writes them: `pid:X dd Mon yyyy hh:mm:ss.mmm <mark> message`
/// (marks `.` debug, `-` verbose, `*` notice, `#` warning). The same format
/// as DataNode's Logger; the sentinel keeps its own so it need not depend on DataNode.
final class SentinelLogger {
    var level: LogLevel
    private let path: String

    init(level: LogLevel, path: String) {
        self.level = level
        self.path = path
    }

    static func mark(_ l: LogLevel) -> String {
        switch l {
        case .debug: return "."
        case .verbose: return "-"
        case .notice: return "*"
        case .warning: return "#"
        }
    }

    static func timestamp() -> String {
        var tv = timeval()
        gettimeofday(&tv, nil)
        var t = time_t(tv.tv_sec)
        var tmv = tm()
        localtime_r(&t, &tmv)
        var buf = [CChar](repeating: 0, count: 64)
        let n = strftime(&buf, 64, "%d %b %Y %H:%M:%S", &tmv)
        let base = String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let ms = Int(tv.tv_usec / 1000)
        return base + "." + (ms < 10 ? "00" : ms < 100 ? "0" : "") + String(ms)
    }

    func log(_ l: LogLevel, _ message: @autoclosure () -> String) {
        guard l >= level else { return }
        var line = "\(getpid()):X \(Self.timestamp()) \(Self.mark(l)) \(message())\n"
        // Opened by name for every line, as serverLogRaw does: a rotated
        // log is recreated (the path is relative to `dir`, where we run).
        let fd = path.isEmpty ? -1 : open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        line.withUTF8 { p in _ = Glibc.write(fd >= 0 ? fd : 1, p.baseAddress, p.count) }
        if fd >= 0 { close(fd) }
    }
}
