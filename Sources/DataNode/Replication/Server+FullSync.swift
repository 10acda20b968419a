import Glibc
import ReplicationCore
import ServerKit

/// The master side of a full resync, as 7.0's replication.c: the replica
/// waits in wait_bgsave for a snapshot (shared with the other replicas
/// waiting for the same one), gets `+FULLRESYNC <replid> <offset>` when the
/// snapshot forks, the snapshot (from the file in the `$<len>` form, or
/// streamed by the child in the `$EOF:` form), then the stream produced
/// since that offset, which its client output held meanwhile.
extension Server {
    /// syncCommand from "Full resynchronization" on.
    /// `streamTo`: a dual-channel snapshot connection, whose main link (that
    /// client id) is the replica INFO shows and receives the stream.
    func beginFullResync(_ c: Client, psync: Bool, streamTo: Int? = nil) {
        let info = replication.replconf[c.id]
        let now = clock.monotonicMs()
        c.flags.insert(.replica)
        replication.replicaAttached(id: c.id)
        if streamTo == nil {
            replication.syncFull += 1
            replication.replicas.attach(id: c.id, ip: info?.ip ?? Self.peerIP(c.address), port: info?.port ?? 0,
                                        state: .waitBgsave, nowMs: now, prePsync: !psync)
        }
        let capaEof = info?.capaEof ?? false
        let filter = info?.filter ?? SnapshotFilter()
        replication.syncs[c.id] = ReplicaSync(capaEof: capaEof, prePsync: !psync, requestedMs: now, filter: filter,
                                              streamTo: streamTo)
        createMasterBacklogIfNeeded()
        let plan = FullSyncPlan.onRequest(child: childForFullSync(), diskless: config.bool("repl-diskless-sync"),
                                          capaEof: capaEof, delaySeconds: config.int("repl-diskless-sync-delay"))
        switch plan {
        case .attachToRunning where filter != SnapshotFilter():
            log.notice("Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC")
        case .attachToRunning:
            // Same snapshot, same offset: the stream it missed is what the other one holds.
            guard let other = replicasHoldingStream(.waitEnd).first, let o = clients[other],
                  let offset = replication.syncs[other]?.initialOffset else { return }
            (streamTo.flatMap { clients[$0] } ?? c).out.raw(o.out.bytes)
            setUpForFullResync(c, offset: offset)
            log.notice("Waiting for end of BGSAVE for SYNC")
        case .waitForNext(let line):
            log.notice(line)
        case .delay:
            log.notice("Delay next BGSAVE for diskless SYNC")
        case .startNow:
            startBgsaveForReplication(mincapaEof: capaEof, filter: filter)
        }
    }

    /// The child running, as syncCommand looks at it.
    private func childForFullSync() -> FullSyncPlan.Child {
        guard let child = backgroundChild else { return .none }
        guard child.kind == .rdb else { return .other }
        if child.target == .sockets { return .rdbSockets }
        // Only a replica holding the stream since the fork can share it.
        let sharing = replicasHoldingStream(.waitEnd).first.flatMap { replication.syncs[$0]?.capaEof }
        return .rdbDisk(sharedWith: sharing)
    }

    /// Replicas in `phase`, in the order they attached.
    func replicasInSync(_ phase: ReplicaSync.Phase) -> [Int] {
        replication.replicaIds.filter { replication.syncs[$0]?.phase == phase }
    }

    /// Those of them asking for the snapshot `filter` makes (one child serves one filter).
    func replicasInSync(_ phase: ReplicaSync.Phase, filter: SnapshotFilter) -> [Int] {
        replicasInSync(phase).filter { replication.syncs[$0]?.filter == filter }
    }

    /// Those of them that hold the stream in their own output (not dual-channel snapshot connections).
    func replicasHoldingStream(_ phase: ReplicaSync.Phase) -> [Int] {
        replicasInSync(phase).filter { replication.syncs[$0]?.streamTo == nil }
    }

    /// replicationSetupSlaveForFullResync: the snapshot stands for `offset`;
    /// from here the stream accumulates in the replica's held output,
    /// starting with a SELECT.
    func setUpForFullResync(_ c: Client, offset: Int64) {
        replication.syncs[c.id]?.initialOffset = offset
        replication.syncs[c.id]?.phase = .waitEnd
        if let mainId = replication.syncs[c.id]?.streamTo, let main = clients[mainId] {
            // Dual channel: the stream from offset + 1 goes out on the main link now.
            attachToStream(main, continuing: false)
        } else {
            c.flags.insert(.streamHeld)
            attachToStream(c, continuing: false)
        }
        if replication.syncs[c.id]?.prePsync == false {
            c.connection?.enqueue(Array("+FULLRESYNC \(replication.replicationId) \(offset)\r\n".utf8))
            c.markPendingWrite()
        }
    }

