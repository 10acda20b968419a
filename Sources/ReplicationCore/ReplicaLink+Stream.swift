import CoreKit

/// The command stream after the sync (replication.md §5, §6): commands are
/// applied and their bytes credited to the offset once each finishes (a
/// transaction's at its EXEC); GETACK is answered with the offset before it.
extension ReplicaLink {
    mutating func applyStream() -> [ReplicaLinkEffect] {
        var fx: [ReplicaLinkEffect] = []
        while state == .connected && parsePos < input.count {
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

    private mutating func compactInput() {
        guard commandStart > 0 else { return }
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
