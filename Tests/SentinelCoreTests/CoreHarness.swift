import Protocol
import Deployment
import XCTest
@testable import Sentinel
@testable import SentinelCore

/// Drives a SentinelCore with a fake clock and scripted replies, no sockets.
final class CoreHarness {
    let core: SentinelCore
    var now: Int64
    /// Everything the core emitted, in order.
    var effects: [SentinelEffect] = []
    /// Effects of inputs fed since the last `drain`.
    private var pending: [SentinelEffect] = []
    static let myid = "0123456789abcdef0123456789abcdef01234567"

    init(config: String = "sentinel monitor mymaster 127.0.0.1 6379 2\nsentinel down-after-milliseconds mymaster 5000\n",
         myid: String? = CoreHarness.myid, seed: UInt64 = 42, now: Int64 = 1_000_000) throws {
        self.now = now
        core = SentinelCore(seed: seed, now: now)
        core.port = 26379
        // A fake file system: only /bin/true may be run.
        core.isExecutable = { $0 == "/bin/true" }
        var text = config.hasSuffix("\n") ? config : config + "\n"
        if let myid { text += "sentinel myid \(myid)\n" }
        let loaded = try SentinelConfigLoader.load(text: text, file: "test.conf")
        try SentinelConfigApplier.apply(loaded.directives, to: core, now: now)
        pending = core.start(now: now)
        drain()
    }

    /// Effects since the last drain: those the inputs returned, then those of
    /// steps a test called directly.
    @discardableResult
    func drain() -> [SentinelEffect] {
        let e = pending + core.takeEffects()
        pending.removeAll()
        effects += e
        return e
    }

    // MARK: Inputs at the harness clock; their effects wait for `drain`.

    func connected(conn: Int, localIP: String = "127.0.0.1") {
        pending += core.connected(conn: conn, localIP: localIP, now: now)
    }

    func closed(conn: Int, reason: String) {
        pending += core.closed(conn: conn, reason: reason, now: now)
    }

    func reply(conn: Int, tag: ReplyTag, value: RESPValue) {
        pending += core.reply(conn: conn, tag: tag, value: value, now: now)
    }

    func push(conn: Int, value: RESPValue) {
        pending += core.push(conn: conn, value: value, now: now)
    }

    func receiveHello(_ payload: String) {
        pending += core.receiveHello(payload, now: now)
    }

    func scriptStarted(job: Int, pid: Int32) {
        pending += core.scriptStarted(job: job, pid: pid, now: now)
    }

    func scriptExited(pid: Int32, exitCode: Int32, signal: Int32) {
        pending += core.scriptExited(pid: pid, exitCode: exitCode, signal: signal, now: now)
    }

    /// Moves the clock to `t` (backwards too) for one timer run.
    func advance(to t: Int64) {
        now = t
        pending += core.advance(now: now)
    }

    /// SENTINEL <args>; its effects wait for `drain`.
    func sentinelCommand(_ args: [String]) -> SentinelReply {
        let (r, e) = core.sentinelCommand(args, now: now)
        pending += e
        return r
    }

    /// Advances the clock by `ms` in steps of `step`, a timer run each time.
    @discardableResult
    func advance(_ ms: Int64, step: Int64 = 100) -> [SentinelEffect] {
        var out: [SentinelEffect] = []
        var left = ms
        while left > 0 {
            let d = min(step, left)
            left -= d
            advance(to: now + d)
            out += drain()
        }
        return out
    }

    var master: Instance { core.masters["mymaster"]! }

    /// Connection ids the core asked to open, with their targets.
    func connects(in e: [SentinelEffect]) -> [(conn: Int, host: String, port: Int)] {
        e.compactMap { if case .connect(let c, let h, let p) = $0 { return (c, h, p) } else { return nil } }
    }

