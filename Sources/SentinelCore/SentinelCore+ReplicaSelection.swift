/// Which replica to promote (sentinelSelectSlave, compareSlavesForPromotion).
extension SentinelCore {
    /// The best replica that is up, recently heard from, willing (priority
    /// > 0) and not disconnected from the master for too long; nil if none.
    /// `checkInfoAge: false` asks who would qualify once its INFO is fresh.
    func selectReplica(_ master: Instance, checkInfoAge: Bool = true) -> Instance? {
        var maxMasterDownTime: Int64 = 0
        if master.flags.contains(.sDown) { maxMasterDownTime += now - master.sDownSinceTime }
        maxMasterDownTime += master.downAfterPeriod * 10
        // With the master down, replicas' INFO comes every second; otherwise
        // at the normal period, so an older one is still fresh.
        let infoValidity = master.flags.contains(.sDown) ? timings.pingPeriod * 5 : timings.infoPeriod * 3

        let candidates = master.replicas.all.filter { r in
            if !r.flags.intersection([.sDown, .oDown]).isEmpty { return false }
            if r.link.disconnected { return false }
            if now - r.link.lastAvailTime > timings.pingPeriod * 5 { return false }
            if r.slavePriority == 0 { return false }
            if checkInfoAge && now - r.infoRefresh > infoValidity { return false }
            if r.masterLinkDownTime > maxMasterDownTime { return false }
            return true
        }
        return candidates.sorted(by: Self.promotesBefore).first
    }

    /// Lower priority, then more replicated data, then the smaller run id
    /// (case-insensitive; a replica without one comes last).
    static func promotesBefore(_ a: Instance, _ b: Instance) -> Bool {
        if a.slavePriority != b.slavePriority { return a.slavePriority < b.slavePriority }
        if a.slaveReplOffset != b.slaveReplOffset { return a.slaveReplOffset > b.slaveReplOffset }
        switch (a.runid, b.runid) {
        case (nil, _): return false
        case (_, nil): return true
        case (let x?, let y?):
            return Array(x.lowercased().utf8).lexicographicallyPrecedes(Array(y.lowercased().utf8))
        }
    }
}
