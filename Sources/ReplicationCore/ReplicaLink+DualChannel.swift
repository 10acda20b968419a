import CoreKit

/// The replica's half of a dual-channel full sync (DualChannelSync.swift):
/// the snapshot connection's handshake and payload, while the main link
/// buffers the stream. Any failure of the snapshot side drops both
/// connections and makes the next attempt a plain one, with a line saying why.
extension ReplicaLink {
    /// `+VIGILDUALSYNC <token>` on the main link.
    mutating func dualChannelOffered(token: String) -> [ReplicaLinkEffect] {
        guard let host = masterHost, !token.isEmpty else {
            return [.log(.warning, "Master replied with wrong \(DualChannel.offerReply) syntax.")] + cancelHandshake()
        }
        var fx = discardCachedMaster()
        psyncAccepted = true
        state = .transfer
        dual = DualChannelSync(token: token)
        fx.append(.log(.notice, "Full resync from master over two connections (dual-channel): the snapshot comes on a second connection, the stream is buffered meanwhile"))
        fx.append(.connectSnapshot(host: host, port: masterPort))
        return fx
    }

    public mutating func snapshotConnected(nowMs: Int64) -> [ReplicaLinkEffect] {
        guard state == .transfer, let d = dual, d.phase == .connecting else { return [] }
        lastIOMs = nowMs
        var out: [UInt8] = []
        var pending = 1
        if let auth = settings.masterAuth {
            out += Wire.command([Array("AUTH".utf8)] + (settings.masterUser.map { [$0] } ?? []) + [auth])
            pending += 1
        }
        out += Wire.command("REPLCONF", "capa", "eof", DualChannel.snapshotOption, d.token)
        dual?.phase = .replies(pending: pending)
        return [.log(.notice, "MASTER <-> REPLICA sync: snapshot connection established"), .sendSnapshot(out)]
    }

    /// The snapshot connection failed or was closed by the master.
    public mutating func snapshotClosed(reason: String, nowMs: Int64) -> [ReplicaLinkEffect] {
        guard state == .transfer, let d = dual, d.phase != .loaded else { return [] }
        return dualFailed("the snapshot connection was lost (\(reason))", alreadyClosed: true)
    }

    public mutating func snapshotReceived(_ bytes: [UInt8], nowMs: Int64) -> [ReplicaLinkEffect] {
        guard state == .transfer, dual != nil else { return [] }
        lastIOMs = nowMs
        dual!.input.append(contentsOf: bytes)
        var fx: [ReplicaLinkEffect] = []
        while state == .transfer, let d = dual {
            switch d.phase {
            case .connecting, .loaded:
                return fx
            case .replies(let pending):
                guard let line = Self.takeLine(from: &dual!.input) else { return fx }
                if line.hasPrefix("-") { return fx + dualFailed("the master refused the snapshot connection: \(line)") }
                if pending > 1 {
                    dual!.phase = .replies(pending: pending - 1)
                } else {
                    dual!.phase = .awaitingFullResync
                    fx.append(.sendSnapshot(Wire.command("PSYNC", "?", "-1")))
                }
            case .awaitingFullResync:
                guard let line = Self.takeLine(from: &dual!.input) else { return fx }
                if line.isEmpty { continue }
                let parts = line.split(separator: " ", omittingEmptySubsequences: false)
                guard line.hasPrefix("+FULLRESYNC"), parts.count >= 3, parts[1].utf8.count == 40,
                      let offset = Int64(parts[2].prefix { $0.isNumber || $0 == "-" }) else {
                    return fx + dualFailed("unexpected reply on the snapshot connection: \(line)")
                }
                fullSyncId = String(parts[1])
                fullSyncOffset = offset
                fx.append(.log(.notice, "Full resync from master: \(fullSyncId):\(fullSyncOffset)"))
                dual!.phase = .payload
            case .payload:
                if payload == nil {
                    guard let line = Self.takeLine(from: &dual!.input) else { return fx }
                    switch PayloadFraming.header(line) {
                    case .keepalive:
                        continue
                    case .masterError(let text):
                        return fx + dualFailed("MASTER aborted the snapshot with an error: \(text)")
                    case .badProtocol(let text):
                        return fx + dualFailed("bad protocol on the snapshot connection (we received '\(text)')")
                    case .payload(let form):
                        payload = PayloadFraming(form)
                        switch form {
                        case .eofMark:
                            fx += [.log(.notice, "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk"), .beginPayload(length: nil)]
                        case .length(let n):
                            fx += [.log(.notice, "MASTER <-> REPLICA sync: receiving \(n) bytes from master to disk"), .beginPayload(length: n)]
                        }
                    }
                } else {
                    guard !dual!.input.isEmpty else { return fx }
                    let (rdb, used) = payload!.consume(dual!.input[...])
                    dual!.input.removeFirst(used)
                    if !rdb.isEmpty { fx.append(.appendPayload(rdb)) }
                }
                if payload?.isComplete == true {
                    // Nothing else comes on the snapshot connection. The master
                    // closes it: its close before the master saw the payload
                    // out would read as a lost connection there.
                    dual!.phase = .loaded
                    dual!.input.removeAll()
                    fx += payloadComplete()
                }
            }
        }
        return fx
    }

    /// Gives up this dual-channel attempt: both connections close, the cron
    /// retries with the plain protocol (Redis's full resync).
    mutating func dualFailed(_ why: String, alreadyClosed: Bool = false) -> [ReplicaLinkEffect] {
        plainNextAttempt = true
        if alreadyClosed { dual = nil }
        return [.log(.warning, "Dual-channel sync failed: \(why). Retrying with a plain full resync.")] + cancelHandshake()
    }

    /// One line without its CR LF (a bare LF ends one too), or nil until it is whole.
    static func takeLine(from buffer: inout [UInt8]) -> String? {
        guard let nl = buffer.firstIndex(of: 10) else { return nil }
        var end = nl
        if end > 0 && buffer[end - 1] == 13 { end -= 1 }
        let line = String(decoding: buffer[0..<end], as: UTF8.self)
        buffer.removeFirst(nl + 1)
        return line
    }
}
