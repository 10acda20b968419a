/// What the config file keeps of the sentinel (rewriteConfigSentinelOption's
/// inputs), taken when the core asks for a flush: the shell writes that
/// moment's state, as sentinelFlushConfig does, without reading the core back.
public struct SentinelStateSnapshot: Sendable, Equatable {
    public struct Address: Sendable, Equatable {
        /// As announced (hostname or IP, per announce-hostnames).
        public var host: String
        public var port: Int
    }

    public struct KnownSentinel: Sendable, Equatable {
        public var address: Address
        public var runid: String
    }

    public struct Master: Sendable, Equatable {
        public var name: String
        /// Where the master is now (the promoted replica once a failover reached reconf_slaves).
        public var address: Address
        public var quorum: Int
        /// nil when the default, which the file leaves out.
        public var downAfterPeriod: Int64?
        public var failoverTimeout: Int64?
        public var parallelSyncs: Int?
        public var notificationScript: String?
        public var clientReconfigScript: String?
        public var authPass: String?
        public var authUser: String?
        /// 0: off, left out.
        public var masterRebootDownAfterPeriod: Int64
        public var configEpoch: UInt64
        public var leaderEpoch: UInt64
        /// A promoted replica is where the master is now: the old master's address stands in for it.
        public var knownReplicas: [Address]
        /// Sentinels whose run id we know.
        public var knownSentinels: [KnownSentinel]
        /// rename-command pairs, in the order given.
        public var renamedCommands: [(from: String, to: String)]

        public static func == (a: Master, b: Master) -> Bool {
            a.name == b.name && a.address == b.address && a.quorum == b.quorum && a.downAfterPeriod == b.downAfterPeriod
                && a.failoverTimeout == b.failoverTimeout && a.parallelSyncs == b.parallelSyncs
                && a.notificationScript == b.notificationScript && a.clientReconfigScript == b.clientReconfigScript
                && a.authPass == b.authPass && a.authUser == b.authUser
                && a.masterRebootDownAfterPeriod == b.masterRebootDownAfterPeriod && a.configEpoch == b.configEpoch
                && a.leaderEpoch == b.leaderEpoch && a.knownReplicas == b.knownReplicas && a.knownSentinels == b.knownSentinels
                && a.renamedCommands.elementsEqual(b.renamedCommands) { $0.from == $1.from && $0.to == $1.to }
        }
    }

    public var myid: String
    public var currentEpoch: UInt64
    public var masters: [Master]
    // Global options: the main file keeps them, the state file does not.
    public var denyScriptsReconfig: Bool
    public var resolveHostnames: Bool
    public var announceHostnames: Bool
    public var announceIP: String?
    public var announcePort: Int
    public var sentinelAuthUser: String?
    public var sentinelAuthPass: String?
}

extension SentinelCore {
    func snapshot() -> SentinelStateSnapshot {
        func announced(_ a: SentinelAddress) -> SentinelStateSnapshot.Address { .init(host: announceAddress(a), port: a.port) }
        let masters = self.masters.all.map { m -> SentinelStateSnapshot.Master in
            let addr = currentAddress(m)
            return SentinelStateSnapshot.Master(
                name: m.name, address: announced(addr), quorum: m.quorum,
                downAfterPeriod: m.downAfterPeriod != timings.defaultDownAfter ? m.downAfterPeriod : nil,
                failoverTimeout: m.failoverTimeout != timings.defaultFailoverTimeout ? m.failoverTimeout : nil,
                parallelSyncs: m.parallelSyncs != SentinelConstants.defaultParallelSyncs ? m.parallelSyncs : nil,
                notificationScript: m.notificationScript, clientReconfigScript: m.clientReconfigScript,
                authPass: m.authPass, authUser: m.authUser, masterRebootDownAfterPeriod: m.masterRebootDownAfterPeriod,
                configEpoch: m.configEpoch, leaderEpoch: m.leaderEpoch,
                knownReplicas: m.replicas.all.map { announced($0.addr.isEqual(addr) ? m.addr : $0.addr) },
                knownSentinels: m.sentinels.all.compactMap { s in s.runid.map { .init(address: announced(s.addr), runid: $0) } },
                renamedCommands: m.renamedCommands.map { (from: $0.0, to: $0.1) })
        }
        return SentinelStateSnapshot(myid: myid, currentEpoch: currentEpoch, masters: masters,
                                     denyScriptsReconfig: denyScriptsReconfig, resolveHostnames: resolveHostnames,
                                     announceHostnames: announceHostnames, announceIP: announceIP, announcePort: announcePort,
                                     sentinelAuthUser: sentinelAuthUser, sentinelAuthPass: sentinelAuthPass)
    }
}