    /// startBgsaveForReplication: forks for every replica waiting to start.
    /// When it cannot, they get Redis's error and are closed.
    @discardableResult
    func startBgsaveForReplication(mincapaEof: Bool, filter: SnapshotFilter) -> Bool {
        let sockets = FullSyncPlan.socketTarget(diskless: config.bool("repl-diskless-sync") || filter.isFiltered,
                                                mincapaEof: mincapaEof)
        log.notice(FullSyncPlan.startLine(socketTarget: sockets))
        let started = sockets ? startSocketTransfer(filter: filter) : saveInBackground()
        guard started else {
            log.warning("BGSAVE for replication failed")
            for id in replicasInSync(.waitStart, filter: filter) {
                guard let c = clients[id] else { continue }
                leaveReplicas(c)
                c.replyError("ERR BGSAVE failed, replication can't continue")
                c.flags.insert(.closeAfterReply)
                c.markPendingWrite()
            }
            return false
        }
        if !sockets {
            let offset = replication.masterReplOffset
            for id in replicasInSync(.waitStart, filter: filter) {
                if let c = clients[id] { setUpForFullResync(c, offset: offset) }
            }
        }
        return true
    }

    /// A replica that will not be served goes back to being a plain client.
    private func leaveReplicas(_ c: Client) {
        c.flags.remove([.replica, .streamHeld])
        feed.detach(id: c.id)
        replicaSyncEnded(id: c.id)
        replication.replicaDetached(id: c.id, nowMs: clock.monotonicMs())
    }

    /// A replica left (or finished its sync): what its sync held is released.
    func replicaSyncEnded(id: Int) {
        replication.syncs[id]?.closeFile()
        replication.syncs[id] = nil
        replication.socketTransfer?.receiverGone(id)
    }

    /// updateSlavesWaitingBgsave: the snapshot for the replicas in its
    /// group is written (or failed).
    func replicasSnapshotDone(ok: Bool, target: BackgroundChild.Target) {
        for id in replicasInSync(.waitEnd) {
            guard let c = clients[id] else { continue }
            if !ok {
                log.warning("SYNC failed. BGSAVE child returned an error")
                freeClient(c, reason: "BGSAVE for replication failed")
                continue
            }
            if let mainId = replication.syncs[id]?.streamTo, target == .sockets {
                log.notice("Streamed RDB transfer with replica \(replicaName(clients[mainId] ?? c)) succeeded (socket, dual-channel)")
                dualChannelSnapshotDelivered(c, mainId: mainId)
                continue
            }
            if target == .sockets {
                log.notice("Streamed RDB transfer with replica \(replicaName(c)) succeeded (socket). Waiting for REPLCONF ACK from replica to enable streaming")
                guard replicaPutOnline(c) else { continue }
                replication.syncs[id]?.phase = .awaitingAck
                continue
            }
            let fd = open(config.dbfilename, O_RDONLY | O_CLOEXEC)
            var st = stat()
            if fd < 0 || fstat(fd, &st) != 0 {
                let err = errno
                if fd >= 0 { close(fd) }
                log.warning("SYNC failed. Can't open/stat DB after BGSAVE: \(Self.errorText(err))")
                freeClient(c, reason: "no snapshot file")
                continue
            }
            replication.syncs[id]?.file = fd
            replication.syncs[id]?.fileSize = Int(st.st_size)
            replication.syncs[id]?.fileOffset = 0
            replication.syncs[id]?.phase = .sendBulk
            replication.replicas.setState(id: replication.syncs[id]?.streamTo ?? id, .sendBulk, nowMs: clock.monotonicMs())
            c.connection?.enqueue(Array("$\(st.st_size)\r\n".utf8))
            c.markPendingWrite()
        }
    }

    /// replicaPutOnline. A replica that asked for the snapshot only is
    /// closed instead (false).
    @discardableResult
    func replicaPutOnline(_ c: Client) -> Bool {
        if replication.replconf[c.id]?.rdbOnly == true {
            log.notice("RDB transfer completed, rdb only replica (\(replicaName(c))) should be disconnected asap")
            freeClient(c, reason: "rdb only replica")
            return false
        }
        replication.replicas.setState(id: c.id, .online, nowMs: clock.monotonicMs())
        log.notice("Synchronization with replica \(replicaName(c)) succeeded")
        return true
    }

    /// replicaStartCommandStream: the held stream goes out after the snapshot.
    func startReplicaStream(_ c: Client) {
        replicaSyncEnded(id: c.id)
        c.flags.remove(.streamHeld)
        c.markPendingWrite()
    }

