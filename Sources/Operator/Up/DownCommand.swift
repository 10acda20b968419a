import Foundation
import Glibc

/// `vigil down [DIR]`: stops the deployment `vigil up` started in DIR, from
/// its process list and pidfiles. A foreground `vigil up` is asked to stop
/// (it stops its children itself); detached processes get SIGTERM, then
/// SIGKILL after the grace period. Only processes that are still the ones
/// recorded (same pid, same start time, their config or address on their
/// command line) are signalled.
enum DownCommand {
    static let usage = """
        Usage: vigil down [DIR] [--grace SECONDS]

        Stops the deployment `vigil up` started in DIR (default ./\(RunDirectory.defaultPath)): the
        sentinels first, then the data nodes, each with SIGTERM and, if still running
        after the grace period (default 5 s), SIGKILL. A foreground `vigil up` running
        there is asked to stop instead and stops its processes itself. Configs, logs and
        data stay in DIR. Exit status 1 when DIR holds no deployment.
        """

    static func run(arguments: [String]) -> Int32 {
        var directory = RunDirectory.defaultPath, grace = 5.0, sawDirectory = false
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            switch a {
            case "--help", "-h":
                print(usage)
                return 0
            case "--grace":
                i += 1
                guard i < arguments.count, let g = Double(arguments[i]), g >= 0 else {
                    printError("vigil down: --grace wants a number of seconds\n\n" + usage)
                    return 1
                }
                grace = g
            default:
                if a.hasPrefix("-") || sawDirectory {
                    printError("vigil down: unexpected argument '\(a)'\n\n" + usage)
                    return 1
                }
                directory = a
                sawDirectory = true
            }
            i += 1
        }
        let run = RunDirectory(directory)
        guard run.exists else {
            printError("vigil down: no deployment in \(run.path) (no \(run.processListPath))")
            return 1
        }
        let records = run.read()
        let alive = records.filter(LocalProcesses.isOurs)
        let gone = records.filter { r in !alive.contains { $0.pid == r.pid } }
        for r in gone where r.role != "supervisor" { print("\(r.name) (pid \(r.pid)) was not running") }

        var stopped: [(RunRecord, String)] = []
        if let supervisor = alive.first(where: { $0.role == "supervisor" }) {
            print("Asking vigil up (pid \(supervisor.pid)) to stop its deployment")
            // It stops its children in order; give it their grace periods.
            stopped += LocalProcesses.stop([supervisor], grace: 2 * grace + 5)
        }
        // Whatever is left: detached processes, or children of a supervisor
        // that could not stop them.
        let left = alive.filter { $0.role != "supervisor" && LocalProcesses.isOurs($0) }
        stopped += LocalProcesses.stop(left.filter { $0.role == "sentinel" }, grace: grace)
        stopped += LocalProcesses.stop(left.filter { $0.role != "sentinel" && $0.role != "supervisor" }, grace: grace)
        for (r, how) in stopped {
            print("\(how) \(r.role == "supervisor" ? "vigil up" : r.name) (\(r.role == "supervisor" ? "" : r.address + ", ")pid \(r.pid))")
        }
        run.clear(records)
        let count = stopped.filter { $0.0.role != "supervisor" }.count
        print("Stopped \(count) process\(count == 1 ? "" : "es") in \(run.path).")
        return 0
    }
}
