/// INFO replies from masters and replicas (sentinelRefreshInstanceInfo).
extension SentinelCore {
    func refreshInstanceInfo(_ ri: Instance, _ info: String) {
        ri.info = info
        ri.infoTime = now
        ri.masterLinkDownTime = 0
        var role = ReportedRole.unknown

        for line in splitBytes(info, [13, 10]) {
            let l = Substring(line)
            let b = l.utf8
            if b.count >= 47 && l.hasPrefix("run_id:") {
                let id = String(l.dropFirst(7).prefix(40))
                if ri.runid == nil {
                    ri.runid = id
                } else if ri.runid != id {
                    event(.notice, "+reboot", ri, describe(ri))
                    if ri.isMaster && ri.masterRebootDownAfterPeriod != 0 {
                        ri.flags.insert(.masterReboot)
                        ri.masterRebootSinceTime = now
                    }
                    ri.runid = id
                }
            }

            if ri.isMaster && b.count >= 7 && l.hasPrefix("slave"), let d = b.dropFirst(5).first, d >= 48 && d <= 57 {
                if let (ip, port) = Self.parseReplicaLine(l) {
                    if lookupReplica(ri, host: ip, port: port) == nil {
                        if case .success(let replica) = createInstance(name: nil, flags: .replica, host: ip, port: port,
                                                                        quorum: ri.quorum, master: ri) {
                            event(.notice, "+slave", replica, describe(replica))
                            flushConfig()
                        } else {
                            noteBadInput(ri, "INFO lists a replica with an unusable address '\(l)'")
                        }
                    }
                }
            }

            if b.count >= 32 && l.hasPrefix("master_link_down_since_seconds") {
                ri.masterLinkDownTime = parseLeadingInt(l.dropFirst(31)) &* 1000
            }

            if b.count >= 11 && l.hasPrefix("role:master") {
                role = .master
            } else if b.count >= 10 && l.hasPrefix("role:slave") {
                role = .replica
            }

            if role == .replica {
                if b.count >= 12 && l.hasPrefix("master_host:") {
                    let host = String(l.dropFirst(12))
                    if ri.slaveMasterHost == nil || ri.slaveMasterHost!.lowercased() != host.lowercased() {
                        ri.slaveMasterHost = host
                        ri.slaveConfChangeTime = now
                    }
                }
                if b.count >= 12 && l.hasPrefix("master_port:") {
                    let port = Int(truncatingIfNeeded: parseLeadingInt(l.dropFirst(12)))
                    if ri.slaveMasterPort != port {
                        ri.slaveMasterPort = port
                        ri.slaveConfChangeTime = now
                    }
                }
                if b.count >= 19 && l.hasPrefix("master_link_status:") {
                    ri.slaveMasterLinkUp = l.dropFirst(19).lowercased() == "up"
                }
                if b.count >= 15 && l.hasPrefix("slave_priority:") {
                    ri.slavePriority = Int(truncatingIfNeeded: parseLeadingInt(l.dropFirst(15)))
                }
                if b.count >= 18 && l.hasPrefix("slave_repl_offset:") {
                    ri.slaveReplOffset = UInt64(bitPattern: parseLeadingInt(l.dropFirst(18)))
                }
                if b.count >= 18 && l.hasPrefix("replica_announced:") {
                    ri.replicaAnnounced = Int(truncatingIfNeeded: parseLeadingInt(l.dropFirst(18)))
                }
            }
        }
        ri.infoRefresh = now

        if role != ri.roleReported {
            ri.roleReportedTime = now
            ri.roleReported = role
            if role == .replica { ri.slaveConfChangeTime = now }
            let coherent = (ri.isMaster && role == .master) || (ri.isReplica && role == .replica)
            event(.verbose, coherent ? "+role-change" : "-role-change", ri,
                  "\(describe(ri)) new reported role is \(role == .master ? "master" : "slave")")
        }

        // The rest acts on what INFO said; never in TILT.
        if tilt { return }
        guard let master = ri.isMaster ? nil : ri.master, ri.isReplica else { return }

        if role == .master {
            if ri.flags.contains(.promoted) && master.flags.contains(.failoverInProgress)
                && master.failoverState == .waitPromotion {
                promotionSeen(ri)
            } else {
                // A replica turned master: force our view, after giving the
                // sentinel that promoted it time to tell us (its hello).
                let wait = timings.publishPeriod * 4
                if !ri.flags.contains(.promoted) && masterLooksSane(master) && noDown(ri, for: wait)
                    && now - ri.roleReportedTime > wait {
                    if sendSlaveOf(ri, to: master.addr) {
                        event(.notice, "+convert-to-slave", ri, describe(ri))
                    }
                }
            }
        }

        if role == .replica && (ri.slaveMasterPort != master.addr.port || !master.addr.equalsHost(ri.slaveMasterHost)) {
            let wait = master.failoverTimeout
            if masterLooksSane(master) && noDown(ri, for: wait) && now - ri.slaveConfChangeTime > wait {
                if sendSlaveOf(ri, to: master.addr) {
                    event(.notice, "+fix-slave-config", ri, describe(ri))
                }
            }
        }

        reconfProgress(ri, role: role)
    }

