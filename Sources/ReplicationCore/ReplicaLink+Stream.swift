import CoreKit

/// The command stream after the sync (replication.md §5, §6): commands are
/// applied and their bytes credited to the offset once each finishes (a
/// transaction's at its EXEC); GETACK is answered with the offset before it.
extension ReplicaLink {
    /// The most stream one call applies. What a dual-channel sync buffered
    /// can be hundreds of megabytes: applied in one go, the main link would
    /// go unread meanwhile and the master's buffer for us would grow by as
    /// much. Past this the shell is asked to continue (`.continueStream`)
    /// after a turn of its event loop.
    public static let streamSliceBytes = 256 * 1024

    /// Applies the next slice of what is buffered (after `.continueStream`).
    public mutating func continueStream(nowMs: Int64) -> [ReplicaLinkEffect] {
        guard state == .connected else { return [] }
        catchingUp = false
        return applyStream()
    }

    /// Whether stream bytes are buffered and not yet applied.
    public var streamPending: Bool { state == .connected && parsePos < input.count }

    mutating func applyStream() -> [ReplicaLinkEffect] {
        var fx: [ReplicaLinkEffect] = []
        // A held command stops the stream until the pause ends (what follows is only buffered).
        if heldCommand != nil { return fx }
        let sliceEnd = parsePos + Self.streamSliceBytes
        while state == .connected && parsePos < input.count {
            if parsePos >= sliceEnd {
                forwardCredited(&fx)
                compactInput()
                catchingUp = true
                fx.append(.continueStream)
                return fx
            }
            let (event, consumed) = input.withUnsafeBytes { p in
                parser.parse(UnsafeRawBufferPointer(rebasing: p[parsePos...]))
            }
            parsePos += consumed
            switch event {
            case .needMore:
                forwardCredited(&fx)
                compactInput()
                return fx
            case .skipped:
                continue
            case .error(let message):
                forwardCredited(&fx)
                // The master client is closed on a protocol error, as any client.
                fx.append(.log(.warning, "Protocol error (\(message)) from client: master"))
                fx += linkLost(reconnect: true, nowMs: lastIOMs)
                return fx
            case .command(let argv):
                if let pause = streamPause, pause.holds(argv, queuedWrite: queuedWrite(pause)) {
                    heldCommand = argv
                    forwardCredited(&fx)
                    compactInput()
                    return fx
                }
                streamCommand(argv, into: &fx)
            }
        }
        forwardCredited(&fx)
        compactInput()
        return fx
    }

    /// The credited bytes not yet forwarded, as one `.forward`: one copy per
    /// call rather than one per command (they lie side by side in `input`),
    /// into a buffer that is reused once the shell has let go of the last
    /// one (a fresh 64 KiB array per read costs page faults).
    private mutating func forwardCredited(_ fx: inout [ReplicaLinkEffect]) {
        guard creditEnd > forwardStart else { return }
        forwardBuffer.removeAll(keepingCapacity: true)
        let (start, end) = (forwardStart, creditEnd)
        input.withUnsafeBytes { forwardBuffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[start..<end])) }
        fx.append(.forward(forwardBuffer))
        forwardStart = creditEnd
        // A big command's room is not kept for the next read's few KiB: the
        // replica would hold it as long as the link lives.
        if forwardBuffer.capacity > Self.keptBufferBytes { forwardBuffer = [] }
    }

    /// The most room `input` and the forward buffer keep once emptied
    /// (a big argument's arrives, is applied, and is given back, as the
    /// master client's query buffer is resized in Redis's clientsCron).
    static let keptBufferBytes = 1 << 20

    /// Drops the forwarded bytes once they are at least half of the buffer:
    /// compacting after every slice of a large backlog would copy it over
    /// and over. An open transaction's bytes stay until its EXEC forwards them.
    private mutating func compactInput() {
        guard forwardStart > 0, forwardStart >= input.count - forwardStart else { return }
        if forwardStart == input.count && input.capacity > Self.keptBufferBytes {
            input = []
        } else {
            input.removeFirst(forwardStart)
        }
        parsePos -= forwardStart
        commandStart -= forwardStart
        creditEnd -= forwardStart
        forwardStart = 0
    }

    private mutating func streamCommand(_ argv: [[UInt8]], into fx: inout [ReplicaLinkEffect]) {
        let name = argv[0]
        if Self.named(name, Self.replconf) {
            if argv.count >= 2 && Self.named(argv[1], Self.getack) && !prePsync {
                // The ACK reports what was applied before this command.
                lastAckMs = lastIOMs
                fx.append(.send(Wire.ack(history.offset)))
            }
        } else {
            fx.append(.apply(argv))
            if Self.named(name, Self.multi) {
                inMulti = true
                queued.removeAll()
            } else if Self.named(name, Self.exec) || Self.named(name, Self.discard) {
                inMulti = false
                queued.removeAll()
            } else if inMulti {
                queued.append(Array(argv.prefix(2)))
            }
        }
        commandStart = parsePos
        if !inMulti {
            history.offset += Int64(parsePos - creditEnd)
            creditEnd = parsePos
        }
    }

    /// Whether the open transaction queued a command a WRITE pause holds (for its EXEC).
    private func queuedWrite(_ pause: StreamPause) -> Bool {
        inMulti && queued.contains { pause.isWrite($0, queuedWrite: false) }
    }

    // MARK: CLIENT PAUSE

    /// CLIENT PAUSE (or a pause widened to ALL): the next command it holds stops the stream.
    public mutating func pauseStream(_ pause: StreamPause) {
        streamPause = pause
    }

    /// The pause ended: the held command runs, then what was buffered behind it.
    public mutating func unpauseStream() -> [ReplicaLinkEffect] {
        streamPause = nil
        guard state == .connected, let argv = heldCommand else { return [] }
        heldCommand = nil
        var fx: [ReplicaLinkEffect] = []
        streamCommand(argv, into: &fx)
        return fx + applyStream()
    }

    /// A command of the stream waits for the pause to end.
    public var streamHeld: Bool { heldCommand != nil }

    private static let replconf = Array("replconf".utf8), getack = Array("getack".utf8)
    private static let multi = Array("multi".utf8), exec = Array("exec".utf8), discard = Array("discard".utf8)

    /// ASCII case-insensitive equality with a lowercase name, without a lowercased copy.
    @inline(__always)
    private static func named(_ arg: [UInt8], _ lower: [UInt8]) -> Bool {
        guard arg.count == lower.count else { return false }
        for i in 0..<arg.count where arg[i] | 0x20 != lower[i] { return false }
        return true
    }
}
