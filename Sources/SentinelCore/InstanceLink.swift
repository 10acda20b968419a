/// The connections to one instance (instanceLink in sentinel.c): a command
/// connection and, for masters and replicas, a pub/sub connection. Links to
/// the same sentinel are shared by every master that knows it (refcount).
/// Connections are named by ids the core hands out; the IO layer opens them.
public final class InstanceLink {
    public internal(set) var refcount = 1
    /// True if a needed connection is missing.
    public internal(set) var disconnected = true
    /// Commands sent on this link and not answered yet.
    public internal(set) var pendingCommands = 0
    /// Id of the command connection, if open (or opening).
    public internal(set) var cc: Int?
    /// Id of the pub/sub connection, if open (or opening).
    public internal(set) var pc: Int?
    var ccConnTime: Int64 = 0
    var pcConnTime: Int64 = 0
    var lastReconnTime: Int64 = 0
    var pcLastActivity: Int64 = 0
    /// Time of the oldest PING without a reply; 0 when none is pending.
    var actPingTime: Int64
    var lastPingTime: Int64 = 0
    /// Last reply of any kind to a PING.
    var lastPongTime: Int64
    /// Last valid PING reply (PONG, LOADING, MASTERDOWN).
    var lastAvailTime: Int64
    /// Local address of the command connection, once connected (the hello's IP).
    var ccLocalIP: String?

    init(now: Int64) {
        // Pending-ping time starts now, so a node never reachable goes down after down-after.
        actPingTime = now
        lastPongTime = now
        lastAvailTime = now
    }
}
