import CoreKit

/// Bytes from the master, up to the end of the payload (syncWithMaster,
/// slaveTryPartialResynchronization, readSyncBulkPayload).
extension ReplicaLink {
    public mutating func received(_ bytes: [UInt8], nowMs: Int64) -> [ReplicaLinkEffect] {
        bytes.withUnsafeBytes { received($0, nowMs: nowMs) }
    }

    /// The same, from the connection's own buffer: no copy made for the call.
    public mutating func received(_ bytes: UnsafeRawBufferPointer, nowMs: Int64) -> [ReplicaLinkEffect] {
        guard state.hasConnection else { return [] }
        lastIOMs = nowMs
        if state == .connected { readOffset += Int64(bytes.count) }
        input.append(contentsOf: bytes)
        if state == .connected && catchingUp { return [] }
        if (state == .transfer || state == .loading) && dual != nil {
            // The live stream waits here for the snapshot, and while it loads,
            // up to our own limit; then in the master's buffer for us.
            let limit = settings.dualChannelBufferLimit
            if !dual!.holdingMainLink && DualChannel.isFull(buffered: input.count, limit: limit) {
                dual!.holdingMainLink = true
                return [.log(.notice, "Replication buffer limit has been reached (\(input.count) bytes, limit \(limit)): stopped reading the master link until the snapshot is loaded; the master holds the rest of the stream meanwhile"),
                        .holdMainLink]
            }
            return []
        }
        return process(nowMs: nowMs)
    }

    /// Uses what `input` holds for as long as the state can move.
    mutating func process(nowMs: Int64) -> [ReplicaLinkEffect] {
        var fx: [ReplicaLinkEffect] = []
        while true {
            switch state {
            case .receivePong, .receiveAuth, .receivePort, .receiveIP, .receiveCapa, .receivePsync:
                guard let line = takeLine() else { return fx }
                fx += handshakeReply(line, nowMs: nowMs)
            case .transfer:
                // Dual channel: the main link carries only the stream (buffered above).
                if dual != nil { return fx }
                if payload == nil {
                    guard let line = takeLine() else { return fx }
                    fx += payloadHeader(line)
                } else {
                    guard !input.isEmpty else { return fx }
                    fx += payloadBytes()
                    if state == .transfer { return fx }
                }
            case .connected:
                fx += applyStream()
                return fx
            case .none, .connect, .connecting, .loading:
                return fx
            }
        }
    }

    /// One reply line without its CR LF (a bare LF ends one too), or nil until it is whole.
    mutating func takeLine() -> String? {
        guard let nl = input.firstIndex(of: 10) else { return nil }
        var end = nl
        if end > 0 && input[end - 1] == 13 { end -= 1 }
        let line = String(decoding: input[0..<end], as: UTF8.self)
        input.removeFirst(nl + 1)
        return line
    }

    mutating func handshakeReply(_ line: String, nowMs: Int64) -> [ReplicaLinkEffect] {
        switch state {
        case .receivePong:
            // Errors that only mean "authenticate first" are fine: AUTH follows.
            if line.hasPrefix("-") && !line.hasPrefix("-NOAUTH") && !line.hasPrefix("-NOPERM")
                && !line.hasPrefix("-ERR operation not permitted") {
                return [.log(.warning, "Error reply to PING from master: '\(line)'")] + cancelHandshake()
            }
            var fx: [ReplicaLinkEffect] = [.log(.notice, "Master replied to PING, replication can continue...")]
            // The rest is pipelined; the replies are read one by one (a
            // PSYNC behind unread replies is refused by the master).
            var out: [UInt8] = []
            if let auth = settings.masterAuth {
                out += Wire.command([Array("AUTH".utf8)] + (settings.masterUser.map { [$0] } ?? []) + [auth])
            }
            out += Wire.command("REPLCONF", "listening-port", String(settings.listeningPort))
            if let ip = settings.announceIP { out += Wire.command("REPLCONF", "ip-address", ip) }
            // A Redis master ignores the capability it does not know.
            announcedDual = settings.dualChannel && !plainNextAttempt
            out += announcedDual ? Wire.command("REPLCONF", "capa", "eof", "capa", "psync2", "capa", DualChannel.capability)
                                 : Wire.command("REPLCONF", "capa", "eof", "capa", "psync2")
            fx.append(.send(out))
            state = settings.masterAuth != nil ? .receiveAuth : .receivePort
            return fx
        case .receiveAuth:
            if line.hasPrefix("-") {
                return [.log(.warning, "Unable to AUTH to MASTER: \(line)")] + cancelHandshake()
            }
            state = .receivePort
            return []
        case .receivePort:
            state = settings.announceIP != nil ? .receiveIP : .receiveCapa
            return line.hasPrefix("-") ? [.log(.notice, "(Non critical) Master does not understand REPLCONF listening-port: \(line)")] : []
        case .receiveIP:
            state = .receiveCapa
            return line.hasPrefix("-") ? [.log(.notice, "(Non critical) Master does not understand REPLCONF ip-address: \(line)")] : []
        case .receiveCapa:
            var fx: [ReplicaLinkEffect] = line.hasPrefix("-") ? [.log(.notice, "(Non critical) Master does not understand REPLCONF capa: \(line)")] : []
            fx += sendPsync()
            return fx
        case .receivePsync:
            return psyncReply(line, nowMs: nowMs)
        default:
            return []
        }
    }

