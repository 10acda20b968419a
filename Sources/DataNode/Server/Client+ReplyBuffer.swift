/// The per-client reply buffer's size follows its use, as Redis 7.0's
/// clientsCronResizeOutputBuffer: an idle client's shrinks towards 1 KiB
/// (10,000 idle clients hold 10 MB, not 160), one that fills it doubles it
/// back up to 16 KiB. The peak is what the buffer held at a flush (replies
/// only accumulate between flushes), capped at its size: more went to the
/// output queue, as Redis's reply list.
extension Client {
    /// PROTO_REPLY_MIN_BYTES: the smallest reply buffer.
    static let replyBufferMinBytes = 1024

    /// Before a flush: the buffer's use so far this period.
    @inline(__always)
    func noteReplyBufferPeak() {
        let used = min(out.bytes.count, replyBufferSize)
        if used > replyBufferPeak { replyBufferPeak = used }
    }

    /// Once per client per second-ish from clientsCron. Returns whether it
    /// shrank (-1), grew (1) or stayed (0), for INFO's counters.
    func resizeReplyBuffer(nowMs: Int64, enabled: Bool, peakResetMs: Int64) -> Int {
        guard enabled else { return 0 }
        var newSize = 0
        var change = 0
        let size = replyBufferSize
        if size / 2 >= Self.replyBufferMinBytes && replyBufferPeak < size / 2 {
            newSize = max(Self.replyBufferMinBytes, replyBufferPeak + 1)
            change = -1
        } else if size * 2 < Self.replyBufferBytes * 2 && replyBufferPeak == size {
            newSize = min(Self.replyBufferBytes, size * 2)
            change = 1
        }
        if peakResetMs >= 0 && nowMs - replyBufferPeakResetMs >= peakResetMs {
            replyBufferPeak = min(out.bytes.count, size)
            replyBufferPeakResetMs = nowMs
        }
        if newSize != 0 {
            replyBufferSize = newSize
            var resized: [UInt8] = []
            resized.reserveCapacity(max(newSize, out.bytes.count))
            resized.append(contentsOf: out.bytes)
            out.bytes = resized
        }
        return change
    }
}
