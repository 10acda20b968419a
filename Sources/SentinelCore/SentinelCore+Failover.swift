import Protocol

// The failover state machine (sentinelFailoverStateMachine and its states,
// the promotion seen in INFO, the replicas' reconfiguration, the switch).
//
// Faster than redis-sentinel, and still one of its peers: what the others see
// of us is unchanged, only when we look and act is. The README's "Sentinel:
// faster failover" lists each of those changes and why, and describes SENTINEL
// FAILOVER <name> COORDINATED; the rationale lives there, not here.
extension SentinelCore {
    static let fastInfoPeriod: Int64 = 100
    /// Replicas' INFO period while their master is ODOWN or failing over.
    static let failoverInfoPeriod: Int64 = 1000

    /// One tick of a master's failover: start it if needed, then its state machine.
    func failoverStep(_ master: Instance) {
        if startFailoverIfNeeded(master) {
            askMasterStateToOtherSentinels(master, forced: true)
        }
        runFailoverStateMachine(master)
    }

    /// An is-master-down-by-addr answer (a "down" word or a vote) is acted on
    /// as it arrives: ODOWN, the start and the count of votes, as the next
    /// tick would do with the same answers.
    func masterDownAnswerArrived(_ sentinel: Instance) {
        guard !tilt, let master = sentinel.master, masters[master.name] === master,
              master.flags.contains(.sDown) else { return }
        checkObjectivelyDown(master)
        if startFailoverIfNeeded(master) {
            askMasterStateToOtherSentinels(master, forced: true)
        }
        if master.failoverState == .waitStart { runFailoverStateMachine(master) }
    }

    /// The current state's step; the states that wait for nothing follow at once.
    func runFailoverStateMachine(_ master: Instance) {
        var state: FailoverState
        repeat {
            guard master.flags.contains(.failoverInProgress) else { return }
            state = master.failoverState
            switch state {
            case .waitStart: failoverWaitStart(master)
            case .selectSlave: failoverSelectSlave(master)
            case .sendSlaveofNoone: failoverSendSlaveOfNoOne(master)
            case .waitPromotion: failoverWaitPromotion(master)
            case .reconfSlaves: failoverReconfNextSlave(master)
            case .none, .updateConfig: return
            }
        } while master.failoverState != state
            && (master.failoverState == .selectSlave || master.failoverState == .sendSlaveofNoone)
    }

    func failoverSelectSlave(_ master: Instance) {
        let fresh = selectReplica(master)
        // Elected sooner than redis-sentinel would be (votes count as they
        // arrive, not at the next tick), so the replicas' INFO asked at the
        // start may still be on its way: give it up to one INFO period while
        // the replica that would rank first has none fresh. Choosing among
        // the replies that happened to come back first promoted a worse
        // priority than redis-sentinel, whose INFO round is in by then.
        if now - master.failoverStateChangeTime < Self.failoverInfoPeriod,
           let best = selectReplica(master, checkInfoAge: false), best !== fresh {
            refreshReplicasInfo(master)
            return
        }
        guard let replica = fresh else {
            event(.warning, "-failover-abort-no-good-slave", master, describe(master))
            abortFailover(master)
            return
        }
        event(.warning, "+selected-slave", replica, describe(replica))
        replica.flags.insert(.promoted)
        master.promotedReplica = replica
        master.failoverState = .sendSlaveofNoone
        master.failoverStateChangeTime = now
        event(.notice, "+failover-state-send-slaveof-noone", replica, describe(replica))
    }

    /// Sends the promotion (or, coordinated, FAILOVER TO to the master) once
    /// the node that gets it is connected; abort if it stays away failover-timeout.
    func failoverSendSlaveOfNoOne(_ master: Instance) {
        guard let promoted = master.promotedReplica else {
            abortFailover(master)
            return
        }
        let coordinated = master.flags.contains(.coordinatedFailover)
        let target = coordinated ? master : promoted
        if target.link.disconnected {
            if now - master.failoverStateChangeTime > master.failoverTimeout {
                event(.warning, "-failover-abort-slave-timeout", master, describe(master))
                abortFailover(master)
            }
            return
        }
        if coordinated {
            guard let cc = master.link.cc else { return }
            send(cc, [master.mapCommand("FAILOVER"), "TO", promoted.addr.hostname, String(promoted.addr.port),
                      "TIMEOUT", String(master.failoverTimeout)], .coordinatedFailover(uid: master.uid))
            master.link.pendingCommands += 1
        } else if !sendSlaveOf(promoted, to: nil) {
            return
        }
        event(.notice, "+failover-state-wait-promotion", promoted, describe(promoted))
        master.failoverState = .waitPromotion
        master.failoverStateChangeTime = now
    }

