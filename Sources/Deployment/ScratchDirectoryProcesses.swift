import Foundation
import Glibc

/// Processes whose working directory is one of our scratch directories.
/// A drill restarts a killed node with the same command line in the same
/// directory: that new process is ours although we did not launch it, and
/// only its directory says so (the scratch directory's name carries our pid
/// and a random suffix, so no other program runs there).
public enum ScratchDirectoryProcesses {
    /// The pids (other than ours) running in `dir`.
    public static func pids(in dir: String) -> [Int32] {
        let me = getpid()
        let target = (dir as NSString).standardizingPath
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return [] }
        return entries.compactMap { name -> Int32? in
            guard let pid = Int32(name), pid != me,
                  let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(name)/cwd") else { return nil }
            // A removed directory reads as "<path> (deleted)".
            let path = cwd.hasSuffix(" (deleted)") ? String(cwd.dropLast(" (deleted)".count)) : cwd
            return path == target ? pid : nil
        }
    }

    /// SIGTERM to each, SIGKILL to those still alive after `grace` seconds.
    public static func stop(in dir: String, grace: Double = 5) {
        let found = pids(in: dir)
        guard !found.isEmpty else { return }
        for pid in found { kill(pid, SIGTERM) }
        let deadline = Date().addingTimeInterval(grace)
        var alive = found
        while !alive.isEmpty && Date() < deadline {
            usleep(20_000)
            alive = alive.filter { kill($0, 0) == 0 && !isZombie($0) }
        }
        for pid in alive { kill(pid, SIGKILL) }
    }

    private static func isZombie(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
