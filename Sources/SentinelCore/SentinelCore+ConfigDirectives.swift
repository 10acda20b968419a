
/// `sentinel ...` config lines (sentinelHandleConfiguration). The loader
/// applies them in redis-sentinel's three passes; see `configPass`.
extension SentinelCore {
    /// Which pass a directive belongs to: 0 = global settings, 1 = monitor, 2 = the rest.
    public static func configPass(_ keyword: String) -> Int {
        switch keyword.lowercased() {
        case "monitor": return 1
        case "announce-ip", "announce-port", "deny-scripts-reconfig", "sentinel-user", "sentinel-pass",
             "current-epoch", "myid", "resolve-hostnames", "announce-hostnames":
            return 0
        default: return 2
        }
    }

    /// Applies one line's arguments (without the leading "sentinel");
    /// returns redis-sentinel's error text, or nil.
    public func applyConfig(_ argv: [String], now: Int64) -> String? {
        self.now = now
        guard let first = argv.first else { return nil }
        let argc = argv.count
        let noMaster = "No such master with specified name."
        func atoi(_ s: String) -> Int { Int(truncatingIfNeeded: parseLeadingInt(s)) }

        switch (first.lowercased(), argc) {
        case ("monitor", 5):
            let quorum = atoi(argv[4])
            if quorum <= 0 { return "Quorum must be 1 or greater." }
            if case .failure(let e) = createInstance(name: argv[1], flags: .master, host: argv[2], port: atoi(argv[3]),
                                                     quorum: quorum, master: nil) {
                return e.configReason(.master)
            }
        case ("down-after-milliseconds", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            ri.downAfterPeriod = Int64(atoi(argv[2]))
            if ri.downAfterPeriod <= 0 { return "negative or zero time parameter." }
            propagateDownAfterPeriod(ri)
        case ("failover-timeout", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            ri.failoverTimeout = Int64(atoi(argv[2]))
            if ri.failoverTimeout <= 0 { return "negative or zero time parameter." }
        case ("parallel-syncs", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            ri.parallelSyncs = atoi(argv[2])
        case ("notification-script", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            if !isExecutable(argv[2]) { return "Notification script seems non existing or non executable." }
            ri.notificationScript = argv[2]
        case ("client-reconfig-script", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            if !isExecutable(argv[2]) { return "Client reconfiguration script seems non existing or non executable." }
            ri.clientReconfigScript = argv[2]
        case ("auth-pass", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            ri.authPass = argv[2]
        case ("auth-user", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            ri.authUser = argv[2]
        case ("current-epoch", 2):
            let e = parseUnsigned(argv[1])
            if e > currentEpoch { currentEpoch = e }
        case ("myid", 2):
            if argv[1].utf8.count != 40 { return "Malformed Sentinel id in myid option." }
            myid = argv[1]
        case ("config-epoch", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            ri.configEpoch = parseUnsigned(argv[2])
            if ri.configEpoch > currentEpoch { currentEpoch = ri.configEpoch }
        case ("leader-epoch", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            ri.leaderEpoch = parseUnsigned(argv[2])
        case ("known-slave", 4), ("known-replica", 4):
            guard let ri = masters[argv[1]] else { return noMaster }
            if case .failure(let e) = createInstance(name: nil, flags: .replica, host: argv[2], port: atoi(argv[3]),
                                                     quorum: ri.quorum, master: ri) {
                return e.configReason(.replica)
            }
        case ("known-sentinel", 4):
            // The old form without a run id is ignored.
            return nil
        case ("known-sentinel", 5):
            guard let ri = masters[argv[1]] else { return noMaster }
            switch createInstance(name: argv[4], flags: .sentinel, host: argv[2], port: atoi(argv[3]),
                                  quorum: ri.quorum, master: ri) {
            case .failure(let e): return e.configReason(.sentinel)
            case .success(let si):
                si.runid = argv[4]
                tryConnectionSharing(si)
            }
        case ("rename-command", 4):
            guard let ri = masters[argv[1]] else { return noMaster }
            // Keyed case-insensitively, kept as written (the rewrite writes it back so).
            if ri.renamedCommands.contains(where: { $0.0.lowercased() == argv[2].lowercased() }) {
                return "Same command renamed multiple times with rename-command."
            }
            ri.renamedCommands.append((argv[2], argv[3]))
        case ("announce-ip", 2):
            if !argv[1].isEmpty { announceIP = argv[1] }
        case ("announce-port", 2):
            announcePort = atoi(argv[1])
        case ("deny-scripts-reconfig", 2):
            guard let b = yesNo(argv[1]) else { return "Please specify yes or no for the deny-scripts-reconfig options." }
            denyScriptsReconfig = b
        case ("sentinel-user", 2):
            if !argv[1].isEmpty { sentinelAuthUser = argv[1] }
        case ("sentinel-pass", 2):
            if !argv[1].isEmpty { sentinelAuthPass = argv[1] }
        case ("resolve-hostnames", 2):
            guard let b = yesNo(argv[1]) else { return "Please specify yes or no for the resolve-hostnames option." }
            resolveHostnames = b
        case ("announce-hostnames", 2):
            guard let b = yesNo(argv[1]) else { return "Please specify yes or no for the announce-hostnames option." }
            announceHostnames = b
        case ("master-reboot-down-after-period", 3):
            guard let ri = masters[argv[1]] else { return noMaster }
            ri.masterRebootDownAfterPeriod = Int64(atoi(argv[2]))
            if ri.masterRebootDownAfterPeriod < 0 { return "negative time parameter." }
        default:
            return "Unrecognized sentinel configuration statement."
        }
        return nil
    }
}
