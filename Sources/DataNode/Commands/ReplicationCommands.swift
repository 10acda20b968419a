import CVigilShim
import Protocol
import ReplicationCore
import ServerKit

/// SYNC and PSYNC (syncCommand): a partial resync from the backlog when
/// the request allows it, else a full one (Server+FullSync).
enum ReplicationCommands {
    static let handlers: [String: CommandHandler] = [
        "sync": sync, "psync": psync,
    ]

    static func sync(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard !refusesSync(server, c) else { return }
        fullResync(server, c, psync: false)
    }

    static func psync(_ server: Server, _ c: Client, _ argv: [[UInt8]]) {
        if c.flags.contains(.replica) { return }
        if argv.count > 3 && argEquals(argv[3], "failover"),
           let error = server.acceptFailoverRequest(replid: String(decoding: argv[1], as: UTF8.self)) {
            c.replyError(error)
            return
        }
        guard !refusesSync(server, c) else { return }
        if let token = server.replication.replconf[c.id]?.snapshotToken {
            server.serveDualChannelSnapshot(c, token: token)
            return
        }
        guard let offset = parseStrictInt64(argv[2]) else {
            c.replyError("ERR value is not an integer or out of range")
            return
        }
        let name = server.replicaName(c)
        server.log.notice("Replica \(name) asks for synchronization")
        let requested = String(decoding: argv[1], as: UTF8.self)
        switch PsyncDecision.decide(replid: requested, offset: offset, history: server.replication.link.history,
                                    backlog: server.replication.backlog, replica: name) {
        case .partial(let from):
            continueStream(server, c, from: from, name: name)
        case .full(let reason):
            if let reason {
                server.log.notice(reason)
                server.replication.syncPartialErr += 1
            } else {
                server.log.notice("Full resync requested by replica \(name)")
            }
            if DualChannel.masterOffers(enabled: server.config.bool("vigil-dual-channel-replication"),
                                        replicaAnnounced: server.replication.replconf[c.id]?.capaVigilDual ?? false, psync: true) {
                server.offerDualChannelSync(c)
                return
            }
            fullResync(server, c, psync: true)
        }
    }

    /// +CONTINUE: the backlog from the requested offset, then the live stream.
    static func continueStream(_ server: Server, _ c: Client, from offset: Int64, name: String) {
        let bytes = server.replication.backlog?.bytes(from: offset) ?? []
        c.flags.insert(.replica)
        let psync2 = server.replication.replconf[c.id]?.capaPsync2 ?? false
        c.out.raw(Array((psync2 ? "+CONTINUE \(server.replication.replicationId)\r\n" : "+CONTINUE\r\n").utf8))
        c.out.raw(bytes)
        server.replication.syncPartialOk += 1
        attachReplica(server, c, continuing: true)
        server.log.notice(PsyncDecision.acceptedLine(replica: name, bytes: bytes.count, offset: offset))
    }

    static func attachReplica(_ server: Server, _ c: Client, continuing: Bool) {
        let info = server.replication.replconf[c.id]
        server.replication.replicaAttached(id: c.id)
        server.replication.replicas.attach(id: c.id, ip: info?.ip ?? Server.peerIP(c.address), port: info?.port ?? 0,
                                           state: .online, nowMs: server.clock.monotonicMs())
        server.attachToStream(c, continuing: continuing)
    }

    /// syncCommand's checks, in its order: replicas asking again are
    /// ignored; a replica without a live link to its own master has no
    /// stream to give; pending replies refuse the sync. True when refused.
    static func refusesSync(_ server: Server, _ c: Client) -> Bool {
        if c.flags.contains(.replica) { return true }
        if server.replication.failover.state != .none {
            c.replyError("NOMASTERLINK Can't SYNC while failing over")
            return true
        }
        if server.replication.link.masterHost != nil && server.replication.link.state != .connected {
            c.replyError("NOMASTERLINK Can't SYNC while not connected with my master")
            return true
        }
        if !c.out.bytes.isEmpty || (c.connection?.pendingOutputBytes ?? 0) > 0 {
            c.replyError("ERR SYNC and PSYNC are invalid with pending output")
            return true
        }
        // A filtered snapshot only ever goes over the socket, never through the shared file.
        if let info = server.replication.replconf[c.id], info.filter.isFiltered && !info.capaEof {
            c.replyError("ERR Filtered replica requires EOF capability")
            return true
        }
        return false
    }

    static func fullResync(_ server: Server, _ c: Client, psync: Bool) {
        if !psync { server.log.notice("Replica \(server.replicaName(c)) asks for synchronization") }
        server.beginFullResync(c, psync: psync)
    }
}
