/// serverCron's save-point rule: a BGSAVE starts when some `save <seconds>
/// <changes>` pair has both enough changes and enough time since the last
/// save, unless the last attempt failed less than CONFIG_BGSAVE_RETRY_DELAY
/// seconds ago.
enum SavePoints {
    static let retryDelaySeconds = 5

    struct Due: Equatable {
        let seconds: Int
        let changes: Int
    }

    /// The first save point that is due, or nil.
    static func due(_ params: [(seconds: Int, changes: Int)], dirty: Int, nowUnix: Int, lastSaveUnix: Int,
                    lastTryUnix: Int, lastStatusOK: Bool) -> Due? {
        for p in params
        where dirty >= p.changes && nowUnix - lastSaveUnix > p.seconds
            && (nowUnix - lastTryUnix > retryDelaySeconds || lastStatusOK) {
            return Due(seconds: p.seconds, changes: p.changes)
        }
        return nil
    }

    /// A BGSAVE SCHEDULEd (or postponed) earlier may start now.
    static func scheduledMayStart(nowUnix: Int, lastTryUnix: Int, lastStatusOK: Bool) -> Bool {
        nowUnix - lastTryUnix > retryDelaySeconds || lastStatusOK
    }
}
