import Protocol

/// A command's answer from the core. `okAfterFlush` is sentinelFlushConfigAndReply:
/// +OK if the flush effect just emitted succeeded, else the save error.
public enum SentinelReply: Sendable, Equatable {
    case value(RESPValue)
    case okAfterFlush

    static func error(_ text: String) -> SentinelReply { .value(.err(text)) }
    static func bulk(_ text: String) -> SentinelReply { .value(.bulk(text)) }
    static let ok = SentinelReply.value(.simple("OK"))

    public static let flushFailedText = "ERR Failed to save config file. Check server logs."
}
