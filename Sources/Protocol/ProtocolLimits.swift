/// Limits from Redis 7.0's networking.c (see shared/reference/resp.md §3).
public enum ProtocolLimits {
    /// Max inline request and max `*`/`$` header line without CR.
    public static let inlineMax = 64 * 1024
    public static let defaultMaxBulkLength = 512 * 1024 * 1024
    public static let maxMultibulkCount = 2147483647
    /// Before AUTH, when a password is required.
    public static let unauthenticatedMaxMultibulk = 10
    public static let unauthenticatedMaxBulk = 16384
}
