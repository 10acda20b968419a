import Protocol

/// Inputs from the IO layer: connection events, replies and pub/sub messages.
extension SentinelCore {
    /// The connection finished connecting; `localIP` is our side's address
    /// (what the hello announces unless announce-ip is set).
    public func connected(conn: Int, localIP: String, now: Int64) -> [SentinelEffect] {
        input(now) {
            guard let c = connections[conn] else { return }
            if !c.isPubsub && c.link.cc == conn { c.link.ccLocalIP = localIP }
        }
    }

    /// The connection failed or was closed by the peer.
    public func closed(conn: Int, reason: String, now: Int64) -> [SentinelEffect] {
        input(now) {
            guard let c = connections[conn] else { return }
            if let owner = instancesByUID[c.ownerUID] {
                event(.debug, c.isPubsub ? "-pubsub-link-reconnection" : "-cmd-link-reconnection", owner,
                      "\(describe(owner)) #\(reason)")
            }
            forgetConnection(c.link, conn)
        }
    }

    /// A reply to a command sent with `tag`.
    public func reply(conn: Int, tag: ReplyTag, value: RESPValue, now: Int64) -> [SentinelEffect] {
        input(now) {
            // A closed connection's late replies mean nothing (hiredis frees them with c->data = NULL).
            guard let c = connections[conn] else { return }
            let link = c.link
            if case .subscribe(let uid) = tag {
                if value.isError {
                    if let ri = instancesByUID[uid] {
                        log(.verbose, "Pub/Sub link to \(describe(ri)) refused SUBSCRIBE: \(value.string ?? "")")
                    }
                    closeConnection(link, conn)
                } else {
                    link.pcLastActivity = now
                }
                return
            }
            link.pendingCommands -= 1
            switch tag {
            case .discard, .subscribe:
                return
            case .ping(let uid):
                guard let ri = instancesByUID[uid] else { return }
                pingReply(ri, link, conn, value)
            case .info(let uid):
                guard let ri = instancesByUID[uid] else { return }
                if case .bulkString(.some(let bytes)) = value {
                    refreshInstanceInfo(ri, String(decoding: bytes, as: UTF8.self))
                } else if case .verbatim(_, let text) = value {
                    refreshInstanceInfo(ri, String(decoding: text, as: UTF8.self))
                } else {
                    noteBadInput(ri, "INFO reply is not a bulk string")
                }
            case .publish(let uid):
                guard let ri = instancesByUID[uid] else { return }
                // Only a published hello counts; after an error we try again next tick.
                if !value.isError { ri.lastPubTime = now }
            case .isMasterDown(let uid):
                guard let ri = instancesByUID[uid] else { return }
                isMasterDownReply(ri, value)
                masterDownAnswerArrived(ri)
            case .slaveofExec(let uid):
                guard let ri = instancesByUID[uid] else { return }
                slaveofTransactionDone(ri)
            case .coordinatedFailover(let uid):
                guard let master = instancesByUID[uid] else { return }
                coordinatedFailoverReply(master, value)
            }
        }
    }

    /// A message on a pub/sub connection (subscribe confirmations included).
    public func push(conn: Int, value: RESPValue, now: Int64) -> [SentinelEffect] {
        input(now) {
            guard let c = connections[conn], c.isPubsub else { return }
            // Our own hellos come back too, so silence here means a dead link.
            c.link.pcLastActivity = now
            guard let items = value.elements, items.count == 3,
                  case .bulkString(.some(let kind)) = items[0],
                  case .bulkString(.some) = items[1],
                  case .bulkString(.some(let payload)) = items[2],
                  kind == Array("message".utf8) else { return }
            // Not interested in meeting ourselves (strstr on the payload, as
            // sentinel.c does: String.contains compares Characters and was a
            // tenth of a simulated run).
            if !myid.isEmpty && Self.bytes(payload, contain: Array(myid.utf8)) { return }
            processHello(String(decoding: payload, as: UTF8.self))
        }
    }

    static func bytes(_ haystack: [UInt8], contain needle: [UInt8]) -> Bool {
        guard !needle.isEmpty else { return true }
        guard haystack.count >= needle.count else { return false }
        let first = needle[0]
        for i in 0...(haystack.count - needle.count) where haystack[i] == first {
            var j = 1
            while j < needle.count && haystack[i + j] == needle[j] { j += 1 }
            if j == needle.count { return true }
        }
        return false
    }

    func pingReply(_ ri: Instance, _ link: InstanceLink, _ conn: Int, _ value: RESPValue) {
        var text: [UInt8]?
        switch value {
        case .simpleString(let b), .error(let b): text = b
        default: text = nil
        }
        if let t = text {
            if t.starts(with: Array("PONG".utf8)) || t.starts(with: Array("LOADING".utf8))
                || t.starts(with: Array("MASTERDOWN".utf8)) {
                link.lastAvailTime = now
                link.actPingTime = 0
                if ri.flags.contains(.masterReboot) && t.starts(with: Array("PONG".utf8)) {
                    ri.flags.remove(.masterReboot)
                }
            } else if t.starts(with: Array("BUSY".utf8)) && ri.flags.contains(.sDown)
                        && !ri.flags.contains(.scriptKillSent) {
                // Down because of a busy script: try to kill it, once.
                if let cc = link.cc {
                    send(cc, [ri.mapCommand("SCRIPT"), "KILL"], .discard)
                    link.pendingCommands += 1
                }
                ri.flags.insert(.scriptKillSent)
            }
        }
        link.lastPongTime = now
    }

    func isMasterDownReply(_ ri: Instance, _ value: RESPValue) {
        // Anything else is ignored: the down flag then expires by itself.
        guard case .array(.some(let items)) = value, items.count == 3,
              case .integer(let down) = items[0],
              let leaderBytes = stringBytes(items[1]),
              case .integer(let epoch) = items[2] else { return }
        ri.lastMasterDownReplyTime = now
        if down == 1 { ri.flags.insert(.masterDown) } else { ri.flags.remove(.masterDown) }
        let leader = String(decoding: leaderBytes, as: UTF8.self)
        if leader != "*" {
            if Int64(bitPattern: ri.leaderEpoch) != epoch {
                log(.warning, "\(ri.name) voted for \(leader) \(UInt64(bitPattern: epoch))")
            }
            ri.leader = leader
            ri.leaderEpoch = UInt64(bitPattern: epoch)
        }
    }

    /// REDIS_REPLY_STRING in hiredis is a bulk string (a status is another type).
    private func stringBytes(_ v: RESPValue) -> [UInt8]? {
        if case .bulkString(.some(let b)) = v { return b }
        return nil
    }

    /// Bad input from a peer is logged once per instance and reason, then ignored.
    func noteBadInput(_ ri: Instance, _ what: String) {
        let key = "\(ri.uid)|\(what)"
        if loggedBadInput.insert(key).inserted {
            log(.warning, "Ignoring bad input from \(describe(ri)): \(what)")
        }
    }
}
