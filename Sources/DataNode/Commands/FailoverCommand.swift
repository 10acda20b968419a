import Protocol
import ReplicationCore
import ServerKit

/// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT ms], as 7.0's failoverCommand.
enum FailoverCommand {
    static let handlers: [String: CommandHandler] = ["failover": failover]

    static func failover(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if argv.count == 2 && argEquals(argv[1], "abort") {
            guard s.replication.failover.state != .none else {
                c.replyError("ERR No failover in progress.")
                return
            }
            s.abortFailover("Failover manually aborted")
            c.out.ok()
            return
        }
        let request: Failover.Request
        switch Failover.parse(argv.dropFirst().map { String(decoding: $0, as: UTF8.self) }) {
        case .success(let r): request = r
        case .failure(.reply(let message)):
            c.replyError(message)
            return
        }
        if let refusal = s.replication.failover.refusal(request, isReplica: s.replication.role == .replica,
                                                        replicas: s.failoverCandidates()) {
            c.replyError(refusal)
            return
        }
        s.log.notice(s.replication.failover.start(request, nowMs: s.clock.monotonicMs()))
        s.pause.apply(ClientPauseRequest(timeoutMs: Int64.max / 4, writesOnly: true), now: s.clock.monotonicMs())
        c.out.ok()
    }
}
