/// The sentinel timer (sentinelTimer): TILT check, then every master with
/// its replicas and sentinels.
extension SentinelCore {
    /// Time passing: the clock moves to `now` and the timer does what is due.
    /// The shell calls it after `nextTickDelay()` ms; a test moves time with
    /// it (other inputs carry their own arrival time, as mstime() reads it).
    public func advance(now: Int64) -> [SentinelEffect] {
        input(now) {
            checkTiltCondition()
            for m in masters.all {
                handleInstance(m)
                for r in m.replicas.all { handleInstance(r) }
                for s in m.sentinels.all { handleInstance(s) }
            }
            switchToPromotedIfNeeded()
            runPendingScripts()
            killTimedOutScripts()
        }
    }

    /// A backwards jump or one longer than tilt-trigger since the last run
    /// means the clock or the process misbehaved: stop judging for a while.
    func checkTiltCondition() {
        let delta = now - previousTime
        if delta < 0 || delta > timings.tiltTrigger {
            tilt = true
            tiltStartTime = now
            event(.warning, "+tilt", nil, "#tilt mode entered")
        }
        previousTime = now
    }

    func handleInstance(_ ri: Instance) {
        // Released by an earlier step of this tick.
        guard instancesByUID[ri.uid] != nil else { return }
        reconnect(ri)
        sendPeriodicCommands(ri)
        if tilt {
            if now - tiltStartTime < timings.tiltPeriod { return }
            tilt = false
            event(.warning, "-tilt", nil, "#tilt mode exited")
        }
        checkSubjectivelyDown(ri)
        if ri.isMaster {
            checkObjectivelyDown(ri)
            failoverStep(ri)
            askMasterStateToOtherSentinels(ri, forced: false)
        }
    }

    // MARK: Links

    /// sentinelReconnectInstance: at most once per ping-period.
    func reconnect(_ ri: Instance) {
        let link = ri.link
        guard link.disconnected else { return }
        if ri.addr.port == 0 { return }
        if now - link.lastReconnTime < timings.pingPeriod { return }
        link.lastReconnTime = now

        if link.cc == nil {
            let conn = openConnection(ri, pubsub: false)
            link.cc = conn
            link.pendingCommands = 0
            link.ccConnTime = now
            sendAuthIfNeeded(ri, conn)
            setClientName(ri, conn, "cmd")
            sendPing(ri)
        }
        if !ri.isSentinel && link.pc == nil {
            let conn = openConnection(ri, pubsub: true)
            link.pc = conn
            link.pcConnTime = now
            sendAuthIfNeeded(ri, conn)
            setClientName(ri, conn, "pubsub")
            send(conn, [ri.mapCommand("SUBSCRIBE"), SentinelConstants.helloChannel], .subscribe(uid: ri.uid))
        }
        if link.cc != nil && (ri.isSentinel || link.pc != nil) {
            link.disconnected = false
        }
    }

    func sendAuthIfNeeded(_ ri: Instance, _ conn: Int) {
        var pass: String?
        var user: String?
        if ri.isMaster {
            pass = ri.authPass
            user = ri.authUser
        } else if ri.isReplica {
            pass = ri.master?.authPass
            user = ri.master?.authUser
        } else if let sp = sentinelAuthPass {
            pass = sp
            user = sentinelAuthUser
        } else {
            // Legacy: requirepass is used both ways.
            pass = requirePass
        }
        guard let pass else { return }
        var args = [ri.mapCommand("AUTH")]
        if let user { args.append(user) }
        args.append(pass)
        send(conn, args, .discard)
        ri.link.pendingCommands += 1
    }

    func setClientName(_ ri: Instance, _ conn: Int, _ type: String) {
        send(conn, [ri.mapCommand("CLIENT"), "SETNAME", "sentinel-\(myid.prefix(8))-\(type)"], .discard)
        ri.link.pendingCommands += 1
    }

    @discardableResult
    func sendPing(_ ri: Instance) -> Bool {
        guard let cc = ri.link.cc else { return false }
        send(cc, [ri.mapCommand("PING")], .ping(uid: ri.uid))
        ri.link.pendingCommands += 1
        ri.link.lastPingTime = now
        // Only the first unanswered PING counts: we wait since then.
        if ri.link.actPingTime == 0 { ri.link.actPingTime = now }
        return true
    }

    /// sentinelSendPeriodicCommands: INFO, PING and the hello, each on its period.
    func sendPeriodicCommands(_ ri: Instance) {
        let link = ri.link
        if link.disconnected { return }
        // Not critical commands: don't pile them up on a link that does not answer.
        if link.pendingCommands >= SentinelConstants.maxPendingCommands * link.refcount { return }
        guard let cc = link.cc else { return }

        var infoPeriod = timings.infoPeriod
        if ri.isReplica, let m = ri.master,
           !m.flags.intersection([.oDown, .failoverInProgress]).isEmpty || ri.masterLinkDownTime != 0 {
            infoPeriod = 1000
        }
        let pingPeriod = min(ri.downAfterPeriod, timings.pingPeriod)

        if !ri.isSentinel && (ri.infoRefresh == 0 || now - ri.infoRefresh > infoPeriod) {
            send(cc, [ri.mapCommand("INFO")], .info(uid: ri.uid))
            link.pendingCommands += 1
        }
        if now - link.lastPongTime > pingPeriod && now - link.lastPingTime > pingPeriod / 2 {
            sendPing(ri)
        }
        if now - ri.lastPubTime > timings.publishPeriod {
            sendHello(ri)
        }
    }

