import CoreKit
import Protocol

/// The SENTINEL command (sentinelCommand), with redis-sentinel's arities and
/// error texts.
extension SentinelCore {
    /// Subcommands and their arity (as COMMAND INFO shows them), in the
    /// command table's order.
    public static let subcommands: [(name: String, arity: Int)] = [
        ("help", 2), ("is-master-down-by-addr", 6), ("myid", 2), ("pending-scripts", 2), ("monitor", 6),
        ("replicas", 3), ("slaves", 3), ("sentinels", 3), ("masters", 2), ("flushconfig", 2),
        ("simulate-failure", -3), ("remove", 3), ("failover", 3), ("config", -3), ("master", 3),
        ("get-master-addr-by-name", 3), ("debug", -2), ("set", -5), ("info-cache", -3), ("reset", 3),
        ("ckquorum", 3),
    ]

    /// `args` includes "SENTINEL" itself. The reply, and the effects the
    /// command caused (a `.okAfterFlush` reply depends on the flush among them).
    public func sentinelCommand(_ args: [String], now: Int64) -> (reply: SentinelReply, effects: [SentinelEffect]) {
        var reply = SentinelReply.ok
        let effects = input(now) { reply = command(args) }
        return (reply, effects)
    }

    func command(_ args: [String]) -> SentinelReply {
        guard args.count >= 2 else { return .error("ERR wrong number of arguments for 'sentinel' command") }
        let sub = args[1].lowercased()
        guard let spec = Self.subcommands.first(where: { $0.name == sub }) else {
            return .error("ERR unknown subcommand '\(args[1].prefix(128))'. Try SENTINEL HELP.")
        }
        // FAILOVER takes Vigil's options after the name (FAILOVER's own parser words the errors).
        let optionsAllowed = sub == "failover" && args.count > spec.arity
        if !optionsAllowed && ((spec.arity > 0 && args.count != spec.arity) || (spec.arity < 0 && args.count < -spec.arity)) {
            return .error("ERR wrong number of arguments for 'sentinel|\(sub)' command")
        }
        switch sub {
        case "masters":
            return .value(.array(masters.all.map(instanceMap)))
        case "master":
            guard let m = masters[args[2]] else { return Self.noSuchMaster }
            return .value(instanceMap(m))
        case "slaves", "replicas":
            guard let m = masters[args[2]] else { return Self.noSuchMaster }
            return .value(instanceList(m.replicas))
        case "sentinels":
            guard let m = masters[args[2]] else { return Self.noSuchMaster }
            return .value(instanceList(m.sentinels))
        case "myid":
            return .bulk(myid)
        case "is-master-down-by-addr":
            guard let port = parseStrictInt64(Array(args[3].utf8)), let epoch = parseStrictInt64(Array(args[4].utf8)) else {
                return .error("ERR value is not an integer or out of range")
            }
            return .value(isMasterDownByAddr(host: args[2], port: Int(truncatingIfNeeded: port), reqEpoch: epoch, runid: args[5]))
        case "reset":
            return .value(.integer(Int64(resetMasters(pattern: args[2]))))
        case "get-master-addr-by-name":
            guard let m = masters[args[2]] else { return .value(.array(nil)) }
            let a = currentAddress(m)
            return .value(.array([.bulk(announceAddress(a)), .bulk(String(a.port))]))
        case "failover":
            guard let m = masters[args[2]] else { return Self.noSuchMaster }
            return failoverCommand(m, options: Array(args[3...]))
        case "pending-scripts":
            return .value(pendingScripts())
        case "monitor":
            return monitorCommand(args)
        case "flushconfig":
            flushConfig()
            return .okAfterFlush
        case "remove":
            guard let m = masters[args[2]] else { return Self.noSuchMaster }
            event(.warning, "-monitor", m, describe(m))
            masters.remove(name: m.name)
            release(m)
            flushConfig()
            return .okAfterFlush
        case "ckquorum":
            guard let m = masters[args[2]] else { return Self.noSuchMaster }
            return ckquorum(m)
        case "set":
            return setCommand(args)
        case "config":
            if args.count == 5 && args[2].lowercased() == "set" { return configSet(args[3], args[4]) }
            if args.count == 4 && args[2].lowercased() == "get" { return .value(configGet(args[3])) }
            return .error("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.")
        case "info-cache":
            return .value(infoCache(Array(args[2...])))
        case "simulate-failure":
            return simulateFailure(Array(args[2...]))
        case "debug":
            if args.count == 2 { return .value(debugInfo()) }
            return setDebug(Array(args[2...]))
        default:
            return .value(.array(Self.helpLines.map { .simple($0) }))
        }
    }