    /// The promotion is seen in INFO (promotionSeen); here only its deadline.
    func failoverWaitPromotion(_ master: Instance) {
        if now - master.failoverStateChangeTime > master.failoverTimeout {
            event(.warning, "-failover-abort-slave-timeout", master, describe(master))
            abortFailover(master)
            return
        }
        if let p = master.promotedReplica { requestFastInfo(p) }
    }

    /// The promoted replica reports role:master during wait_promotion: the
    /// new configuration gets the failover's epoch, which is what makes the
    /// other sentinels take it from our hellos.
    func promotionSeen(_ ri: Instance) {
        guard let master = ri.master else { return }
        master.configEpoch = master.failoverEpoch
        master.failoverState = .reconfSlaves
        master.failoverStateChangeTime = now
        flushConfig()
        event(.warning, "+promoted-slave", ri, describe(ri))
        if simulateFailureFlags.contains(.crashAfterPromotion) {
            simulatedCrash()
            return
        }
        event(.warning, "+failover-state-reconf-slaves", master, describe(master))
        callClientReconfigScript(master, role: "leader", from: master.addr, to: ri.addr)
        forceHelloUpdate(master)
        if master.flags.contains(.coordinatedFailover) {
            // FAILOVER TO neither saves the nodes' new roles nor drops their
            // clients: do what the SLAVEOF transaction would have done.
            sendRewriteAndClientKill(ri)
            sendRewriteAndClientKill(master)
        }
        // The first parallel-syncs batch now rather than at the next tick.
        failoverReconfNextSlave(master)
    }

    /// sentinelFailoverReconfNextSlave: point at most parallel-syncs replicas
    /// at a time at the promoted one.
    func failoverReconfNextSlave(_ master: Instance) {
        guard let promoted = master.promotedReplica else { return }
        var inProgress = master.replicas.all.filter { !$0.flags.intersection([.reconfSent, .reconfInProgress]).isEmpty }.count
        for r in master.replicas.all {
            if inProgress >= master.parallelSyncs { break }
            if !r.flags.intersection([.promoted, .reconfDone]).isEmpty { continue }
            // Stuck in reconf_sent: call it done; +fix-slave-config repairs it later if needed.
            if r.flags.contains(.reconfSent) && now - r.slaveReconfSentTime > timings.slaveReconfTimeout {
                event(.notice, "-slave-reconf-sent-timeout", r, describe(r))
                r.flags.remove(.reconfSent)
                r.flags.insert(.reconfDone)
            }
            if !r.flags.intersection([.reconfSent, .reconfInProgress]).isEmpty { continue }
            if r.link.disconnected { continue }
            if sendSlaveOf(r, to: promoted.addr) {
                r.flags.insert(.reconfSent)
                r.slaveReconfSentTime = now
                event(.notice, "+slave-reconf-sent", r, describe(r))
                inProgress += 1
            }
        }
        for r in master.replicas.all where !r.flags.intersection([.reconfSent, .reconfInProgress]).isEmpty {
            requestFastInfo(r)
        }
        failoverDetectEnd(master)
    }

