/// Hello messages (sentinelProcessHelloMessage): discovery of other
/// sentinels, epochs, and master address changes made elsewhere.
extension SentinelCore {
    /// `ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`.
    /// Messages that do not have exactly 8 fields or name an unknown master are dropped.
    public func receiveHello(_ payload: String, now: Int64) -> [SentinelEffect] {
        input(now) {
            processHello(payload)
        }
    }

    func processHello(_ hello: String) {
        let token = splitBytes(hello, [44]).map(String.init)
        guard token.count == 8 else { return }
        guard let master = masters[token[4]] else { return }

        let port = Int(truncatingIfNeeded: parseLeadingInt(token[1]))
        let masterPort = Int(truncatingIfNeeded: parseLeadingInt(token[6]))
        let helloEpoch = parseUnsigned(token[3])
        let masterConfigEpoch = parseUnsigned(token[7])
        var si = lookup(in: master.sentinels, ip: token[0], port: port, runid: token[2])

        if si == nil {
            // Same run id at another address: the sentinel moved.
            let removed = removeSentinels(from: master, runid: token[2])
            if removed > 0 {
                event(.notice, "+sentinel-address-switch", master,
                      "\(describe(master)) ip \(token[0]) port \(port) for \(token[2])")
            } else if let other = lookup(in: master.sentinels, ip: token[0], port: port, runid: nil) {
                // Another run id at this address: that one is gone (restarted with a new id).
                event(.notice, "+sentinel-invalid-addr", other, describe(other))
                if let oldID = other.runid {
                    for m in masters.all { removeSentinels(from: m, runid: oldID) }
                }
            }
            switch createInstance(name: token[2], flags: .sentinel, host: token[0], port: port,
                                  quorum: master.quorum, master: master) {
            case .success(let created):
                if removed == 0 { event(.notice, "+sentinel", created, describe(created)) }
                created.runid = token[2]
                tryConnectionSharing(created)
                if removed > 0 { updateSentinelAddressInAllMasters(created) }
                flushConfig()
                si = created
            case .failure:
                noteBadInput(master, "hello with an unusable sentinel address '\(hello)'")
            }
        }

        if helloEpoch > currentEpoch {
            currentEpoch = helloEpoch
            flushConfig()
            event(.warning, "+new-epoch", master, String(currentEpoch))
        }

        if let si, master.configEpoch < masterConfigEpoch {
            master.configEpoch = masterConfigEpoch
            // Compared with the address we announce: during our own failover
            // (reconf_slaves) that is the promoted replica, not master.addr.
            // redis-sentinel compares with master.addr, so a leader there takes
            // a newer epoch that names the old master silently and then ends its
            // failover under that epoch at another address.
            let old = currentAddress(master)
            if masterPort != old.port || !old.equalsHost(token[5]) {
                event(.warning, "+config-update-from", si, describe(si))
                event(.warning, "+switch-master", master,
                      "\(master.name) \(announceAddress(old)) \(old.port) \(token[5]) \(masterPort)")
                if resetMasterAndChangeAddress(master, host: token[5], port: masterPort),
                   let script = master.clientReconfigScript {
                    scheduleScript([script, master.name, "observer", "start", announceAddress(old), String(old.port),
                                    announceAddress(master.addr), String(master.addr.port)])
                }
            }
        }

        si?.lastHelloTime = now
    }

    /// removeMatchingSentinelFromMaster: drops every sentinel with this run id.
    @discardableResult
    func removeSentinels(from master: Instance, runid: String) -> Int {
        var removed = 0
        for s in master.sentinels.all where s.runid == runid {
            master.sentinels.remove(name: s.name)
            release(s)
            removed += 1
        }
        return removed
    }

