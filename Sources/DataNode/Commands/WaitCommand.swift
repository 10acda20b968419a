import Protocol
import ReplicationCore

/// WAIT numreplicas timeout (replication.md §10): how many replicas
/// acknowledged the offset this client's last write reached, waiting up to
/// `timeout` ms for `numreplicas` of them.
enum WaitCommand {
    static let handlers: [String: CommandHandler] = ["wait": wait]

    static func wait(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        if s.replication.link.masterHost != nil {
            c.replyError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")
            return
        }
        guard let wanted = parseStrictInt64(argv[1]) else {
            c.replyError("ERR value is not an integer or out of range")
            return
        }
        guard let timeout = parseStrictInt64(argv[2]) else {
            c.replyError("ERR timeout is not an integer or out of range")
            return
        }
        if timeout < 0 {
            c.replyError("ERR timeout is negative")
            return
        }
        let target = c.replOffsetAfterWrite
        let acked = s.replication.replicas.acknowledgedCount(atLeast: target)
        if acked >= wanted || !s.clientMayBlock(c) {
            c.out.integer(acked)
            return
        }
        // A deadline past the end of time never comes: wait forever, as the
        // blocking commands' timeouts do.
        let sum = s.keyspace.nowMs.addingReportingOverflow(timeout)
        let deadline = timeout == 0 || sum.overflow || sum.partialValue == Int64.max ? 0 : sum.partialValue
        s.replication.waiting.append((c.id, target, Int(wanted)))
        s.blockClient(c, argv, on: [], kind: .list, deadlineMs: deadline, timeoutReply: { [unowned(unsafe) s] c in
            s.replication.waiting.removeAll { $0.client == c.id }
            c.out.integer(s.replication.replicas.acknowledgedCount(atLeast: target))
        }, serve: { _, _, _ in })
        s.replication.getAckPending = true
    }
}

extension Server {
    /// Before sleeping: one GETACK into the stream for the WAITs that
    /// blocked, and the WAITs enough ACKs now satisfy
    /// (processClientsWaitingReplicas).
    func serveReplicationWaiters() {
        if replication.getAckPending {
            replication.getAckPending = false
            feed.forwardRaw(Self.getAck, counted: true)
        }
        guard !replication.waiting.isEmpty else { return }
        for w in replication.waiting {
            guard let c = clients[w.client], c.flags.contains(.blocked) else {
                replication.waiting.removeAll { $0.client == w.client }
                continue
            }
            let acked = replication.replicas.acknowledgedCount(atLeast: w.offset)
            if acked >= w.wanted {
                replication.waiting.removeAll { $0.client == w.client }
                unblockClient(c) { $0.out.integer(acked) }
            }
        }
    }

    static let getAck: [UInt8] = Array("*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n".utf8)
}
