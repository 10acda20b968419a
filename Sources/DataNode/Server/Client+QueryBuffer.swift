/// The query buffer's room follows the client's use, as Redis 7.0's
/// clientsCronResizeQueryBuffer: room a big argument needed stays until
/// clientsCron looks (another may follow at once), then goes back to what the
/// recent peak needs; an idle client's buffer is given back entirely (10,000
/// idle clients hold nothing for input).
extension Client {
    /// PROTO_RESIZE_THRESHOLD: buffers up to this size are left alone while in use.
    static let queryBufferResizeThreshold = 32 * 1024
    /// Less spare room than this is not worth a reallocation.
    static let queryBufferSpareWorthResizing = 4 * 1024

    func resizeQueryBuffer(nowMs: Int64) {
        guard let conn = connection else { return }
        let size = conn.input.capacity
        let used = conn.input.readableBytes
        let awaited = parser.awaitedBulkBytes
        if size - used > Self.queryBufferSpareWorthResizing {
            if (nowMs - lastInteractionMs) / 1000 > 2 {
                conn.input.shrink(to: used)
            } else if size > Self.queryBufferResizeThreshold && size / 2 > queryBufferPeak {
                conn.input.shrink(to: max(used, queryBufferPeak, awaited))
            }
        }
        // The next period's peak starts from what is held (or awaited) now.
        queryBufferPeak = max(used, awaited)
    }
}