    /// sentinelTryConnectionSharing: one physical link per sentinel, shared by
    /// all masters that know its run id.
    func tryConnectionSharing(_ ri: Instance) {
        guard let runid = ri.runid, ri.link.refcount == 1 else { return }
        for m in masters.all where m !== ri.master {
            guard let match = lookup(in: m.sentinels, ip: nil, port: 0, runid: runid), match !== ri else { continue }
            releaseLink(ri)
            ri.link = match.link
            match.link.refcount += 1
            return
        }
    }

    /// sentinelUpdateSentinelAddressInAllMasters: after an address switch,
    /// every master's entry for that run id takes the new address.
    func updateSentinelAddressInAllMasters(_ ri: Instance) {
        guard let runid = ri.runid else { return }
        var reconfigured = 0
        for m in masters.all {
            guard let match = lookup(in: m.sentinels, ip: nil, port: 0, runid: runid) else { continue }
            if let cc = match.link.cc { closeConnection(match.link, cc) }
            if let pc = match.link.pc { closeConnection(match.link, pc) }
            if match === ri { continue }
            match.addr = ri.addr
            reconfigured += 1
        }
        if reconfigured > 0 {
            event(.notice, "+sentinel-address-update", ri, "\(describe(ri)) \(reconfigured) additional matching instances")
        }
    }

    /// sentinelResetMaster: forget replicas (and sentinels unless kept), drop
    /// the links, clear the flags and failover state.
    func resetMaster(_ ri: Instance, keepSentinels: Bool, generateEvent: Bool) {
        for r in ri.replicas.all { release(r) }
        ri.replicas.removeAll()
        if !keepSentinels {
            for s in ri.sentinels.all { release(s) }
            ri.sentinels.removeAll()
        }
        if let cc = ri.link.cc { closeConnection(ri.link, cc) }
        if let pc = ri.link.pc { closeConnection(ri.link, pc) }
        ri.flags = ri.flags.intersection(.master)
        ri.leader = nil
        ri.failoverState = .none
        ri.failoverStateChangeTime = 0
        ri.failoverStartTime = 0
        ri.promotedReplica = nil
        ri.runid = nil
        ri.slaveMasterHost = nil
        ri.link.actPingTime = now
        ri.link.lastPingTime = 0
        ri.link.lastAvailTime = now
        ri.link.lastPongTime = now
        ri.roleReportedTime = now
        ri.roleReported = .master
        if generateEvent { event(.warning, "+reset-master", ri, describe(ri)) }
    }

    /// sentinelResetMasterAndChangeAddress: the replicas are rebuilt from the
    /// old ones minus the new master, plus the old master.
    @discardableResult
    func resetMasterAndChangeAddress(_ master: Instance, host: String, port: Int) -> Bool {
        guard let newAddr = makeAddress(host: host, port: port) else { return false }
        var replicaAddrs: [SentinelAddress] = []
        for r in master.replicas where !r.addr.isEqual(newAddr) { replicaAddrs.append(r.addr) }
        if !newAddr.isEqual(master.addr) { replicaAddrs.append(master.addr) }
        resetMaster(master, keepSentinels: true, generateEvent: false)
        master.addr = newAddr
        // The reconnect throttle was about the old address. Kept, it can hold
        // the first connection to the new one back until just after
        // down-after, which is then counted from this reset: a switch right
        // after a retry to the dead master (a fast failover does that) would
        // see the new master SDOWN, and with the other sentinels' down
        // answers still fresh, fail over again at once.
        master.link.lastReconnTime = 0
        master.oDownSinceTime = 0
        master.sDownSinceTime = 0
        for a in replicaAddrs {
            if case .success(let r) = createInstance(name: nil, flags: .replica, host: a.hostname, port: a.port,
                                                     quorum: master.quorum, master: master) {
                event(.notice, "+slave", r, describe(r))
            }
        }
        flushConfig()
        return true
    }
}

/// strtoull: leading digits, 0 if none (a leading '-' wraps, as in C).
func parseUnsigned<S: StringProtocol>(_ s: S) -> UInt64 {
    UInt64(bitPattern: parseLeadingInt(s))
}
