import Glibc

/// If the core traps in the middle of a run (a Swift runtime error), the
/// process dies before any report: a signal handler prints the seeds of the
/// runs in progress so the crash can be replayed with VIGIL_SIM_SEED.
enum SimulationCrashReport {
    nonisolated(unsafe) static var running: [UInt64] = [0, 0, 0, 0]

    static func install() {
        for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT] {
            signal(sig) { s in
                var text = Array("\nsimulation: crashed (signal \(s)) during seed(s):".utf8)
                for seed in SimulationCrashReport.running where seed != 0 { text += Array(" seed=\(seed)".utf8) }
                text += Array(" (replay with VIGIL_SIM_SEED=<n>)\n".utf8)
                _ = text.withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
                signal(s, SIG_DFL)
                raise(s)
            }
        }
    }

    static func uninstall() {
        for sig in [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT] { signal(sig, SIG_DFL) }
    }
}
