import Glibc

/// Times in log lines are local, as redis-sentinel prints them; the core
/// takes this formatter injected since the time zone is read from files.
enum LocalTime {
    /// ctime_r without the newline: "Sun Nov 22 03:04:52 2026".
    static func ctimeText(ms: Int64) -> String {
        var t = time_t(ms / 1000)
        var buf = [CChar](repeating: 0, count: 32)
        guard ctime_r(&t, &buf) != nil else { return String(ms / 1000) }
        let bytes = buf.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
