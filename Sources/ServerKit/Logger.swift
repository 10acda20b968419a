import CoreKit
import Glibc

/// Log lines as Redis writes them: `pid:role dd Mon yyyy hh:mm:ss.mmm <level> message`,
/// level marks `.` debug, `-` verbose, `*` notice, `#` warning. One type for
/// both servers: they differ only in the role character.
public final class Logger {
    public typealias Level = LogLevel

    public var level: Level
    /// "M" master, "S" replica, "X" sentinel, "C" child process.
    public var role: Character { didSet { onRoleChange?(self) } }
    /// Told of role changes (the crash report writes lines of its own).
    public var onRoleChange: ((Logger) -> Void)?
    private let path: String

    /// An empty `path` (or one that cannot be opened) logs to stdout, as Redis does.
    public init(level: Level = .notice, path: String = "", role: Character = "M") {
        self.level = level
        self.role = role
        self.path = path
    }

    public static func timestamp() -> String {
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

    public func log(_ lvl: Level, _ message: @autoclosure () -> String) {
        guard lvl >= level else { return }
        write("\(getpid()):\(role) \(Self.timestamp()) \(lvl.mark) \(message())\n")
    }

    /// Like serverLogRaw, the file is opened by name for every line: a
    /// relative logfile follows CONFIG SET dir, and a rotated log is
    /// recreated. Standard output when there is no logfile or it won't open.
    private func write(_ text: String) {
        var t = text
        let fd = path.isEmpty ? -1 : open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        t.withUTF8 { p in _ = Glibc.write(fd >= 0 ? fd : 1, p.baseAddress, p.count) }
        if fd >= 0 { close(fd) }
    }

    /// Text without the line prefix (serverLogRaw with LL_RAW: the logo).
    public func raw(_ lvl: Level, _ text: String) {
        guard lvl >= level else { return }
        write(text)
    }

    public func debug(_ m: @autoclosure () -> String) { log(.debug, m()) }
    public func verbose(_ m: @autoclosure () -> String) { log(.verbose, m()) }
    public func notice(_ m: @autoclosure () -> String) { log(.notice, m()) }
    public func warning(_ m: @autoclosure () -> String) { log(.warning, m()) }
}
