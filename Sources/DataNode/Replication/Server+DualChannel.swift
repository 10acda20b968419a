import ReplicationCore
import ServerKit

/// The master's half of Vigil's dual-channel full sync
/// (ReplicationCore/DualChannelSync.swift): the main link is answered with
/// an offer and, from the snapshot's fork on, receives the live stream at
/// once instead of holding it; the snapshot goes out on the second
/// connection, through the ordinary full-sync machinery (Server+FullSync).
extension Server {
    /// PSYNC that needs a full resync, from a replica that announced the capability.
    func offerDualChannelSync(_ c: Client) {
        let info = replication.replconf[c.id]
        replication.syncFull += 1
        c.flags.insert(.replica)
        replication.replicaAttached(id: c.id)
        replication.replicas.attach(id: c.id, ip: info?.ip ?? Self.peerIP(c.address), port: info?.port ?? 0,
                                    state: .waitBgsave, nowMs: clock.monotonicMs())
        createMasterBacklogIfNeeded()
        var g = SystemRandomNumberGenerator()
        let token = ReplicationState.randomHexId(using: &g)
        replication.dualOffers[token] = c.id
        c.out.raw(Array("\(DualChannel.offerReply) \(token)\r\n".utf8))
        c.markPendingWrite()
        log.notice("Replica \(replicaName(c)) takes a dual-channel full sync: waiting for its snapshot connection")
    }

    /// PSYNC on a connection that named an offer with `REPLCONF vigil-snapshot`.
    func serveDualChannelSnapshot(_ c: Client, token: String) {
        guard let mainId = replication.dualOffers.removeValue(forKey: token), let main = clients[mainId], !main.isFreed else {
            log.warning("Dual-channel snapshot connection refused: unknown or expired token")
            c.replyError("ERR unknown or expired vigil-snapshot token")
            c.flags.insert(.closeAfterReply)
            return
        }
        replication.dualPartner[c.id] = mainId
        replication.dualPartner[mainId] = c.id
        log.notice("Replica \(replicaName(main)) opened the snapshot connection of its dual-channel sync")
        beginFullResync(c, psync: true, streamTo: mainId)
    }

    /// The snapshot is out on the snapshot connection: the main link (which
    /// has been streaming since the fork) is online, the snapshot connection closes.
    func dualChannelSnapshotDelivered(_ c: Client, mainId: Int) {
        replicaSyncEnded(id: c.id)
        replication.dualPartner[c.id] = nil
        replication.dualPartner[mainId] = nil
        c.flags.remove(.replica)
        replication.replicaDetached(id: c.id, nowMs: clock.monotonicMs())
        if let main = clients[mainId] { replicaPutOnline(main) }
        if let conn = c.connection, !conn.isClosed { conn.closeAfterFlush() }
    }

    /// One connection of a dual-channel sync in progress went away: the other
    /// one is useless without it (the replica retries with a plain full sync).
    func dualChannelClientGone(_ id: Int) {
        for (token, main) in replication.dualOffers where main == id { replication.dualOffers[token] = nil }
        guard let partner = replication.dualPartner.removeValue(forKey: id) else { return }
        replication.dualPartner[partner] = nil
        guard let other = clients[partner] else { return }
        log.warning("Dual-channel sync with replica \(replicaName(other)) abandoned: its other connection was lost")
        freeClient(other, reason: "dual-channel partner lost")
    }
}
