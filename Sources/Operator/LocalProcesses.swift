import Foundation
import Glibc

/// Processes on this machine, seen through /proc: is a recorded pid still the
/// process we started, and stopping it.
public enum LocalProcesses {
    /// Field 22 of /proc/PID/stat (clock ticks after boot), nil when there is
    /// no such process.
    public static func startTime(_ pid: Int32) -> UInt64? {
        statFields(pid).flatMap { $0.count > 19 ? UInt64($0[19]) : nil }
    }

    /// Running (or stopped), not a zombie waiting to be reaped.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, kill(pid, 0) == 0 || errno == EPERM else { return false }
        guard let state = statFields(pid)?.first else { return false }
        return state != "Z" && state != "X"
    }

    /// The recorded process is alive and is the one recorded: same start
    /// time, and its command line names its config or its address (redis-server
    /// replaces its command line with "redis-server 127.0.0.1:PORT").
    public static func isOurs(_ r: RunRecord) -> Bool {
        guard isAlive(r.pid), startTime(r.pid) == r.startTime else { return false }
        let cmdline = commandLine(r.pid)
        if r.role == "supervisor" { return cmdline.contains { $0.hasSuffix("vigil") || $0 == "up" } }
        let conf = r.argv.first { $0.hasSuffix(".conf") }
        return cmdline.contains { arg in (conf != nil && arg == conf) || arg.contains(":\(r.port)") }
    }

    public static func commandLine(_ pid: Int32) -> [String] {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return [] }
        // A retitled process (redis-server) may pad with spaces instead of NULs.
        return data.split(separator: 0).flatMap { String(decoding: $0, as: UTF8.self).split(separator: " ").map(String.init) }
    }

    /// The fields after the command name in /proc/PID/stat (state first).
    private static func statFields(_ pid: Int32) -> [String]? {
        guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/stat") else { return nil }
        let text = String(decoding: data, as: UTF8.self)
        guard let close = text.lastIndex(of: ")") else { return nil }
        return text[text.index(after: close)...].split(separator: " ").map(String.init)
    }

    /// SIGTERM to each (with SIGCONT, so a paused one handles it), then
    /// SIGKILL for any still running after `grace` seconds. Waits until they
    /// are gone (reaping our own children) and returns how each ended.
    @discardableResult
    public static func stop(_ records: [RunRecord], grace: Double) -> [(RunRecord, String)] {
        for r in records {
            kill(r.pid, SIGTERM)
            kill(r.pid, SIGCONT)
        }
        var outcome: [Int32: String] = [:]
        let deadline = Date().addingTimeInterval(grace)
        var killed = false
        while true {
            for r in records where outcome[r.pid] == nil {
                reap(r.pid)
                if !isAlive(r.pid) { outcome[r.pid] = killed ? "killed (SIGKILL after \(grace)s)" : "stopped" }
            }
            if outcome.count == records.count { break }
            if !killed && Date() >= deadline {
                for r in records where outcome[r.pid] == nil { kill(r.pid, SIGKILL) }
                killed = true
            }
            usleep(10_000)
        }
        return records.map { ($0, outcome[$0.pid] ?? "stopped") }
    }

    /// Collects our own child if it has ended (nothing for others' processes).
    public static func reap(_ pid: Int32) {
        var status: Int32 = 0
        _ = waitpid(pid, &status, WNOHANG)
    }
}
