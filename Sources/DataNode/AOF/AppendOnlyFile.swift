import Glibc
import Persistence

/// The append-only file's state (Redis 7.0's server.aof_*): whether it is on,
/// the incr file being appended to, the buffer waiting for the next write,
/// the manifest, the sizes auto-rewrite compares, and the rewrite child.
public final class AppendOnlyFile {
    /// AOF_OFF, AOF_ON, AOF_WAIT_REWRITE (turned on at runtime: on once the first rewrite is done).
    public enum State { case off, on, waitRewrite }

    public internal(set) var state: State = .off
    /// The incr file being appended to, -1 when none.
    var fd: Int32 = -1
    /// Commands propagated since the last write (aof_buf): written before the
    /// event loop sleeps, so before any client hears its reply.
    var buffer: [UInt8] = []
    /// The db the file has selected (aof_selected_db); -1 forces a SELECT.
    var selectedDb = -1
    public internal(set) var manifest = AOFManifest()
    public internal(set) var currentSize = 0
    var lastIncrSize = 0
    public internal(set) var rewriteBaseSize = 0
    var fsyncOffset = 0
    var lastFsyncUnix = 0
    var flushPostponedStart = 0
    public internal(set) var delayedFsync = 0
    /// The last timestamp annotation written (aof_cur_timestamp).
    var currentTimestamp = 0
    public internal(set) var lastWriteOK = true
    var lastWriteErrno: Int32 = 0
    var lastWriteErrorLogUnix = 0
    /// DEBUG AOF-FLUSH-SLEEP: microseconds to sleep before each write of the buffer (tests).
    var flushSleepUs = 0
    /// The background fsync's last status as the loop last saw it (to log a failure once).
    var bioFsyncFailed = false

    // Rewrite.
    public internal(set) var rewriteScheduled = false
    var rewriteTimeStart = -1
    public internal(set) var rewriteTimeLast = -1
    public internal(set) var lastBgrewriteOK = true
    public internal(set) var rewrites = 0
    public internal(set) var consecutiveFailures = 0
    public internal(set) var lastCowSize = 0
    public internal(set) var childPid: pid_t = -1
    /// The pipe the child reports its copy-on-write size on.
    var childInfoFd: Int32 = -1
    /// aofRewriteLimited's back-off after repeated failures.
    var nextRewriteDelayMinutes = 0
    var nextRewriteUnix = 0

    init() {}

    /// `dir/appenddirname` relative to the working directory (which is `dir`).
    static func path(_ dirname: String, _ name: String) -> String { dirname + "/" + name }
}