    static let noSuchMaster = SentinelReply.error("ERR No such master with that name")

    func resetMasters(pattern: String) -> Int {
        var count = 0
        let p = Array(pattern.utf8)
        for m in masters.all where stringMatch(pattern: p, string: Array(m.name.utf8), nocase: false) {
            resetMaster(m, keepSentinels: false, generateEvent: true)
            count += 1
        }
        return count
    }

    func monitorCommand(_ args: [String]) -> SentinelReply {
        guard let quorum = parseStrictInt64(Array(args[5].utf8)) else { return .error("ERR Invalid quorum") }
        guard let port = parseStrictInt64(Array(args[4].utf8)) else { return .error("ERR Invalid port") }
        if quorum <= 0 { return .error("ERR Quorum must be 1 or greater.") }
        let host = args[3]
        if !SentinelAddress.isIPLiteral(host) && !(resolveHostnames && resolver(host) != nil) {
            return .error("ERR Invalid IP address or hostname specified")
        }
        switch createInstance(name: args[2], flags: .master, host: host, port: Int(port), quorum: Int(quorum), master: nil) {
        case .failure(.duplicate): return .error("ERR Duplicate master name.")
        case .failure(.invalidPort): return .error("ERR Invalid port number.")
        case .failure(.invalidAddress): return .error("ERR Can't resolve instance hostname.")
        case .success(let m):
            flushConfig()
            event(.warning, "+monitor", m, "\(describe(m)) quorum \(m.quorum)")
            return .okAfterFlush
        }
    }

    /// sentinelIsQuorumReachable, as CKQUORUM words it.
    func ckquorum(_ m: Instance) -> SentinelReply {
        var usable = 1
        let voters = m.sentinels.count + 1
        for s in m.sentinels where s.flags.intersection([.sDown, .oDown]).isEmpty { usable += 1 }
        let noQuorum = usable < m.quorum
        let noAuth = usable < voters / 2 + 1
        if !noQuorum && !noAuth {
            return .value(.simple("OK \(usable) usable Sentinels. Quorum and failover authorization can be reached"))
        }
        var e = "NOQUORUM \(usable) usable Sentinels. "
        if noQuorum { e += "Not enough available Sentinels to reach the specified quorum for this master" }
        if noAuth {
            if noQuorum { e += ". " }
            e += "Not enough available Sentinels to reach the majority and authorize a failover"
        }
        return .error(e)
    }

    func infoCache(_ names: [String]) -> RESPValue {
        var picked: [Instance] = []
        for n in names {
            if let m = masters[n], !picked.contains(where: { $0 === m }) { picked.append(m) }
        }
        var out: [RESPValue] = []
        for m in picked {
            out.append(.bulk(m.name))
            // redis-sentinel gives every replica the master's INFO age; so do we.
            let age: Int64 = m.infoRefresh != 0 ? now - m.infoRefresh : 0
            var entries: [RESPValue] = [.array([.integer(age), m.info.map { .bulk($0) } ?? .bulkString(nil)])]
            for r in m.replicas {
                entries.append(.array([.integer(age), r.info.map { .bulk($0) } ?? .bulkString(nil)]))
            }
            out.append(.array(entries))
        }
        return .array(out)
    }

