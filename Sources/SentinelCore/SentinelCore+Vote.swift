import Protocol

/// Answering other sentinels: SENTINEL is-master-down-by-addr and the vote.
extension SentinelCore {
    /// `[isdown, leader, leader_epoch]` for the master at host:port. A runid
    /// other than `*` asks for our vote in `reqEpoch`.
    func isMasterDownByAddr(host: String, port: Int, reqEpoch: Int64, runid: String) -> RESPValue {
        let ri = lookupMaster(host: host, port: port)
        let isDown = !tilt && ri != nil && ri!.flags.contains(.sDown)
        var leader: String?
        var leaderEpoch: UInt64 = 0
        if let ri, runid != "*" {
            (leader, leaderEpoch) = voteLeader(ri, reqEpoch: UInt64(bitPattern: reqEpoch), runid: runid)
        }
        return .array([.integer(isDown ? 1 : 0), .bulk(leader ?? "*"), .integer(Int64(bitPattern: leaderEpoch))])
    }

    /// sentinelVoteLeader: one vote per epoch per master; voting for another
    /// sentinel delays our own failover attempt for that master.
    func voteLeader(_ master: Instance, reqEpoch: UInt64, runid: String) -> (String?, UInt64) {
        if reqEpoch > currentEpoch {
            currentEpoch = reqEpoch
            flushConfig()
            event(.warning, "+new-epoch", master, String(currentEpoch))
        }
        if master.leaderEpoch < reqEpoch && currentEpoch <= reqEpoch {
            master.leader = runid
            master.leaderEpoch = currentEpoch
            flushConfig()
            event(.warning, "+vote-for-leader", master, "\(runid) \(master.leaderEpoch)")
            if runid.lowercased() != myid.lowercased() {
                master.failoverStartTime = now + Int64(rng.below(SentinelConstants.maxDesync))
            }
        }
        return (master.leader, master.leaderEpoch)
    }
}
