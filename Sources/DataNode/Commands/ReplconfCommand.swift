import Protocol
import ServerKit

/// REPLCONF <option> <value> ..., as 7.0's replconfCommand (replication.md §2).
enum ReplconfCommand {
    static let handlers: [String: CommandHandler] = ["replconf": replconf]

    static func replconf(_ s: Server, _ c: Client, _ argv: [[UInt8]]) {
        guard argv.count % 2 == 1 else {
            c.replyError("ERR syntax error")
            return
        }
        var info = s.replication.replconf[c.id] ?? ReplconfAnnouncement()
        defer { s.replication.replconf[c.id] = info }
        var i = 1
        while i < argv.count {
            let option = argv[i], value = argv[i + 1]
            if argEquals(option, "listening-port") {
                guard let port = parseStrictInt64(value) else {
                    c.replyError("ERR value is not an integer or out of range")
                    return
                }
                info.port = Int(port)
            } else if argEquals(option, "ip-address") {
                guard value.count < 256 else {
                    c.replyError("ERR REPLCONF ip-address provided by replica instance is too long: \(value.count) bytes")
                    return
                }
                info.ip = String(decoding: value, as: UTF8.self)
            } else if argEquals(option, "capa") {
                // Unknown capabilities are ignored (a newer replica's).
                if argEquals(value, "eof") { info.capaEof = true }
                if argEquals(value, "psync2") { info.capaPsync2 = true }
                if argEquals(value, "vigil-dual-channel") /* DualChannel.capability */ { info.capaVigilDual = true }
            } else if argEquals(option, "ack") {
                // Never answered; the pairs after it (7.2's FACK) are ignored.
                guard c.flags.contains(.replica), let offset = parseStrictInt64(value) else { return }
                s.replication.replicas.acknowledged(id: c.id, offset: offset, nowMs: s.clock.monotonicMs())
                s.replicaAcknowledgedSnapshot(c)
                return
            } else if argEquals(option, "getack") {
                // Only a replica's master asks for an ACK, on the stream (the link answers it there).
                return
            } else if argEquals(option, "vigil-snapshot") /* DualChannel.snapshotOption */ {
                info.snapshotToken = String(decoding: value, as: UTF8.self)
            } else if argEquals(option, "rdb-only") {
                guard let v = parseStrictInt64(value) else {
                    c.replyError("ERR value is not an integer or out of range")
                    return
                }
                guard v == 0 || v == 1 else {
                    c.replyError("ERR value is out of range, value must between 0 and 1")
                    return
                }
                info.rdbOnly = v == 1
            } else if argEquals(option, "rdb-filter-only") {
                guard let parts = splitArgs(value) else {
                    c.replyError("ERR Missing rdb-filter-only values")
                    return
                }
                switch SnapshotFilter.including(parts) {
                case .success(let f): info.filter = f
                case .failure(let bad):
                    c.replyError("ERR Unsupported rdb-filter-only option: \(bad.word)")
                    return
                }
            } else {
                c.replyError("ERR Unrecognized REPLCONF option: \(String(decoding: option, as: UTF8.self))")
                return
            }
            i += 2
        }
        c.out.ok()
    }
}
