import CoreKit
import Protocol

/// SENTINEL SET and SENTINEL CONFIG GET/SET.
extension SentinelCore {
    func setCommand(_ args: [String]) -> SentinelReply {
        guard let ri = masters[args[2]] else { return Self.noSuchMaster }
        var changes = 0
        var j = 3
        var failure: SentinelReply?

        loop: while j < args.count {
            let option = args[j]
            let moreArgs = args.count - 1 - j
            let oldJ = j
            var redacted = false
            func badArg(_ k: Int) -> SentinelReply {
                .error("ERR Invalid argument '\(args[k])' for SENTINEL SET '\(option)'")
            }
            func positive(_ k: Int, allowZero: Bool = false) -> Int64? {
                guard let v = parseStrictInt64(Array(args[k].utf8)), allowZero ? v >= 0 : v > 0 else { return nil }
                return v
            }
            switch (option.lowercased(), moreArgs) {
            case ("down-after-milliseconds", 1...):
                j += 1
                guard let v = positive(j) else { failure = badArg(j); break loop }
                ri.downAfterPeriod = v
                propagateDownAfterPeriod(ri)
            case ("failover-timeout", 1...):
                j += 1
                guard let v = positive(j) else { failure = badArg(j); break loop }
                ri.failoverTimeout = v
            case ("parallel-syncs", 1...):
                j += 1
                guard let v = positive(j) else { failure = badArg(j); break loop }
                ri.parallelSyncs = Int(truncatingIfNeeded: v)
            case ("notification-script", 1...), ("client-reconfig-script", 1...):
                j += 1
                let value = args[j]
                let notification = option.lowercased() == "notification-script"
                if denyScriptsReconfig {
                    failure = .error("ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration")
                    break loop
                }
                if !value.isEmpty && !isExecutable(value) {
                    failure = .error(notification ? "ERR Notification script seems non existing or non executable"
                                     : "ERR Client reconfiguration script seems non existing or non executable")
                    break loop
                }
                if notification {
                    ri.notificationScript = value.isEmpty ? nil : value
                } else {
                    ri.clientReconfigScript = value.isEmpty ? nil : value
                }
            case ("auth-pass", 1...):
                j += 1
                ri.authPass = args[j].isEmpty ? nil : args[j]
                dropInstanceConnections(ri)
                redacted = true
            case ("auth-user", 1...):
                j += 1
                ri.authUser = args[j].isEmpty ? nil : args[j]
                dropInstanceConnections(ri)
            case ("quorum", 1...):
                j += 1
                guard let v = positive(j) else { failure = badArg(j); break loop }
                ri.quorum = Int(truncatingIfNeeded: v)
            case ("rename-command", 2...):
                let oldName = args[j + 1], newName = args[j + 2]
                j += 2
                if oldName.isEmpty || newName.isEmpty {
                    failure = badArg(newName.isEmpty ? j : j - 1)
                    break loop
                }
                // Keyed case-insensitively, kept as written (the rewrite writes it back so).
                ri.renamedCommands.removeAll { $0.0.lowercased() == oldName.lowercased() }
                if oldName.lowercased() != newName.lowercased() {
                    ri.renamedCommands.append((oldName, newName))
                }
            case ("master-reboot-down-after-period", 1...):
                j += 1
                guard let v = positive(j, allowZero: true) else { failure = badArg(j); break loop }
                ri.masterRebootDownAfterPeriod = v
            default:
                failure = .error("ERR Unknown option or number of arguments for SENTINEL SET '\(option)'")
                break loop
            }
            changes += 1
            switch j - oldJ + 1 {
            case 2:
                event(.warning, "+set", ri, "\(describe(ri)) \(args[oldJ]) \(redacted ? "******" : args[oldJ + 1])")
            case 3:
                event(.warning, "+set", ri, "\(describe(ri)) \(args[oldJ]) \(args[oldJ + 1]) \(args[oldJ + 2])")
            default:
                event(.warning, "+set", ri, "\(describe(ri)) \(args[oldJ])")
            }
            j += 1
        }
        if let failure {
            // What was applied before the error stays applied, and is saved.
            if changes > 0 { flushConfig() }
            return failure
        }
        if changes > 0 {
            flushConfig()
            return .okAfterFlush
        }
        return .ok
    }

    /// Replicas and sentinels share their master's down-after.
    func propagateDownAfterPeriod(_ master: Instance) {
        for r in master.replicas { r.downAfterPeriod = master.downAfterPeriod }
        for s in master.sentinels { s.downAfterPeriod = master.downAfterPeriod }
    }

    /// New credentials: reconnect to the master and its replicas.
    func dropInstanceConnections(_ master: Instance) {
        for ri in [master] + master.replicas.all {
            if let cc = ri.link.cc { closeConnection(ri.link, cc) }
            if let pc = ri.link.pc { closeConnection(ri.link, pc) }
        }
    }

    /// sentinelDropConnections: reconnect to every sentinel (new sentinel-user/pass).
    func dropSentinelConnections() {
        for m in masters {
            for s in m.sentinels where !s.link.disconnected {
                if let pc = s.link.pc { closeConnection(s.link, pc) }
                if let cc = s.link.cc { closeConnection(s.link, cc) }
            }
        }
    }

    func configGet(_ pattern: String) -> RESPValue {
        let p = Array(pattern.utf8)
        var kv: [RESPValue] = []
        let items: [(String, String)] = [
            ("resolve-hostnames", resolveHostnames ? "yes" : "no"),
            ("announce-hostnames", announceHostnames ? "yes" : "no"),
            ("announce-ip", announceIP ?? ""),
            ("announce-port", String(announcePort)),
            ("sentinel-user", sentinelAuthUser ?? ""),
            ("sentinel-pass", sentinelAuthPass ?? ""),
        ]
        for (k, v) in items where stringMatch(pattern: p, string: Array(k.utf8), nocase: true) {
            kv.append(.bulk(k))
            kv.append(.bulk(v))
        }
        return .map(kv)
    }

    func configSet(_ option: String, _ value: String) -> SentinelReply {
        var dropConns = false
        let badValue = SentinelReply.error("ERR Invalid value '\(value)' to SENTINEL CONFIG SET '\(option)'")
        switch option.lowercased() {
        case "resolve-hostnames":
            guard let b = yesNo(value) else { return badValue }
            resolveHostnames = b
        case "announce-hostnames":
            guard let b = yesNo(value) else { return badValue }
            announceHostnames = b
        case "announce-ip":
            // Quirk kept: an empty value is stored as empty, not unset.
            announceIP = value
        case "announce-port":
            guard let v = parseStrictInt64(Array(value.utf8)), v >= 0, v <= 65535 else { return badValue }
            announcePort = Int(v)
        case "sentinel-user":
            sentinelAuthUser = value.isEmpty ? nil : value
            dropConns = true
        case "sentinel-pass":
            sentinelAuthPass = value.isEmpty ? nil : value
            dropConns = true
        default:
            return .error("ERR Invalid argument '\(option)' to SENTINEL CONFIG SET")
        }
        flushConfig()
        if dropConns { dropSentinelConnections() }
        return .okAfterFlush
    }
}

/// yesnotoi.
public func yesNo(_ s: String) -> Bool? {
    switch s.lowercased() {
    case "yes": return true
    case "no": return false
    default: return nil
    }
}
