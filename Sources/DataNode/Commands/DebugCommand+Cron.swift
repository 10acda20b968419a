import Protocol

/// DEBUG PAUSE-CRON: lets a test hold back everything the periodic cron does
/// (tracking table trimming, client timeouts, active expiry...) so that work
/// is seen to happen elsewhere, e.g. on the next command.
enum DebugCron {
    /// atoi semantics, as server.pause_cron = atoi(...): any non-zero number pauses.
    static func pauseCron(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        s.cronPaused = KeyExtraction.atoi(argv[2]) != 0
        c.out.ok()
    }
}