    /// sentinelFailoverDetectEnd: done when every reachable replica is
    /// reconfigured, or forced after failover-timeout in reconf_slaves (then
    /// a best-effort SLAVEOF to the rest).
    func failoverDetectEnd(_ master: Instance) {
        guard let promoted = master.promotedReplica, !promoted.flags.contains(.sDown) else { return }
        var notReconfigured = 0
        for r in master.replicas where r.flags.intersection([.promoted, .reconfDone, .sDown]).isEmpty {
            notReconfigured += 1
        }
        var timedOut = false
        if now - master.failoverStateChangeTime > master.failoverTimeout {
            notReconfigured = 0
            timedOut = true
            event(.warning, "+failover-end-for-timeout", master, describe(master))
        }
        if notReconfigured == 0 {
            event(.warning, "+failover-end", master, describe(master))
            master.failoverState = .updateConfig
            master.failoverStateChangeTime = now
        }
        if timedOut {
            for r in master.replicas.all {
                if !r.flags.intersection([.promoted, .reconfDone, .reconfSent]).isEmpty { continue }
                if r.link.disconnected { continue }
                if sendSlaveOf(r, to: promoted.addr) {
                    event(.notice, "+slave-reconf-sent-be", r, describe(r))
                    r.flags.insert(.reconfSent)
                }
            }
        }
    }

    /// reconf_sent → reconf_inprog once INFO names the promoted replica as
    /// its master, → reconf_done once the link to it is up.
    func reconfProgress(_ ri: Instance, role: ReportedRole) {
        guard ri.isReplica, role == .replica, !ri.flags.intersection([.reconfSent, .reconfInProgress]).isEmpty,
              let promoted = ri.master?.promotedReplica else { return }
        if ri.flags.contains(.reconfSent), ri.slaveMasterHost != nil, promoted.addr.equalsHost(ri.slaveMasterHost),
           ri.slaveMasterPort == promoted.addr.port {
            ri.flags.remove(.reconfSent)
            ri.flags.insert(.reconfInProgress)
            event(.notice, "+slave-reconf-inprog", ri, describe(ri))
        }
        if ri.flags.contains(.reconfInProgress) && ri.slaveMasterLinkUp {
            ri.flags.remove(.reconfInProgress)
            ri.flags.insert(.reconfDone)
            event(.notice, "+slave-reconf-done", ri, describe(ri))
        }
    }

    /// After every master's turn in the tick: one master in update_config
    /// (the last, as redis-sentinel) takes its promoted replica's address.
    func switchToPromotedIfNeeded() {
        guard let master = masters.all.last(where: { $0.failoverState == .updateConfig }) else { return }
        let to = master.promotedReplica?.addr ?? master.addr
        event(.warning, "+switch-master", master, "\(master.name) \(announceAddress(master.addr)) \(master.addr.port) "
              + "\(announceAddress(to)) \(to.port)")
        resetMasterAndChangeAddress(master, host: to.hostname, port: to.port)
        publishHelloNow(master)
    }

    // MARK: Helpers

    /// sentinelCallClientReconfScript.
    func callClientReconfigScript(_ master: Instance, role: String, from: SentinelAddress, to: SentinelAddress) {
        guard let script = master.clientReconfigScript else { return }
        scheduleScript([script, master.name, role, "start", announceAddress(from), String(from.port),
                        announceAddress(to), String(to.port)])
    }

    /// sentinelForceHelloUpdateForMaster: every instance of this master
    /// publishes our hello at its next turn.
    func forceHelloUpdate(_ master: Instance) {
        let step = timings.publishPeriod + 1
        forEachInstance(of: master) { ri in
            if ri.lastPubTime >= step { ri.lastPubTime -= step }
        }
    }

    /// Our hello now on every connected link of this master, at the next
    /// turn on the others.
    func publishHelloNow(_ master: Instance) {
        let step = timings.publishPeriod + 1
        forEachInstance(of: master) { ri in
            if !sendHello(ri) && ri.lastPubTime >= step { ri.lastPubTime -= step }
        }
    }

    /// The master, its sentinels, then its replicas, without building a
    /// combined array.
    func forEachInstance(of master: Instance, _ body: (Instance) -> Void) {
        body(master)
        for s in master.sentinels { body(s) }
        for r in master.replicas { body(r) }
    }

    /// An extra INFO during the failover, at most every 100 ms, never two
    /// outstanding, and not when the periodic one (1 s here) is due anyway.
    func requestFastInfo(_ ri: Instance) {
        let age = now - ri.infoRefresh
        if ri.infoRefresh == 0 || age < Self.fastInfoPeriod || age > Self.failoverInfoPeriod { return }
        if infoOutstanding(ri) { return }
        sendInfoNow(ri)
    }

