import Keyspace
import CVigilShim
import Glibc
import Reactor

/// The loop's life: running until shutdown, work before each sleep, and the
/// periodic cron.
extension Server {
    /// Runs the loop until shutdown. Returns the exit code.
    public func run() -> Int32 {
        if let master = config.replicaof { startReplication(host: master.host, port: master.port, fromConfig: true) }
        loop.addTimer(afterMs: 1) { [unowned self] in
            self.cron()
            return Int64(1000 / max(1, min(self.config.hz, 500)))
        }
        while !exiting {
            loop.runOnce(maxWaitMs: 100)
        }
        for l in tcpListeners { l.close() }
        unixListener?.close()
        if !config.unixSocket.isEmpty { unlink(config.unixSocket) }
        if !config.pidfile.isEmpty { unlink(config.pidfile) }
        log.warning("Vigil is now ready to exit, bye bye...")
        return exitCode
    }

    /// SHUTDOWN's work; returns an error text when the shutdown cannot proceed.
    public func prepareForShutdown(save: Bool?, now: Bool, force: Bool) -> String? {
        log.warning("User requested shutdown...")
        killDebugChildren()
        // prepareForShutdown's order: the AOF is flushed and fsynced, then the final RDB is saved.
        flushAppendOnlyFileForShutdown()
        if !saveForShutdown(save: save, force: force) { return "ERR Errors trying to SHUTDOWN. Check logs." }
        // Flush what clients are owed before closing (replicas, monitors).
        for c in clients.values { flushClient(c) }
        exiting = true
        return nil
    }

    func beforeSleep() {
        if replication.getAckPending || !replication.waiting.isEmpty { serveReplicationWaiters() }
        if blocking.hasWaiters || !blocking.unblocked.isEmpty { handleBlockedClientsBeforeSleep() }
        // Paused clients keep the dataset constant: no active expiry either.
        if activeExpireEnabled && !pause.isSet { runActiveExpireCycle(.fast, hz: hot.hz) }
        if tracking.broadcastPending { trackingBroadcastInvalidationMessages() }
        // The AOF is written (and under `always` synced) before any reply goes out.
        if aof.fd != -1 { flushAppendOnlyFile(force: false) }
        if !replication.syncs.isEmpty { pumpSnapshotTransfers() }
        if !pendingWrites.isEmpty {
            let list = pendingWrites
            pendingWrites.removeAll(keepingCapacity: true)
            for c in list {
                flushClient(c)
                updateClientMemory(c)
            }
        }
        // After the writes: what is still queued is what clients hold.
        if hot.maxmemoryClients != 0 { evictClients() }
        lazyfree.drain()
    }

    // MARK: cron

    func cron() {
        // A load in progress serves clients, not timers (processEventsWhileBlocked).
        if persistence.loading { return }
        if cronPaused { return }
        handleShutdownSignal()
        if exiting { return }
        cronLoops += 1
        // Software watchdog: the alarm goes off only if the loop stops coming back here.
        if config.watchdogPeriod > 0 { vigil_watchdog_schedule(Int32(clamping: config.watchdogPeriod)) }
        persistenceCron()
        if !scripting.debugChildren.isEmpty { reapDebugChildren() }
        keyspace.nowMs = clock.keyspaceMs()
        infoSampler.cron(stats: stats, nowMs: clock.monotonicMs())
        if pause.isSet && clock.monotonicMs() >= pause.endMs { unpauseClients() }
        if pause.isSet {
            // Paused clients keep the dataset constant (activeExpireCycle returns at once).
        } else if activeExpireEnabled && keyspace.isMaster {
            runActiveExpireCycle(.slow, hz: config.hz)
        } else if activeExpireEnabled && !writableReplicaExpires.isEmpty {
            expireWritableReplicaKeys()
        }
        aofCron()
        shrinkSparseKeyspaceTables()
        trackingLimitUsedSlots()
        if blocking.hasWaiters { handleBlockedClientsTimeout() }
        if replication.link.state != .none { replicaLinkDriver.run { $0.tick(nowMs: $1) } }
        if replication.failover.state == .waitingForSync { failoverCron() }
        // Once a second from the first cron on, as run_with_period(1000) in
        // serverCron: the PING schedule counts from start-up, not from the first replica.
        if (cronLoops - 1) % max(hot.hz, 1) == 0 { masterReplicationCron() }
        if (cronLoops - 1) % max(hot.hz, 1) == 0 { migrateSockets.closeIdle(nowSeconds: clock.monotonicMs() / 1000) }
        clientsCron()
    }
}

extension Server {
    /// activeExpireCycle with its bookkeeping: the cycle's time in INFO's
    /// expire_cycle_cpu_milliseconds and as the "expire-cycle" latency event.
    func runActiveExpireCycle(_ kind: ActiveExpire.Kind, hz: Int) {
        let startUs = clock.monotonicUs()
        activeExpire.run(kind, dbs: databases, hz: hz) { clock.monotonicUs() }
        let elapsedUs = clock.monotonicUs() - startUs
        stats.expireCycleTimeUsedUs += elapsedUs
        latency.addSampleIfNeeded("expire-cycle", latencyMs: Int(elapsedUs / 1000), thresholdMs: config.latencyMonitorThreshold,
                                  unixTime: Int(clock.wallMs() / 1000))
    }
}
