/// Starting a failover and electing its leader (sentinelStartFailoverIfNeeded,
/// sentinelStartFailover, sentinelGetLeader, sentinelFailoverWaitStart).
extension SentinelCore {
    /// ODOWN, none in progress, and the last attempt (ours, or a vote we gave
    /// another sentinel) started at least 2 × failover-timeout ago.
    @discardableResult
    func startFailoverIfNeeded(_ master: Instance) -> Bool {
        guard master.flags.contains(.oDown), !master.flags.contains(.failoverInProgress) else { return false }
        if now - master.failoverStartTime < master.failoverTimeout * 2 {
            if master.failoverDelayLogged != master.failoverStartTime {
                master.failoverDelayLogged = master.failoverStartTime
                let when = timeText(master.failoverStartTime + master.failoverTimeout * 2)
                log(.warning, "Next failover delay: I will not start a failover before \(when)")
            }
            return false
        }
        startFailover(master)
        return true
    }

    /// A new epoch for this attempt; the jitter only moves the election
    /// timeout and the retry gate, so sentinels that start together do not
    /// keep splitting the vote.
    func startFailover(_ master: Instance) {
        master.failoverState = .waitStart
        master.flags.insert(.failoverInProgress)
        currentEpoch += 1
        master.failoverEpoch = currentEpoch
        event(.warning, "+new-epoch", master, String(currentEpoch))
        event(.warning, "+try-failover", master, describe(master))
        master.failoverStartTime = now + Int64(rng.below(SentinelConstants.maxDesync))
        master.failoverStateChangeTime = now
        refreshReplicasInfo(master)
    }

    /// sentinelGetLeader: the runid with the most votes of `epoch` (the other
    /// sentinels' answers plus our own vote), if it has both a majority of
    /// every sentinel we know (reachable or not) and the quorum.
    func getLeader(_ master: Instance, epoch: UInt64) -> String? {
        var counts: [(runid: String, votes: Int)] = []
        func increment(_ runid: String) -> Int {
            if let i = counts.firstIndex(where: { $0.runid == runid }) {
                counts[i].votes += 1
                return counts[i].votes
            }
            counts.append((runid, 1))
            return 1
        }
        let voters = master.sentinels.count + 1
        for s in master.sentinels {
            if let l = s.leader, s.leaderEpoch == currentEpoch { _ = increment(l) }
        }
        var winner: String?
        var maxVotes = 0
        for c in counts where c.votes > maxVotes {
            maxVotes = c.votes
            winner = c.runid
        }
        // Our vote: for the front runner, or for ourselves if nobody has votes.
        let (myVote, myVoteEpoch) = voteLeader(master, reqEpoch: epoch, runid: winner ?? myid)
        if let myVote, myVoteEpoch == epoch {
            let votes = increment(myVote)
            if votes > maxVotes {
                maxVotes = votes
                winner = myVote
            }
        }
        if winner != nil && (maxVotes < voters / 2 + 1 || maxVotes < master.quorum) { winner = nil }
        return winner
    }

    /// wait_start: go on once elected (or forced); give up after the
    /// election timeout, min(election-timeout, failover-timeout).
    func failoverWaitStart(_ master: Instance) {
        let leader = getLeader(master, epoch: master.failoverEpoch)
        let isLeader = leader.map { $0.lowercased() == myid.lowercased() } ?? false
        if !isLeader && !master.flags.contains(.forceFailover) {
            let electionTimeout = min(timings.electionTimeout, master.failoverTimeout)
            if now - master.failoverStartTime > electionTimeout {
                event(.warning, "-failover-abort-not-elected", master, describe(master))
                abortFailover(master)
            }
            return
        }
        event(.warning, "+elected-leader", master, describe(master))
        if simulateFailureFlags.contains(.crashAfterElection) {
            simulatedCrash()
            return
        }
        master.failoverState = .selectSlave
        master.failoverStateChangeTime = now
        event(.warning, "+failover-state-select-slave", master, describe(master))
    }

    /// sentinelAbortFailover: only before the promoted replica took the
    /// master role. failover_start_time stays, so the next try waits.
    func abortFailover(_ master: Instance) {
        master.flags.subtract([.failoverInProgress, .forceFailover, .coordinatedFailover])
        master.failoverState = .none
        master.failoverStateChangeTime = now
        if let p = master.promotedReplica {
            p.flags.remove(.promoted)
            master.promotedReplica = nil
        }
    }

    /// sentinelSimFailureCrash: the IO layer exits at this effect, after
    /// carrying out everything before it (the flushes included).
    func simulatedCrash() {
        log(.warning, "Sentinel CRASH because of SENTINEL simulate-failure")
        effects.append(.exit(code: 99))
    }
}