    /// At the start of a failover: the replicas' INFO may be up to an INFO
    /// period (10 s) old, too old to choose from with the master down.
    func refreshReplicasInfo(_ master: Instance) {
        for r in master.replicas where now - r.infoRefresh > Self.failoverInfoPeriod && !infoOutstanding(r) {
            sendInfoNow(r)
        }
    }

    func infoOutstanding(_ ri: Instance) -> Bool {
        ri.fastInfoSentTime > ri.infoRefresh && now - ri.fastInfoSentTime < Self.failoverInfoPeriod
    }

    /// Needs only the command connection: the SLAVEOF transaction's CLIENT
    /// KILL TYPE pubsub has just closed our pub/sub one.
    func sendInfoNow(_ ri: Instance) {
        let link = ri.link
        guard let cc = link.cc, link.pendingCommands < SentinelConstants.maxPendingCommands * link.refcount else { return }
        send(cc, [ri.mapCommand("INFO")], .info(uid: ri.uid))
        link.pendingCommands += 1
        ri.fastInfoSentTime = now
    }

    /// The node applied a SLAVEOF transaction: if the failover waits on it, look now.
    func slaveofTransactionDone(_ ri: Instance) {
        guard let master = ri.master, master.flags.contains(.failoverInProgress) else { return }
        let promoting = ri === master.promotedReplica && master.failoverState == .waitPromotion
        let reconfiguring = master.failoverState == .reconfSlaves
            && !ri.flags.intersection([.reconfSent, .reconfInProgress]).isEmpty
        if promoting || reconfiguring { sendInfoNow(ri) }
    }

    /// The master's answer to FAILOVER TO: +OK means the hand-over started
    /// (the promotion is still seen in INFO); an error ends the attempt.
    func coordinatedFailoverReply(_ master: Instance, _ value: RESPValue) {
        guard master.flags.isSuperset(of: [.failoverInProgress, .coordinatedFailover]),
              master.failoverState == .waitPromotion else { return }
        if value.isError {
            event(.warning, "-failover-abort-coordinated", master, "\(describe(master)) #\(value.string ?? "")")
            abortFailover(master)
            return
        }
        if let p = master.promotedReplica { sendInfoNow(p) }
    }

    /// The SLAVEOF transaction without SLAVEOF: save the role, drop the clients.
    func sendRewriteAndClientKill(_ ri: Instance) {
        guard let cc = ri.link.cc, !ri.link.disconnected else { return }
        let cmds: [[String]] = [
            [ri.mapCommand("MULTI")],
            [ri.mapCommand("CONFIG"), "REWRITE"],
            [ri.mapCommand("CLIENT"), "KILL", "TYPE", "normal"],
            [ri.mapCommand("CLIENT"), "KILL", "TYPE", "pubsub"],
            [ri.mapCommand("EXEC")],
        ]
        for c in cmds {
            send(cc, c, .discard)
            ri.link.pendingCommands += 1
        }
    }

    // MARK: SENTINEL FAILOVER

    /// SENTINEL FAILOVER <name> [COORDINATED]: a forced failover, no
    /// agreement asked; the replica must be selectable now.
    func failoverCommand(_ master: Instance, options: [String]) -> SentinelReply {
        var coordinated = false
        for o in options {
            guard o.lowercased() == "coordinated", !coordinated else { return .error("ERR syntax error") }
            coordinated = true
        }
        if master.flags.contains(.failoverInProgress) { return .error("INPROG Failover already in progress") }
        if coordinated && (master.link.disconnected || master.flags.contains(.sDown)) {
            return .error("NOGOODMASTER The master must be reachable for a coordinated failover")
        }
        if selectReplica(master) == nil { return .error("NOGOODSLAVE No suitable replica to promote") }
        log(.warning, "Executing user requested \(coordinated ? "coordinated " : "")FAILOVER of '\(master.name)'")
        startFailover(master)
        master.flags.insert(.forceFailover)
        if coordinated { master.flags.insert(.coordinatedFailover) }
        return .ok
    }
}