    mutating func sendPsync() -> [ReplicaLinkEffect] {
        state = .receivePsync
        fullSyncOffset = -1
        // The plain attempt after a failed dual-channel one is the only one.
        if !announcedDual { plainNextAttempt = false }
        if hasCachedMaster {
            let next = String(history.offset + 1)
            let psync = failoverPsync ? Wire.command("PSYNC", history.replid, next, "FAILOVER") : Wire.command("PSYNC", history.replid, next)
            return [.log(.notice, "Trying a partial resynchronization (request \(history.replid):\(next))."),
                    .send(psync)]
        }
        return [.log(.notice, "Partial resynchronization not possible (no cached master)"),
                .send(Wire.command("PSYNC", "?", "-1"))]
    }

    mutating func psyncReply(_ line: String, nowMs: Int64) -> [ReplicaLinkEffect] {
        // A master preparing the snapshot sends newlines to stay alive.
        if line.isEmpty { return [] }
        if line.hasPrefix("+FULLRESYNC") {
            var fx: [ReplicaLinkEffect] = []
            let parts = line.split(separator: " ", omittingEmptySubsequences: false)
            if parts.count >= 3 && parts[1].utf8.count == 40 {
                fullSyncId = String(parts[1])
                fullSyncOffset = Int64(parts[2].prefix { $0.isNumber || $0 == "-" }) ?? 0
                fx.append(.log(.notice, "Full resync from master: \(fullSyncId):\(fullSyncOffset)"))
            } else {
                fullSyncId = ""
                fx.append(.log(.warning, "Master replied with wrong +FULLRESYNC syntax."))
            }
            // 7.0.15 keeps the cached master until the new dataset replaces
            // the old (replicationAttachToNewMaster): a transfer that fails
            // leaves the next attempt free to ask for a partial resync.
            state = .transfer
            psyncAccepted = true
            return fx
        }
        if announcedDual && line.hasPrefix(DualChannel.offerReply + " ") {
            return dualChannelOffered(token: line.dropFirst(DualChannel.offerReply.count).trimmingLeadingSpace)
        }
        if line.hasPrefix("+CONTINUE") {
            psyncAccepted = true
            var fx: [ReplicaLinkEffect] = [.log(.notice, "Successful partial resynchronization with master.")]
            let id = line.dropFirst("+CONTINUE".count).trimmingLeadingSpace
            if id.utf8.count == 40 && id != history.replid {
                history.shift(to: id)
                fx.append(.log(.warning, "Master replication ID changed to \(id)"))
                fx.append(.disconnectReplicas)
            }
            fx.append(.ensureBacklog(offset: history.offset))
            fx.append(.log(.notice, "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization."))
            startStreaming(nowMs: nowMs, readOffset: history.offset)
            return fx
        }
        psyncAccepted = false
        if line.hasPrefix("-NOMASTERLINK") || line.hasPrefix("-LOADING") {
            return [.log(.notice, "Master is currently unable to PSYNC but should be in the future: \(line)")] + cancelHandshake()
        }
        var fx: [ReplicaLinkEffect]
        if line.hasPrefix("-ERR") {
            fx = [.log(.notice, "Master does not support PSYNC or is in error state (reply: \(line))")]
        } else {
            fx = [.log(.warning, "Unexpected reply to PSYNC from master: \(line)")]
        }
        fx += discardCachedMaster()
        fx.append(.log(.notice, "Retrying with SYNC..."))
        fx.append(.send(Array("SYNC\r\n".utf8)))
        prePsync = true
        fullSyncOffset = -1
        state = .transfer
        return fx
    }

    // MARK: payload