    func sends(in e: [SentinelEffect], conn: Int? = nil) -> [(conn: Int, args: [String], tag: ReplyTag)] {
        e.compactMap {
            if case .send(let c, let a, let t) = $0, conn == nil || c == conn { return (c, a, t) }
            return nil
        }
    }

    func events(in e: [SentinelEffect]? = nil) -> [String] {
        (e ?? effects).compactMap { if case .event(_, let t, let m) = $0 { return "\(t) \(m)" } else { return nil } }
    }

    func flushes(in e: [SentinelEffect]) -> Int {
        e.filter { Self.persisted($0) != nil }.count
    }

    /// The state a `.persist` effect asks to write.
    static func persisted(_ e: SentinelEffect?) -> SentinelStateSnapshot? {
        if case .persist(let s) = e { return s }
        return nil
    }

    /// Marks every pending connect as connected with local IP 127.0.0.1.
    func connectAll(_ e: [SentinelEffect]) {
        for c in connects(in: e) { connected(conn: c.conn) }
        drain()
    }

    /// Answers every command in `e` the way a healthy node would.
    func answer(_ e: [SentinelEffect], info: (Int) -> String? = { _ in nil }, ping: RESPValue = .simple("PONG")) {
        for s in sends(in: e) {
            switch s.tag {
            case .ping: reply(conn: s.conn, tag: s.tag, value: ping)
            case .info(let uid): if let text = info(uid) { reply(conn: s.conn, tag: s.tag, value: .bulk(text)) }
            case .publish: reply(conn: s.conn, tag: s.tag, value: .integer(1))
            case .subscribe: reply(conn: s.conn, tag: s.tag,
                                   value: .array([.bulk("subscribe"), .bulk("__sentinel__:hello"), .integer(1)]))
            case .discard, .coordinatedFailover: reply(conn: s.conn, tag: s.tag, value: .simple("OK"))
            case .slaveofExec: reply(conn: s.conn, tag: s.tag, value: .array([.simple("OK")]))
            case .isMasterDown: break
            }
        }
        drain()
    }

    func command(_ args: String...) -> SentinelReply {
        let r = sentinelCommand(["SENTINEL"] + args)
        drain()
        return r
    }

    /// A master's INFO replication section listing these replicas.
    static func masterInfo(runid: String = String(repeating: "a", count: 40), replicas: [(String, Int)]) -> String {
        var lines = ["# Server", "redis_version:7.0.15", "run_id:\(runid)", "tcp_port:6379", "", "# Replication", "role:master",
                     "connected_slaves:\(replicas.count)"]
        for (i, r) in replicas.enumerated() {
            lines.append("slave\(i):ip=\(r.0),port=\(r.1),state=online,offset=100,lag=0")
        }
        lines += ["master_failover_state:no-failover", "master_repl_offset:100", ""]
        return lines.joined(separator: "\r\n")
    }

    static func replicaInfo(runid: String = String(repeating: "b", count: 40), masterHost: String = "127.0.0.1",
                            masterPort: Int = 6379, linkUp: Bool = true, priority: Int = 100, offset: Int = 100) -> String {
        var lines = ["# Server", "run_id:\(runid)", "", "# Replication", "role:slave", "master_host:\(masterHost)",
                     "master_port:\(masterPort)", "master_link_status:\(linkUp ? "up" : "down")"]
        if !linkUp { lines.append("master_link_down_since_seconds:3") }
        lines += ["master_last_io_seconds_ago:1", "slave_repl_offset:\(offset)", "slave_priority:\(priority)",
                  "slave_read_only:1", "replica_announced:1", "connected_slaves:0", ""]
        return lines.joined(separator: "\r\n")
    }

    /// Reply map (flattened key/value list) as [(key, value)].
    static func pairs(_ v: RESPValue) -> [(String, String)] { LocalDeployment.pairs(v) }

    static func value(_ r: SentinelReply) -> RESPValue {
        if case .value(let v) = r { return v }
        return .simple("OK")
    }
}
