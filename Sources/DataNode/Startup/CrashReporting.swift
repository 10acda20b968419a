import CVigilShim
import ServerKit

/// Redis's crash report and software watchdog (the C side is crash_log.c,
/// since both run in signal handlers; they write through the handler log
/// that Server.installShutdownSignals points at the log file). Started by
/// ServerMain for the process's own server only: a server that tests run
/// inside their process leaves that process's signal handling alone
/// (crash_log.c acts only once configured).
enum CrashReporting {
    static func start(_ s: Server) {
        vigil_crashlog_configure("Vigil \(Version.vigil)")
        follow(s.log)
        s.log.onRoleChange = follow
        applyCrashLog(s)
        applyWatchdog(s)
    }

    /// The report's lines carry the role the server's own lines carry.
    private static func follow(_ log: Logger) {
        vigil_handler_log_set_role(CChar(bitPattern: log.role.asciiValue ?? UInt8(ascii: "M")))
    }

    /// crash-log-enabled: handlers for SIGSEGV, SIGBUS, SIGFPE, SIGILL and SIGABRT, or the defaults.
    static func applyCrashLog(_ s: Server) {
        vigil_crashlog_enable(s.config.crashLogEnabled ? 1 : 0)
    }

    /// A period shorter than two cron intervals would fire between two
    /// healthy crons: raised to that, and the config says so (applyWatchdogPeriod).
    static func applyWatchdog(_ s: Server) {
        var period = s.config.watchdogPeriod
        let minimum = (1000 / max(s.config.hz, 1)) * 2
        if period > 0 && period < minimum {
            period = minimum
            s.config.watchdogPeriod = minimum
        }
        vigil_watchdog_enable(Int32(clamping: period))
    }
}
