/// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms] (Redis 6.2+,
/// replication.md §15): the arguments, the checks in failoverCommand's
/// order with its errors, and updateFailoverStatus's decision while the
/// master waits for its target to catch up. Times are the caller's.
public struct Failover: Sendable, Equatable {
    public enum State: String, Sendable {
        case none = "no-failover"
        case waitingForSync = "waiting-for-sync"
        case inProgress = "failover-in-progress"
    }

    public struct Request: Sendable, Equatable {
        public var host: String?
        public var port = 0
        public var force = false
        public var timeoutMs: Int64 = 0
    }

    public private(set) var state: State = .none
    public private(set) var targetHost: String?
    public private(set) var targetPort = 0
    public private(set) var force = false
    /// 0 without a TIMEOUT.
    public private(set) var endMs: Int64 = 0

    public init() {}

    /// The arguments after FAILOVER (not `ABORT` alone): a request or the error to reply.
    public static func parse(_ args: [String]) -> Result<Request, FailoverError> {
        var r = Request()
        var j = 0
        while j < args.count {
            let word = args[j].lowercased()
            if word == "to" && r.host == nil && j + 2 < args.count {
                guard let port = Int64(args[j + 2]) else { return .failure(.reply("ERR value is not an integer or out of range")) }
                r.host = args[j + 1]
                r.port = Int(port)
                j += 3
            } else if word == "force" && !r.force {
                r.force = true
                j += 1
            } else if word == "timeout" && j + 1 < args.count && r.timeoutMs == 0 {
                guard let ms = Int64(args[j + 1]) else { return .failure(.reply("ERR value is not an integer or out of range")) }
                guard ms > 0 else { return .failure(.reply("ERR FAILOVER timeout must be greater than 0")) }
                r.timeoutMs = ms
                j += 2
            } else {
                return .failure(.reply("ERR syntax error"))
            }
        }
        return .success(r)
    }

    /// What the master knows of one attached replica.
    public struct Replica: Sendable, Equatable {
        public var host: String
        public var port: Int
        public var online: Bool
        public var ackOffset: Int64
        public init(host: String, port: Int, online: Bool, ackOffset: Int64) {
            self.host = host
            self.port = port
            self.online = online
            self.ackOffset = ackOffset
        }
    }

    /// failoverCommand's checks after parsing, in its order; nil when it may start.
    public func refusal(_ r: Request, isReplica: Bool, replicas: [Replica]) -> String? {
        if state != .none { return "ERR FAILOVER already in progress." }
        if isReplica { return "ERR FAILOVER is not valid when server is a replica." }
        if replicas.isEmpty { return "ERR FAILOVER requires connected replicas." }
        if r.force && (r.timeoutMs == 0 || r.host == nil) {
            return "ERR FAILOVER with force option requires both a timeout and target HOST and IP."
        }
        if let host = r.host {
            guard let target = Self.find(host, r.port, in: replicas) else { return "ERR FAILOVER target HOST and PORT is not a replica." }
            if !target.online { return "ERR FAILOVER target replica is not online." }
        }
        return nil
    }

    static func find(_ host: String, _ port: Int, in replicas: [Replica]) -> Replica? {
        replicas.first { $0.host.lowercased() == host.lowercased() && $0.port == port }
    }

    /// The request is accepted: writes pause, the master waits for a target. Returns the log line.
    public mutating func start(_ r: Request, nowMs: Int64) -> String {
        targetHost = r.host
        targetPort = r.port
        force = r.force
        endMs = r.timeoutMs > 0 ? nowMs + r.timeoutMs : 0
        state = .waitingForSync
        return r.host.map { "FAILOVER requested to \($0):\(r.port)." } ?? "FAILOVER requested to any replica."
    }

    public enum Step: Sendable, Equatable {
        case wait
        /// Become a replica of host:port (state failover-in-progress); `log` says why.
        case demote(host: String, port: Int, log: String)
        case abort(reason: String)
    }

    /// updateFailoverStatus.
    public mutating func update(nowMs: Int64, masterOffset: Int64, replicas: [Replica]) -> Step {
        guard state == .waitingForSync else { return .wait }
        if endMs != 0 && endMs <= nowMs {
            guard force, let host = targetHost else { return .abort(reason: "Replica never caught up before timeout") }
            state = .inProgress
            return .demote(host: host, port: targetPort, log: "FAILOVER to \(host):\(targetPort) time out exceeded, failing over.")
        }
        let caughtUp: Replica?
        if let host = targetHost {
            caughtUp = Self.find(host, targetPort, in: replicas).flatMap { $0.ackOffset == masterOffset ? $0 : nil }
        } else {
            caughtUp = replicas.first { $0.ackOffset == masterOffset }
        }
        guard let target = caughtUp else { return .wait }
        targetHost = target.host
        targetPort = target.port
        state = .inProgress
        return .demote(host: target.host, port: target.port, log: "Failover target \(target.host):\(target.port) is synced, failing over.")
    }

    /// abortFailover's line; the caller undoes the demotion when it had begun.
    public func abortLine(_ reason: String) -> String {
        if let host = targetHost { return "FAILOVER to \(host):\(targetPort) aborted: \(reason)" }
        return "FAILOVER to any replica aborted: \(reason)"
    }

    /// clearFailoverState.
    public mutating func clear() { self = Failover() }
}

public enum FailoverError: Error, Sendable, Equatable {
    case reply(String)
}
