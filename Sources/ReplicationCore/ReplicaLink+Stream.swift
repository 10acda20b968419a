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
        let sliceEnd = parsePos + Self.streamSliceBytes
        while state == .connected && parsePos < input.count {
            if parsePos >= sliceEnd {
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
                compactInput()
                return fx
            case .skipped:
                continue
            case .error(let message):
                // The master client is closed on a protocol error, as any client.
                fx.append(.log(.warning, "Protocol error (\(message)) from client: master"))
                fx += linkLost(reconnect: true, nowMs: lastIOMs)
                return fx
            case .command(let argv):
                let raw = Array(input[commandStart..<parsePos])
                commandStart = parsePos
                fx += streamCommand(argv, raw: raw)
            }
        }
        compactInput()
        return fx
    }

    /// Drops the applied bytes once they are at least half of the buffer:
    /// compacting after every slice of a large backlog would copy it over
    /// and over.
    private mutating func compactInput() {
        guard commandStart > 0, commandStart >= input.count - commandStart else { return }
        input.removeFirst(commandStart)
        parsePos -= commandStart
        commandStart = 0
    }

    private mutating func streamCommand(_ argv: [[UInt8]], raw: [UInt8]) -> [ReplicaLinkEffect] {
        var fx: [ReplicaLinkEffect] = []
        let name = argv[0].map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        if name == Array("replconf".utf8) {
            if argv.count >= 2 && argv[1].map({ $0 | 0x20 }) == Array("getack".utf8) && !prePsync {
                // The ACK reports what was applied before this command.
                lastAckMs = lastIOMs
                fx.append(.send(Wire.ack(history.offset)))
            }
        } else {
            fx.append(.apply(argv))
            if name == Array("multi".utf8) { inMulti = true }
            else if name == Array("exec".utf8) || name == Array("discard".utf8) { inMulti = false }
        }
        multiBytes += raw
        if !inMulti {
            history.offset += Int64(multiBytes.count)
            fx.append(.forward(multiBytes))
            multiBytes.removeAll(keepingCapacity: true)
        }
        return fx
    }
}
