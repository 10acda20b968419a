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

    /// REPLYBUFFER PEAK-RESET-TIME <never|reset|ms> / RESIZING <0|1>: how
    /// clientsCron resizes reply buffers (Client+ReplyBuffer).
    static func replyBuffer(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argEquals(argv[2], "peak-reset-time") {
            if argEquals(argv[3], "never") {
                s.replyBufferPeakResetMs = -1
            } else if argEquals(argv[3], "reset") {
                s.replyBufferPeakResetMs = Client.replyBufferPeakResetDefaultMs
            } else {
                guard let ms = parseStrictInt64(argv[3]) else {
                    return c.replyError("ERR value is not an integer or out of range")
                }
                s.replyBufferPeakResetMs = ms
            }
        } else if argEquals(argv[2], "resizing") {
            s.replyBufferResizing = KeyExtraction.atoi(argv[3]) != 0
        } else {
            return ServerCommands.replySubcommandSyntaxError(c, argv)
        }
        c.out.ok()
    }
}