    /// REPLCONF ACK from a replica that loaded an EOF-form snapshot: it is ready for the stream.
    func replicaAcknowledgedSnapshot(_ c: Client) {
        if replication.syncs[c.id]?.phase == .awaitingAck { startReplicaStream(c) }
    }

    /// Before the loop sleeps: more of the disk snapshots into the replicas'
    /// sockets, as far as they take them (sendBulkToSlave), and the diskless
    /// transfer resumed once its readers drained.
    func pumpSnapshotTransfers() {
        for id in replicasInSync(.sendBulk) { sendBulk(id) }
        replication.socketTransfer?.resumeIfDrained()
    }

    /// Enough queued to keep the socket busy until the next wake-up, not the whole file.
    static let bulkQueueBytes = 256 * 1024

    /// At most this much of a snapshot per wake-up, so that other clients get their turn.
    static let bulkPumpBytes = 8 * 1024 * 1024

    private func sendBulk(_ id: Int) {
        guard let c = clients[id], let conn = c.connection, var sync = replication.syncs[id] else { return }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        var budget = Self.bulkPumpBytes
        // Written here rather than left for the writable event: a socket
        // that takes the whole queue at once arms no event, and the loop
        // would sleep until its next timer with the replica idle
        // (sendBulkToSlave runs on every writable event instead).
        while budget > 0 && sync.fileOffset < sync.fileSize {
            while conn.pendingOutputBytes < Self.bulkQueueBytes && sync.fileOffset < sync.fileSize {
                let want = min(chunk.count, sync.fileSize - sync.fileOffset)
                let n = chunk.withUnsafeMutableBytes { pread(sync.file, $0.baseAddress, want, off_t(sync.fileOffset)) }
                if n <= 0 {
                    log.warning("Read error sending DB to replica: \(n == 0 ? "premature EOF" : Self.errorText(errno))")
                    freeClient(c, reason: "snapshot read error")
                    return
                }
                conn.enqueue(chunk[0..<n])
                sync.fileOffset += n
                budget -= n
            }
            replication.syncs[id] = sync
            flushClient(c)
            guard !c.isFreed, !conn.isClosed, replication.syncs[id] != nil else { return }
            if conn.pendingOutputBytes > 0 { break }
        }
        if conn.pendingOutputBytes == 0 && sync.fileOffset < sync.fileSize {
            // The budget ran out with the socket still taking more: no sleep.
            _ = loop.addTimer(afterMs: 0) { nil }
        }
        replication.syncs[id] = sync
        c.markPendingWrite()
        // Online once the last byte is on the wire, as sendBulkToSlave.
        guard sync.fileOffset == sync.fileSize && conn.pendingOutputBytes == 0 else { return }
        if let mainId = sync.streamTo {
            dualChannelSnapshotDelivered(c, mainId: mainId)
            return
        }
        guard replicaPutOnline(c) else { return }
        startReplicaStream(c)
    }

    /// replicationCron's part for replicas still waiting for their payload:
    /// a newline a second (not part of the stream) so they do not time out,
    /// and a snapshot started for those waiting once nothing else runs.
    func fullSyncCron() {
        let diskChild = backgroundChild?.kind == .rdb && backgroundChild?.target == .disk
        for id in replication.replicaIds {
            guard let phase = replication.syncs[id]?.phase, phase == .waitStart || (phase == .waitEnd && diskChild),
                  let conn = clients[id]?.connection else { continue }
            conn.enqueue([UInt8(ascii: "\n")])
            clients[id]?.markPendingWrite()
        }
        startPendingReplicationFork()
    }

    /// replicationStartPendingFork.
    func startPendingReplicationFork() {
        guard !hasActiveChildProcess else { return }
        let now = clock.monotonicMs()
        // shouldStartChildForReplication: the first waiting replica's filter decides who joins this child.
        guard let first = replicasInSync(.waitStart).first, let filter = replication.syncs[first]?.filter else { return }
        let waiting = replicasInSync(.waitStart, filter: filter).compactMap { replication.syncs[$0] }
            .map { FullSyncPlan.Waiting(capaEof: $0.capaEof, idleSeconds: (now - $0.requestedMs) / 1000) }
        guard let mincapa = FullSyncPlan.shouldStart(waiting: waiting, diskless: config.bool("repl-diskless-sync"),
                                                     delaySeconds: config.int("repl-diskless-sync-delay"),
                                                     maxReplicas: config.int("repl-diskless-sync-max-replicas")) else { return }
        startBgsaveForReplication(mincapaEof: mincapa, filter: filter)
    }
}
