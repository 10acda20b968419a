extension Server {
    /// Parses a timeout in (possibly fractional) seconds, as 7.0's
    /// getTimeoutFromObjectOrReply: strtold, times 1000, rounded up. Returns
    /// the absolute deadline in command-clock ms, 0 for "forever", or nil
    /// after replying with the error.
    public func parseBlockingTimeout(_ c: Client, _ arg: [UInt8]) -> Int64? {
        guard let secs = StringCommands.parseLongDouble(arg) else {
            c.replyError("ERR timeout is not a float or out of range")
            return nil
        }
        let ms = (secs * 1000).rounded(.up)
        // C's conversion of an out-of-range long double gives LLONG_MIN on x86.
        let tval: Int64 = (ms >= -9223372036854775808.0 && ms < 9223372036854775808.0) ? Int64(ms) : Int64.min
        if tval < 0 {
            c.replyError("ERR timeout is negative")
            return nil
        }
        if tval == 0 { return 0 }
        // Redis adds without an overflow check and the wrapped deadline never
        // comes (its timeout table is ordered as unsigned): wait forever.
        let deadline = keyspace.nowMs &+ tval
        return deadline < 0 ? 0 : deadline
    }
}