    /// `slave<N>:` in the new (ip=,port=) or the old (ip,port,state) format.
    static func parseReplicaLine(_ l: Substring) -> (String, Int)? {
        if let ipRange = l.firstRange(of: "ip=") {
            guard let portRange = l.firstRange(of: "port=") else { return nil }
            let ip = l[ipRange.upperBound...].prefix { $0 != "," }
            let port = l[portRange.upperBound...].prefix { $0 != "," }
            return (String(ip), Int(truncatingIfNeeded: parseLeadingInt(port)))
        }
        guard let colon = l.firstIndex(of: ":") else { return nil }
        let rest = l[l.index(after: colon)...]
        let parts = rest.split(separator: ",", omittingEmptySubsequences: false)
        guard parts.count >= 3 else { return nil }
        return (String(parts[0]), Int(truncatingIfNeeded: parseLeadingInt(parts[1])))
    }

    func lookupReplica(_ master: Instance, host: String, port: Int) -> Instance? {
        master.replicas[SentinelAddress.format(host, port)]
    }

    /// sentinelMasterLooksSane.
    func masterLooksSane(_ master: Instance) -> Bool {
        master.flags.contains(.master) && master.roleReported == .master
            && master.flags.intersection([.sDown, .oDown]).isEmpty
            && now - master.infoRefresh < timings.infoPeriod * 2
    }

    /// sentinelRedisInstanceNoDownFor: the last SDOWN/ODOWN start is older than `ms`.
    func noDown(_ ri: Instance, for ms: Int64) -> Bool {
        let mostRecent = max(ri.sDownSinceTime, ri.oDownSinceTime)
        return mostRecent == 0 || now - mostRecent > ms
    }

    /// sentinelSendSlaveOf: the whole reconfiguration as one MULTI/EXEC so the
    /// node rewrites its config and drops clients atomically.
    @discardableResult
    func sendSlaveOf(_ ri: Instance, to addr: SentinelAddress?) -> Bool {
        guard let cc = ri.link.cc, !ri.link.disconnected else { return false }
        var slaveof = [ri.mapCommand("SLAVEOF")]
        if let addr {
            slaveof += [announceAddress(addr), String(addr.port)]
        } else {
            slaveof += ["NO", "ONE"]
        }
        let cmds: [[String]] = [
            [ri.mapCommand("MULTI")],
            slaveof,
            [ri.mapCommand("CONFIG"), "REWRITE"],
            [ri.mapCommand("CLIENT"), "KILL", "TYPE", "normal"],
            [ri.mapCommand("CLIENT"), "KILL", "TYPE", "pubsub"],
            [ri.mapCommand("EXEC")],
        ]
        for (i, c) in cmds.enumerated() {
            // The EXEC's reply says the node has applied it: the failover asks for INFO then.
            send(cc, c, i == cmds.count - 1 ? .slaveofExec(uid: ri.uid) : .discard)
            ri.link.pendingCommands += 1
        }
        return true
    }
}

/// strtoll/atoi: optional spaces and sign, then digits up to the first non-digit; 0 if none.
func parseLeadingInt<S: StringProtocol>(_ s: S) -> Int64 {
    var result: Int64 = 0
    var negative = false
    var started = false
    var it = s.utf8.makeIterator()
    var c = it.next()
    while let ch = c, ch == 32 || ch == 9 { c = it.next() }
    if let ch = c, ch == 45 || ch == 43 {
        negative = ch == 45
        c = it.next()
    }
    while let ch = c, ch >= 48 && ch <= 57 {
        started = true
        result = result &* 10 &+ Int64(ch - 48)
        c = it.next()
    }
    if !started { return 0 }
    return negative ? -result : result
}