    func simulateFailure(_ flags: [String]) -> SentinelReply {
        simulateFailureFlags = []
        for f in flags {
            switch f.lowercased() {
            case "crash-after-election":
                simulateFailureFlags.insert(.crashAfterElection)
                log(.warning, "Failure simulation: this Sentinel will crash after being successfully elected as failover leader")
            case "crash-after-promotion":
                simulateFailureFlags.insert(.crashAfterPromotion)
                log(.warning, "Failure simulation: this Sentinel will crash after promoting the selected replica to master")
            case "help":
                return .value(.array([.bulk("crash-after-election"), .bulk("crash-after-promotion")]))
            default:
                return .error("ERR Unknown failure simulation specified")
            }
        }
        return .ok
    }

    func debugInfo() -> RESPValue {
        var kv: [RESPValue] = []
        for k in SentinelTimings.keys {
            kv.append(.bulk(k.uppercased()))
            kv.append(.bulk(String(timings[key: k] ?? 0)))
        }
        return .map(kv)
    }

    func setDebug(_ args: [String]) -> SentinelReply {
        var j = 0
        while j < args.count {
            let option = args[j]
            let key = option.lowercased()
            guard timings[key: key] != nil, j + 1 < args.count else {
                return .error("ERR Unknown option or number of arguments for SENTINEL DEBUG '\(option)'")
            }
            j += 1
            guard let v = parseStrictInt64(Array(args[j].utf8)), v > 0 else {
                return .error("ERR Invalid argument '\(args[j])' for SENTINEL DEBUG '\(option)'")
            }
            timings[key: key] = v
            j += 1
        }
        return .ok
    }

    static let helpLines = [
        "SENTINEL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CKQUORUM <master-name>",
        "    Check if the current Sentinel configuration is able to reach the quorum",
        "    needed to failover a master and the majority needed to authorize the",
        "    failover.",
        "CONFIG SET <param> <value>",
        "    Set a global Sentinel configuration parameter.",
        "CONFIG GET <param>",
        "    Get global Sentinel configuration parameter.",
        "DEBUG [<param> <value> ...]",
        "    Show a list of configurable time parameters and their values (milliseconds).",
        "    Or update current configurable parameters values (one or more).",
        "GET-MASTER-ADDR-BY-NAME <master-name>",
        "    Return the ip and port number of the master with that name.",
        "FAILOVER <master-name>",
        "    Manually failover a master node without asking for agreement from other",
        "    Sentinels",
        "FLUSHCONFIG",
        "    Force Sentinel to rewrite its configuration on disk, including the current",
        "    Sentinel state.",
        "INFO-CACHE <master-name>",
        "    Return last cached INFO output from masters and all its replicas.",
        "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
        "    Check if the master specified by ip:port is down from current Sentinel's",
        "    point of view.",
        "MASTER <master-name>",
        "    Show the state and info of the specified master.",
        "MASTERS",
        "    Show a list of monitored masters and their state.",
        "MONITOR <name> <ip> <port> <quorum>",
        "    Start monitoring a new master with the specified name, ip, port and quorum.",
        "MYID",
        "    Return the ID of the Sentinel instance.",
        "PENDING-SCRIPTS",
        "    Get pending scripts information.",
        "REMOVE <master-name>",
        "    Remove master from Sentinel's monitor list.",
        "REPLICAS <master-name>",
        "    Show a list of replicas for this master and their state.",
        "RESET <pattern>",
        "    Reset masters for specific master name matching this pattern.",
        "SENTINELS <master-name>",
        "    Show a list of Sentinel instances for this master and their state.",
        "SET <master-name> <option> <value> [<option> <value> ...]",
        "    Set configuration parameters for certain masters.",
        "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
        "    Simulate a Sentinel crash.",
        "HELP",
        "    Prints this help.",
    ]
}