    /// sentinelSendHello: our address, id and epoch, and the master's current view.
    @discardableResult
    func sendHello(_ ri: Instance) -> Bool {
        let link = ri.link
        if link.disconnected { return false }
        guard let cc = link.cc, let master = ri.isMaster ? ri : ri.master else { return false }
        let ip: String
        if let a = announceIP {
            ip = a
        } else if let local = link.ccLocalIP {
            ip = local
        } else {
            // Not connected yet: like anetFdToString failing, try again next tick.
            return false
        }
        let addr = currentAddress(master)
        let payload = "\(ip),\(announcePort != 0 ? announcePort : port),\(myid),\(currentEpoch),"
            + "\(master.name),\(announceAddress(addr)),\(addr.port),\(master.configEpoch)"
        send(cc, [ri.mapCommand("PUBLISH"), SentinelConstants.helloChannel, payload], .publish(uid: ri.uid))
        link.pendingCommands += 1
        return true
    }

    // MARK: Down detection

    /// sentinelCheckSubjectivelyDown, with the idle-link kills.
    func checkSubjectivelyDown(_ ri: Instance) {
        let link = ri.link
        var elapsed: Int64 = 0
        if link.actPingTime != 0 {
            elapsed = now - link.actPingTime
        } else if link.disconnected {
            elapsed = now - link.lastAvailTime
        }

        // A command link that stopped answering PINGs (and everything else) for down-after/2.
        if let cc = link.cc, now - link.ccConnTime > timings.minLinkReconnectPeriod,
           link.actPingTime != 0,
           now - link.actPingTime > ri.downAfterPeriod / 2,
           now - link.lastPongTime > ri.downAfterPeriod / 2 {
            closeConnection(link, cc)
        }
        // A pub/sub link where not even our own hellos arrive.
        if let pc = link.pc, now - link.pcConnTime > timings.minLinkReconnectPeriod,
           now - link.pcLastActivity > timings.publishPeriod * 3 {
            closeConnection(link, pc)
        }

        let down = elapsed > ri.downAfterPeriod
            || (ri.isMaster && ri.roleReported == .replica
                && now - ri.roleReportedTime > ri.downAfterPeriod + timings.infoPeriod * 2)
            || (ri.flags.contains(.masterReboot)
                && now - ri.masterRebootSinceTime > ri.masterRebootDownAfterPeriod)
        if down {
            if !ri.flags.contains(.sDown) {
                event(.warning, "+sdown", ri, describe(ri))
                ri.sDownSinceTime = now
                ri.flags.insert(.sDown)
            }
        } else if ri.flags.contains(.sDown) {
            event(.warning, "-sdown", ri, describe(ri))
            ri.flags.subtract([.sDown, .scriptKillSent])
        }
    }

    /// sentinelCheckObjectivelyDown: we see it down and enough others said so.
    func checkObjectivelyDown(_ master: Instance) {
        var count = 0
        var odown = false
        if master.flags.contains(.sDown) {
            count = 1
            for s in master.sentinels where s.flags.contains(.masterDown) { count += 1 }
            if count >= master.quorum { odown = true }
        }
        if odown {
            if !master.flags.contains(.oDown) {
                event(.warning, "+odown", master, "\(describe(master)) #quorum \(count)/\(master.quorum)")
                master.flags.insert(.oDown)
                master.oDownSinceTime = now
            }
        } else if master.flags.contains(.oDown) {
            event(.warning, "-odown", master, describe(master))
            master.flags.remove(.oDown)
        }
    }

    /// sentinelAskMasterStateToOtherSentinels: expire old answers, then ask
    /// each connected sentinel about a master we see as down.
    func askMasterStateToOtherSentinels(_ master: Instance, forced: Bool) {
        for ri in master.sentinels {
            if now - ri.lastMasterDownReplyTime > timings.askPeriod * 5 {
                ri.flags.remove(.masterDown)
                ri.leader = nil
            }
            if !master.flags.contains(.sDown) { continue }
            if ri.link.disconnected { continue }
            if !forced && now - ri.lastMasterDownReplyTime < timings.askPeriod { continue }
            guard let cc = ri.link.cc else { continue }
            let addr = master.addr
            send(cc, [ri.mapCommand("SENTINEL"), "is-master-down-by-addr", announceAddress(addr), String(addr.port),
                      String(currentEpoch), master.failoverState > .none ? myid : "*"],
                 .isMasterDown(uid: ri.uid))
            ri.link.pendingCommands += 1
        }
    }
}
