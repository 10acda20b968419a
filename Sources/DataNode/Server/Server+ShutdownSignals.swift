import CVigilShim
import Glibc

/// SIGTERM and SIGINT as redis-server takes them: the handler (C shim) logs
/// and notes the signal; the cron shuts down with shutdown-on-sigterm's or
/// shutdown-on-sigint's flags; SHUTDOWN ABORT can cancel one not yet acted
/// on (while DEBUG PAUSE-CRON holds the cron, say).
extension Server {
    /// Installs the handler, and tells the signal handlers' log where the
    /// log is (daemonized without a logfile, it has nowhere to write, as serverLogFromHandler).
    static func installShutdownSignals(config: ServerConfig) {
        vigil_handler_log_configure(config.logfile, config.daemonize ? 1 : 0)
        vigil_install_server_shutdown_signals()
    }

    /// serverCron's shutdown_asap: a signal is pending and no shutdown runs.
    func handleShutdownSignal() {
        let sig = vigil_shutdown_requested()
        guard sig != 0, !exiting else { return }
        let flags = sig == SIGINT ? config.shutdownOnSigint : config.shutdownOnSigterm
        let save: Bool? = flags.contains("save") ? true : (flags.contains("nosave") ? false : nil)
        if prepareForShutdown(save: save, now: flags.contains("now"), force: flags.contains("force")) == nil {
            exiting = true
        } else {
            // cancelShutdown: the failure is logged; the next signal starts over.
            vigil_clear_shutdown()
        }
    }

    /// SHUTDOWN ABORT for a signal not acted on yet (abortShutdown). False without one.
    func abortSignalledShutdown() -> Bool {
        guard vigil_shutdown_requested() != 0 else { return false }
        vigil_clear_shutdown()
        log.notice("Shutdown manually aborted.")
        return true
    }
}