    mutating func payloadHeader(_ line: String) -> [ReplicaLinkEffect] {
        switch PayloadFraming.header(line) {
        case .keepalive:
            return []
        case .masterError(let text):
            return [.log(.warning, "MASTER aborted replication with an error: \(text)")] + cancelHandshake()
        case .badProtocol(let text):
            return [.log(.warning, "Bad protocol from MASTER, the first byte is not '$' (we received '\(text)'), are you sure the host and port are right?")] + cancelHandshake()
        case .payload(let form):
            payload = PayloadFraming(form)
            payloadTarget = settings.loadTarget
            let to = payloadTarget.logName
            var fx: [ReplicaLinkEffect]
            switch form {
            case .eofMark:
                fx = [.log(.notice, "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF \(to)"), .beginPayload(length: nil)]
            case .length(let n):
                fx = [.log(.notice, "MASTER <-> REPLICA sync: receiving \(n) bytes from master \(to)"), .beginPayload(length: n)]
            }
            if payloadTarget != .disk { fx += socketLoadStarts() }
            if payload!.isComplete { fx += payloadComplete() }
            return fx
        }
    }

    mutating func payloadBytes() -> [ReplicaLinkEffect] {
        let (rdb, used) = payload!.consume(input[...])
        input.removeFirst(used)
        var fx: [ReplicaLinkEffect] = rdb.isEmpty ? [] : [.appendPayload(rdb)]
        if payload!.isComplete { fx += payloadComplete() }
        return fx
    }

    /// The whole RDB is here: the old dataset goes, the new one loads.
    mutating func payloadComplete() -> [ReplicaLinkEffect] {
        state = .loading
        // A parsed payload announced its load at the header (socketLoadStarts).
        if payloadTarget != .disk && dual == nil { return [.loadPayload] }
        return discardCachedMaster() + [.disconnectReplicas,
                                        .log(.notice, "MASTER <-> REPLICA sync: Flushing old data"),
                                        .log(.notice, "MASTER <-> REPLICA sync: Loading DB in memory"),
                                        .loadPayload]
    }

    /// The shell loaded (or failed to load) the payload; `error` is what
    /// strerror(errno) said after a failure, as 7.0.15 prints it.
    public mutating func payloadLoaded(success: Bool, error: String = "Success", nowMs: Int64) -> [ReplicaLinkEffect] {
        guard state == .loading else { return [] }
        let usedMark: Bool
        if case .eofMark = payload?.form { usedMark = true } else { usedMark = false }
        let swapped = swapsDataset
        payload = nil
        let wasDual = dual != nil
        let held = dual?.holdingMainLink == true
        dual = nil
        guard success else {
            let failed: ReplicaLinkEffect = .log(.warning, "Failed trying to load the MASTER synchronization DB from \((wasDual ? .disk : payloadTarget).sourceName): \(error)")
            // The old dataset (and the history it continues) is still there.
            if swapped {
                return [failed, .log(.notice, "MASTER <-> REPLICA sync: Discarding temporary DB in background")] + cancelHandshakeAfterLoad()
            }
            hasCachedMaster = false
            return [failed] + cancelHandshakeAfterLoad()
        }
        var attach: [ReplicaLinkEffect] = []
        if swapped {
            attach = discardCachedMaster() + [.disconnectReplicas,
                                              .log(.notice, "MASTER <-> REPLICA sync: Swapping active DB with loaded DB"),
                                              .log(.notice, "MASTER <-> REPLICA sync: Discarding old DB in background")]
        }
        if !fullSyncId.isEmpty { history.replid = fullSyncId }
        history.offset = fullSyncOffset
        history.clearSecond()
        var fx: [ReplicaLinkEffect] = attach + [.resetBacklog(offset: history.offset),
                                       .log(.notice, "MASTER <-> REPLICA sync: Finished with success")]
        if held { fx.append(.releaseMainLink) }
        startStreaming(nowMs: nowMs, readOffset: history.offset)
        // A diskless master holds the stream until our first ACK (a
        // dual-channel one does not, but the ACK tells it where we are).
        if (usedMark || wasDual) && !prePsync {
            lastAckMs = nowMs
            fx.append(.send(Wire.ack(history.offset)))
        }
        fx += applyStream()
        return fx
    }

    private mutating func cancelHandshakeAfterLoad() -> [ReplicaLinkEffect] {
        input.removeAll()
        state = .connect
        return [.close]
    }

    mutating func startStreaming(nowMs: Int64, readOffset offset: Int64) {
        state = .connected
        readOffset = offset + Int64(input.count)
        linkDownSinceMs = nil
        lastIOMs = nowMs
        lastAckMs = nowMs
        hasCachedMaster = false
        parsePos = 0
        commandStart = 0
        creditEnd = 0
        forwardStart = 0
        catchingUp = false
        inMulti = false
        queued.removeAll()
        heldCommand = nil
    }
}

extension Substring {
    var trimmingLeadingSpace: String { String(drop { $0 == " " }) }
}
