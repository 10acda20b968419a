import CoreKit
/// What a reply on a link is for. The IO layer hands it back with the reply.
public enum ReplyTag: Sendable, Equatable {
    /// AUTH, CLIENT SETNAME, SCRIPT KILL, the SLAVEOF transaction: reply ignored.
    case discard
    case ping(uid: Int)
    case info(uid: Int)
    case publish(uid: Int)
    /// SUBSCRIBE on a pub/sub connection: an error reply drops the connection.
    case subscribe(uid: Int)
    /// SENTINEL is-master-down-by-addr to the sentinel instance `uid`.
    case isMasterDown(uid: Int)
    /// The EXEC closing a SLAVEOF transaction sent to instance `uid`.
    case slaveofExec(uid: Int)
    /// FAILOVER TO ... sent to master `uid` (SENTINEL FAILOVER ... COORDINATED).
    case coordinatedFailover(uid: Int)
}

/// The core's outputs, executed by the IO layer in order.
public enum SentinelEffect: Sendable, Equatable {
    /// Open connection `conn` to host:port. The IO layer answers with
    /// `connected` (and its local IP) or `closed`. Commands sent before the
    /// connect completes are queued, as hiredis does.
    case connect(conn: Int, host: String, port: Int)
    /// Send one command; its reply comes back with `tag`.
    case send(conn: Int, args: [String], tag: ReplyTag)
    /// Close a connection; no `closed` input follows.
    case close(conn: Int)
    /// A sentinel event: published on the channel `type` unless debug level,
    /// logged as "<type> <message>" if the log level allows.
    case event(level: LogLevel, type: String, message: String)
    /// A plain log line.
    case log(level: LogLevel, text: String)
    /// Write this state to disk (config rewrite or state file), now: the
    /// effects after it may depend on its having been saved.
    case persist(SentinelStateSnapshot)
    /// Start script job `job` (argv[0] is the path). The IO layer answers
    /// with `scriptStarted` or `scriptSpawnFailed`, later `scriptExited`.
    case spawnScript(job: Int, argv: [String])
    /// SIGKILL a script that ran too long.
    case killScript(pid: Int32)
    /// SIMULATE-FAILURE crash points: exit at once with this status.
    case exit(code: Int32)
}
